"""``moien curriculum …``: import curricula, search them, show an item, its links, coverage and topics.

Mounted on the ``moien`` command line by the education plugin's ``register_commands`` hook. Every
command that prints data has ``--json`` (one JSON object on stdout) for scripts; errors print one line
on stderr and exit non-zero, never a traceback.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

curriculum_app = typer.Typer(
    name="curriculum",
    help=(
        "The curriculum graph: import curricula (CASE 1.1 JSON, RDF with a mapping, moien's CSV template), "
        "search them in Luxembourgish, French, German or English, browse items, their official links and "
        "moien's suggested cross-curricular links.\n\n"
        "Examples:\n\n"
        "  moien curriculum import programme.json --format case\n\n"
        "  moien curriculum import concepts.ttl --format rdf --mapping skos\n\n"
        "  moien curriculum search \"Wéi erkläert een de Waasserkreeslaf?\"\n\n"
        "  moien curriculum show MA-C3-02 --json\n\n"
        "  moien curriculum links MA-C3-04\n\n"
        "Suggested links are moien's proposals (score, method, provenance), never part of the official curriculum."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)
LANGS = ("fr", "de", "en", "lb")


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def _quiet_driver() -> None:
    # Neo4j reports "property does not exist yet" on an empty graph as a warning: noise for a CLI user.
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    logging.getLogger("neo4j").setLevel(logging.ERROR)


def _graph():
    """The graph from the settings, schema applied; exits with the fix when Neo4j is unreachable."""
    from assistants.core.config import get_settings
    from connectors.neo4j_graph import GraphUnavailable, get_graph
    from curriculum_graph.schema import ensure_schema

    _quiet_driver()
    try:
        graph = get_graph(get_settings())
        ensure_schema(graph)
    except GraphUnavailable as exc:
        _fail(str(exc))
    except Exception as exc:  # settings or driver problems: one line, no traceback
        _fail(f"cannot open the curriculum graph: {exc}")
    return graph


def _run(fn):
    """Run a graph call; Neo4j errors become one line and exit 1."""
    from connectors.neo4j_graph import GraphUnavailable

    try:
        return fn()
    except GraphUnavailable as exc:
        _fail(str(exc))
    except typer.Exit:
        raise
    except Exception as exc:
        name = type(exc).__name__
        if name.endswith(("ClientError", "DatabaseError", "TransientError", "Neo4jError")):
            _fail(f"Neo4j refused the query ({name}): {getattr(exc, 'message', None) or exc}")
        raise


def _emit(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, default=str))


def _lang_option():
    return typer.Option("--lang", "-l", help="Language to show statements in: lb, fr, de or en.")


def _check_lang(lang: str) -> str:
    lang = lang.lower()
    if lang not in LANGS:
        _fail(f"--lang {lang!r}: use one of {', '.join(LANGS)}")
    return lang


# ------------------------------------------------------------------------------------------------ import
@curriculum_app.command("import")
def import_cmd(
    path: Annotated[Path, typer.Argument(help="The curriculum file: CASE JSON, RDF (Turtle, RDF/XML, JSON-LD) or CSV.")],
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="case, rdf or csv (default: guessed from the file name).")] = None,
    mapping: Annotated[Optional[str], typer.Option("--mapping", "-m", help="RDF only: a mapping file, or a built-in one: skos (default), case-jsonld.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and show the diff; write nothing.")] = False,
    no_embed: Annotated[bool, typer.Option("--no-embed", help="Do not compute embeddings for new or changed items now.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the diff of each framework as JSON.")] = False,
) -> None:
    """Import a curriculum: validate the whole file, then write only what changed, in one transaction.

    Re-importing the same file changes nothing; an item missing from a new version is retired (kept,
    marked retired with the date); a changed item keeps its earlier statements as versions. Every import
    prints a diff: added, changed, retired, unchanged.
    """
    from curriculum_graph.importers import FORMATS, CurriculumImportError, import_file

    if fmt is not None and fmt.lower() not in FORMATS:
        _fail(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    graph = _graph()
    try:
        reports = _run(lambda: import_file(graph, path, fmt, mapping=mapping, progress=not as_json,
                                           console=err, dry_run=dry_run, embed=not no_embed))
    except CurriculumImportError as exc:
        _fail(f"{exc}\nNothing was written: the graph is as it was.")
    if as_json:
        _emit({"dry_run": dry_run, "frameworks": [r.as_dict() for r in reports]})


# ------------------------------------------------------------------------------------------------ search
@curriculum_app.command("search")
def search_cmd(
    query: Annotated[str, typer.Argument(help="What to look for, in Luxembourgish, French, German or English, or an item code.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=100, help="How many items.")] = 10,
    subject: Annotated[Optional[list[str]], typer.Option("--subject", "-s", help="Only this subject code (repeatable).")] = None,
    level: Annotated[Optional[list[str]], typer.Option("--level", help="Only this level code, e.g. C3 or 7e (repeatable).")] = None,
    item_type: Annotated[Optional[list[str]], typer.Option("--type", "-t", help="Only this item type, e.g. Competency (repeatable).")] = None,
    only_lang: Annotated[Optional[list[str]], typer.Option("--has-lang", help="Only items that have a statement in this language.")] = None,
    mode: Annotated[str, typer.Option("--mode", help="hybrid (default), text or vector.")] = "hybrid",
    lang: Annotated[str, _lang_option()] = "fr",
    as_json: Annotated[bool, typer.Option("--json", help="Print the hits as one JSON object.")] = False,
) -> None:
    """Search items across languages: full-text and multilingual embeddings, fused."""
    from curriculum_graph.queries import search_items

    lang = _check_lang(lang)
    if mode not in ("hybrid", "text", "vector"):
        _fail("--mode: use hybrid, text or vector")
    graph = _graph()
    try:
        hits = _run(lambda: search_items(graph, query, limit=limit, subjects=tuple(subject or ()),
                                         levels=tuple(level or ()), types=tuple(item_type or ()),
                                         langs=tuple(only_lang or ()), mode=mode))
    except RuntimeError as exc:  # vector mode without the embedding model
        _fail(str(exc))
    if as_json:
        _emit({"query": query, "mode": mode, "hits": [h.to_dict() for h in hits]})
        return
    if not hits:
        err.print("No item matches.")
        raise typer.Exit(0)
    table = Table(show_header=True, header_style="bold")
    for col in ("code", "level", "subject", f"statement ({lang})", "matched"):
        table.add_column(col)
    for h in hits:
        table.add_row(h.code, h.level or "", h.subject or "", h.statement(lang), "+".join(h.matched_by))
    out.print(table)


# ------------------------------------------------------------------------------------------------ show
@curriculum_app.command("show")
def show_cmd(
    code: Annotated[str, typer.Argument(help="The item's code, e.g. MA-C3-02.")],
    framework: Annotated[Optional[str], typer.Option("--framework", help="The framework id, where several use the code.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the item as one JSON object.")] = False,
) -> None:
    """An item: statements in every language, its place in the tree, its progression and its history."""
    from curriculum_graph.queries import browse, item_history, progression

    graph = _graph()
    b = _run(lambda: browse(graph, code, framework=framework))
    if b.item is None:
        _fail(f"no item with code {code!r}; try `moien curriculum search {code}`")
    prog = _run(lambda: progression(graph, code))
    history = _run(lambda: item_history(graph, code, framework=framework))
    if as_json:
        _emit({"item": b.item.to_dict(), "path": [a.code for a in b.ancestors], "children": [c.code for c in b.children],
               "before": [p.code for p in prog.before] if prog else [], "after": [p.code for p in prog.after] if prog else [],
               "history": history})
        return
    it = b.item
    out.print(f"[bold]{it.code}[/]  {it.type or ''}  level {', '.join(it.levels) or '—'}  subject {it.subject or '—'}"
              + ("  [red](retired)[/]" if it.retired else ""), highlight=False)
    if b.ancestors:
        out.print("path: " + " › ".join(a.code for a in b.ancestors), highlight=False)
    for lang in LANGS:
        if it.statements.get(lang):
            out.print(f"  {lang}: {it.statements[lang]}", highlight=False)
    if it.topics:
        out.print("transversal topics: " + ", ".join(it.topics), highlight=False)
    if b.children:
        out.print("children: " + ", ".join(c.code for c in b.children), highlight=False)
    if prog and (prog.before or prog.after):
        out.print("progression: " + " → ".join([p.code for p in prog.before] + [f"[bold]{it.code}[/]"]
                                               + [p.code for p in prog.after]), highlight=False)
    if history:
        out.print(f"history: {len(history)} earlier version(s)", highlight=False)


# ------------------------------------------------------------------------------------------------ links
@curriculum_app.command("links")
def links_cmd(
    code: Annotated[str, typer.Argument(help="The item's code.")],
    lang: Annotated[str, _lang_option()] = "fr",
    as_json: Annotated[bool, typer.Option("--json", help="Print official and suggested links as one JSON object.")] = False,
) -> None:
    """An item's official links (from the curriculum) and, apart, moien's suggested cross-curricular links."""
    from curriculum_graph.queries import item_links

    lang = _check_lang(lang)
    graph = _graph()
    links = _run(lambda: item_links(graph, code))
    if links is None:
        _fail(f"no item with code {code!r}")
    if as_json:
        _emit(links.to_dict())
        return
    out.print(f"[bold]Official links of {code}[/] (from the curriculum)", highlight=False)
    if not links.official:
        out.print("  none")
    for link in links.official:
        arrow = "→" if link.direction == "out" else "←"
        out.print(f"  {link.type} {arrow} {link.other.code}: {link.other.statement(lang)}", highlight=False)
    out.print(f"[bold yellow]Suggested by moien — not official[/] ({len(links.suggested)})", highlight=False)
    for link in links.suggested:
        why = f" [{', '.join(link.evidence)}]" if link.evidence else ""
        if link.status == "accepted":
            why += " — accepted by review"
        out.print(f"  {link.other.code} ({link.other.subject}) score {link.score:.2f} via {link.method}{why}: "
                  f"{link.other.statement(lang)}", highlight=False)


# ------------------------------------------------------------------------------------------------ more
@curriculum_app.command("suggest")
def suggest_cmd(
    method: Annotated[Optional[list[str]], typer.Option("--method", help="shared-topic, shared-keywords, embedding (repeatable; default all).")] = None,
    top_k: Annotated[int, typer.Option("--top-k", min=1, max=20, help="Suggestions kept per item and method.")] = 3,
    framework: Annotated[Optional[str], typer.Option("--framework", help="Only items of this framework.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Discover cross-curricular links between subjects and store them as suggestions (never official)."""
    from curriculum_graph.links import METHODS, discover_links

    methods = tuple(method or METHODS)
    for m in methods:
        if m not in METHODS:
            _fail(f"--method {m!r}: use {', '.join(METHODS)}")
    graph = _graph()
    report = _run(lambda: discover_links(graph, methods=methods, top_k=top_k, framework=framework))
    if as_json:
        _emit(report.__dict__)
    else:
        out.print(report.summary(), highlight=False)


@curriculum_app.command("review")
def review_cmd(
    code_a: Annotated[Optional[str], typer.Argument(help="Code of one item of the suggested link.")] = None,
    code_b: Annotated[Optional[str], typer.Argument(help="Code of the other item.")] = None,
    accept: Annotated[bool, typer.Option("--accept", help="The team finds this link useful.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="The link is wrong or unhelpful; never suggest it again.")] = False,
    undo: Annotated[bool, typer.Option("--undo", help="Back to 'suggested' (waiting for review).")] = False,
    method: Annotated[Optional[str], typer.Option("--method", help="Only the suggestion of this method.")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="Why (kept with the decision).")] = None,
    reviewer: Annotated[Optional[str], typer.Option("--reviewer", help="Who decided: a team or role, e.g. 'cycle 3 team' (no personal names needed).")] = None,
    status: Annotated[str, typer.Option("--status", help="What to list: suggested (waiting), accepted or rejected.")] = "suggested",
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="How many to list.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Review moien's suggested cross-curricular links: without codes, list those waiting for review (strongest
    first); with two codes and --accept, --reject or --undo, record the decision. Accepted links stay
    suggestions — only the curriculum's publisher makes a link official — and rejected ones are not
    suggested again by `moien curriculum suggest`.

      moien curriculum review
      moien curriculum review MA-C3-04 SC-C3-02 --accept --note "fractions in the water-cycle project"
    """
    from curriculum_graph.links import METHODS, ReviewError, review_link, suggested_links

    if method is not None and method not in METHODS:
        _fail(f"--method {method!r}: use {', '.join(METHODS)}")
    graph = _graph()
    decisions = [d for d, on in (("accepted", accept), ("rejected", reject), ("suggested", undo)) if on]
    if code_a is None:
        if decisions:
            _fail("give the two item codes of the link to review, e.g. `moien curriculum review MA-C3-04 SC-C3-02 --accept`")
        if status not in ("suggested", "accepted", "rejected"):
            _fail("--status is suggested, accepted or rejected")
        rows = _run(lambda: suggested_links(graph, method=method, limit=limit, status=status))
        if as_json:
            _emit(rows)
            return
        out.print(f"[bold yellow]{len(rows)} suggested links — {status}[/] (moien's proposals, not official)",
                  highlight=False)
        for r in rows:
            why = f" [{', '.join(r['evidence'])}]" if r["evidence"] else ""
            out.print(f"  {r['from_code']} ({r['from_subject']}) ↔ {r['to_code']} ({r['to_subject']})  "
                      f"score {r['score']:.2f} via {r['method']}{why}", highlight=False)
        if rows and status == "suggested":
            out.print("Decide with: moien curriculum review CODE CODE --accept | --reject [--note …]", highlight=False)
        return
    if code_b is None:
        _fail("give both item codes of the link")
    if len(decisions) != 1:
        _fail("say what to do with the link: --accept, --reject or --undo (one of them)")
    try:
        n = _run(lambda: review_link(graph, code_a, code_b, decisions[0], method=method, note=note, reviewer=reviewer))
    except ReviewError as exc:
        _fail(str(exc))
    if as_json:
        _emit({"from": code_a, "to": code_b, "status": decisions[0], "updated": n})
    else:
        out.print(f"{code_a} ↔ {code_b}: {decisions[0]} ({n} suggestion{'s' if n != 1 else ''}); still a suggestion, "
                  "not part of the official curriculum.", highlight=False)


@curriculum_app.command("embed")
def embed_cmd() -> None:
    """Compute embeddings for items whose statements changed since they were last embedded."""
    from curriculum_graph.embeddings import EmbeddingsUnavailable, embed_items

    graph = _graph()
    try:
        n = _run(lambda: embed_items(graph, console=err))
    except EmbeddingsUnavailable as exc:
        _fail(str(exc))
    out.print(f"embedded {n} item(s)" if n else "every item is already embedded")


@curriculum_app.command("coverage")
def coverage_cmd(
    framework: Annotated[Optional[str], typer.Option("--framework", help="Only this framework.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the level × subject counts as JSON.")] = False,
) -> None:
    """How many competencies each level × subject has; empty cells are gaps."""
    from curriculum_graph.queries import coverage

    graph = _graph()
    cov = _run(lambda: coverage(graph, framework=framework))
    if as_json:
        _emit(cov.to_dict())
        return
    table = Table("level", *cov.subjects, header_style="bold")
    for lv in cov.levels:
        table.add_row(lv, *[str(cov.count(lv, s) or "·") for s in cov.subjects])
    out.print(table)


@curriculum_app.command("topics")
def topics_cmd(
    topic: Annotated[Optional[str], typer.Argument(help="A topic code, e.g. sustainability: list its items by subject.")] = None,
    lang: Annotated[str, _lang_option()] = "fr",
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Transversal topics and the items across subjects that address them."""
    from curriculum_graph.queries import topic_items, transversal_topics

    lang = _check_lang(lang)
    graph = _graph()
    if topic is None:
        topics = _run(lambda: transversal_topics(graph))
        if as_json:
            _emit({"topics": [t.__dict__ for t in topics]})
            return
        for t in topics:
            per = ", ".join(f"{s} {n}" for s, n in sorted(t.by_subject.items()))
            out.print(f"{t.code}: {t.name(lang)} — {t.items} items ({per})", highlight=False)
        return
    groups = _run(lambda: topic_items(graph, topic))
    if not groups:
        _fail(f"no item addresses topic {topic!r}; see `moien curriculum topics`")
    if as_json:
        _emit({"topic": topic, "by_subject": {s: [h.to_dict() for h in hs] for s, hs in groups.items()}})
        return
    for subject, hits in groups.items():
        out.print(f"[bold]{subject}[/]", highlight=False)
        for h in hits:
            out.print(f"  {h.code} ({', '.join(h.levels)}): {h.statement(lang)}", highlight=False)
