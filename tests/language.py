"""One check of the reply-language policy (issue 12, item 7), shared by the scenarios of every channel.

A reply to a question asked in ``asked`` is right when:
- its text is in the language it is labelled with (``lang``), measured on the text by moien's identifier — never
  Luxembourgish-looking German, never German labelled ``lb``;
- it is in ``asked`` when the model writes that language (``model.writes``) — or when it quotes a source written in
  ``asked`` (an extract, not AI-generated); otherwise it is in the model's fallback language, labelled so, with
  ``requested_lang == asked`` and a one-line notice in ``asked`` that says why;
- a reply written by people (a refusal, "I don't know", an unverified notice) is in ``asked`` itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from moien.assistants.core import i18n
from moien.assistants.core.langid import default_identifier
from moien.lang import lang_name


def check_reply_language(reply: Any, asked: str) -> None:
    """``reply`` is a ``Reply`` or a channel's trust object (a mapping) with the reply text under ``text``."""
    get = reply.get if isinstance(reply, Mapping) else lambda key: getattr(reply, key, None)
    text, lang, kind = str(get("text") or ""), get("lang"), get("kind")
    requested, notice = get("requested_lang"), get("notice")
    assert text.strip(), "the reply is empty"
    if requested:
        assert requested == asked, f"asked in {asked}, reply says it was asked in {requested}"
        assert lang != asked, "a reply in the language asked needs no notice"
        assert notice == i18n.t("written_in", asked, language=lang_name(lang, asked)), notice
    else:
        assert lang == asked, f"labelled {lang}, expected {asked}: {text!r}"
    if kind == "answer" or requested:
        detected = default_identifier().identify(text)
        assert detected.lang == lang, f"the text reads as {detected.lang}, labelled {lang}: {text!r}"


def written_by_the_model(reply: Any) -> bool:
    """Whether ``reply`` should be marked AI-generated: an answer the model wrote — not moien's notice when the
    guardrail retracted one, and not an extract (a source's own sentences, whose notice says so)."""
    get = reply.get if isinstance(reply, Mapping) else lambda key: getattr(reply, key, None)
    if get("kind") != "answer":
        return False
    return get("notice") != i18n.t("extracted", str(get("lang")))
