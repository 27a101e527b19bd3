"""A prompt that always fits the model's context, whatever an assistant retrieves (issue 12, item 2), and a prompt
that leaves the process only redacted (issue 11, item 3)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from moien.assistants.core.assistant import Assistant
from moien.assistants.core.budget import estimate_tokens, fit_grounding, trim_to_tokens
from moien.assistants.core.config import Settings
from moien.assistants.core.types import Grounding, Query, Source

SENTENCES = [
    "La carte d'identité coûte 14 euros pour les adultes et se demande à la commune de résidence.",
    "Le délai de fabrication est de dix jours ouvrables après le dépôt de la demande.",
    "Les enfants de moins de quinze ans reçoivent une carte valable cinq ans.",
    "Une photo récente, prise de face et sur fond clair, est demandée au guichet.",
    "La commune envoie une lettre quand la carte est prête à être retirée.",
]


def long_document(chars: int, salt: int) -> str:
    """``chars`` characters of plausible administrative French (sentences repeated with numbered variations)."""
    out: list[str] = []
    i = 0
    while sum(len(s) + 1 for s in out) < chars:
        out.append(f"{SENTENCES[i % len(SENTENCES)]} (Paragraphe {salt}.{i})")
        i += 1
    return " ".join(out)


def test_passages_are_cut_to_the_budget_keep_their_beginning_and_stay_aligned_with_their_sources():
    passages = [long_document(20_000, n) for n in range(3)]
    sources = [Source(id=f"doc{n}", title=f"Document {n}") for n in range(3)]
    fitted = fit_grounding(Grounding(sources, passages), 1500, estimate_tokens)
    kept = fitted.grounding
    assert sum(estimate_tokens(p) + 2 for p in kept.passages) <= 1500
    assert [s.id for s in kept.sources] == ["doc0", "doc1", "doc2"]  # [n] still names the passage read
    assert all(p.startswith(SENTENCES[0]) for p in kept.passages)  # the beginning (title, first facts) is kept
    assert all(p.endswith((".", ")", "…")) for p in kept.passages)  # cut at a sentence end, or marked as cut
    assert fitted.trimmed == 3 and fitted.dropped == 0


def test_short_passages_are_kept_whole_and_a_tiny_budget_leaves_out_what_would_be_too_short_to_use():
    short = Grounding([Source(id="a", title="A")], ["Kuerz."])
    assert fit_grounding(short, 500, estimate_tokens).grounding is short
    many = Grounding([Source(id=str(n), title=str(n)) for n in range(6)], [long_document(2000, n) for n in range(6)])
    fitted = fit_grounding(many, 130, estimate_tokens)
    assert fitted.dropped > 0 and fitted.grounding.sources  # the best-ranked passage is kept
    assert len(fitted.grounding.sources) == len(fitted.grounding.passages)


def test_a_long_sentence_is_cut_at_a_word_and_marked():
    text = "Wort " * 400
    cut = trim_to_tokens(text, 50, estimate_tokens)
    assert cut.endswith("…") and estimate_tokens(cut) <= 50 and not cut[:-1].endswith(" ")


def test_an_assistants_own_grounding_type_survives_the_fitting():
    @dataclass
    class FromAction(Grounding):
        text: str = ""

    grounding = FromAction([Source(id="x", title="x")], [long_document(9000, 1)], text="relayed")
    fitted = fit_grounding(grounding, 300, estimate_tokens).grounding
    assert isinstance(fitted, FromAction) and fitted.text == "relayed"


class Archive(Assistant):
    """Puts whole long documents into the prompt: what a plugin without chunking did (issue 12's failure)."""

    name = "archive"

    def __init__(self, passages: list[str]) -> None:
        self.passages = passages

    def ground(self, query: Query) -> Grounding:
        return Grounding([Source(id=f"doc{n}", title=f"Dossier {n}") for n in range(len(self.passages))], self.passages)


IBAN = "LU28 0019 4006 4475 0000"


def _prompt_text(core, question: str) -> str:
    helper = core.assistants["archive"]
    query = Query(text=question, lang="fr", session_id="s")
    return "\n".join(m["content"] for m in core.build_messages(helper, query, helper.ground(query)))


def test_a_prompt_for_a_model_outside_the_process_is_redacted_and_a_local_one_reads_the_message(tmp_path):
    from moien.assistants.core.engine import Core
    from moien.connectors.llm.config import ModelSettings

    question = f"Mon IBAN est {IBAN}, combien coûte la carte ?"
    archive = Archive([f"Remboursement sur le compte {IBAN}."])
    local = Core(Settings(home=tmp_path), assistants={"archive": archive}, model=object())  # type: ignore[arg-type]
    assert IBAN in _prompt_text(local, question)
    remote_settings = Settings(
        home=tmp_path, model=ModelSettings(openai_base_url="http://model.example:8080/v1", openai_model="m")
    )
    remote = Core(remote_settings, assistants={"archive": archive}, model=object())  # type: ignore[arg-type]
    prompt = _prompt_text(remote, question)
    assert IBAN not in prompt and IBAN.replace(" ", "") not in prompt  # neither the question's nor the source's
    assert "combien coûte la carte" in prompt
    forced = Core(
        remote_settings.model_copy(update={"model_sees_raw_message": True}),
        assistants={"archive": archive},
        model=object(),  # type: ignore[arg-type]
    )
    assert IBAN in _prompt_text(forced, question)


@pytest.mark.model
def test_questions_over_documents_of_50k_characters_are_answered_not_refused(settings, model):
    """Three 50k-character documents put whole into the prompt would need about 40k tokens of a 4k context."""
    from moien.assistants.core.engine import Core
    from moien.assistants.core.langid import default_identifier

    archive = Archive([long_document(50_000, n) for n in range(3)])
    core = Core(settings, assistants={"archive": archive}, model=model)
    for question in ("Combien coûte la carte d'identité ?", "Quel est le délai de fabrication de la carte ?"):
        turn = core.turn(question, assistant="archive")
        reply = turn.complete()
        assert reply.kind in ("answer", "unverified"), reply.text  # never an error about the context window
        assert turn.stats is not None and 0 < turn.stats.prompt_tokens <= settings.model.n_ctx
        assert turn.stats.prompt_tokens + settings.model.max_tokens <= settings.model.n_ctx
        assert reply.sources and {s.id for s in reply.sources} <= {"doc0", "doc1", "doc2"}
        if reply.kind == "answer":
            assert default_identifier().identify(reply.text).lang == "fr"


def test_the_estimate_counts_digits_and_symbols_one_by_one():
    """A budget table's row is close to one token per character (Qwen splits numbers digit by digit)."""
    row = "| 2019 | 12 450 | 13 020 | 14 115 | 15 870 | 16 940 | 17 355 | 18 004 |"
    digits_and_symbols = sum(1 for ch in row if not ch.isspace())
    assert estimate_tokens(row) >= digits_and_symbols


def test_a_plugin_that_breaks_the_grounding_contract_gets_an_error_reply_not_a_crash(tmp_path):
    from moien.assistants.core.engine import Core

    class Broken(Assistant):
        name = "broken"

        def ground(self, query: Query) -> Grounding:
            return Grounding([Source(id="a", title="A")], ["one", "two"])  # two passages for one source

    class Unused:
        model_id = "unused"  # the turn ends before any generation

    core = Core(Settings(home=tmp_path), assistants={"broken": Broken()}, model=Unused())  # type: ignore[arg-type]
    reply = core.ask("Combien coûte la carte ?", assistant="broken")
    assert reply.kind == "error" and reply.ai_generated is False
