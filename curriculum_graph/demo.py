"""moien's demo curriculum (written by the moien authors, see docs/DATA.md): load it, or rebuild it.

``demo/demo_curriculum.case.json`` is a 1EdTech CASE 1.1 package: a Luxembourg-style curriculum in
French and German (with English and Luxembourgish translations in ``extensions.moien``) — five subjects
(mathematics, sciences, life and society, French, German) over six levels (fondamental cycles 2–4,
secondary 7e–5e), 311 items, official links (isChildOf, precedes, isRelatedTo, isPeerOf, hasSkillLevel)
and five transversal topics (digital literacy, sustainability, citizenship, health, multilingualism).

It is generated from ``demo/demo_curriculum.csv`` — the same data in moien's CSV template, easier to
edit — by ``python -m moien.curriculum_graph.demo build``; edit the CSV, rebuild, commit both.

:func:`load_demo` imports the package through the CASE importer (idempotent: a second load writes
nothing), embeds the statements and refreshes the suggested cross-curricular links.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

from moien.connectors.neo4j_graph import Graph

HERE = Path(__file__).parent / "demo"
DEMO_CSV = HERE / "demo_curriculum.csv"
DEMO_CASE = HERE / "demo_curriculum.case.json"
DEMO_FRAMEWORK_ID = "d06a96bc-d1d7-5e44-9875-ab61f71c050b"  # a CASE identifier is a UUID
DEMO_BASE_URI = "https://moien.example.lu/case/"  # example.lu: the demo is not published anywhere

log = logging.getLogger("moien.curriculum")


def build_case(csv_path: Path = DEMO_CSV, out: Path = DEMO_CASE) -> Path:
    """Regenerate the CASE package from the CSV (deterministic: same CSV, same bytes)."""
    from moien.curriculum_graph.importers.case import to_case
    from moien.curriculum_graph.importers.csv_template import parse_csv

    pkg = parse_csv(csv_path)
    data = to_case(pkg, base_uri=DEMO_BASE_URI, last_change="2026-02-01T00:00:00+00:00")
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return out


def load_demo(
    graph: Graph,
    path: Path = DEMO_CASE,
    *,
    progress: bool = True,
    embed: bool = True,
    links: bool = True,
    console: Any = None,
    cache_dir: Path | None = None,
) -> int:
    """Create the schema, import the demo package (idempotent), embed it, refresh suggested links.

    ``cache_dir``: where embeddings are remembered between graphs (``$MOIEN_HOME/cache``); None: not remembered.
    Returns the number of active items in the demo framework.
    """
    from rich.console import Console

    from moien.curriculum_graph.importers import import_file

    console = console or Console(stderr=True, quiet=not progress, soft_wrap=True)
    reports = import_file(graph, path, "case", progress=progress, console=console, embed=False)
    if embed:
        from moien.curriculum_graph.embeddings import EmbeddingsUnavailable, embed_items

        ids = [
            r["id"]
            for r in graph.read(
                "MATCH (i:Item {framework: $fid}) WHERE i.retired IS NULL RETURN i.id AS id",
                fid=reports[0].framework_id,
            )
        ]
        try:
            embed_items(graph, ids=ids, progress=progress, console=console, cache_dir=cache_dir)
        except EmbeddingsUnavailable as exc:
            log.warning("demo curriculum: %s", exc)
    if links:
        from moien.curriculum_graph.links import discover_links

        discover_links(graph, framework=reports[0].framework_id)
    rows = graph.read(
        "MATCH (i:Item {framework: $fid}) WHERE i.retired IS NULL RETURN count(i) AS n", fid=reports[0].framework_id
    )
    return int(rows[0]["n"])


if __name__ == "__main__":  # python -m moien.curriculum_graph.demo build
    if sys.argv[1:] == ["build"]:
        print(f"wrote {build_case()}")
    else:
        print("usage: python -m moien.curriculum_graph.demo build", file=sys.stderr)
        sys.exit(2)
