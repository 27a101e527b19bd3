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


# Phrases that try to override the system prompt. The model is small and easily led; these are refused
# before any retrieval or generation (GOV.UK Chat's jailbreak guardrail plays the same role).
_JAILBREAK = re.compile(
    r"ignore (all |any )?(previous|prior|above) (instructions|rules)|"
    r"ignoriere (alle )?(vorherigen|bisherigen) (anweisungen|regeln)|"
    r"ignore[zr]? (toutes )?les instructions (précédentes|precedentes)|"
    r"ignoréier (all )?(viregt|virdrun) (instruktiounen|uweisungen)|"
    r"(reveal|print|show) (me )?(your|the) system prompt|"
    r"you are now (dan|in developer mode)",
    re.IGNORECASE,
)


def is_jailbreak(text: str) -> bool:
    return bool(_JAILBREAK.search(text))


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
