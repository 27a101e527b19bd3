"""Education levels: the Luxembourg school system, and how other systems' grades map onto it.

Enseignement fondamental: cycles 1–4 (C1 = éducation précoce and préscolaire, C2–C4 two years each).
Enseignement secondaire: classes 7e (first year) to 1re (last year) in two orders —
ESC (enseignement secondaire classique, classes written 7C…1C, sections A–I in 2e/1re) and
ESG (enseignement secondaire général: 7G–5G voie d'orientation, 7P–5P voie de préparation, then
4G–1G by division/section). A generic class level (``7e`` … ``1re``) sits above its ESC/ESG variants so a
curriculum that applies to both orders can say so once.

The ESG track list is a demo approximation of the MENJE nomenclature; extend ``ESG_TRACKS`` or import
Level nodes of your own where you need the exact list. Nothing else in moien depends on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Level:
    code: str
    order: int  # position in the progression: C1 = 1 … C4 = 4, 7e = 5 … 1re = 11; equal across tracks of one year
    stage: str  # fondamental | secondaire | ESC | ESG | other
    names: dict[str, str]
    track: str | None = None
    variant_of: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    next: tuple[str, ...] = field(default_factory=tuple)


def _names(fr: str, de: str, en: str, lb: str) -> dict[str, str]:
    return {"fr": fr, "de": de, "en": en, "lb": lb}


_CLASSES = ["7e", "6e", "5e", "4e", "3e", "2e", "1re"]
_CLASS_DE = ["7.", "6.", "5.", "4.", "3.", "2.", "1."]
ESC_SECTIONS = {
    "A": ("langues vivantes", "lebende Sprachen", "modern languages", "lieweg Sproochen"),
    "B": (
        "mathématiques-informatique",
        "Mathematik-Informatik",
        "mathematics and computer science",
        "Mathematik-Informatik",
    ),
    "C": (
        "sciences naturelles-mathématiques",
        "Naturwissenschaften-Mathematik",
        "natural sciences and mathematics",
        "Naturwëssenschaften-Mathematik",
    ),
    "D": (
        "sciences économiques-mathématiques",
        "Wirtschaftswissenschaften-Mathematik",
        "economics and mathematics",
        "Wirtschaftswëssenschaften-Mathematik",
    ),
    "E": ("arts plastiques", "bildende Kunst", "visual arts", "bildend Konscht"),
    "F": ("sciences musicales", "Musik", "music", "Musek"),
    "G": (
        "sciences humaines et sociales",
        "Human- und Sozialwissenschaften",
        "humanities and social sciences",
        "Human- a Sozialwëssenschaften",
    ),
    "I": (
        "informatique et communication",
        "Informatik und Kommunikation",
        "computer science and communication",
        "Informatik a Kommunikatioun",
    ),
}
ESG_TRACKS = {
    "GCG": (
        "division administrative et commerciale",
        "Verwaltungs- und Handelsabteilung",
        "administration and commerce",
        "Verwaltungs- a Commerce-Divisioun",
    ),
    "GSN": ("sciences naturelles", "Naturwissenschaften", "natural sciences", "Naturwëssenschaften"),
    "GSO": (
        "professions de santé et sociales",
        "Gesundheits- und Sozialberufe",
        "health and social professions",
        "Gesondheets- a Sozialberuffer",
    ),
    "GIG": ("informatique", "Informatik", "computer science", "Informatik"),
    "GAR": ("arts", "Kunst", "arts", "Konscht"),
}


def _build() -> dict[str, Level]:
    out: dict[str, Level] = {}
    cycles = [
        (
            "C1",
            1,
            3,
            6,
            _names(
                "Cycle 1 (précoce et préscolaire)",
                "Zyklus 1 (Früherziehung und Vorschule)",
                "Cycle 1 (early childhood and preschool)",
                "Zyklus 1 (Précoce a Spillschoul)",
            ),
        ),
        ("C2", 2, 6, 8, _names("Cycle 2", "Zyklus 2", "Cycle 2", "Zyklus 2")),
        ("C3", 3, 8, 10, _names("Cycle 3", "Zyklus 3", "Cycle 3", "Zyklus 3")),
        ("C4", 4, 10, 12, _names("Cycle 4", "Zyklus 4", "Cycle 4", "Zyklus 4")),
    ]
    for i, (code, order, a, b, names) in enumerate(cycles):
        nxt: tuple[str, ...] = (cycles[i + 1][0],) if i + 1 < len(cycles) else ("7e",)
        out[code] = Level(code, order, "fondamental", names, age_min=a, age_max=b, next=nxt)
    for i, cls in enumerate(_CLASSES):
        order = 5 + i
        age = 12 + i
        n = cls[:-1] if cls != "1re" else "1"
        nxt = (_CLASSES[i + 1],) if i + 1 < len(_CLASSES) else ()
        out[cls] = Level(
            cls,
            order,
            "secondaire",
            _names(f"Classe de {cls}", f"{_CLASS_DE[i]} Klasse", f"Year {cls}", f"{_CLASS_DE[i]} Klass"),
            age_min=age,
            age_max=age + 1,
            next=nxt,
        )
        # ESC: 7C … 1C, with sections in 2e and 1re
        esc = f"{n}C"
        out[esc] = Level(
            esc,
            order,
            "ESC",
            _names(
                f"{cls} ESC (classique)",
                f"{_CLASS_DE[i]} Klasse ESC (klassisch)",
                f"Year {cls} ESC (classical)",
                f"{_CLASS_DE[i]} Klass ESC (klassesch)",
            ),
            track="C",
            variant_of=cls,
            age_min=age,
            age_max=age + 1,
            next=(f"{_CLASSES[i + 1][:-1] if _CLASSES[i + 1] != '1re' else '1'}C",) if nxt else (),
        )
        if cls in ("2e", "1re"):
            for sec, (fr, de, en, lb) in ESC_SECTIONS.items():
                code = f"{n}C-{sec}"
                out[code] = Level(
                    code,
                    order,
                    "ESC",
                    _names(
                        f"{cls} ESC section {sec} ({fr})",
                        f"{_CLASS_DE[i]} Klasse ESC Sektion {sec} ({de})",
                        f"Year {cls} ESC section {sec} ({en})",
                        f"{_CLASS_DE[i]} Klass ESC Sektioun {sec} ({lb})",
                    ),
                    track=sec,
                    variant_of=esc,
                    age_min=age,
                    age_max=age + 1,
                    next=("1C-" + sec,) if cls == "2e" else (),
                )
        # ESG: orientation (G) and preparation (P) in 7e–5e, then G by division/section
        if cls in ("7e", "6e", "5e"):
            for track, fr, de, en, lb in (
                ("G", "voie d'orientation", "Orientierungsweg", "orientation track", "Orientéierungswee"),
                ("P", "voie de préparation", "Vorbereitungsweg", "preparatory track", "Preparatiounswee"),
            ):
                code = f"{n}{track}"
                nn = {"7e": "6", "6e": "5", "5e": "4"}[cls]
                out[code] = Level(
                    code,
                    order,
                    "ESG",
                    _names(
                        f"{cls} ESG ({fr})",
                        f"{_CLASS_DE[i]} Klasse ESG ({de})",
                        f"Year {cls} ESG ({en})",
                        f"{_CLASS_DE[i]} Klass ESG ({lb})",
                    ),
                    track=track,
                    variant_of=cls,
                    age_min=age,
                    age_max=age + 1,
                    next=(f"{nn}{track}" if cls != "5e" or track == "G" else "4G",),
                )
        else:
            code = f"{n}G"
            out[code] = Level(
                code,
                order,
                "ESG",
                _names(f"{cls} ESG", f"{_CLASS_DE[i]} Klasse ESG", f"Year {cls} ESG", f"{_CLASS_DE[i]} Klass ESG"),
                track="G",
                variant_of=cls,
                age_min=age,
                age_max=age + 1,
                next=(f"{int(n) - 1}G",) if n != "1" else (),
            )
            for tr, (fr, de, en, lb) in ESG_TRACKS.items():
                tcode = f"{n}G-{tr}"
                out[tcode] = Level(
                    tcode,
                    order,
                    "ESG",
                    _names(
                        f"{cls} ESG {tr} ({fr})",
                        f"{_CLASS_DE[i]} Klasse ESG {tr} ({de})",
                        f"Year {cls} ESG {tr} ({en})",
                        f"{_CLASS_DE[i]} Klass ESG {tr} ({lb})",
                    ),
                    track=tr,
                    variant_of=code,
                    age_min=age,
                    age_max=age + 1,
                    next=(f"{int(n) - 1}G-{tr}",) if n != "1" else (),
                )
    return out


#: Every Luxembourg level, by code.
LEVELS: dict[str, Level] = _build()

#: Other systems' grade names → Luxembourg level codes (US/CEDS grade codes as CASE uses them, UK key
#: stages, ISCED levels, French and German class names). Keys are compared case- and space-insensitively.
LEVEL_ALIASES: dict[str, tuple[str, ...]] = {
    "pk": ("C1",),
    "kg": ("C1",),
    "k": ("C1",),
    "preschool": ("C1",),
    "précoce": ("C1",),
    "préscolaire": ("C1",),
    "01": ("C2",),
    "02": ("C2",),
    "03": ("C3",),
    "04": ("C3",),
    "05": ("C4",),
    "06": ("C4",),
    "07": ("7e",),
    "08": ("6e",),
    "09": ("5e",),
    "10": ("4e",),
    "11": ("3e",),
    "12": ("2e",),
    "13": ("1re",),
    "ks1": ("C2",),
    "ks2": ("C3", "C4"),
    "ks3": ("7e", "6e", "5e"),
    "ks4": ("4e", "3e"),
    "ks5": ("2e", "1re"),
    "isced0": ("C1",),
    "isced1": ("C2", "C3", "C4"),
    "isced2": ("7e", "6e", "5e"),
    "isced3": ("4e", "3e", "2e", "1re"),
    "cycle1": ("C1",),
    "cycle2": ("C2",),
    "cycle3": ("C3",),
    "cycle4": ("C4",),
    "zyklus1": ("C1",),
    "zyklus2": ("C2",),
    "zyklus3": ("C3",),
    "zyklus4": ("C4",),
    "cp": ("C2",),
    "ce1": ("C2",),
    "ce2": ("C3",),
    "cm1": ("C3",),
    "cm2": ("C4",),
    "6ème": ("7e",),
    "5ème": ("6e",),
    "4ème": ("5e",),
    "3ème": ("4e",),
    "seconde": ("3e",),
    "première": ("2e",),
    "terminale": ("1re",),
    "klasse1": ("C2",),
    "klasse2": ("C2",),
    "klasse3": ("C3",),
    "klasse4": ("C3",),
    "klasse5": ("C4",),
    "klasse6": ("C4",),
    "klasse7": ("7e",),
    "klasse8": ("6e",),
    "klasse9": ("5e",),
    "klasse10": ("4e",),
    "1ère": ("1re",),
    "1er": ("1re",),
    "1e": ("1re",),
}
_KEY = re.compile(r"[\s_\-.]+")


def _key(value: str) -> str:
    return _KEY.sub("", value.strip().lower())


_BY_KEY = {_key(c): c for c in LEVELS}


def resolve_level(value: str) -> tuple[str, ...]:
    """Luxembourg level codes for ``value`` (a code, a grade of another system…); () if unknown."""
    if value in LEVELS:
        return (value,)
    k = _key(value)
    if k in _BY_KEY:
        return (_BY_KEY[k],)
    return LEVEL_ALIASES.get(k, ())


def level_rows() -> list[dict[str, Any]]:
    """The catalogue as rows for an ``UNWIND … MERGE`` (names flattened to name_fr…)."""
    return [
        {
            "code": lv.code,
            "order": lv.order,
            "stage": lv.stage,
            "track": lv.track,
            "variant_of": lv.variant_of,
            "age_min": lv.age_min,
            "age_max": lv.age_max,
            "next": list(lv.next),
            **{f"name_{lang}": name for lang, name in lv.names.items()},
        }
        for lv in LEVELS.values()
    ]
