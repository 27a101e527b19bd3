"""Free-text dates in French, German, Luxembourgish and English → a year interval and EDTF.

Hand-written on purpose: the libraries that parse dates (dateparser, dateutil) read modern calendar
dates, not what catalogues write — "vers 1905", "um 1920", "ëm 1905", "XIXe siècle", "Ende des
19. Jahrhunderts", "1950er Joren", "entre 1925 et 1930", "1780-90" — and none knows Luxembourgish; the
``edtf`` package only reads EDTF itself. Each rule below names itself in the result, so a curator
sees why a date was read the way it was.

EDTF (Library of Congress, Extended Date/Time Format, ISO 8601-2) is produced where a form exists:
``1905``, ``1905-05``, ``1905-05-01``, ``1905~`` (about), ``1905?`` (uncertain), ``192X`` (a decade),
``18XX`` (a century, read as 1800–1899 as catalogues do), ``1890/1899`` (an interval), ``../1899``
(before). The interval in years is always given, for filtering and "same period" links.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from moien.lang import fold_nocache

METHOD = "date-rules"
VERSION = "1"


@dataclass(frozen=True)
class DateInterval:
    start_year: int
    end_year: int
    edtf: str
    rule: str
    confidence: float
    approximate: bool = False
    uncertain: bool = False
    precision: str = "year"  # day | month | year | decade | century | interval

    def label(self) -> str:
        return str(self.start_year) if self.start_year == self.end_year else f"{self.start_year}–{self.end_year}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _fold(text: str) -> str:
    """:func:`moien.lang.fold`, then every kind of dash as ``-`` and runs of spaces as one (what the rules read)."""
    text = fold_nocache(text)  # dates are rarely repeated: not worth a place in the shared cache
    text = text.replace("–", "-").replace("—", "-").replace("‐", "-")
    return " ".join(text.split())


MONTHS = {
    # fr
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
    # de
    "januar": 1,
    "janner": 1,
    "februar": 2,
    "marz": 3,
    "april": 4,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "dezember": 12,
    # lb
    "maerz": 3,
    "abrell": 4,
    "mee": 5,
    # en
    "january": 1,
    "february": 2,
    "march": 3,
    "may": 5,
    "june": 6,
    "july": 7,
    "october": 10,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "okt": 10,
    "nov": 11,
    "dec": 12,
    "dez": 12,
}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
    "xi": 11,
    "xii": 12,
    "xiii": 13,
    "xiv": 14,
    "xv": 15,
    "xvi": 16,
    "xvii": 17,
    "xviii": 18,
    "xix": 19,
    "xx": 20,
    "xxi": 21,
}

UNDATED = re.compile(
    r"^(s\.?\s?d\.?|sans date|o\.?\s?j\.?|ohne (jahr|datum)|undated|n\.?\s?d\.?|ouni datum|"
    r"unbekannt|inconnue?|unknown|onbekannt)$"
)
CIRCA = r"(?:vers|env\.?|environ|um|ca\.?|circa|c\.|gegen|em|around|about|approx\.?|approximately|autour de)"
BEFORE = r"(?:avant|vor|virun|before|prior to|bis)"
AFTER = r"(?:apres|nach|no|after|since|depuis|seit|zanter)"
RANGE_WORDS = [
    r"entre\s+(?:l'an\s+)?(\d{3,4})\s+et\s+(\d{2,4})",
    r"zwischen\s+(\d{3,4})\s+und\s+(\d{2,4})",
    r"(?:tesch(?:ent)?|tuschent)\s+(\d{3,4})\s+an\s+(\d{2,4})",
    r"between\s+(\d{3,4})\s+and\s+(\d{2,4})",
    r"(?:from|de|von|vun)\s+(\d{3,4})\s+(?:to|a|bis|until|jusqu'en)\s+(\d{2,4})",
    r"(\d{3,4})\s*(?:-|/|bis|to|a|au|an)\s*(\d{2,4})",
]
CENTURY = re.compile(
    r"(?:(?P<mod>debut|commencement|anfang|ufank|early|beginning of|begin|milieu|mitte|mett|mid|middle of|"
    r"fin|ende|enn|late|end of|premiere moitie|erste halfte|eischt halschent|first half|seconde moitie|"
    r"deuxieme moitie|zweite halfte|zweet halschent|second half)(?:\s+(?:du|des|vum|vun|of the|of|d'|de la))?\s*)?"
    r"(?:(?P<num>\d{1,2})\s*(?:e|eme|er|re|th|st|nd|rd|\.)?|(?P<roman>[ivx]{1,5})\s*(?:e|eme|er|\.)?)\s*"
    r"(?:-\s*)?(?:siecle|jahrhunderts?|jh\.?|joerhonnert|joerhonnerts|century|s\.)"
)
DECADE = re.compile(
    r"(?:(?:les\s+)?annees|the|d')?\s*(\d{3})0\s*(?:er(?:\s*(?:jahre|joren))?|s|'s)\b|annees\s+(\d{3})0\b"
)


def _year(s: str, ref: int | None = None) -> int:
    y = int(s)
    if ref is not None and len(s) == 2:  # "1780-90" → 1790
        y = ref // 100 * 100 + y
    return y


def _century(num: int, mod: str | None) -> tuple[int, int, str]:
    start = (num - 1) * 100
    if not mod:
        return start, start + 99, "century"
    if mod in ("debut", "commencement", "anfang", "ufank", "early", "beginning of", "begin"):
        return start, start + 33, "century-early"
    if mod in ("milieu", "mitte", "mett", "mid", "middle of"):
        return start + 33, start + 66, "century-mid"
    if mod in ("fin", "ende", "enn", "late", "end of"):
        return start + 66, start + 99, "century-late"
    if mod in ("premiere moitie", "erste halfte", "eischt halschent", "first half"):
        return start, start + 49, "century-first-half"
    return start + 50, start + 99, "century-second-half"


def parse_date(text: str) -> DateInterval | None:
    """The interval a free-text date stands for, or ``None`` when it cannot be read."""
    if not text or not text.strip():
        return None
    t = _fold(text).strip(" .,;[]()")
    if UNDATED.match(t):
        return None

    # EDTF / ISO 8601 as given
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?([~?%]?)", t)
    if m and (not m[2] or 1 <= int(m[2]) <= 12) and (not m[3] or 1 <= int(m[3]) <= 31):
        y, mo, d, q = int(m[1]), m[2], m[3], m[4]
        approx, unsure = q in ("~", "%"), q in ("?", "%")
        prec = "day" if d else "month" if mo else "year"
        lo, hi = (y - 5, y + 5) if approx else (y, y)
        return DateInterval(lo, hi, text.strip(), "iso", 1.0 if not q else 0.9, approx, unsure, prec)
    if m := re.fullmatch(r"(\d{4})(?:-\d{2}){0,2}/(\d{4})(?:-\d{2}){0,2}", t):
        a, b = int(m[1]), int(m[2])
        if a <= b:
            return DateInterval(a, b, text.strip(), "edtf-interval", 1.0, precision="interval")
    if m := re.fullmatch(r"\.\./(\d{4})", t):
        b = int(m[1])
        return DateInterval(b - 50, b, t, "edtf-open-start", 0.6, approximate=True, precision="interval")
    if m := re.fullmatch(r"(\d{3})x", t):
        return DateInterval(int(m[1]) * 10, int(m[1]) * 10 + 9, m[1] + "X", "edtf-decade", 1.0, precision="decade")
    if m := re.fullmatch(r"(\d{2})xx", t):
        return DateInterval(
            int(m[1]) * 100, int(m[1]) * 100 + 99, m[1] + "XX", "edtf-century", 1.0, precision="century"
        )

    # a numeric day: 2.5.1936, 02/05/1936
    if m := re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", t):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return DateInterval(y, y, f"{y:04d}-{mo:02d}-{d:02d}", "numeric-day", 0.95, precision="day")
    # 1er mai 1923 · 1. Mai 1923 · 2 May 1936 · May 2, 1936
    if m := re.search(rf"\b(\d{{1,2}})(?:er|\.|st|nd|rd|th)?\s+({_MONTH_RE})\.?\s+(\d{{4}})\b", t):
        d, mo, y = int(m[1]), MONTHS[m[2]], int(m[3])
        if 1 <= d <= 31:
            return DateInterval(y, y, f"{y:04d}-{mo:02d}-{d:02d}", "day-month-year", 0.95, precision="day")
    if m := re.search(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", t):
        mo, d, y = MONTHS[m[1]], int(m[2]), int(m[3])
        if 1 <= d <= 31:
            return DateInterval(y, y, f"{y:04d}-{mo:02d}-{d:02d}", "month-day-year", 0.95, precision="day")
    if m := re.fullmatch(rf"(?:{CIRCA}\s+)?({_MONTH_RE})\.?\s+(\d{{4}})", t):
        mo, y = MONTHS[m[1]], int(m[2])
        return DateInterval(y, y, f"{y:04d}-{mo:02d}", "month-year", 0.95, precision="month")

    # centuries, with "early/mid/late/first half…" in four languages
    if m := CENTURY.search(t):
        num = int(m["num"]) if m["num"] else ROMAN.get(m["roman"] or "", 0)
        if 1 <= num <= 21:
            lo, hi, rule = _century(num, m["mod"])
            edtf = f"{num - 1:02d}XX" if rule == "century" else f"{lo}/{hi}"
            return DateInterval(
                lo, hi, edtf, rule, 0.85 if m["mod"] else 0.9, approximate=bool(m["mod"]), precision="century"
            )

    # decades: années 1920, 1920er Jahre, 1950er Joren, 1920s
    if m := DECADE.search(t):
        dec = int(m[1] or m[2]) * 10
        return DateInterval(dec, dec + 9, f"{dec // 10}X", "decade", 0.95, precision="decade")

    # before / after / about a year
    if m := re.fullmatch(rf"{BEFORE}\s+(\d{{4}})", t):
        y = int(m[1])
        return DateInterval(y - 50, y - 1, f"../{y - 1}", "before", 0.6, approximate=True, precision="interval")
    if m := re.fullmatch(rf"{AFTER}\s+(\d{{4}})", t):
        y = int(m[1])
        return DateInterval(y + 1, y + 50, f"{y + 1}/..", "after", 0.6, approximate=True, precision="interval")
    if m := re.fullmatch(rf"{CIRCA}\s*(\d{{4}})\s*(\??)", t):
        y = int(m[1])
        return DateInterval(
            y - 5, y + 5, f"{y}{'%' if m[2] else '~'}", "circa", 0.9, approximate=True, uncertain=bool(m[2])
        )

    # ranges in words or with a dash/slash
    for pattern in RANGE_WORDS:
        if m := re.search(rf"(?:^|\b){pattern}(?:\b|$)", t):
            a = _year(m[1])
            b = _year(m[2], a)
            if 100 <= a <= b <= 2100 and len(m[1]) >= 3:
                return DateInterval(a, b, f"{a}/{b}", "range", 0.95, precision="interval")

    # a year with a question mark
    if m := re.fullmatch(r"(\d{4})\s*\?", t):
        y = int(m[1])
        return DateInterval(y, y, f"{y}?", "uncertain-year", 0.8, uncertain=True)

    # last resort: years mentioned in running text
    years = [int(y) for y in re.findall(r"\b(1[0-9]\d\d|20[0-2]\d)\b", t)]
    if len(years) == 1:
        return DateInterval(years[0], years[0], str(years[0]), "year-in-text", 0.6)
    if years:
        lo, hi = min(years), max(years)
        return DateInterval(lo, hi, f"{lo}/{hi}", "years-in-text", 0.5, precision="interval")
    return None
