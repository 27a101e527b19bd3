"""The contract every assistant plugin fulfils.

An assistant finds what a question rests on (``ground``); the core does everything else — language,
routing, the model, the trust layer — so every assistant gets the same guarantees.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING

from moien.assistants.core.types import Grounding, Query, Response

if TYPE_CHECKING:
    from moien.connectors.llm.runtime import ChatModel


class AssistantUnavailable(RuntimeError):
    """The outside system an assistant needs (a database, an index) cannot be reached right now."""

    def __init__(self, service: str, detail: str = "") -> None:
        super().__init__(f"{service} unavailable: {detail}")
        self.service = service
        self.detail = detail


class Assistant(ABC):
    #: Unique, lower-case name used in the CLI (``--assistant``), the API and the UI.
    name: str = ""
    #: Display order in pickers (lower first).
    order: int = 100
    #: Shown in pickers, per language.
    titles: dict[str, str] = {}
    #: One line on what it can do, per language (listed when a question is out of scope).
    descriptions: dict[str, str] = {}
    #: Longest answer in words (kiosks want short ones): the prompt asks for it and the core cuts the
    #: streamed answer at the last full sentence within it. ``None``: the core's default, uncut.
    max_words: int | None = None
    #: Upper bound on generated tokens for this assistant's answers (``None``: the configured one).
    max_tokens: int | None = None
    #: Service name shown when it is unavailable, per language.
    service_names: dict[str, str] = {}

    @abstractmethod
    def ground(self, query: Query) -> Grounding:
        """Find the sources for ``query``. Raise ``AssistantUnavailable`` if a backing service is down."""

    def respond(self, query: Query, grounding: Grounding, model: ChatModel) -> Response | None:
        """Answer in the assistant's own way (e.g. structured output); ``None`` lets the core answer.

        Called only when ``grounding`` has sources. ``Response.chunks`` is best a generator that yields the text
        and *returns* a ``Completion`` with what only the end knows (attachments, the final language). The core
        streams it like its own answers (same handling of a busy model and of failures, same session memory)
        and still adds the disclosure, the sources and the AI marking to the reply.
        """
        return None

    def instructions(self, lang: str) -> str:
        """Standing instructions for the model, appended to the core's system prompt."""
        return ""

    def nlu_file(self) -> Path | None:
        """Intents and examples in Rasa's nlu.yml format, used for routing."""
        return None

    def nlu_files(self) -> list[Path]:
        """Every ``nlu.yml`` whose intents route to this assistant (default: ``nlu_file()`` alone).

        Override to add intents a deployment brings (the general assistant adds ``rasa.nlu_file``).
        """
        own = self.nlu_file()
        return [own] if own is not None else []

    def gold_sets(self) -> list[Path]:
        """The gold sets ``moien eval`` asks this assistant: ``eval/*.yaml`` beside the module defining the class.

        One file per language by convention (``eval/lb.yaml``…). Override to point elsewhere (a deployment's own
        questions about its own documents); see ``docs/evaluation.md`` for the format.
        """
        return sorted((Path(inspect.getfile(type(self))).parent / "eval").glob("*.yaml"))

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.name

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.descriptions.get("en") or ""

    def service_name(self, lang: str) -> str:
        return self.service_names.get(lang) or self.service_names.get("en") or self.name

    def warm_up(self) -> None:  # noqa: B027  (optional: most assistants load nothing slow)
        """Load what the first question would otherwise wait for (an index, a graph connection).

        A kiosk or an API process calls it at start, so the first visitor does not pay for it.
        """

    def ready(self) -> str | None:
        """``None`` when the assistant can answer now, else what is wrong and what to do (``/readyz`` shows it).

        Cheap and quick: a probe calls it every few seconds (the education assistant checks that Neo4j answers).
        """
        return None

    def close(self) -> None:  # noqa: B027  (optional: most assistants hold nothing to release)
        """Release connections."""
