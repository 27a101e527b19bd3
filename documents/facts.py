"""The facts of a text that a rewrite or a translation must keep: numbers, amounts, dates, deadlines, times,
percentages, addresses and named bodies — found mechanically, compared in a form that does not depend on how or in
which of the four languages they are written.

``"14 €"``, ``"14 euros"``, ``"EUR 14"`` and ``"14,00 €"`` are one amount; ``"1er janvier 2026"``, ``"1. Januar
2026"``, ``"January 1st, 2026"`` and ``"01/01/2026"`` are one date; ``"dans un délai de 15 jours"``, ``"innerhalb von
15 Tagen"`` and ``"within fifteen days"`` are one deadline. :func:`kept` says which facts of a source a rewrite kept,
which it lost and which it added (a number in the rewrite that the source does not have was invented).

Why hand-written rather than a library: date parsers (``dateparser``) turn one string into one date but do not
*find* every date, amount and deadline in a text, and none knows Luxembourgish months or deadlines; the rules below
are small, tested (``tests/test_documents_actions.py``) and shared by the four languages. Numeric dates are read day
first (``03/04/2026`` is 3 April), as in Luxembourg.

Pure: no model, no moien core (``moien.documents`` is a domain package).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Literal

from moien.lang import fold

FactKind = Literal["date", "amount", "deadline", "duration", "time", "percent", "number", "contact", "body"]

# -- vocabularies (folded: lower case, no accents) -------------------------------------------------------------------

_MONTHS: dict[str, int] = {}
for _names in (
    "january february march april may june july august september october november december",
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
    "januar februar marz april mai juni juli august september oktober november dezember",
    "januar februar maerz abrell mee juni juli august september oktober november dezember",
):
    for _i, _name in enumerate(_names.split(), 1):
        _MONTHS.setdefault(_name, _i)
_MONTHS["janner"] = 1
#: Full month names; an abbreviation ("mar", "sept") is read as a month only with a year or a dot after it.
_FULL_MONTHS = frozenset(_MONTHS)
_MONTHS.update({"jan": 1, "feb": 2, "fev": 2, "mar": 3, "apr": 4, "avr": 4, "jun": 6, "jul": 7})
_MONTHS.update({"aug": 8, "sep": 9, "sept": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12, "dez": 12})
# Longest first, so "septembre" is not read as "sept".
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))

#: Number words 0–20 and the round tens, per language. "one"/"un"/"ein"/"eng" are articles as often as numbers,
#: so they are read as numbers only inside an amount or a duration ("un délai d'un mois").
_NUMBER_WORDS: dict[str, dict[str, int]] = {
    "en": {},
    "fr": {},
    "de": {},
    "lb": {},
}
for _lang, _words in (
    (
        "en",
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty",
    ),
    (
        "fr",
        "zero un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize dix-sept "
        "dix-huit dix-neuf vingt",
    ),
    (
        "de",
        "null eins zwei drei vier funf sechs sieben acht neun zehn elf zwolf dreizehn vierzehn funfzehn sechzehn "
        "siebzehn achtzehn neunzehn zwanzig",
    ),
    (
        "lb",
        "null eent zwee drai veier fennef sechs siwen aacht neng zeng eelef zwielef dräizeng veierzeng fofzeng "
        "siechzeng siwwenzeng uechtzeng nonzeng zwanzeg",
    ),
):
    for _i, _word in enumerate(_words.split()):
        _NUMBER_WORDS[_lang][fold(_word)] = _i
_NUMBER_WORDS["en"].update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100})
_NUMBER_WORDS["fr"].update({"une": 1, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100})
_NUMBER_WORDS["de"].update({"ein": 1, "eine": 1, "einem": 1, "einen": 1, "einer": 1, "zwo": 2, "dreissig": 30})
_NUMBER_WORDS["de"].update({"vierzig": 40, "funfzig": 50, "sechzig": 60, "hundert": 100})
_NUMBER_WORDS["lb"].update({"een": 1, "eng": 1, "engem": 1, "enger": 1, "zwou": 2, "draiseg": 30, "honnert": 100})
_ALL_NUMBER_WORDS: dict[str, int] = {w: n for table in _NUMBER_WORDS.values() for w, n in table.items()}
#: Number words that are read as numbers on their own (outside an amount or a duration): not the articles, and
#: not "neuf" (also "new") nor "elf" (an English word) nor "null" (German "zero", also "void").
_STANDALONE_EXCLUDED = frozenset({"zero", "null", "un", "une", "one", "ein", "eine", "einem", "einen", "einer"})
_STANDALONE_EXCLUDED |= {"een", "eent", "eng", "engem", "enger", "neuf", "elf", "cent", "hundred", "hundert"}
_NUMWORD_RE = "|".join(sorted((re.escape(w) for w in _ALL_NUMBER_WORDS), key=len, reverse=True))

#: Time units of a duration: the unit's name in the key, the words (folded) that name it.
_UNITS: dict[str, tuple[str, ...]] = {
    "workday": (
        "working days",
        "working day",
        "business days",
        "business day",
        "workdays",
        "workday",
        "jours ouvrables",
        "jour ouvrable",
        "jours ouvres",
        "jour ouvre",
        "jours de travail",
        "werktage",
        "werktagen",
        "werktag",
        "arbeitstage",
        "arbeitstagen",
        "arbeitstag",
        "aarbechtsdeeg",
        "aarbechtsdag",
        "schaffdeeg",
        "schaffdag",
    ),
    "day": ("days", "day", "jours", "jour", "tage", "tagen", "tag", "deeg", "dag"),
    "week": ("weeks", "week", "semaines", "semaine", "wochen", "woche", "wochen", "woch", "wochen"),
    "month": ("months", "month", "mois", "monate", "monaten", "monat", "meint", "mount"),
    "year": ("years", "year", "ans", "an", "annees", "annee", "jahre", "jahren", "jahr", "joer"),
    "hour": ("hours", "hour", "heures", "heure", "stunden", "stunde", "stonnen", "stonn", "stonne"),
}
_UNIT_OF = {word: unit for unit, words in _UNITS.items() for word in words}
_UNIT_RE = "|".join(sorted((re.escape(w) for w in _UNIT_OF), key=len, reverse=True))
#: Words that make a duration a deadline ("within 15 days", "innerhalb von 15 Tagen", "bannent 15 Deeg").
_DEADLINE_RE = (
    r"(?:within|no later than|at the latest|in the next|dans un delai (?:maximum )?(?:de|d')|dans les|sous|"
    r"au plus tard|endeans|innerhalb(?: von)?|binnen|spatestens|innert|bannent|speitstens|"
    r"bannenzeg|an(?:nerhalb)? vun)"
)

#: Currencies: what the key names them, and how texts write them (folded).
_CURRENCIES: dict[str, tuple[str, ...]] = {
    "EUR": ("€", "eur", "euros", "euro", "eiro", "cents d'euro"),
    "CHF": ("chf", "francs suisses", "franken"),
    "USD": ("usd", "us$", "$", "dollars", "dollar"),
    "GBP": ("gbp", "£", "pounds", "pound"),
}
_CURRENCY_OF = {word: code for code, words in _CURRENCIES.items() for word in words}
_CUR_RE = "|".join(sorted((re.escape(w) for w in _CURRENCY_OF), key=len, reverse=True))

#: Words that begin (or, in German and Luxembourgish compounds, end) the name of a public body.
_BODY_HEADS = (
    "ministere|ministry|ministerium|ministaer|ministeier|administration|administratioun|verwaltung|agence|agency|"
    "agentur|caisse|kees|chambre|chamber|kammer|service|office|amt|centre|center|zentrum|zenter|tribunal|cour|court|"
    "gericht|geriicht|conseil|council|rat|inspection|inspektion|inspektioun|direction|direktion|direktioun|"
    "departement|department|institut|institute|fonds|fund|universite|university|universitat|universiteit|commission|"
    "kommission|kommissioun|commissariat|ombudsman|mediateur|haut-commissariat|syndicat|office|bureau|registre|"
    "register|etablissement|observatoire|parquet|police|polizei|gendarmerie|ville|commune|gemeng|gemeinde|stad|"
    "ecole|schoul|schule|lycee|government|gouvernement|regierung|regierung|banque|bank|post|statec"
)
#: Head words that are ordinary nouns in German and Luxembourgish, where every noun is capitalised.
_GENERIC_HEADS = frozenset(
    "post rat amt bank stad ville commune gemeng gemeinde schoul schule ecole lycee service office bureau centre "
    "center zentrum zenter court cour register registre police polizei fund fonds kees".split()
)
#: Bodies named the same in texts of every kind, which no capitalisation rule would find (acronyms are found by form).
_KNOWN_BODIES = (
    "guichet.lu",
    "myguichet.lu",
    "chambre des deputes",
    "chamber of deputies",
    "abgeordnetenkammer",
    "chamberdeputeiert",
    "conseil d'etat",
    "council of state",
    "staatsrat",
    "staatsrot",
    "cour des comptes",
    "court of auditors",
    "rechnungshof",
    "caisse nationale de sante",
    "national health fund",
    "nationale gesundheitskasse",
    "centre commun de la securite sociale",
    "post luxembourg",
    "ville de luxembourg",
    "stad letzebuerg",
)
#: Small words that may sit inside a body's name ("Ministère de l'Éducation nationale", "Ministry of Health").
_CONNECTORS = frozenset(
    "de du des la le l' d' l’ d’ of the for and et und fur vun der die das den dem an a aux au".split()
)
_AND = frozenset({"et", "and", "und", "an"})
_ARTICLES = frozenset({"la", "le", "les", "l'", "l’", "the", "die", "der", "das", "den", "dem", "d'", "d’"})
#: Upper-case words that are not bodies: currencies, units, document formats, roman numerals, moien's own words.
_NOT_ACRONYMS = frozenset(
    "EUR CHF USD GBP PDF URL HTML FAQ OK AI KI IA TVA VAT MWST II III IV VI VII VIII IX XI XII NB PS CV ID NO".split()
)

# -- patterns over the folded text ----------------------------------------------------------------------------------

_NUM = r"\d{1,3}(?:[ \u00a0\u202f.,'’]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]\"']+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})\b(?![.,]?\d)")
_DATE_SHORT = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(?!\d)")  # German "15.09."
_DATE_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:er|re|st|nd|rd|th|e|\.)?\s*(?:of\s+|de\s+)?({_MONTH_RE})\b\.?(?:,?\s+(\d{{4}}))?"
)
_DATE_MONTH_DAY = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*[:h.]\d)(?:,?\s+(\d{{4}}))?")
_DATE_MONTH_YEAR = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{4}})\b")
_PHONE = re.compile(r"(?<![\w/])(?:\+|00)\d{2,3}[ \u00a0./-]?(?:\(0\))?(?:\d[ \u00a0./-]?){5,12}\d(?!\d)")
_AMOUNT_AFTER = re.compile(rf"(?<![\w.,])({_NUM}|{_NUMWORD_RE})(?:,-|\.-)?\s*({_CUR_RE})(?![a-z])")
_AMOUNT_BEFORE = re.compile(rf"(?<![a-z])({_CUR_RE})\s*({_NUM})(?![\d])")
_PERCENT = re.compile(rf"(?<![\w.,])({_NUM})\s*(?:%|pour ?cent|prozent|percent|per cent|prozent)(?![a-z])")
# 8:30, 8h30, 8.30 Uhr, 8 h, 8 Uhr, 8 Auer, 8 am ("8.30" alone is a decimal number).
_TIME = re.compile(
    r"(?<![\d.,])([01]?\d|2[0-3])(?::|h)([0-5]\d)\b|(?<![\d.,])([01]?\d|2[0-3])\.([0-5]\d)\s*(?=uhr|auer|h\b)"
    r"|(?<![\d.,])([01]?\d|2[0-3])\s*(?:h|uhr|auer)\b|(?<![\d.,])(1[0-2]|0?\d)\s*(a|p)\.?m\b\.?"
)
# "8 bis 12 Uhr", "8 à 12 h", "8-12 h": the first hour of a range whose unit is written once, after the second.
_TIME_RANGE_START = re.compile(
    r"(?<![\d.,:])([01]?\d|2[0-3])(?=\s*(?:-|–|bis|a|to|until|till|jusqu'a)\s*(?:[01]?\d|2[0-3])\s*(?:h|uhr|auer)\b)"
)
#: A list's numbering ("1. ", "2) " at the start of a line) is not a fact; "1. September" is.
_LIST_MARK = re.compile(
    rf"^([ \t]*(?:[-*•][ \t]+)?)(\d{{1,2}}[.)])[ \t]+(?!(?:{_MONTH_RE})\b)", re.MULTILINE | re.IGNORECASE
)
_DURATION = re.compile(
    rf"(?:(?P<deadline>{_DEADLINE_RE})\s*(?:(?:de|vun|von|of)\s+|d')?)?"
    rf"(?<![\w.,])(?P<n>{_NUM}|{_NUMWORD_RE})\s+(?P<unit>{_UNIT_RE})\b"
)
_NUMBER = re.compile(rf"(?<![\w])({_NUM})(?![\w])")
_WORD_NUMBER = re.compile(rf"\b({_NUMWORD_RE})\b")


@dataclass(frozen=True)
class Fact:
    """One checkable fact: what kind, how the text writes it, and the language-neutral key it is compared by."""

    kind: FactKind
    #: As written in the text ("dans un délai de 15 jours", "14 euros", "Ministère de la Santé").
    text: str
    #: The key two texts agree on when they state the same fact: "amount:14:EUR", "date:2026-01-01",
    #: "duration:15:day", "body:ministere de la sante".
    key: str
    #: Where it is in the text (start, end), for a caller that highlights it.
    span: tuple[int, int] = (0, 0)

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text, "key": self.key}


@dataclass(frozen=True)
class FactCheck:
    """What a rewrite did with its source's facts."""

    kept: list[Fact] = field(default_factory=list)
    missing: list[Fact] = field(default_factory=list)
    #: Facts of the rewrite the source does not have (numbers, amounts, dates, durations written with digits):
    #: invented, or changed ("15 days" became "14 days").
    added: list[Fact] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every fact kept and none invented."""
        return not self.missing and not self.added

    def to_dict(self) -> dict[str, list[dict[str, str]]]:
        return {
            "kept": [f.to_dict() for f in self.kept],
            "missing": [f.to_dict() for f in self.missing],
            "added": [f.to_dict() for f in self.added],
        }


# -- normalisation ---------------------------------------------------------------------------------------------------


def _number_values(token: str) -> list[str]:
    """The values a number token can mean, most likely first: "1.000" → 1000 (thousands); "1,5" → 1.5;
    "14,00" → 14; "1,250" → 1250 and 1.25 (English thousands, or a decimal comma)."""
    token = token.strip().replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")
    values: list[str] = []
    if re.fullmatch(r"\d{1,3}(?:[ .,']\d{3})+", token):
        values.append(token.replace(" ", "").replace(".", "").replace(",", "").replace("'", ""))
    m = re.fullmatch(r"(\d{1,3}(?:[ .,']\d{3})*|\d+)(?:([.,])(\d+))?", token)
    if m:
        whole = re.sub(r"[ .,']", "", m.group(1)) if m.group(3) else m.group(1)
        if m.group(3) is not None and not re.fullmatch(r"\d{1,3}(?:[ .,']\d{3})+", token):
            whole = re.sub(r"[ .,']", "", m.group(1))
            values.append(_canon(f"{whole}.{m.group(3)}"))
        elif m.group(3) is None:
            values.append(_canon(re.sub(r"[ .,']", "", m.group(1))))
        elif len(m.group(3)) != 3:
            values.append(_canon(f"{whole}.{m.group(3)}"))
        else:  # "1,250" / "1.250": thousands first (above), a decimal second
            values.append(_canon(f"{re.sub(r'[ .,]', '', m.group(1))}.{m.group(3)}"))
    if not values and token in _ALL_NUMBER_WORDS:
        values.append(str(_ALL_NUMBER_WORDS[token]))
    return list(dict.fromkeys(_canon(v) for v in values)) or [token]


def _canon(value: str) -> str:
    """A decimal written the same way whatever the input: "14.00" → "14", "0.50" → "0.5", "007" → "7"."""
    try:
        d = Decimal(value)
    except InvalidOperation:
        return value
    text = format(d.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _number_or_word(token: str) -> list[str]:
    return [str(_ALL_NUMBER_WORDS[token])] if token in _ALL_NUMBER_WORDS else _number_values(token)


def _year(text: str | None) -> str | None:
    if not text:
        return None
    y = int(text)
    return str(2000 + y if y < 70 else 1900 + y if y < 100 else y)


def _date_key(day: int, month: int, year: str | None) -> str | None:
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return f"date:{year}-{month:02d}-{day:02d}" if year else f"date:--{month:02d}-{day:02d}"


# -- extraction ------------------------------------------------------------------------------------------------------


class _Scanner:
    """Finds facts kind by kind, most specific first; a span taken by one fact is not read again by a later rule
    (the "15" of "15 jours" is a duration, not also a number)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = fold(text)
        # fold() keeps every character's position except where a letter decomposes into several: align by
        # folding character by character when lengths differ.
        if len(self.folded) != len(text):
            self.folded = "".join(fold(ch)[:1] or " " for ch in text)
        self.taken = [False] * len(text)
        self.facts: list[Fact] = []

    def free(self, start: int, end: int) -> bool:
        return not any(self.taken[start:end])

    def add(self, kind: FactKind, start: int, end: int, key: str) -> None:
        for i in range(start, end):
            self.taken[i] = True
        self.facts.append(Fact(kind, self.text[start:end].strip(), key, (start, end)))

    def scan(self, pattern: re.Pattern[str], on_original: bool = False) -> Iterable[re.Match[str]]:
        for m in pattern.finditer(self.text if on_original else self.folded):
            if self.free(m.start(), m.end()):
                yield m


def _scan_dates(s: _Scanner) -> None:
    for m in s.scan(_DATE_ISO):
        key = _date_key(int(m.group(3)), int(m.group(2)), m.group(1))
        if key:
            s.add("date", m.start(), m.end(), key)
    for m in s.scan(_DATE_NUMERIC):
        key = _date_key(int(m.group(1)), int(m.group(3)), _year(m.group(4)))
        if key:
            s.add("date", m.start(), m.end(), key)
    for m in s.scan(_DATE_DAY_MONTH):
        key = _date_key(int(m.group(1)), _MONTHS[m.group(2)], m.group(3))
        # "3 mai" is a date, "3 mars" too; "5 mar" could be anything: abbreviations need a year or a dot.
        if key and (m.group(2) in _FULL_MONTHS or m.group(3) or m.group(0).rstrip().endswith(".")):
            # The dot after a full month name ends the sentence ("… on 15 July."): not part of the date.
            end = m.end() - 1 if m.group(2) in _FULL_MONTHS and m.group(0).endswith(".") else m.end()
            s.add("date", m.start(), end, key)
    for m in s.scan(_DATE_MONTH_DAY):
        if m.group(1) not in _FULL_MONTHS or (m.group(1) == "may" and not m.group(3)):
            continue  # "may 15" ("you may 15…") and abbreviations are too ambiguous without a year
        key = _date_key(int(m.group(2)), _MONTHS[m.group(1)], m.group(3))
        if key:
            s.add("date", m.start(), m.end(), key)
    for m in s.scan(_DATE_MONTH_YEAR):
        s.add("date", m.start(), m.end(), f"date:{m.group(2)}-{_MONTHS[m.group(1)]:02d}")
    for m in s.scan(_DATE_SHORT):
        key = _date_key(int(m.group(1)), int(m.group(2)), None)
        if key:
            s.add("date", m.start(), m.end(), key)


def _scan_amounts(s: _Scanner) -> None:
    for m in s.scan(_AMOUNT_AFTER):
        value = _number_or_word(m.group(1))[0]
        cur = _CURRENCY_OF[m.group(2)]
        if m.group(2) == "cents d'euro":
            value = _canon(str(Decimal(value) / 100))
        s.add("amount", m.start(), m.end(), f"amount:{value}:{cur}")
    for m in s.scan(_AMOUNT_BEFORE):
        s.add("amount", m.start(), m.end(), f"amount:{_number_values(m.group(2))[0]}:{_CURRENCY_OF[m.group(1)]}")


def _scan_durations(s: _Scanner, lang: str | None) -> None:
    for m in s.scan(_DURATION):
        n = m.group("n")
        unit = _UNIT_OF[m.group("unit")]
        if m.group("unit") == "an" and lang in ("de", "lb", "en"):
            continue  # French "un an" is a year; German and Luxembourgish "an" is "in"/"and"
        key = f"duration:{_number_or_word(n)[0]}:{unit}"
        s.add("deadline" if m.group("deadline") else "duration", m.start(), m.end(), key)


def _scan_bodies(s: _Scanner, lang: str | None) -> None:
    for name in _KNOWN_BODIES:
        for m in re.finditer(rf"(?<![\w.]){re.escape(name)}(?![\w])", s.folded):
            if s.free(m.start(), m.end()):
                s.add("body", m.start(), m.end(), f"body:{name}")
    # A head word followed by connectors and capitalised words: "Ministère de l'Éducation nationale", "Ministry of
    # Health", "Ministerium für Bildung", "Administration des contributions directes" (the head alone is generic).
    word = r"[\w’'-]+"
    # The words after the head are in a look-ahead, so a head inside another's words is still found.
    for h in re.finditer(rf"\b(?:{_BODY_HEADS})\b(?=((?:\s+{word}){{1,8}}))", s.folded):
        start, stop = h.start(), h.end() + len(h.group(1))
        tokens = list(re.finditer(word, s.text[start:stop]))
        if lang in ("de", "lb") and fold(tokens[0].group(0)) in _GENERIC_HEADS:
            continue  # every German noun has a capital: "per Post an die Gemeinde" names no body
        end = None
        capitals = 0
        previous = ""
        for t in tokens[1:]:
            raw = t.group(0)
            low = fold(raw)
            if (previous in _AND and low in _ARTICLES) or (raw.isupper() and len(raw) > 1):
                break  # "… de la Santé et la CNS": a second body begins (an acronym is one of its own)
            previous = low
            if low in _CONNECTORS:
                continue
            if raw[:1].isupper() or (raw.startswith(("l'", "d'", "l’", "d’")) and raw[2:3].isupper()):
                capitals += 1
                end = start + t.end()
                continue
            # French names go on in lower case after a capital: "de l'Éducation nationale", "des Contributions
            # directes"; one such adjective is kept.
            if capitals and low in ("nationale", "national", "nationales", "directes", "indirectes", "sociale"):
                end = start + t.end()
            break
        head_is_capital = s.text[start : start + 1].isupper()
        if end is not None and (capitals or head_is_capital) and s.free(start, end):
            name = re.sub(r"\s+", " ", s.folded[start:end])
            s.add("body", start, end, f"body:{name}")
    # German and Luxembourgish compounds that name one body: "Bildungsministerium", "Abgeordnetenkammer",
    # "Verwaltungsgericht". Not "Bürgeramt", "Finanzamt", "Gemeindeverwaltung": every town has one, a kind of office
    # that a plain rewrite may call "the office" without losing a fact.
    for m in re.finditer(r"\b[A-ZÄÖÜ][a-zäöüëéè]{2,}(?:ministerium|kammer|gericht|geriicht)\b", s.text):
        if s.free(m.start(), m.end()):
            s.add("body", m.start(), m.end(), f"body:{fold(m.group(0))}")
    # Acronyms of two to six capitals (CNS, ADEM, CCSS, STATEC), on the original text: folding loses the case.
    for m in re.finditer(r"(?<![\w.-])[A-Z][A-Z0-9&]{1,5}(?![\w-])", s.text):
        if m.group(0) not in _NOT_ACRONYMS and s.free(m.start(), m.end()) and not m.group(0).isdigit():
            line_end = s.text.find("\n", m.end())
            line = s.text[s.text.rfind("\n", 0, m.start()) + 1 : line_end if line_end >= 0 else len(s.text)]
            words = re.findall(r"[^\W\d_]{2,}", line)
            if len(words) > 2 and sum(w.isupper() for w in words) > 0.6 * len(words):
                continue  # a heading in capitals: its words are not acronyms
            s.add("body", m.start(), m.end(), f"body:{m.group(0).lower()}")


def facts(text: str, lang: str | None = None, *, any_number_words: bool = False) -> list[Fact]:
    """The facts of ``text`` in reading order. ``lang`` (lb, fr, de, en), when known, limits the number words read
    on their own to that language's (otherwise, or with ``any_number_words``: all four)."""
    # A list's numbering is blanked (same length, so spans still point into ``text``).
    s = _Scanner(_LIST_MARK.sub(lambda m: m.group(1) + " " * len(m.group(2)) + " ", text))
    s.text = text
    for m in s.scan(_URL, on_original=True):
        s.add("contact", m.start(), m.end(), "contact:" + fold(m.group(0).rstrip(".,;:)")))
    for m in s.scan(_EMAIL, on_original=True):
        s.add("contact", m.start(), m.end(), "contact:" + fold(m.group(0)))
    for m in s.scan(_PHONE):
        s.add("contact", m.start(), m.end(), "phone:" + re.sub(r"\D", "", m.group(0)).removeprefix("00"))
    _scan_dates(s)
    _scan_amounts(s)
    for m in s.scan(_PERCENT):
        s.add("percent", m.start(), m.end(), f"percent:{_number_values(m.group(1))[0]}")
    _scan_durations(s, lang)
    for m in s.scan(_TIME_RANGE_START):
        s.add("time", m.start(), m.end(), f"time:{int(m.group(1))}:00")
    for m in s.scan(_TIME):
        g = m.groups()
        if g[0] is not None:
            hour, minute = int(g[0]), g[1]
        elif g[2] is not None:
            hour, minute = int(g[2]), g[3]
        elif g[4] is not None:
            hour, minute = int(g[4]), "00"
        else:
            hour, minute = int(g[5]) % 12 + (12 if g[6] == "p" else 0), "00"
        s.add("time", m.start(), m.end(), f"time:{hour}:{minute}")
    _scan_bodies(s, lang)
    for m in s.scan(_NUMBER):
        s.add("number", m.start(), m.end(), f"number:{_number_values(m.group(1))[0]}")
    words = _ALL_NUMBER_WORDS if any_number_words or lang not in _NUMBER_WORDS else _NUMBER_WORDS[lang or "en"]
    for m in s.scan(_WORD_NUMBER):
        w = m.group(1)
        if w in words and w not in _STANDALONE_EXCLUDED:
            s.add("number", m.start(), m.end(), f"number:{words[w]}")
    return sorted(s.facts, key=lambda f: f.span)


# -- comparison ------------------------------------------------------------------------------------------------------


def _covers(fact: Fact) -> set[str]:
    """Every key ``fact`` also stands for: a dated day also states the day without its year and the month; an
    amount, a duration, a percentage and a time also state their number; a number with a second reading ("1,250")
    states both."""
    keys = {fact.key}
    kind, _, rest = fact.key.partition(":")
    if kind == "date":
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", rest):
            keys |= {f"date:--{rest[5:]}", f"date:{rest[:7]}", f"number:{int(rest[:4])}"}
        elif re.fullmatch(r"\d{4}-\d{2}", rest):
            keys.add(f"number:{int(rest[:4])}")
    elif kind in ("amount", "duration", "percent"):
        keys.add(f"number:{rest.split(':')[0]}")
    if kind == "duration" and rest.endswith(":hour"):
        keys.add(f"time:{rest.split(':')[0]}:00")  # "de 8 à 12 heures" and "8 h – 12 h" state the same hours
    elif kind == "time":
        hour, minute = rest.split(":")
        keys |= {f"number:{hour}", f"duration:{hour}:hour"} if minute == "00" else {f"number:{hour}"}
        if minute != "00":
            keys.add(f"number:{int(minute)}")
    elif kind == "number":
        for value in _number_values(fact.text.lower()):
            keys.add(f"number:{value}")
    if kind == "body":
        keys.add(f"body:{rest}")
    return keys


def _body_kept(fact: Fact, rewrite_folded: str) -> bool:
    """A named body is kept when the rewrite names it: the whole name, or every significant word of it (a
    rewrite may drop an article or inflect a word: the first five letters of each word are compared)."""
    name = fact.key.partition(":")[2]
    if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", rewrite_folded):
        return True
    words = [w for w in re.findall(r"[\w.]+", name) if len(w) > 3 and w not in _CONNECTORS]
    return bool(words) and all(w[:5] in rewrite_folded for w in words)


def _digits(fact: Fact) -> bool:
    return any(ch.isdigit() for ch in fact.text)


def kept(source: str, rewrite: str, lang: str | None = None, rewrite_lang: str | None = None) -> FactCheck:
    """Which facts of ``source`` the ``rewrite`` kept and which it lost, and which facts written with digits (and
    which addresses) it added. A translation is compared across languages (the keys do not depend on the language:
    pass ``rewrite_lang``), but a named body is compared by its words, so a body whose name was translated counts
    as missing: compare bodies only between texts in one language."""
    src = facts(source, lang)
    # The rewrite's number words in any language count ("drei" keeps a "3"); only facts with digits can be added.
    new = facts(rewrite, rewrite_lang or lang, any_number_words=True)
    pool: set[str] = set().union(*(_covers(f) for f in new))
    src_pool: set[str] = set().union(*(_covers(f) for f in src))
    folded = fold(rewrite)
    kept_facts: list[Fact] = []
    missing: list[Fact] = []
    seen: set[str] = set()
    for f in src:
        if f.key in seen:
            continue  # the same fact stated twice is checked once
        seen.add(f.key)
        if f.kind == "body":
            found = _body_kept(f, folded)
        elif f.kind == "number":
            found = bool(_covers(f) & pool)
        else:
            found = f.key in pool
        (kept_facts if found else missing).append(f)
    added: dict[str, Fact] = {}
    for f in new:
        if f.kind == "body" or not (f.kind == "contact" or _digits(f)):
            continue
        known = bool(_covers(f) & src_pool) if f.kind == "number" else f.key in src_pool
        if not known:
            added.setdefault(f.key, f)
    return FactCheck(kept=kept_facts, missing=missing, added=list(added.values()))
