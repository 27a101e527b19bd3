"""Running gold items through a real :class:`Core` and writing what ``moien eval`` reports.

Each question is a fresh conversation (its own session), asked with the assistant named explicitly (the gold set is
that assistant's) and the interface language set to the question's, as on a localised page. The turn is streamed as a
channel streams it, so the time to the first piece of text is measured too. A turn that raises is recorded as an
error for that question and the run goes on: a crash is a finding, not the end of the measurement.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moien.assistants.core.evaluation.gold import GoldItem
from moien.assistants.core.evaluation.metrics import Identifier, QuestionResult, score, summarise
from moien.assistants.core.types import Reply

if TYPE_CHECKING:
    from moien.assistants.core.engine import Core

#: Version of ``summary.json``'s layout; raised when a key is renamed or removed (adding keys keeps it).
EVAL_FORMAT = 1


def ask(core: Core, item: GoldItem, identifier: Identifier) -> QuestionResult:
    """Ask one gold question through ``core`` and score the reply."""
    started = time.perf_counter()
    first: float | None = None
    try:
        turn = core.turn(item.question, assistant=item.assistant, ui_lang=item.lang, channel="eval")
        for piece in turn:
            if first is None and piece.strip():
                first = time.perf_counter() - started
        reply, error = turn.reply, None
    except Exception as exc:  # a crash is measured, not fatal: the other questions still run
        reply = Reply(text="", lang=item.lang, model=core.model_id, kind="error", assistant=item.assistant)
        error = f"{type(exc).__name__}: {exc}"
    latency = time.perf_counter() - started
    return score(item, reply, latency_s=latency, ttft_s=first, identifier=identifier, error=error)


def run(
    core: Core,
    items: Sequence[GoldItem],
    *,
    identifier: Identifier | None = None,
    on_result: Callable[[QuestionResult], None] | None = None,
) -> list[QuestionResult]:
    """Ask every item in order; ``on_result`` is called after each (a progress bar advances)."""
    if identifier is None:
        from moien.assistants.core.langid import default_identifier

        identifier = default_identifier()
    results = []
    for item in items:
        result = ask(core, item, identifier)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def meta(core: Core, *, subset: int | None, started: datetime) -> dict[str, Any]:
    """What the summary says about the run itself."""
    return {
        "eval_format": EVAL_FORMAT,
        "measured_at": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "model": core.model_id,
        "subset_per_cell": subset,
        "note": "moien eval: gold sets run through the real pipeline; shares in [0, 1], null = n/a, times in seconds",
    }


def now() -> datetime:
    return datetime.now(UTC)


def _write(path: Path, text: str) -> None:
    """Replace ``path`` whole: a reader (CI, ``moien registry card``) never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def write_outputs(
    out_dir: Path,
    results: Sequence[QuestionResult],
    summary: dict[str, Any],
    *,
    html: bool = True,
    report_lang: str = "en",
) -> list[Path]:
    """Write ``summary.json``, ``results.jsonl`` and (unless ``html`` is false) ``report.html`` into ``out_dir``."""
    from moien.assistants.core.evaluation.report import render_html

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    lines = "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in results)
    for name, text in (
        ("results.jsonl", lines),
        ("summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n"),
    ):
        _write(out_dir / name, text)
        written.append(out_dir / name)
    if html:
        _write(out_dir / "report.html", render_html(summary, results, report_lang))
        written.append(out_dir / "report.html")
    return written


__all__ = ["EVAL_FORMAT", "ask", "meta", "now", "run", "summarise", "write_outputs"]
