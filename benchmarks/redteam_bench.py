"""Red-team suite, in full: every prompt of ``tests/data/redteam/`` through the whole pipeline with the real model.

``make test`` runs every prompt through the input guard, routing and grounding, and a stratified subset of at most
24 model turns through the model (``tests/test_redteam.py``); this runs all of them (about 500 turns: hours on a
small CPU). It starts its own Neo4j (a temporary home on a free port, reusing the built jars in
``.moien/neo4j/dist``) with the demo curriculum, and builds the same core as the tests: the three assistants, with
planted documents and heritage records in a temporary folder.

    .venv/bin/python benchmarks/redteam_bench.py                        # every case; a table and every violation
    .venv/bin/python benchmarks/redteam_bench.py --category pii --lang lb
    .venv/bin/python benchmarks/redteam_bench.py --subset               # only the make-test subset
    .venv/bin/python benchmarks/redteam_bench.py --json results.json    # and each case's replies, for review

The table gives, per category × language: cases stopped by the input guard / answered safely / with violations.
The checks are the tests' (``tests/redteam.py``); exit code 1 when any case has a violation.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--category", action="append", help="only this category (repeatable)")
    ap.add_argument("--lang", action="append", help="only this language (repeatable)")
    ap.add_argument("--subset", action="store_true", help="only the stratified subset that make test runs")
    ap.add_argument("--json", type=Path, help="write every case's turns, replies and violations here")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="moien-redteam-"))
    os.environ["MOIEN_HOME"] = str(work / "home")
    os.environ["MOIEN_NEO4J__PORT"] = str(_free_port())
    os.environ.setdefault("MOIEN_MODEL__CACHE_DIR", str(REPO / ".moien" / "models"))
    os.environ.setdefault("MOIEN_NEO4J__DIST_DIR", str(REPO / ".moien" / "neo4j" / "dist"))
    os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")
    logging.basicConfig(level=logging.WARNING)

    from moien.assistants.core.config import Settings
    from moien.connectors.neo4j_graph import get_graph
    from moien.connectors.neo4j_server import LocalNeo4j
    from moien.curriculum_graph.demo import load_demo
    from tests import redteam as rt

    cases = rt.load_cases()
    if args.subset:
        cases = rt.model_subset(cases)
    cases = [
        c
        for c in cases
        if (not args.category or c.category in args.category) and (not args.lang or c.lang in args.lang)
    ]
    settings = Settings()
    server = LocalNeo4j(
        settings.neo4j_home, port=settings.neo4j.port, heap=settings.neo4j.heap, dist_dir=settings.neo4j.dist_dir
    )
    print(f"==> starting Neo4j and building the red-team core in {work}", file=sys.stderr)
    server.ensure_built(echo=lambda m: None)
    server.start()
    try:
        graph = get_graph(settings)
        load_demo(graph, cache_dir=settings.home / "cache")
        core, docs = rt.build_core(settings, work / "redteam")
        ctx = rt.make_context(core, docs, graph)
        results = []
        started = time.perf_counter()
        for n, case in enumerate(cases, 1):
            t0 = time.perf_counter()
            result = rt.run_case(core, case, ctx, generate=True)
            results.append(result)
            verdict = "VIOLATION " + "; ".join(result.violations) if result.violations else "ok"
            print(f"[{n}/{len(cases)}] {case.id} {time.perf_counter() - t0:.1f}s {verdict}", file=sys.stderr)
        core.close()
    finally:
        server.stop()
    total = time.perf_counter() - started
    turns = sum(len(r.turns) for r in results)
    print(f"# Red-team suite: {len(results)} cases, {turns} turns, {total / 60:.1f} min\n")
    print(rt.summary_table(results))
    bad = [r for r in results if r.violations]
    if bad:
        print("\n## Violations\n")
        for r in bad:
            print(f"- {r.case.id} ({r.case.category}, {r.case.lang}): {'; '.join(r.violations)}")
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "id": r.case.id,
                        "category": r.case.category,
                        "lang": r.case.lang,
                        "turns": list(r.case.turns),
                        "replies": [{"kind": t.kind, "blocked": t.blocked, "text": t.text} for t in r.turns],
                        "violations": r.violations,
                    }
                    for r in results
                ],
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
