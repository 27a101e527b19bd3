"""Lesson plans: rubric scores and generation time, one-shot (the old way) against section by section (the new one).

    .venv/bin/python benchmarks/lesson_plan_bench.py              # 4 topics × English, both ways (about 15 min on 2 cores)
    .venv/bin/python benchmarks/lesson_plan_bench.py --all        # 4 topics × lb/fr/de/en
    .venv/bin/python benchmarks/lesson_plan_bench.py --lang fr --topics 2 --json /tmp/plans.json

It starts its own Neo4j (moien's LocalNeo4j in a temporary home, on a free port, reusing the built jars in
``.moien/neo4j/dist``) with the demo curriculum, and the configured model (the default 1.5B GGUF), then for each
topic × language:

* **one-shot**: the prompt and schema lesson plans used before (one JSON answer, up to 1,400 tokens, the whole
  :class:`~moien.assistants.education.lesson_plan.LessonPlan`), outcomes checked against the graph as before;
* **sections**: the education assistant's own answer (``EducationAssistant.respond``): three JSON sections with the
  items' curriculum context, checked and repaired (:mod:`moien.assistants.education.plan_sections`).

Both start from the same grounding (the assistant's search), and both plans are scored with the rubric
(:mod:`moien.assistants.education.rubric`, docs/lesson-plans.md) against the statements of the items found, in the
plan's language. Seconds are wall-clock for the model's work (the model loaded and warmed up beforehand). The order
alternates (one-shot first, then sections first) so a busy neighbour on the machine weighs on both alike.
Prints a Markdown table for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOPICS = {
    "water cycle": {
        "lb": "de Waasserkreeslaf",
        "fr": "le cycle de l'eau",
        "de": "den Wasserkreislauf",
        "en": "the water cycle",
    },
    "fractions": {
        "lb": "einfach Bréch",
        "fr": "les fractions simples",
        "de": "einfache Brüche",
        "en": "simple fractions",
    },
    "food chain": {
        "lb": "eng Nahrungskette an engem Biotop zu Lëtzebuerg",
        "fr": "une chaîne alimentaire dans un milieu du Luxembourg",
        "de": "eine Nahrungskette in einem Lebensraum in Luxemburg",
        "en": "a food chain in a Luxembourg habitat",
    },
    "municipality": {
        "lb": "d'Gemeng an de Gemengerot",
        "fr": "la commune et le conseil communal",
        "de": "die Gemeinde und den Gemeinderat",
        "en": "the municipality and the municipal council",
    },
}
#: As the teacher app's lesson-plan form asks (ui/teacher_app.py, PLAN_REQUEST).
REQUEST = {
    "lb": "Maach mer e Plang fir eng Schoulstonn vu 45 Minutten iwwer {topic} fir den Zyklus 3.",
    "fr": "Prépare une leçon de 45 minutes sur {topic} pour le cycle 3.",
    "de": "Erstelle eine Unterrichtsstunde von 45 Minuten zum Thema {topic} für Zyklus 3.",
    "en": "Plan a 45-minute lesson on {topic} for cycle 3.",
}
#: The one-shot baseline's answer allowance, as before the sections (plugin.PLAN_TOKENS).
ONE_SHOT_TOKENS = 1400


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def one_shot(model: Any, grounding: Any, request: str, lang: str) -> Any:
    """The plan as moien wrote it before the sections: one JSON answer for the whole plan (the old prompt)."""
    from moien.assistants.education import lesson_plan as lp
    from moien.lang import PROMPT_NAMES

    language = PROMPT_NAMES[lang]
    system = (
        "You are moien, a lesson-planning assistant for teachers in Luxembourg. Write the lesson plan as JSON "
        f"with every text in {language}. learning_outcomes must list only codes of the curriculum items given "
        "(like SC-C3-03). Keep each text short and concrete; activities are things pupils do."
    )
    items = "\n".join(f"[{i}] {p}" for i, p in enumerate(grounding.passages, 1))
    user = f"Curriculum items:\n{items}\n\nTeacher's request: {request}"
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    raw = "".join(model.stream_json(messages, lp.json_schema(False), max_tokens=ONE_SHOT_TOKENS, temperature=0.2))
    return lp.parse_plan(raw)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--all", action="store_true", help="every language (lb, fr, de, en), not only --lang")
    ap.add_argument("--lang", default="en", choices=["lb", "fr", "de", "en"])
    ap.add_argument("--topics", type=int, default=len(TOPICS), help="how many of the 4 topics")
    ap.add_argument("--mode", default="both", choices=["both", "one-shot", "sections"])
    ap.add_argument("--json", type=Path, help="also write every plan, its scores and times here")
    args = ap.parse_args()

    home = Path(tempfile.mkdtemp(prefix="moien-planbench-"))
    os.environ["MOIEN_HOME"] = str(home)
    os.environ["MOIEN_NEO4J__PORT"] = str(free_port())
    os.environ.setdefault("MOIEN_MODEL__CACHE_DIR", str(ROOT / ".moien" / "models"))
    os.environ.setdefault("MOIEN_NEO4J__DIST_DIR", str(ROOT / ".moien" / "neo4j" / "dist"))
    os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

    from moien.assistants.core.config import Settings
    from moien.assistants.core.engine import Core
    from moien.assistants.core.types import Completion, Query
    from moien.assistants.education import lesson_plan as lp
    from moien.assistants.education.rubric import score_plan
    from moien.connectors.neo4j_graph import get_graph
    from moien.connectors.neo4j_server import LocalNeo4j
    from moien.curriculum_graph.demo import load_demo
    from moien.curriculum_graph.queries import get_item

    settings = Settings()
    server = LocalNeo4j(
        settings.neo4j_home, port=settings.neo4j.port, heap=settings.neo4j.heap, dist_dir=settings.neo4j.dist_dir
    )
    server.ensure_built(echo=lambda m: None)
    server.start()
    rows: list[dict[str, Any]] = []
    try:
        graph = get_graph(settings)
        load_demo(graph, cache_dir=settings.home / "cache")
        core = Core(settings)
        helper = core.assistants["education"]
        model = core.model
        "".join(model.stream_chat([{"role": "user", "content": "Hi"}], max_tokens=4, temperature=0.0))  # warm up
        langs = ["lb", "fr", "de", "en"] if args.all else [args.lang]
        modes = ["one-shot", "sections"] if args.mode == "both" else [args.mode]
        n = 0
        for topic in list(TOPICS)[: args.topics]:
            for lang in langs:
                request = REQUEST[lang].format(topic=TOPICS[topic][lang])
                query = Query(text=request, lang=lang, session_id=f"bench-{n}", state={}, intent="plan_lesson")
                grounding = helper.ground(query)
                for mode in modes if n % 2 == 0 else modes[::-1]:
                    started = time.perf_counter()
                    error = None
                    plan = None
                    text_lang = lang
                    repairs: list[str] = []
                    try:
                        if mode == "one-shot":
                            # the old path wrote Luxembourgish when asked: measured as it was
                            plan = one_shot(model, grounding, request, lang)
                            lp.verify_outcomes(plan, lambda code: get_item(graph, code) is not None)
                        else:
                            response = helper.respond(
                                Query(text=request, lang=lang, session_id=f"bench-{n}", state={}), grounding, model
                            )
                            assert response is not None, "the education assistant did not see a plan request"
                            chunks = iter(response.chunks)
                            while True:
                                try:
                                    next(chunks)
                                except StopIteration as stop:
                                    done: Completion = stop.value
                                    break
                            data = dict(done.attachments[0].data)
                            text_lang = str(data["lang"])
                            repairs = list(data.get("repairs") or [])
                            plan = lp.parse_plan_data(data)
                    except Exception as exc:  # a failed plan is a result too: it scores nothing
                        error = f"{type(exc).__name__}: {exc}"
                    seconds = time.perf_counter() - started
                    statements = {}
                    for s in grounding.sources:
                        item = get_item(graph, s.id)
                        if item is not None:
                            statements[s.id] = item.statement(text_lang)
                    score = score_plan(plan, statements).to_dict() if plan is not None else None
                    row = {
                        "topic": topic,
                        "lang": lang,
                        "mode": mode,
                        "seconds": round(seconds, 1),
                        "score": score,
                        "repairs": repairs,
                        "error": error,
                        "plan": plan.model_dump() if plan is not None else None,
                    }
                    rows.append(row)
                    brief = {k: v for k, v in row.items() if k not in ("plan",)}
                    print(json.dumps(brief, ensure_ascii=False), file=sys.stderr, flush=True)
                n += 1
        core.close()
    finally:
        server.stop()
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print(table(rows))


def table(rows: list[dict[str, Any]]) -> str:
    keys = ("outcomes", "variety", "differentiation", "timing", "overall")
    out = [
        "| topic | lang | mode | s | outcomes | variety | differentiation | timing | overall | min. (sum/asked) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        s = r["score"]
        if s is None:
            out.append(f"| {r['topic']} | {r['lang']} | {r['mode']} | {r['seconds']} | failed: {r['error']} |||||")
            continue
        cells = " | ".join(f"{s[k]:.2f}" for k in keys)
        out.append(
            f"| {r['topic']} | {r['lang']} | {r['mode']} | {r['seconds']} | {cells} | "
            f"{s['minutes_total']}/{s['duration']} |"
        )
    for mode in dict.fromkeys(r["mode"] for r in rows):
        mine = [r for r in rows if r["mode"] == mode]
        scored = [r["score"] for r in mine if r["score"] is not None]
        if not scored:
            continue
        means = " | ".join(f"**{statistics.mean(s[k] for s in scored):.2f}**" for k in keys)
        secs = statistics.median(r["seconds"] for r in mine)
        failed = len(mine) - len(scored)
        out.append(
            f"| **mean** | | **{mode}** | **{secs:.0f}** (median) | {means} | "
            f"{sum(s['minutes_total'] == s['duration'] for s in scored)}/{len(mine)} add up"
            + (f", {failed} failed" if failed else "")
            + " |"
        )
    return "\n".join(out)


if __name__ == "__main__":
    main()
