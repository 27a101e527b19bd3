"""The data that flows through a turn: typed, small, serialisable."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from pydantic import BaseModel, Field, JsonValue

#: Who said something in a conversation, as the model's chat format names them.
Speaker: TypeAlias = Literal["user", "assistant"]

ReplyKind = Literal[
    "answer", "unverified", "no_answer", "invalid_input", "unavailable", "busy", "out_of_scope", "self_harm", "error"
]


class Source(BaseModel):
    """Something an answer rests on: a document chunk, a curriculum item, a heritage record."""

    id: str
    title: str
    uri: str | None = None
    snippet: str = ""


class Attachment(BaseModel):
    """Structured output that comes with a reply, e.g. a lesson plan (data + a Markdown rendering)."""

    type: str
    #: What a program needs (the plan as JSON); every channel serialises it, so it must be JSON data.
    data: dict[str, JsonValue]
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


class Verification(BaseModel):
    """What the answer guardrail found when it checked a generated answer against the sources it was given.

    ``passed`` decides: a failing answer is replaced by an honest reply (kind ``unverified``) that still lists the
    sources. The other fields say why, for the channels' trust fields, ``moien eval`` and the audit log.
    """

    passed: bool
    #: Every ``[n]`` names a source that was given, and the answer cites at least one.
    citations_ok: bool
    #: Share of the sentences that state a fact which a cited passage supports (1.0 when none states a fact).
    supported: float
    #: The sentences no cited passage supports (model output, never the user's message).
    unsupported: list[str] = Field(default_factory=list)
    #: Numbers, dates, amounts, codes and names in the answer that occur in none of the sources.
    missing: list[str] = Field(default_factory=list)


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
    #: The language the user wrote in, when the text is in another one: the model cannot write it reliably
    #: (``model.writes``), so ``lang`` names the language the text really is in, and ``notice`` says why.
    requested_lang: str | None = None
    #: One line moien shows above the answer, in the user's language (e.g. why the answer is in German).
    notice: str | None = None
    session_id: str | None = None
    attachments: list[Attachment] = Field(default_factory=list)
    #: The answer guardrail's finding; ``None`` for replies it does not check (written by people, or an
    #: assistant's own structured answer such as a lesson plan).
    verification: Verification | None = None


@dataclass(frozen=True)
class User:
    """Who is asking, when a channel knows it (single sign-on): an id and the groups the person belongs to.

    Carried into the turn so that an assistant can show each person only what they may read (documents filtered
    by ``groups``). Never stored in session memory and never logged.
    """

    id: str
    groups: tuple[str, ...] = ()


#: One assistant's state in one conversation. Its shape is the assistant's own business (the core only keeps it,
#: bounded, in session memory), so the core types it no further than "a JSON-like mapping".
AssistantState: TypeAlias = dict[str, Any]


@dataclass
class Query:
    """What an assistant receives: the cleaned message and what the core decided about it."""

    text: str
    lang: str
    session_id: str
    #: The conversation so far, redacted, oldest first.
    history: list[tuple[Speaker, str]] = field(default_factory=list)
    #: This assistant's state in this conversation (kept in session memory, bounded, never on disk).
    state: AssistantState = field(default_factory=dict)
    #: The intent the router recognised, when it used the intent classifier.
    intent: str | None = None
    #: The signed-in person, when the channel knows them (``None``: anonymous).
    user: User | None = None
    #: The language the answer will be written in when it is not ``lang``: the model cannot write the user's language
    #: (``model.writes``). An assistant that holds the same text in several languages prefers passages in this one —
    #: a small model asked for German over Luxembourgish passages tends to write Luxembourgish anyway.
    answer_lang: str | None = None


@dataclass(frozen=True)
class Completion:
    """What an assistant's own answer turned out to be, known only once its text has been written.

    The generator behind :attr:`Response.chunks` *returns* it (``return Completion(...)``), so nothing is
    shared or mutated while the answer streams: the core reads it when the stream ends and completes the reply.
    """

    attachments: tuple[Attachment, ...] = ()
    #: The language the answer ended up in; ``None`` keeps the one announced in :attr:`Response.lang`.
    lang: str | None = None
    ai_generated: bool = True


@dataclass(frozen=True)
class Response:
    """An assistant's own answer (instead of the core's free-text one): streamed text, then a :class:`Completion`.

    ``chunks`` yields the text; when it is a generator, its return value (a :class:`Completion`) carries what is
    known only at the end (attachments, the final language). ``lang`` is the reply's language as known before
    the first word, so a channel can label the answer while it streams.

    Frozen: nothing about the answer is changed while it streams (a plain iterator that returns no
    :class:`Completion` gives a reply without attachments).
    """

    chunks: Iterator[str]
    lang: str | None = None
    ai_generated: bool = True
    #: The language the user asked in, when the assistant writes its text in another one (the model's fallback for a
    #: language it does not write): the core labels the reply with both and adds the "written in" notice.
    requested_lang: str | None = None


@dataclass
class Grounding:
    """What an assistant found for a query: the sources and the text the model may use."""

    sources: list[Source]
    #: One self-contained context block per source (title included), same order; the prompt numbers them [1], [2], …
    passages: list[str]
    #: Extra, assistant-specific instructions for the model (the core adds language and citation rules).
    instructions: str = ""
    #: When ``passages`` are another language's version of the sources (the one the model writes, see the
    #: reply-language policy), the sources' text as found, in the user's language, same order; the core may answer
    #: with their own sentences (``extractive``). Empty when the passages are that text.
    quotes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.sources
