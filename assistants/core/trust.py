"""The trust layer: clean input, keep personal data out of memory and logs, guard the prompt.

Personal data is redacted before a message is kept in session memory (the model still sees the
current message in full, so it can answer it), and the logging filter below removes message text
from every log record unless ``log_messages`` is switched on.

Redaction validates what it removes (an IBAN's mod-97, the matricule's date and check digit, a phone number's
numbering plan) instead of matching shapes: a look-alike — an invoice number, an order number, a price, a year,
a postcode — stays readable, because an answer about "invoice 2024-00123" is useless once the number is gone.
The precision and recall of this choice are measured on ``tests/data/pii/pii_eval.tsv``
(``benchmarks/pii_bench.py``).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import date

import phonenumbers

# Control characters except tab and newline; Unicode format characters (bidi overrides, zero-width).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t]+")


def clean_message(text: str) -> str:
    """Normalise Unicode (NFC), drop control and invisible format characters, collapse spaces."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


# --- personal data -------------------------------------------------------------------------------------------------

#: The placeholders, in the order the detectors run: an earlier detector's span wins over a later one's.
PII_LABELS = ("EMAIL", "IBAN", "MATRICULE", "PHONE", "BIRTHDATE")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")

# An IBAN as people write it: country, two check digits, then 11–30 letters/digits, compact or in groups of four.
# The shape is only a candidate; ISO 13616 mod-97 decides.
_IBAN_CANDIDATE = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,4})?\b")


def iban_is_valid(candidate: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters become 10..35, the number mod 97 is 1."""
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    if not compact.isalnum() or not compact.isascii():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


# The Luxembourg national identification number ("matricule", 13 digits since 2014): YYYYMMDD, a 3-digit serial,
# then two check digits. Sources: OECD, "Luxembourg – Information on Tax Identification Numbers" (the CRS TIN sheet)
# and Wikipedia "National identification number#Luxembourg" describe digit 12 as Luhn over the first 11 digits and
# digit 13 as Verhoeff over the first 11. Checked against published examples (December 2026): the Luhn digit holds
# for six of seven (five in the tests of the Java library reducktion/socrates, one in an iOS privacy library; the one
# exception is a docstring example in a python-stdnum contribution); the Verhoeff digit does not hold consistently
# for any textbook variant (over 11 or 12 digits), so it is NOT enforced here: a real matricule must never slip
# through because of a doubtful rule. A number is a matricule when its first eight digits are a real date (1900 to
# today) and the Luhn digit matches, or when a matricule keyword precedes it (a mistyped matricule is still personal
# data). Cost of that choice: about one date-shaped 13-digit reference number in ten is redacted too.
_MATRICULE_CANDIDATE = re.compile(r"(?<![\d.,/-])(?:\d[ .-]?){12}\d(?![\d]|[.,/-]\d)")
_MATRICULE_CONTEXT = re.compile(
    r"(matricule|matrikel|sozialversicherungs|sozialversécherungs|s[ée]curit[ée] sociale|social security|"
    r"identifikatiounsnummer|identifikationsnummer|num[ée]ro d.identification|identification number|national id|"
    r"\bcns\b|\bccss\b)[^\d\n]{0,30}$",
    re.IGNORECASE,
)


def _luhn_digit(digits: str) -> int:
    """The Luhn check digit that would follow ``digits``."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def _date_ok(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return 1900 <= year and born <= date.today()


def matricule_is_valid(candidate: str) -> bool:
    """A real birth date in the first eight digits and the Luhn digit in position 12 (see the note above)."""
    digits = re.sub(r"\D", "", candidate)
    if len(digits) != 13 or not _date_ok(int(digits[:4]), int(digits[4:6]), int(digits[6:8])):
        return False
    return _luhn_digit(digits[:11]) == int(digits[11])


def _matricule_date_ok(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    return len(digits) == 13 and _date_ok(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))


# Phone numbers: `phonenumbers` (Google's libphonenumber metadata) decides whether digits are a dialable number in
# Luxembourg's plan (or another country's, with +/00). What it cannot know is the surrounding meaning, so a match is
# dropped when it is a price, a year or a date, a postcode, or follows a reference word (invoice, order, article…).
_PHONE_MIN_DIGITS = 6
# Public help and emergency lines are not anyone's personal data: the self-harm reply names them, and the memory of
# that reply must keep them readable.
_PUBLIC_NUMBERS = frozenset({"454545", "116111", "116000", "116123", "352454545", "352116111"})
_DIGIT_RUN = re.compile(r"\d[\d\s./-]{4,}\d")
_REFERENCE_BEFORE = re.compile(
    r"(rechnung|facture|invoice|bestell|commande|order|referenz|r[ée]f[ée]rence|\bref\b|dossier|aktenzeichen|"
    r"artikel|article|code|customer|\bn[°ºo]\.?|\bnr\.?|nummer\s+(?:vun|der|des)|ticket|kontonummer|client|kunden|kont|"
    r"matricule|sozialversicherungs|\bcns\b)[^\d\n]{0,20}$",
    re.IGNORECASE,
)
_MONEY_AFTER = re.compile(r"^\s?(€|eur\b|euro|euros)", re.IGNORECASE)
_MONEY_BEFORE = re.compile(r"(€|eur|chf|\$)\s?$", re.IGNORECASE)
# Glued to a date or a decimal: "am 03.03.2024 125,50 €" must not become a phone number "2024 125".
_DECIMAL_AROUND = re.compile(r"\d[.,/]#|#[.,]\d")
_DATE_LIKE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{2,4}$|^(?:19|20)\d{2}[-/]\d+$")

# Dates of birth are only personal in context: "né le 3 mars 1985", "gebuer den 03.03.1985", "born on 1985-03-03".
# Month names in the four languages, longest first so that "january" is not cut to "januar".
_MONTHS = "|".join(
    sorted(
        (
            "januar jänner janvier january februar février fevrier february mäerz maerz märz mars march abrëll "
            "abrell april avril mee mai may juni juin june juli juillet july august août aout september "
            "septembre oktober october octobre november novembre dezember décembre decembre december"
        ).split(),
        key=len,
        reverse=True,
    )
)
_DATE = (
    r"(?:\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d{2}\b|(?:19|20)\d{2}-\d{2}-\d{2}\b|"
    r"(?:1er|\d{1,2}(?:st|nd|rd|th)?)\.?\s+(?:of\s+)?(?:" + _MONTHS + r")\.?(?:\s+(?:19|20)\d{2}\b)?|"
    r"(?:" + _MONTHS + r")\s+\d{1,2}(?:st|nd|rd|th)?,?(?:\s+(?:19|20)\d{2}\b)?)"
)
_BIRTH_CONTEXT = (
    r"(?:n[ée]e?\(?e?\)?\s+le|date\s+de\s+naissance|n[ée]e?\s+en|gebuer(?:en)?(?:\s+(?:den|de|am|um))?|"
    r"gebuertsdatum|gebuertsdag|gebuertsdaag|geburtsdatum|geburtstag|geboren(?:\s+(?:am|den))?|"
    r"\bgeb\.(?:\s+(?:am|den))?|born(?:\s+on)?|date\s+of\s+birth|birth\s*date|birthday|\bdob\b|\bddn\b)"
)
_BIRTHDATE = re.compile(
    _BIRTH_CONTEXT + r"\s*(?::|ass|est|ist|is|was|war|wor|:\s*le|den|de|le|am|on)?\s*(?:den|de|der|le|am|on|the)?\s*"
    r"(?P<date>" + _DATE + r")",
    re.IGNORECASE,
)

# The other order, common in Luxembourgish and German: "ech sinn den 28.02.1958 gebuer", "am 3. März 1985 geboren".
_BIRTHDATE_BEFORE = re.compile(r"(?P<date>" + _DATE + r")\s+(?:gebuer|geboren|n[ée]e?)\b", re.IGNORECASE)

Span = tuple[int, int, str]


def _overlaps(start: int, end: int, taken: list[Span]) -> bool:
    return any(start < t_end and t_start < end for t_start, t_end, _ in taken)


def _phone_spans(text: str, taken: list[Span], codes: list[Span]) -> list[Span]:
    """Phone numbers outside ``taken`` (other personal data) and ``codes`` (IBAN-shaped strings that failed mod-97)."""
    found: list[Span] = []
    for match in phonenumbers.PhoneNumberMatcher(text, "LU", leniency=phonenumbers.Leniency.VALID):
        start, end, raw = match.start, match.end, match.raw_string
        international = raw.startswith(("+", "00", "(+"))
        digits = sum(ch.isdigit() for ch in raw)
        if digits < _PHONE_MIN_DIGITS or _overlaps(start, end, taken) or _overlaps(start, end, codes):
            continue
        if re.sub(r"\D", "", raw).removeprefix("00") in _PUBLIC_NUMBERS:
            continue
        # Part of a code such as "MA-C3-021 234 567" or "A12-345678": glued to letters by a hyphen or slash.
        if start > 1 and text[start - 1] in "-/" and text[start - 2].isalnum():
            continue
        if not international:
            before, after = text[max(0, start - 40) : start], text[end : end + 8]
            if _REFERENCE_BEFORE.search(before) or _DATE_LIKE.match(raw.strip()):
                continue
            if _DECIMAL_AROUND.search(before[-2:] + "#" + after[:2]):
                continue
            if _MONEY_AFTER.match(after) or _MONEY_BEFORE.search(before) or before.endswith(("L-", "l-", "L ")):
                continue
        found.append((start, end, "PHONE"))
    return found


def pii_spans(text: str) -> list[Span]:
    """Every validated piece of personal data in ``text`` as (start, end, label), sorted, never overlapping."""
    taken: list[Span] = []
    if "@" in text:
        taken += [(m.start(), m.end(), "EMAIL") for m in _EMAIL.finditer(text)]
    if not any(ch.isdigit() for ch in text):
        return sorted(taken)
    codes: list[Span] = []
    for m in _IBAN_CANDIDATE.finditer(text):
        # A greedy match may have swallowed a following word of four letters ("… 0000 chez"): try shorter prefixes.
        groups = m.group().split(" ")
        for n in range(len(groups), 0, -1):
            candidate = " ".join(groups[:n])
            if iban_is_valid(candidate) and not _overlaps(m.start(), m.start() + len(candidate), taken):
                taken.append((m.start(), m.start() + len(candidate), "IBAN"))
                break
        else:
            codes.append((m.start(), m.end(), "CODE"))
    for m in _MATRICULE_CANDIDATE.finditer(text):
        if _overlaps(m.start(), m.end(), taken):
            continue
        keyword = _MATRICULE_CONTEXT.search(text[max(0, m.start() - 60) : m.start()])
        if matricule_is_valid(m.group()) or (keyword and _matricule_date_ok(m.group())):
            taken.append((m.start(), m.end(), "MATRICULE"))
    for m in (*_BIRTHDATE.finditer(text), *_BIRTHDATE_BEFORE.finditer(text)):
        start, end = m.span("date")
        if not _overlaps(start, end, taken):
            taken.append((start, end, "BIRTHDATE"))
    if _DIGIT_RUN.search(text):
        taken += _phone_spans(text, taken, codes)
    return sorted(taken)


def redact(text: str) -> str:
    """Replace validated personal data (e-mail, IBAN, national id number, phone, date of birth) with placeholders."""
    for start, end, label in reversed(pii_spans(text)):
        text = text[:start] + f"[{label}]" + text[end:]
    return text


# Phrases that try to override the system prompt, pull it out, or switch the assistant into a role without rules. The
# model is small and easily led; these are refused before any retrieval or generation (GOV.UK Chat's jailbreak
# guardrail plays the same role). Until the learned classifier of issue 11 exists this is the only signal; once it
# does, it stays as the second one. The patterns run on ``_jailbreak_views`` of the message: folded (look-alike
# letters, full-width forms, accents and invisible characters gone, see ``fold_for_matching``), punctuation turned
# into spaces, letter-spaced words ("i g n o r e", "i.g.n.o.r.e") joined, and a leetspeak reading ("1gn0re").
# Each group is verbs × objects in lb/fr/de/en; an object needs a qualifier that points at the assistant's own
# instructions ("previous", "your", "system") so that "can I ignore the reminder letter" or "the rules for parking"
# stay ordinary questions. Measured on tests/data/guardrail/ (benchmarks/guardrail_bench.py).
_GAP = r"(?:\w+ ){0,6}?"  # up to six words between a verb and its object
_JB_VERB = (
    r"(?:ignor\w*|disregard\w*|forget|forgot|skip|bypass|override|overrule|discard|set aside|throw away|drop"
    r"|pay no attention to|stop following|no longer follow|do not follow|dont follow"  # en
    r"|oubli\w*|ne tiens? pas compte|ne tenez pas compte|fais abstraction|faites abstraction|laisse tomber"
    r"|passe outre|outrepass\w*|mets de cote"  # fr
    r"|vergiss\w*|vergessen|vergesst|missacht\w*|verwirf|uberschreib\w*|beachte|befolge|ausser kraft|hor auf|hort auf|horen sie auf"  # de
    r"|vergiess\w*|vergeess\w*|kuck net op|hal dech net|halt iech net|looss|loosst)"  # lb
)
_JB_QUALIFIER = (
    r"(?:previous|prior|above|earlier|preceding|initial|original|your|all|any|system|given"  # en
    r"|precedent\w*|ci ?dessus|tes|vos|ton|votre|toutes|initial\w*|anterieur\w*"  # fr
    r"|vorherig\w*|bisherig\w*|obig\w*|deine\w*|ihre\w*|alle\w*|fruher\w*|ursprunglich\w*"  # de
    r"|viregt\w*|virdrun|virdru|deng|dengen|ar|aren|all|fre?ier\w*)"  # lb
)
_JB_OBJECT = (
    r"(?:instructions?|rules|guidelines|directives?|prompt|system prompt|programming|restrictions|constraints"
    r"|guardrails|filters|polic(?:y|ies)|orders"  # en
    r"|consignes?|regles|programmation|limites"  # fr
    r"|anweisung\w*|regeln|vorgaben|richtlinien|befehle|einschrankung\w*|systemprompt"  # de
    r"|instruktioun\w*|reegel\w*|uweisung\w*|virgaben|aschrankung\w*)"  # lb
)
# "everything you were told", "tout ce qu'on t'a dit", "alles, was dir gesagt wurde", "alles wat dir gesot gouf"
_JB_TOLD = (
    r"(?:(?:what|everything|all) (?:you (?:were|have been|ve been) told|(?:they|i) told you|above|before)"
    r"|(?:ce qu ?on t ?a dit|ce qui precede|tout ce qui precede|ce qu ?on vous a dit)"
    r"|(?:was|alles) (?:man )?(?:dir|ihnen) (?:\w+ )?(?:gesagt|vorgegeben)|das obige|alles obige"
    r"|(?:wat|alles) (?:dir|iech) (?:\w+ )?gesot|dat hei uewen)"
)
_JB_ADMIN = (
    r"(?:admin(?!istration|istratioun)\w*|system ?administrat\w*|systemadministrat\w*"
    r"|develop(?:er|ers|peur|peurs)|entwickler\w*|entweckler\w*|operat(?:or|eur)|betreiber\w*|bedreiwer\w*|system)"
)
_JAILBREAK_PATTERNS = (
    # 1. Override: a verb of dropping × the assistant's own instructions, or "everything you were told".
    rf"\b{_JB_VERB} {_GAP}{_JB_QUALIFIER} {_GAP}{_JB_OBJECT}\b(?! (?:for|pour|fur|fir|zum|zur|to) )",
    rf"\b{_JB_VERB} {_GAP}{_JB_TOLD}",
    # French puts the qualifier after the object: "oubliez les règles précédentes", "les consignes ci-dessus".
    rf"\b{_JB_VERB} {_GAP}(?:les|tes|vos|toutes les) {_JB_OBJECT} (?:\w+ )?(?:precedent\w*|ci ?dessus|anterieur\w*"
    rf"|initial\w*)\b",
    r"\bignore (?:the |tout )?(?:above|ci dessus)\b",
    # 2. Authority: "new rule from the administrator", "ADMIN OVERRIDE", "message from the developers", "[system]".
    rf"\b(?:new|updated|nouvelle?|neue[rn]?|nei|neier|neit) (?:rule|instruction|policy|directive|regle|consigne"
    rf"|instruction|regel|anweisung|reegel|instruktioun|uweisung)s? {_GAP}(?:from|of|by|de|du|des|vom|von|vum|vun|der|den)"
    rf" (?:l |the |dem |den |der )?{_JB_ADMIN}",
    rf"\b(?:message|note|notice|instruction|mitteilung|hinweis|anweisung|notiz|uweisung) (?:from|of|de|du|des|vom|von"
    rf"|der|vum|vun|den) (?:l |the |dem |den |der )?{_JB_ADMIN}",
    rf"\b{_JB_ADMIN} (?:override|overrides|message|notice|mode|mitteilung|modus)\b",
    # 3. Extraction: show/repeat × the prompt, "the text above" at the end of a clause, "what were you told".
    r"\b(?:system ?prompt|systemprompt|prompt systeme|initial prompt|initial message|message initial|hidden instructions"
    r"|secret instructions|consignes secretes|geheime\w* anweisungen|geheim\w* instruktioun\w*)\b",
    r"\b(?:repeat|print|show|reveal|output|display|dump|recite|leak|copy|write out|translate|give)\b {_GAP}(?:your"
    r") (?:instructions|rules|guidelines|prompt)\b(?! (?:for|on|about|to) )".replace("{_GAP}", _GAP),
    r"\b(?:affiche|montre|revele|repete|recopie|traduis|donne|ecris)\w* {0,1}(?:moi )?(?:tes|vos) (?:instructions"
    r"|consignes|regles)\b(?! (?:pour|de|du|sur) )",
    r"\b(?:gib|zeig|wiederhol|kopier|ubersetz|nenn|verrat)\w* (?:mir )?(?:deine|ihre) (?:anweisungen|regeln|vorgaben)\b"
    r"(?! (?:zum|zur|fur|uber) )",
    r"\b(?:geff|weis|widderhuel|kopeier|iwwersetz|so)\w* (?:mer |mir )?(?:deng|ar|are) (?:instruktiounen|reegelen"
    r"|uweisungen)\b(?! (?:fir|zum|iwwer) )",
    r"\b(?:text|words|everything|all|lines?|message) (?:above|before this)\b(?= *(?:$|starting|verbatim|word for word"
    r"|exactly|in full|this line|in a code))",
    r"\b(?:everything|all) above this\b|\b(?:texte|tout) ci ?dessus (?:mot|en entier|integralement)\b",
    r"\b(?:recopie|repete|affiche|ecris|traduis|donne)\w* (?:moi )?(?:tout )?ce qui precede\b",
    r"\btext (?:oben|oberhalb)\b|\balles oberhalb\b|\btext hei uewen\b|\balles uewendriwwer\b",
    r"\b(?:what|how) (?:were you|have you been|did they) (?:told|instructed|programmed|tell you)\b",
    r"\bqu ?est ce qu ?on t ?a dit\b|\bquelles sont (?:tes|vos) (?:consignes|instructions)(?: exactes)?\b(?! pour)",
    r"\bwas wurde (?:dir|ihnen) (?:\w+ ){0,4}gesagt\b|\bwie lauten deine (?:genauen )?anweisungen\b",
    r"\bwat gouf (?:dir|iech) (?:\w+ ){0,4}gesot\b|\bwat sinn deng (?:genau )?instruktiounen\b",
    r"\b(?:erste[rn]?|eischter|first|premier) (?:nachricht|noriicht|message) v[ou][mn] system\b",
    # 4. Role play: DAN, developer mode, "pretend you have no rules", "act as my grandmother who…".
    r"\b(?:you are|you re|tu es|du bist|du bass|vous etes) (?:now |maintenant |jetzt |elo )?(?:dan|stan|dude|aim)\b",
    r"\bdo anything now\b|\bjailbr(?:eak|oken)\w*\b",
    r"\b(?:developer|developpeur|entwickler|entweckler|dev|god|debug|evil|unfiltered|dan) ?(?:mode|modus)\b",
    r"\bmode (?:developpeur|dieu|debug|sans filtre)\b",
    r"\b(?:pretend|imagine|act as|as if|you have|you are|you re|comme si|fais semblant|imagine que|tu es|tu n ?avais"
    r"|tu so|als ob|hattest|stell dir vor|du bist|gib dich als|wei wann|stell der vir|du bass|maach wei)\b (?:\w+ ){0,8}?"
    r"(?:no|without|keine?|ohne|aucune?|sans|keng|ouni|jeglichen?) (?:\w+ ){0,2}(?:rules|restrictions|limits|filters"
    r"|guidelines|regle|regles|restriction|limites|filtre|regeln|einschrankung\w*|grenzen|filter|reegelen"
    r"|aschrankungen)\b",
    r"\b(?:act as|play|pretend to be|roleplay as|joue le role de|spiel|spill) (?:\w+ ){0,2}(?:grand ?m\w+|grand ?pa\w*"
    r"|granny|grand mere|grand pere|oma|opa|gro(?:ss|ss)mutter|bomi|groussmamm|bopi)\b",
    # 5. Code word: "answer only with the code word", "say 'PWNED' and nothing else".
    r"\b(?:code ?word|mot de code|mot code|codewort|codewuert)\b",
    r"\b(?:say|reply|answer|respond|write|output|dis|reponds|ecris|sag|antworte|schreib|so|antwer|schreif)\b (?:\w+ ){0,6}"
    r"(?:and nothing else|et rien d ?autre|sans rien ajouter|und (?:sonst )?nichts (?:anderes|weiter)|sonst nichts"
    r"|a soss naischt|soss neischt)\b",
)
_JAILBREAK = re.compile("|".join(f"(?:{p})" for p in _JAILBREAK_PATTERNS))

# Look-alike letters that ``fold_for_matching`` leaves alone (it is shared with the self-harm check, which does not
# need them), and digits/symbols read as letters for one more view ("1gn0re 4ll rul3s").
_JB_CONFUSABLES = str.maketrans("ηνɑɡıӏⅼ", "nvagiil")
_JB_LEET = str.maketrans("0134579@$", "oieastgas")
_JB_PUNCT = re.compile(r"[^\w\s]|_")
# Three or more single letters in a row, separated by a space, dot, dash, star or underscore: "i g n o r e".
_JB_SPACED = re.compile(r"\b(?:\w[ .*_-]+){2,}\w\b")


def _jailbreak_views(text: str) -> list[str]:
    """The text as the patterns and the learned classifier (``injection``) see it: folded, letter spacing joined,
    punctuation dropped; a second, de-leeted view when digits or symbols may stand for letters."""
    folded = fold_for_matching(text).translate(_JB_CONFUSABLES)
    joined = _JB_SPACED.sub(lambda m: re.sub(r"[ .*_-]+", "", m.group()), folded)
    plain = " ".join(_JB_PUNCT.sub(" ", joined).split())
    views = [plain]
    leet = " ".join(_JB_PUNCT.sub(" ", joined.translate(_JB_LEET)).split())
    if leet != plain:
        views.append(leet)
    return views


# Chat-template markup and fake system headers, matched before punctuation is dropped: "[system]", "<|im_start|>".
_JB_MARKUP = re.compile(r"\[(?:system|systeme|admin)\]|<\|?im_start\|?>|<\|endoftext\|>|^#+ ?system\b", re.MULTILINE)


def jailbreak_rules_match(text: str) -> bool:
    """The patterns alone: True for an attempt to override, extract or role-play around the system prompt, in
    lb/fr/de/en, also when it is disguised with look-alike letters, invisible characters, full-width forms or letter
    spacing. The input guardrail's hard signal (``moien.assistants.core.injection``)."""
    if _JB_MARKUP.search(fold_for_matching(text)):
        return True
    return any(_JAILBREAK.search(view) for view in _jailbreak_views(text))


def is_jailbreak(text: str) -> bool:
    """True when the input guardrail refuses ``text``: the patterns above or the learned classifier (see
    ``moien.assistants.core.injection.input_verdict``, which also says which signal fired and the score)."""
    # Imported here: injection builds on this module's folding and patterns.
    from moien.assistants.core.injection import input_verdict

    return input_verdict(text).is_attack


# --- self-harm -----------------------------------------------------------------------------------------------------

# Look-alike letters from other scripts that people (and attackers) type instead of Latin ones.
_CONFUSABLES = str.maketrans(
    "аеорсухіјѕԁԛԝмнтвкАЕОРСУХІЈЅМНТВКοαειкνρτυχΟΑΕΙΚΝΡΤΥΧ’‘`´",
    "aeopcyxijsdqwmhtbkAEOPCYXIJSMHTBKoaeiknptuxOAEIKNPTYX''''",
)


def fold_for_matching(text: str) -> str:
    """Lower-case ASCII-ish text for pattern checks: compatibility forms, look-alike letters, accents and invisible
    characters folded away, so "Ｓuісіdе", "sui\u200bcide" and "Suizid" all reach the patterns as plain words."""
    text = unicodedata.normalize("NFKD", text.translate(_CONFUSABLES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf")
    return " ".join(text.casefold().split())


# Explicit first-person statements of suicidal intent or self-harm, in lb/fr/de/en, matched on folded text.
# Conservative on purpose: a topic word alone ("suicide rate", "Selbstmord im Roman") is not a statement, and
# figures of speech ("je meurs de faim", "this traffic is killing me", "mourir de rire") are not matched.
_SELF_HARM = re.compile(
    r"|".join(
        (
            # English
            r"\b(kill|hurt|harm|cut|hang|shoot|poison) (my ?self|meself)\b",
            r"\b(end|take) (my|my own) life\b",
            r"\b(i|i'm|im|i am) (going|gonna) to die by suicide\b",
            r"\b(want|wanna|going|gonna|plan|planning|thinking about|think about|thought about) "
            r"(to )?(commit(ting)? )?(suicide|kill(ing)? myself|end(ing)? it all|die)\b(?! (of|from|laughing))",
            r"\bi ?('d| would) (rather|be better off) (be )?dead\b|\bbetter off dead\b",
            r"\b(i'?m|i am|feel|feeling) suicidal\b|\bsuicidal (thoughts|feelings)\b",
            r"\b(don'?t|do not) want to (live|be alive|wake up)( anymore| any more)?\b",
            r"\bno (reason|point) (to go on|in living|to live)\b",
            r"\bself[- ]?harm(ing)?\b(?! (policy|statistics|rate))",
            # French
            r"\bme (suicider|tuer|pendre|faire du mal|scarifier|mutiler|taillader)\b",
            r"\bmettre fin a (mes jours|ma vie)\b|\ben finir avec (la|ma) vie\b|\ben finir une bonne fois\b",
            r"\b(envie|besoin) de mourir\b(?! de)|\b(je )?veux mourir\b(?! de)",
            r"\b(je ne veux|je veux) plus vivre\b|\bplus envie de vivre\b|\bpas envie de vivre\b",
            r"\bidees? (suicidaires|noires)\b|\bje suis suicidaire\b|\bpense(r)? au suicide\b",
            # German
            r"\bmich (umbringen|toten|ritzen|erhangen|aufhangen|selbst verletzen|selbst umbringen)\b",
            r"\bmir (das leben nehmen|etwas antun|was antun|selbst weh tun|selbst wehtun)\b",
            r"\bselbstmord (begehen|machen)\b|\bsuizid (begehen|machen)\b|\bsuizidgedanken\b|\bbin suizidal\b",
            r"\b(will|mochte|moechte) (?:(?:nur|noch|einfach|jetzt|bald) )*sterben\b(?! vor)|\bnicht mehr leben\b|\blebensmude\b",
            r"\bselbstverletzung\b(?! (statistik|rate))",
            # Luxembourgish
            r"\bmech (embrengen|ombrengen|embreng|ritzen|ophenken|selwer verletzen|selwer emmbrengen)\b",
            r"\bmir (d'?liewen huelen|eppes undoen|selwer wei doen)\b",
            r"\bmai liewen (ophalen|en enn maachen|beenden)\b|\bmengem liewen en enn\b",
            r"\b(well|wollt|mengen) (?:(?:nach|just|einfach|elo|geschwenn) )*stierwen\b(?! vu)|\bnet mei liewen\b",
            r"\bsuizidgedanken\b|\bselbstmordgedanken\b|\bsellefmord\b",
        )
    )
)


def is_self_harm(text: str) -> bool:
    """True for an explicit statement of suicidal intent or self-harm: the reply is then a caring one with
    Luxembourg's help lines (``i18n`` key ``self_harm``), never "I don't know" or a refusal."""
    return bool(_SELF_HARM.search(fold_for_matching(text)))


class NoMessageTextFilter(logging.Filter):
    """Strip the ``message_text`` extra from log records unless explicitly allowed."""

    def __init__(self, allow: bool = False) -> None:
        super().__init__()
        self.allow = allow

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "message_text") and not self.allow:
            record.message_text = "[not logged]"
        return True


def configure_logging(allow_message_text: bool = False, level: int = logging.INFO) -> None:
    logger = logging.getLogger("moien")
    if not any(isinstance(f, NoMessageTextFilter) for f in logger.filters):
        logger.addFilter(NoMessageTextFilter(allow_message_text))
    logger.setLevel(level)
    # The driver logs every retry of an unreachable server as a warning; the reply already says it.
    logging.getLogger("neo4j").setLevel(logging.ERROR)
