"""Personal-data redaction validates what it removes (issue 11): checksums, numbering plans, context.

The gold set ``tests/data/pii/pii_eval.tsv`` (lb/fr/de/en, with look-alikes that must stay) is scored by the same
code as ``benchmarks/pii_bench.py``; the thresholds below are what the set supports with room to spare, so a
regression fails here while the exact figures live in the benchmark.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest

from moien.assistants.core.trust import PII_LABELS, iban_is_valid, matricule_is_valid, pii_spans, redact
from moien.lang import LANGS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from pii_bench import _pr, load_gold, score, totals

VALID_LU_IBAN = "LU28 0019 4006 4475 0000"  # the widely published example LU IBAN; mod-97 holds
VALID_MATRICULE = "1985031412382"  # constructed: 1985-03-14, serial 123, Luhn digit 8, Verhoeff digit 2


@pytest.fixture(scope="module")
def gold():
    return load_gold()


def test_the_gold_set_is_large_and_covers_every_language_and_label(gold):
    assert len(gold) >= 200
    assert {lang for lang, _, _ in gold} == set(LANGS)
    labels = {label for _, _, spans in gold for _, _, label in spans}
    assert labels == set(PII_LABELS)
    assert sum(1 for _, _, spans in gold if not spans) >= 80  # look-alikes that must stay readable


@pytest.mark.parametrize("label", PII_LABELS)
def test_precision_and_recall_per_label(gold, label):
    counts, errors = score(gold)
    precision, recall = _pr(totals(counts, label=label))
    assert precision >= 0.95 and recall >= 0.9, "\n".join(e for e in errors if f" {label} " in e)


@pytest.mark.parametrize("lang", LANGS)
def test_precision_and_recall_per_language(gold, lang):
    counts, errors = score(gold)
    precision, recall = _pr(totals(counts, lang=lang))
    assert precision >= 0.95 and recall >= 0.9, "\n".join(e for e in errors if e.split()[1] == lang)


def test_a_valid_iban_is_redacted_in_any_spacing_and_country():
    assert redact(f"Mäin IBAN: {VALID_LU_IBAN}.") == "Mäin IBAN: [IBAN]."
    assert redact("IBAN " + VALID_LU_IBAN.replace(" ", "")) == "IBAN [IBAN]"
    assert redact("Konto DE89 3704 0044 0532 0130 00 bitte") == "Konto [IBAN] bitte"
    # A following four-letter word is not swallowed into the IBAN.
    assert redact(f"{VALID_LU_IBAN} chez moi") == "[IBAN] chez moi"


def test_an_iban_shaped_invoice_number_with_a_wrong_checksum_is_kept_whole():
    text = "Facture LU28 0019 4006 4475 0001"
    assert not iban_is_valid("LU28 0019 4006 4475 0001")
    assert redact(text) == text  # not an IBAN, and its digit groups are not taken for a phone number either


def test_the_matricule_needs_a_real_date_and_the_luhn_digit_unless_a_keyword_says_so():
    assert matricule_is_valid(VALID_MATRICULE)
    assert matricule_is_valid("1985 0314 12382")
    assert not matricule_is_valid("1985031412392")  # Luhn digit wrong
    assert not matricule_is_valid("1985133112382")  # month 13
    assert redact(f"ID {VALID_MATRICULE}") == "ID [MATRICULE]"
    assert redact("Bestellnummer 2024031500120") == "Bestellnummer 2024031500120"  # date-like order number
    # With the keyword, a mistyped matricule is still personal data (the date must still be real).
    assert redact("Matricule 1985 0101 12345") == "Matricule [MATRICULE]"
    assert redact("Matricule 1985 1301 12345") == "Matricule 1985 1301 12345"


@pytest.mark.parametrize(
    "text",
    [
        "+352 621 123 456",
        "00352 621 123 456",
        "(+352) 621 555 111",
        "621 123 456",
        "621123456",
        "26 12 34 56",
        "+49 30 12345678",
        "+33 6 12 34 56 78",
    ],
)
def test_phone_numbers_in_international_and_national_formats(text):
    assert redact(f"Tel. {text}, merci") == "Tel. [PHONE], merci"


@pytest.mark.parametrize(
    "text",
    [
        "Rechnung 2024-00123",
        "Präis 1250 €",
        "am Joer 2024",
        "L-1234 Lëtzebuerg",
        "Cours MA-C3-02",
        "Ticket 88812345",
        "Customer number 55512345",
        "am 03.03.2024 125,50 € bezuelt",
        "de 14.02.2024",
        "SOS Détresse 45 45 45",
        "Kanner-Jugendtelefon 116 111",
    ],
)
def test_look_alikes_and_public_help_lines_stay(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ech si gebuer den 3. Mäerz 1985.", "Ech si gebuer den [BIRTHDATE]."),
        ("Je suis né le 1er janvier 2015.", "Je suis né le [BIRTHDATE]."),
        ("Geboren am 14.07.1992 in Trier.", "Geboren am [BIRTHDATE] in Trier."),
        ("Born on March 12, 1979.", "Born on [BIRTHDATE]."),
        ("Ech sinn den 28.02.1958 gebuer.", "Ech sinn den [BIRTHDATE] gebuer."),
        ("D'Schoul fänkt den 15.09.2025 un.", "D'Schoul fänkt den 15.09.2025 un."),  # a date, not a birth date
    ],
)
def test_dates_of_birth_only_in_context(text, expected):
    assert redact(text) == expected


def test_spans_never_overlap_and_redaction_keeps_the_rest():
    text = f"Mail a.b@c.lu, IBAN {VALID_LU_IBAN}, Tel +352 621 123 456, gebuer den 1.1.1970, ID {VALID_MATRICULE}"
    spans = pii_spans(text)
    assert [label for _, _, label in spans] == ["EMAIL", "IBAN", "PHONE", "BIRTHDATE", "MATRICULE"]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert redact(text) == "Mail [EMAIL], IBAN [IBAN], Tel [PHONE], gebuer den [BIRTHDATE], ID [MATRICULE]"


def test_text_without_digits_or_at_signs_is_returned_unchanged():
    text = "Wéi kann ech mäi Kand an der Schoul umellen?"
    assert redact(text) is text or redact(text) == text
