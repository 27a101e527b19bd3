"""A ministry's glossary: the terms it wants translated one way, in Luxembourgish, French, German and English.

The file is a CSV a ministry keeps in a spreadsheet: a header naming the columns ``lb``, ``fr``, ``de``, ``en`` (in
any order, any case; other columns such as ``note`` are ignored), one term a row. A cell may give accepted variants
after the preferred form, separated by ``|`` (``Personalausweis|Ausweis``): the first is the one a translation is
told to use, any of them counts as used. An empty cell: the ministry has no term in that language. Commas or
semicolons separate the cells (a spreadsheet saved in French or German uses semicolons); UTF-8, with or without the
byte-order mark a spreadsheet adds.

A file that cannot be read raises :class:`GlossaryError`, whose message names the line (and the column) and says
what to fix — the whole file is refused rather than some rows silently skipped.

:meth:`Glossary.find` gives the terms a text uses, :meth:`Glossary.check` whether a translation used the
ministry's terms for them. Terms are matched whole-word, without regard to case or accents, allowing the endings
of plural and case (``Personalausweises``, ``cartes d'identité``).

Pure: no model, no moien core.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from moien.lang import LANGS, fold

#: Endings a term may take in a text and still be the term (plural, German and Luxembourgish case endings).
_ENDINGS = r"(?:s|es|x|e|en|n|er|ern|ns)?"


class GlossaryError(ValueError):
    """A glossary file moien cannot use; the message names the line and column and says what to do."""


@dataclass(frozen=True)
class Term:
    """One row of the glossary: the term in each language the ministry gives, variants after the preferred form."""

    #: The line of the file it was read from (for messages).
    line: int
    forms: dict[str, tuple[str, ...]]

    def preferred(self, lang: str) -> str | None:
        forms = self.forms.get(lang)
        return forms[0] if forms else None

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, **{lang: list(forms) for lang, forms in self.forms.items()}}


@dataclass(frozen=True)
class TermUse:
    """A glossary term found in a source text and what a translation should say for it."""

    term: Term
    #: As the source writes it.
    source: str
    #: The ministry's term in the target language (its preferred form); ``None``: the glossary has none.
    target: str | None

    def to_dict(self) -> dict[str, object]:
        return {"source": self.source, "target": self.target, "line": self.term.line}


@dataclass(frozen=True)
class GlossaryCheck:
    """Whether a translation used the ministry's terms for the terms of its source."""

    used: list[TermUse] = field(default_factory=list)
    missing: list[TermUse] = field(default_factory=list)
    #: Terms of the source for which the glossary gives nothing in the target language (nothing to check).
    no_target: list[TermUse] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing

    def to_dict(self) -> dict[str, list[dict[str, object]]]:
        return {
            "used": [u.to_dict() for u in self.used],
            "missing": [u.to_dict() for u in self.missing],
            "no_target": [u.to_dict() for u in self.no_target],
        }


def _pattern(form: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in fold(form).split()]
    # Each word may take an ending; the apostrophe of "carte d'identité" may be typed ’.
    body = r"\s+".join(w + _ENDINGS for w in words).replace("'", "['’]")
    return re.compile(rf"(?<![\w-]){body}(?![\w-])")


@dataclass
class Glossary:
    terms: list[Term]
    #: Where it was read from (for messages), if from a file.
    path: Path | None = None
    _patterns: dict[tuple[int, str], list[re.Pattern[str]]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.terms)

    def _compiled(self, index: int, lang: str) -> list[re.Pattern[str]]:
        key = (index, lang)
        if key not in self._patterns:
            self._patterns[key] = [_pattern(f) for f in self.terms[index].forms.get(lang, ())]
        return self._patterns[key]

    def find(self, text: str, lang: str) -> list[tuple[Term, str]]:
        """The terms ``text`` (written in ``lang``) uses, each once, in the order they first occur, with the form
        the text writes. A longer term wins over a shorter one inside it ("carte d'identité" over "carte")."""
        folded = fold(text)
        if len(folded) != len(text):  # keep positions aligned with the text (rare ligatures)
            folded = "".join(fold(ch)[:1] or " " for ch in text)
        hits: list[tuple[int, int, int]] = []  # start, end, term index
        for i in range(len(self.terms)):
            for pattern in self._compiled(i, lang):
                hits.extend((m.start(), m.end(), i) for m in pattern.finditer(folded))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        taken_until = -1
        found: dict[int, tuple[Term, str]] = {}
        for start, end, i in hits:
            if start < taken_until:
                continue
            taken_until = end
            found.setdefault(i, (self.terms[i], text[start:end]))
        return list(found.values())

    def uses(self, text: str, lang: str, target: str) -> list[TermUse]:
        """The terms of ``text`` with what a translation into ``target`` should say for each."""
        return [TermUse(term, written, term.preferred(target)) for term, written in self.find(text, lang)]

    def check(self, source: str, source_lang: str, translation: str, target_lang: str) -> GlossaryCheck:
        """Which terms of ``source`` the ``translation`` rendered by the ministry's term (any accepted form)."""
        used: list[TermUse] = []
        missing: list[TermUse] = []
        no_target: list[TermUse] = []
        folded = fold(translation)
        for use in self.uses(source, source_lang, target_lang):
            if use.target is None:
                no_target.append(use)
                continue
            index = self.terms.index(use.term)
            if any(p.search(folded) for p in self._compiled(index, target_lang)):
                used.append(use)
            else:
                missing.append(use)
        return GlossaryCheck(used=used, missing=missing, no_target=no_target)


def parse_glossary(text: str, name: str = "glossary") -> Glossary:
    """A glossary from the CSV ``text`` (see the module docstring); ``name`` is how messages name the file."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise GlossaryError(f"{name} is empty: the first line must name the columns, e.g. 'lb,fr,de,en'.")
    header_line = next(i for i, line in enumerate(lines) if line.strip())
    first = lines[header_line]
    delimiter = ";" if first.count(";") > first.count(",") else ("\t" if "\t" in first and "," not in first else ",")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise GlossaryError(
            f"{name}, line {reader.line_num}: {exc} (a quote opened and not closed?). Fix that line and load it again."
        ) from exc
    header_index = next(i for i, row in enumerate(rows) if any(c.strip() for c in row))
    header = [c.strip().lower() for c in rows[header_index]]
    columns: dict[str, int] = {}
    for col, label in enumerate(header, 1):
        if label in LANGS:
            if label in columns:
                raise GlossaryError(
                    f"{name}, line {header_line + 1}: the column '{label}' appears twice (columns "
                    f"{columns[label] + 1} and {col}); keep one."
                )
            columns[label] = col - 1
    if len(columns) < 2:
        found = ", ".join(repr(c) for c in header if c) or "nothing"
        raise GlossaryError(
            f"{name}, line {header_line + 1}: the header must name at least two of the columns lb, fr, de, en "
            f"(found {found}); the first line should read e.g. 'lb{delimiter}fr{delimiter}de{delimiter}en'."
        )
    terms: list[Term] = []
    # csv.reader's rows do not say their line; count the physical lines each row took (a quoted cell may span
    # several) by re-reading row by row.
    line_numbers = _row_lines(text, delimiter)
    for row, line in zip(rows[header_index + 1 :], line_numbers[header_index + 1 :]):
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
            raise GlossaryError(
                f"{name}, line {line}: {len(row)} cells but the header names {len(header)} columns (a "
                f"'{delimiter}' inside a term? put the term in double quotes)."
            )
        forms: dict[str, tuple[str, ...]] = {}
        for lang, index in columns.items():
            cell = row[index].strip() if index < len(row) else ""
            variants = tuple(v.strip() for v in cell.split("|") if v.strip())
            if cell and not variants:
                raise GlossaryError(
                    f"{name}, line {line}, column {index + 1} ({lang}): '{cell}' holds no term; write the term, "
                    "variants after it separated by '|'."
                )
            if variants:
                forms[lang] = variants
        if len(forms) < 2:
            only = next(iter(forms), None)
            raise GlossaryError(
                f"{name}, line {line}: "
                + (f"only the column '{only}' is filled" if only else "no term in any language column")
                + "; a glossary row pairs a term in at least two of lb, fr, de, en."
            )
        terms.append(Term(line=line, forms=forms))
    if not terms:
        raise GlossaryError(f"{name} has a header but no term: add one term a line below it.")
    return Glossary(terms)


def _row_lines(text: str, delimiter: str) -> list[int]:
    """The line each CSV row starts on (1-based), as a spreadsheet numbers them."""
    starts: list[int] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    line = 1
    for _ in reader:
        starts.append(line)
        line = reader.line_num + 1
    return starts


def load_glossary(path: Path | str) -> Glossary:
    """Read a glossary file (see the module docstring); :class:`GlossaryError` says what is wrong with it."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise GlossaryError(f"There is no glossary file {path}: check the path.") from exc
    except OSError as exc:
        raise GlossaryError(f"The glossary file {path} cannot be read: {exc.strerror}.") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GlossaryError(
            f"{path.name}, line {line}: not UTF-8 text. Save the file as 'CSV UTF-8' in your spreadsheet and load "
            "it again."
        ) from exc
    glossary = parse_glossary(text, path.name)
    glossary.path = path
    return glossary
