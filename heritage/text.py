"""Text normalisation shared by enrichment and search: words, names and stop words of four languages.

Accent folding itself is :func:`moien.lang.fold` (one definition for every layer).
"""

from __future__ import annotations

import re

from moien.lang import fold, fold_nocache

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Function words of lb/fr/de/en (and question words): they carry no topic, in records or in questions.
STOPWORDS = frozenset(
    """
    a about after all also an and any are as at be been before but by can could did do does during each for
    from had has have he her here his how i if in into is it its made me more my no not of on or our over
    show shows tell than that the their them then there these they this those to under up was we were what
    when where which while who whom why will with you your please know something anything object objects
    au aux avec ce ces cet cette dans de des du elle elles en entre est et etait il ils je la le les leur
    leurs lui mais me meme mes moi mon ne nos notre nous on ou par pas peut plus pour quand que quel quelle
    quelles quels qui sa sans se ses son sont sur ta te tes toi ton tu un une vers vos votre vous comment
    combien montre montrez moi dis dites voir avez avait ete fait sous aussi ou est-ce
    aber alle als am an auch auf aus bei bin bis da damit das dass dem den der des die dies diese dieser
    dieses du durch ein eine einem einen einer eines er es fur gibt hat hatte ich ihr im in ist ja kann mit
    nach nicht noch oder sein seine sich sie sind so uber um und uns unter vom von vor was wann warum
    wer wie wo wurde zu zum zur zeig zeige zeigen mir mehr etwas gegen ohne
    ass bass bei dat datt de dee deen dem den der dës dese desen deser déi dir do ech een eis eng engem enger
    et gett gëtt hei hu hunn huet iech ier mam mat mir mäi méi nach net och op sech si sinn sou vum vun
    wat wéi wéini wou wien ze zu zënter iwwer ënner aus fir keen keng eppes weess weis weist erzielt erziel
    mech dann ginn kann kënnt hues hutt waren gouf goufen vu un em ëm hir säi seng sengem hire ären är hien
    elo mol nëmmen vill wéivill firwat wisou gëss kanns kënnen do dës dësen weider soen sot gesinn gesäit
    """.split()
)


_FOLDED_STOP = frozenset(fold_nocache(w) for w in STOPWORDS)


def tokens(text: str, *, keep_stopwords: bool = False, min_len: int = 2) -> list[str]:
    words = _WORD.findall(fold_nocache(text))
    if keep_stopwords:
        return [w for w in words if len(w) >= min_len]
    return [w for w in words if len(w) >= min_len and w not in _FOLDED_STOP]


def name_key(name: str) -> str:
    """A person's name, order-free: ``Schmit, Marie`` and ``Marie Schmit`` give the same key."""
    return " ".join(sorted(_WORD.findall(fold_nocache(name))))


def is_stopword(word: str) -> bool:
    return fold(word) in _FOLDED_STOP
