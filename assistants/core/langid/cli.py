"""``moien langid``: identify the language of messages, or retrain the model.

Mounted by the core CLI as ``moien langid``; also runs on its own with
``python -m moien.assistants.core.langid.cli``.

    moien langid "Wéini fänkt d'Schoul un?"     human answer for one message
    moien langid --json < messages.txt          one JSON object per input line, in order
    moien langid train --corpus DIR              retrain the shipped model

The JSON stream is a contract other tools rely on: exactly one line of output per
line of input, in the same order, whatever the input (empty lines, invalid UTF-8,
binary, a line of several megabytes), each ``{"lang", "confidence", "scores",
"reason"}`` plus ``"segments"`` for mixed-language lines.  Output is flushed after
every line, so the command also works as a co-process.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

import typer
from typer.core import TyperGroup

from moien.lang import LANGS, PROMPT_NAMES

from . import MAX_CHARS, LangResult, LanguageIdentifier, default_identifier

if TYPE_CHECKING:
    # The context type TyperGroup.parse_args declares: typer vendors click (typer._click) and names it nowhere
    # public; the separate ``click`` package's Context is another class.
    from typer._click.core import Context

#: How the human output names the label ``other`` (the four languages are named as in prompts, in English).
OTHER_NAME = "another language, or no language"

#: A stdin line longer than this many bytes is answered without being read whole.
MAX_LINE_BYTES = 4 * MAX_CHARS + 4


class _DefaultToIdentify(TyperGroup):
    """Route ``moien langid TEXT`` and ``moien langid --json`` to the ``identify`` command."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["identify", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_DefaultToIdentify,
    name="langid",
    no_args_is_help=True,
    add_completion=False,
    help=(
        "Identify the language of chat messages: lb, de, fr, en or other.\n\n"
        'moien langid "TEXT" prints a human answer for one message.\n\n'
        "moien langid --json reads stdin and prints exactly one JSON object per input "
        'line, in order: {"lang", "confidence", "scores", "reason"} (plus '
        '"segments" for mixed-language lines). No line is ever skipped, not even an '
        "empty one or invalid UTF-8.\n\n"
        "moien langid train --corpus DIR retrains the model shipped with moien."
    ),
)


def _read_lines(stream: BinaryIO) -> Iterator[bytes]:
    """Lines of ``stream`` without their end-of-line; overlong lines come back cut.

    A cut line is returned as ``MAX_LINE_BYTES + 1`` bytes so the identifier sees
    that it is too long, and the rest of it is skipped without being kept in memory.
    """
    while True:
        line = stream.readline(MAX_LINE_BYTES)
        if not line:
            return
        if len(line) == MAX_LINE_BYTES and not line.endswith(b"\n"):
            while True:  # drain the rest of the overlong line
                rest = stream.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield line + b"x"
            continue
        yield line.rstrip(b"\n").rstrip(b"\r")


def _identify_bytes(
    ident: LanguageIdentifier, line: bytes, *, session_lang: str | None = None, ui_lang: str | None = None
) -> LangResult:
    # An overlong line is not decoded (pointless): the length rule answers it exactly as identify() would.
    probe: str | bytes = "x" * (MAX_CHARS + 1) if len(line) > MAX_LINE_BYTES else line
    return ident.identify(probe, session_lang=session_lang, ui_lang=ui_lang)


def stream_json(
    ident: LanguageIdentifier,
    stdin: BinaryIO,
    stdout: TextIO,
    *,
    session_lang: str | None = None,
    ui_lang: str | None = None,
) -> int:
    """The ``--json`` contract: one JSON line out per line in.  Returns the line count."""
    n = 0
    dumps = json.dumps
    for line in _read_lines(stdin):
        result = _identify_bytes(ident, line, session_lang=session_lang, ui_lang=ui_lang)
        stdout.write(dumps(result.to_json(), ensure_ascii=False) + "\n")
        stdout.flush()
        n += 1
    return n


def format_human(text: str, result: LangResult) -> str:
    lines = [
        f"> {text}",
        f"{result.lang}: {OTHER_NAME if result.lang == 'other' else PROMPT_NAMES.get(result.lang, result.lang)}",
        f"  confidence {result.confidence:.2f}, decided by: {result.reason}",
        "  scores: " + "  ".join(f"{k} {v:.2f}" for k, v in result.scores.items()),
    ]
    for seg in result.segments:
        lines.append(f"  [{seg.lang}] {seg.text}")
    return "\n".join(lines)


def _check_lang(value: str | None) -> str | None:
    if value is not None and value not in LANGS:
        raise typer.BadParameter(f"must be one of {', '.join(LANGS)}")
    return value


@app.command("identify")
def identify_cmd(
    text: str | None = typer.Argument(None, help="The message. Leave out to read messages from stdin, one per line."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per message (per stdin line), in order."),
    session_lang: str | None = typer.Option(
        None,
        "--session-lang",
        callback=_check_lang,
        help="Last confident language of the conversation, used when confidence is low.",
    ),
    ui_lang: str | None = typer.Option(
        None,
        "--ui-lang",
        callback=_check_lang,
        help="Language of the user interface, the fallback after --session-lang.",
    ),
    model: Path | None = typer.Option(
        None, "--model", help="Another fastText model file (default: the shipped model)."
    ),
) -> None:
    """Identify the language of TEXT, or of every stdin line (the default command)."""
    ident = LanguageIdentifier(model) if model else default_identifier()
    if text is None:
        if as_json:
            stream_json(ident, sys.stdin.buffer, sys.stdout, session_lang=session_lang, ui_lang=ui_lang)
            return
        for line in _read_lines(sys.stdin.buffer):
            result = _identify_bytes(ident, line, session_lang=session_lang, ui_lang=ui_lang)
            typer.echo(format_human(line[:80].decode("utf-8", "replace"), result))
        return
    result = ident.identify(text, session_lang=session_lang, ui_lang=ui_lang)
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        typer.echo(format_human(text, result))


@app.command("train")
def train_cmd(
    corpus: Path = typer.Option(
        ...,
        "--corpus",
        exists=True,
        file_okay=False,
        help="Corpus folder with lb/ de/ fr/ en/ other/ sub-folders "
        "(assistants/core/langid/corpus is the shipped one).",
    ),
    output: Path | None = typer.Option(
        None, "--output", help="Where to write the .ftz model (default: the shipped model)."
    ),
    holdout: Path | None = typer.Option(
        None,
        "--holdout",
        help="lang<TAB>text evaluation file whose messages are kept out of training "
        "(default: tests/data/langid_messages.tsv).",
    ),
    seed: int = typer.Option(13, "--seed", help="Random seed for sample generation and training."),
    threads: int = typer.Option(1, "--threads", help="Training threads; 1 gives bit-for-bit reproducible models."),
) -> None:
    """Retrain the language-id model from a corpus folder (about a minute on 2 cores)."""
    from . import train as trainer

    meta = trainer.train(
        corpus,
        output or trainer.DEFAULT_OUTPUT,
        holdout=holdout or trainer.DEFAULT_HOLDOUT,
        seed=seed,
        threads=threads,
        verbose=False,
    )
    typer.echo(
        f"wrote {output or trainer.DEFAULT_OUTPUT} ({meta['model_bytes'] / 1e6:.1f} MB, "
        f"dev accuracy {meta['dev_accuracy']:.3f}, temperature {meta['temperature']})"
    )


@app.command("prepare-corpus")
def prepare_corpus_cmd(
    wordlists: Path = typer.Option(
        ...,
        "--wordlists",
        exists=True,
        file_okay=False,
        help="Folder of <code>.words files dumped from Debian's tesseract-ocr-<code> packages.",
    ),
    spacy_lang: Path = typer.Option(
        ...,
        "--spacy-lang",
        exists=True,
        file_okay=False,
        help="spacy/lang folder unpacked from the spaCy wheel.",
    ),
    out: Path = typer.Option(..., "--out", help="Corpus folder to write into."),
) -> None:
    """Rebuild the third-party word lists of the corpus (see docs/models/langid.md)."""
    from . import train as trainer

    trainer.prepare_corpus(out, wordlists, spacy_lang)
    typer.echo(f"corpus written to {out}")


if __name__ == "__main__":  # pragma: no cover
    app()
