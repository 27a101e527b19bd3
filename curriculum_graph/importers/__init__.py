"""Importers: CASE 1.1 JSON, RDF (Turtle, RDF/XML, JSON-LD) with a mapping file, and moien's CSV template.

    from moien.curriculum_graph.importers import import_file
    reports = import_file(graph, "framework.json", "case")

Each importer parses and validates the whole file first (nothing is written if anything is wrong; the
error names the file and the line or field), then :mod:`.writer` writes only the difference, in one
transaction, with a progress bar, and returns one :class:`~.writer.ImportReport` per framework
(added / changed / retired / unchanged). Re-importing the same file writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from moien.connectors.neo4j_graph import Graph
from moien.curriculum_graph.importers.writer import ImportReport, sha256_file, write_packages
from moien.curriculum_graph.model import CurriculumImportError, Package

FORMATS = ("case", "rdf", "csv")
_RDF_SUFFIXES = {".ttl", ".turtle", ".rdf", ".owl", ".xml", ".jsonld", ".nt", ".n3", ".trig", ".nq"}

__all__ = ["FORMATS", "CurriculumImportError", "ImportReport", "detect_format", "import_file", "parse_file"]


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv" or suffix == ".tsv":
        return "csv"
    if suffix in _RDF_SUFFIXES:
        return "rdf"
    if suffix == ".json":
        try:
            with path.open(encoding="utf-8-sig") as f:
                head = f.read(4096)
        except OSError:
            return "case"
        return "rdf" if '"@context"' in head and '"CFDocument"' not in head else "case"
    raise CurriculumImportError(
        path, f"cannot tell the format from the suffix {suffix!r}; give --format case, rdf or csv"
    )


def parse_file(path: str | Path, fmt: str | None = None, *, mapping: str | Path | None = None) -> list[Package]:
    """Parse and validate a file into packages (no graph access)."""
    path = Path(path)
    if not path.exists():
        raise CurriculumImportError(path, "no such file")
    if path.is_dir():
        raise CurriculumImportError(path, "is a folder; give a file")
    fmt = (fmt or detect_format(path)).lower()
    if fmt not in FORMATS:
        raise CurriculumImportError(path, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if mapping is not None and fmt != "rdf":
        raise CurriculumImportError(path, "--mapping only applies to --format rdf")
    if fmt == "case":
        from moien.curriculum_graph.importers.case import parse_case

        return [parse_case(path)]
    if fmt == "csv":
        from moien.curriculum_graph.importers.csv_template import parse_csv

        return [parse_csv(path)]
    from moien.curriculum_graph.importers.rdf import parse_rdf

    return parse_rdf(path, mapping)


def import_file(
    graph: Graph,
    path: str | Path,
    fmt: str | None = None,
    *,
    mapping: str | Path | None = None,
    progress: bool = True,
    console: Any = None,
    dry_run: bool = False,
    embed: bool = True,
    describe: Callable[[ImportReport], str] | None = None,
    cache_dir: Path | None = None,
) -> list[ImportReport]:
    """Validate ``path``, then write what differs from the graph in one transaction; prints a diff summary.

    ``describe(report) -> str``: the summary line (the CLI passes one in the user's language; default English).

    ``embed``: afterwards compute embeddings for the added/changed items (skipped quietly where the
    embedding model is not installed; :func:`moien.curriculum_graph.embeddings.embed_items` does it later),
    remembering the vectors in ``cache_dir`` when one is given.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = console or Console(stderr=True, soft_wrap=True)
    path = Path(path)
    packages = parse_file(path, fmt, mapping=mapping)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not (progress and console.is_terminal),
    ) as bar:
        reports = write_packages(
            graph, packages, source=path, file_sha256=sha256_file(path), progress=bar, dry_run=dry_run
        )
    for r in reports:
        console.print(describe(r) if describe else ("[dry run] " if dry_run else "") + r.summary(), highlight=False)
        for w in r.warnings[:10]:
            console.print(f"  ⚠ {w}", highlight=False)
        if len(r.warnings) > 10:
            console.print(f"  ⚠ … +{len(r.warnings) - 10}", highlight=False)
    if embed and not dry_run:
        ids = [i for r in reports for i in r.written_ids]
        if ids:
            from moien.curriculum_graph.embeddings import EmbeddingsUnavailable, embed_items

            try:
                n = embed_items(graph, ids=ids, progress=progress, console=console, cache_dir=cache_dir)
                if n:
                    console.print(f"embedded {n} statements", highlight=False)
            except EmbeddingsUnavailable as exc:
                console.print(f"  note: {exc}", highlight=False)
    return reports


def report_json(reports: list[ImportReport]) -> str:
    return json.dumps([r.as_dict() for r in reports], ensure_ascii=False)
