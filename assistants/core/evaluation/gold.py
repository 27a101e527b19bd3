"""Gold sets: the questions ``moien eval`` asks, with what a good reply contains.

Each assistant ships its own, one YAML file per language, found through :meth:`Assistant.gold_sets`
(``assistants/<name>/eval/<lang>.yaml`` for the built-in ones). A file is a list of items::

    - id: general-lb-01
      question: "Wéi vill kascht eng nei Identitéitskaart?"
      lang: lb
      expect:
        sources: [identity-card]      # a reply source matches when its id CONTAINS this string
        facts: ["14", [zéng, "10"]]   # each must appear in the reply; a list gives alternatives
        behaviour: answer             # answer | no_answer (should say it does not know) | refuse

Source ids are matched by substring so a gold set survives a change of id scheme (``identity-card.fr.md`` today,
``demo/identity-card.fr.md#2`` tomorrow): name the document stem, the item code or the record id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from moien.lang import LANGS

if TYPE_CHECKING:
    from moien.assistants.core.assistant import Assistant

Behaviour = Literal["answer", "no_answer", "refuse"]
#: A fact the reply must contain: one string, or a list of alternatives (any one counts).
Fact = str | list[str]


class GoldError(ValueError):
    """A gold set cannot be read; the message names the file, the item and what to fix."""


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[str] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    behaviour: Behaviour = "answer"

    @field_validator("facts")
    @classmethod
    def _facts_not_empty(cls, facts: list[Fact]) -> list[Fact]:
        for fact in facts:
            alternatives = [fact] if isinstance(fact, str) else fact
            if not alternatives or not all(str(a).strip() for a in alternatives):
                raise ValueError("a fact (or one of its alternatives) is empty")
        return facts


class GoldItem(BaseModel):
    """One question of a gold set."""

    model_config = ConfigDict(extra="forbid")

    id: str
    question: str
    lang: str
    expect: Expect
    #: The assistant whose gold set holds the item (filled in by the loader, not written in the file).
    assistant: str = ""

    @field_validator("lang")
    @classmethod
    def _known_lang(cls, lang: str) -> str:
        if lang not in LANGS:
            raise ValueError(f"lang must be one of {', '.join(LANGS)}")
        return lang

    @model_validator(mode="after")
    def _answer_has_expectations(self) -> GoldItem:
        if self.expect.behaviour == "answer" and not (self.expect.sources or self.expect.facts):
            raise ValueError("an item with behaviour 'answer' needs expected sources or facts")
        return self


def load_gold(path: Path, assistant: str) -> list[GoldItem]:
    """The items of one gold-set file, validated; raises :class:`GoldError` naming the file and the item."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GoldError(f"{path}: cannot be read as YAML ({exc}); fix the file.") from exc
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise GoldError(f"{path}: must be a list of items (- id: …, question: …), not a {type(raw).__name__}.")
    items: list[GoldItem] = []
    for n, entry in enumerate(raw, 1):
        label = entry.get("id", f"item {n}") if isinstance(entry, dict) else f"item {n}"
        try:
            items.append(GoldItem.model_validate({**entry, "assistant": assistant}))
        except (ValidationError, TypeError) as exc:
            raise GoldError(f"{path}: {label}: {_first_error(exc)}") from exc
    return items


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {first['msg']}" if where else str(first["msg"])
    return "must be a mapping (id, question, lang, expect)"


def gold_items(
    assistants: Mapping[str, Assistant], names: Iterable[str] = (), langs: Iterable[str] = ()
) -> list[GoldItem]:
    """Every gold item of the chosen assistants (all when ``names`` is empty) in the chosen languages.

    Raises :class:`GoldError` for an unknown assistant, an unknown language or a duplicated item id.
    """
    chosen = list(names) or list(assistants)
    unknown = [n for n in chosen if n not in assistants]
    if unknown:
        raise GoldError(f"unknown assistant {', '.join(unknown)}: installed are {', '.join(assistants) or 'none'}.")
    wanted = set(langs)
    if bad := sorted(wanted - set(LANGS)):
        raise GoldError(f"unknown language {', '.join(bad)}: use {', '.join(LANGS)}.")
    items: list[GoldItem] = []
    seen: dict[tuple[str, str], Path] = {}
    for name in chosen:
        for path in assistants[name].gold_sets():
            for item in load_gold(path, name):
                key = (name, item.id)
                if key in seen:
                    raise GoldError(f"{path}: id {item.id} is used twice (also in {seen[key]}); give it another id.")
                seen[key] = path
                if not wanted or item.lang in wanted:
                    items.append(item)
    return items


def stratified(items: list[GoldItem], per_cell: int) -> list[GoldItem]:
    """At most ``per_cell`` items per assistant × language, taking the behaviours in turn (answer, no_answer,
    refuse, answer…) and each behaviour's items in file order, so a small subset still covers what it can."""
    cells: dict[tuple[str, str], dict[str, list[GoldItem]]] = {}
    for item in items:
        cells.setdefault((item.assistant, item.lang), {}).setdefault(item.expect.behaviour, []).append(item)
    chosen: set[int] = set()
    for by_behaviour in cells.values():
        queues = [list(by_behaviour.get(b, [])) for b in ("answer", "no_answer", "refuse")]
        taken = 0
        while taken < per_cell and any(queues):
            for queue in queues:
                if queue and taken < per_cell:
                    chosen.add(id(queue.pop(0)))
                    taken += 1
    return [item for item in items if id(item) in chosen]
