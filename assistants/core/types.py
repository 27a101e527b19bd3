"""The data that flows through a turn: typed, small, serialisable."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

ReplyKind = Literal["answer", "no_answer", "invalid_input", "unavailable", "busy", "out_of_scope", "error"]


class Source(BaseModel):
    """Something an answer rests on: a document chunk, a curriculum item, a heritage record."""

    id: str
    title: str
    uri: str | None = None
    snippet: str = ""


class Attachment(BaseModel):
    """Structured output that comes with a reply, e.g. a lesson plan (data + a Markdown rendering)."""

    type: str
    data: dict
    markdown: str | None = None


@dataclass(frozen=True)
class Download:
    """A file a person can save for an attachment (a lesson plan as Word, say), made by the plugin that owns it.

    Channels render it their own way (a download button in Streamlit, a link over HTTP); none of them needs to
    know what a lesson plan is.
    """

    #: The button's or link's label, already in the interface language.
    label: str
    data: bytes
    file_name: str
    mime: str


class Reply(BaseModel):
    """What every channel (CLI, Streamlit, HTTP, Rasa) gets back for one turn."""

    text: str
    lang: str
    sources: list[Source] = Field(default_factory=list)
    ai_generated: bool = True
    model: str
    disclosure: str | None = None
    assistant: str | None = None
    kind: ReplyKind = "answer"
    lang_reason: str = ""
    session_id: str | None = None
    attachments: list[Attachment] = Field(default_factory=list)


@dataclass
class Query:
    """What an assistant receives: the cleaned message and what the core decided about it."""

    text: str
    lang: str
    session_id: str
    history: list[tuple[str, str]] = field(default_factory=list)  # (role, text), oldest first
    #: This assistant's state in this conversation (kept in session memory, bounded, never on disk).
    state: dict = field(default_factory=dict)
    #: The intent the router recognised, when it used the intent classifier.
    intent: str | None = None


@dataclass
class Response:
    """An assistant's own answer (instead of the core's free-text one): streamed text + attachments.

    ``chunks`` is consumed by the core; ``attachments``, ``lang`` and ``ai_generated`` may be set while it
    runs (the core reads them when the stream ends).
    """

    chunks: Iterator[str]
    attachments: list[Attachment] = field(default_factory=list)
    lang: str | None = None
    ai_generated: bool = True


@dataclass
class Grounding:
    """What an assistant found for a query: the sources and the text the model may use."""

    sources: list[Source]
    #: One self-contained context block per source (title included), same order; the prompt numbers them [1], [2], …
    passages: list[str]
    #: Extra, assistant-specific instructions for the model (the core adds language and citation rules).
    instructions: str = ""

    @property
    def empty(self) -> bool:
        return not self.sources
