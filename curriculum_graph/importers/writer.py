"""Compare validated packages with the graph and write the difference — all of it, or nothing.

Every importer ends here. For each package (one framework) the writer:

1. reads what the graph holds for that framework (content hashes, retired flags, official links,
   subjects, topics) and computes the diff: added, changed, retired, restored, unchanged items and
   added/removed links;
2. checks every link end exists (in the file or already in the graph) — still before writing;
3. if nothing differs, writes nothing at all (a re-import is a no-op and says so);
4. otherwise writes every package of the file in **one** transaction, in batches of
   ``UNWIND $rows … MERGE``: a changed item first gets an ``ItemVersion`` snapshot of its previous
   state, an item missing from the new version is retired (``retired: true`` + date), never deleted,
   and an ``Import`` node records the file, its checksum and the diff.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from moien.connectors.neo4j_graph import Graph
from moien.curriculum_graph.levels import level_rows
from moien.curriculum_graph.model import AssociationRecord, CurriculumImportError, Package
from moien.curriculum_graph.schema import ASSOCIATION_TYPES, EXTENSION_REL_TYPE, MIGRATIONS, OFFICIAL_REL_TYPES

BATCH = 5000
#: Bump when ``moien.curriculum_graph.levels`` changes, so the Level catalogue is written again.
LEVEL_CATALOGUE_VERSION = 1


def rel_type(association_type: str) -> str:
    """The relationship type for a CASE association type (a whitelist: never user text in Cypher)."""
    if association_type in ASSOCIATION_TYPES:
        return ASSOCIATION_TYPES[association_type]
    if association_type.startswith("ext:"):
        return EXTENSION_REL_TYPE
    raise ValueError(f"unknown association type {association_type!r}")


@dataclass
class ImportReport:
    framework_id: str
    framework_title: str
    source: str
    format: str
    added: int = 0
    changed: int = 0
    retired: int = 0
    restored: int = 0
    unchanged: int = 0
    links_added: int = 0
    links_removed: int = 0
    definitions_written: int = 0
    framework_changed: bool = False
    import_id: str | None = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    written_ids: list[str] = field(default_factory=list, repr=False)

    @property
    def noop(self) -> bool:
        return not (
            self.added
            or self.changed
            or self.retired
            or self.restored
            or self.links_added
            or self.links_removed
            or self.definitions_written
            or self.framework_changed
        )

    @property
    def items(self) -> int:
        return self.added + self.changed + self.restored + self.unchanged

    def summary(self) -> str:
        head = f"{self.framework_id} ({self.framework_title}) from {Path(self.source).name}"
        if self.noop:
            return (
                f"{head}: nothing changed — {self.unchanged} items unchanged, the graph already matches "
                "this file (no write)."
            )
        parts = [f"{self.added} added", f"{self.changed} changed", f"{self.retired} retired"]
        if self.restored:
            parts.append(f"{self.restored} restored")
        parts.append(f"{self.unchanged} unchanged")
        links = f"links +{self.links_added}/−{self.links_removed}"
        return f"{head}: {', '.join(parts)}; {links} (import {self.import_id})."

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("written_ids")
        d["noop"] = self.noop
        return d


@dataclass
class _Plan:
    pkg: Package
    report: ImportReport
    framework_props: dict[str, Any] | None
    upserts: list[dict[str, Any]]  # rows for added / changed / restored items
    snapshot_ids: list[str]  # changed items whose previous state becomes an ItemVersion
    relink_ids: list[str]  # items whose membership links are rebuilt (changed + restored)
    retire_ids: list[str]
    links_remove: list[dict[str, Any]]
    links_add: dict[str, list[dict[str, Any]]]  # rel type → rows
    subjects: list[dict[str, Any]]
    topics: list[dict[str, Any]]
    items_digest: str | None = None
    links_digest: str | None = None
    links_count: int = 0


def _batches(rows: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _props_hash(props: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(props, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:32]


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None}


def _needs_levels(graph: Graph) -> bool:
    rows = graph.read("MATCH (l:Level) WHERE l.catalogue = $v RETURN count(l) AS n", v=LEVEL_CATALOGUE_VERSION)
    return bool(rows[0]["n"] < len(level_rows()))


def plan(graph: Graph, pkg: Package, *, file_ids: set[str], file_uris: dict[str, str]) -> _Plan:
    """Diff one package against the graph (reads only). Raises CurriculumImportError on dangling links."""
    return _Planner(graph, pkg, file_ids, file_uris).plan()


#: What every read of a framework's official links returns (the same columns, so rows compare as they are).
_LINK_COLUMNS = "RETURN r.id AS id, r.association_type AS type, a.id AS origin, b.id AS destination, r.sequence AS seq"


def _link_tuple(w: AssociationRecord) -> tuple[Any, ...]:
    return (w.type, w.origin, w.destination, w.sequence)


def _row_tuple(r: dict[str, Any]) -> tuple[Any, ...]:
    return (r["type"], r["origin"], r["destination"], r["seq"])


class _Planner:
    """The diff of one package against the graph, step by step: framework, items, link ends, links, definitions."""

    def __init__(self, graph: Graph, pkg: Package, file_ids: set[str], file_uris: dict[str, str]) -> None:
        self.graph, self.pkg, self.file_ids, self.file_uris = graph, pkg, file_ids, file_uris
        self.fw = fw = pkg.framework
        self.report = ImportReport(fw.id, fw.title, pkg.source, pkg.source_format, warnings=list(pkg.warnings))
        self.props = {it.id: it.properties() for it in pkg.items}
        self.hashes = {it.id: it.content_hash(self.props[it.id]) for it in pkg.items}
        self.items_digest = hashlib.sha256(
            "\n".join(sorted(f"{i} {h}" for i, h in self.hashes.items())).encode()
        ).hexdigest()
        self.links_digest = hashlib.sha256(repr(sorted(a.key() for a in pkg.associations)).encode()).hexdigest()
        self.existing: dict[str, dict[str, Any]] = {}  # item id → {id, h, fw, retired} as the graph holds it

    def plan(self) -> _Plan:
        """Every step; the fast path when the framework's last import wrote exactly this content."""
        graph, pkg, report = self.graph, self.pkg, self.report
        framework_props, fast = self._framework()
        if fast is not None:
            return fast
        ids = [it.id for it in pkg.items]
        retired_in_graph = self._read_existing(ids)
        upserts, snapshot_ids, relink_ids = self._diff_items()
        active_in_graph = {i for i, r in self.existing.items() if not r["retired"]}
        retire_ids = sorted(active_in_graph - set(ids))
        report.retired = len(retire_ids)
        report.written_ids = [r["id"] for r in upserts]
        retired_now = (retired_in_graph - {r["id"] for r in upserts}) | set(retire_ids)
        wanted = self._wanted_links(self._link_end_resolver())
        have = self._links_in_graph(wanted, set(ids))
        links_remove, links_add = self._diff_links(have, wanted, retired_now)
        subjects = _changed_defs(graph, "Subject", pkg.subjects)
        topics = _changed_defs(graph, "TransversalTopic", pkg.topics)
        report.definitions_written = len(subjects) + len(topics)
        skipped = len(wanted) < len(pkg.associations)  # links left out now must be looked at again next time
        return _Plan(
            pkg,
            report,
            framework_props,
            upserts,
            snapshot_ids,
            relink_ids,
            retire_ids,
            links_remove,
            links_add,
            subjects,
            topics,
            self.items_digest,
            None if skipped else self.links_digest,
            len(have) - len(links_remove) + report.links_added,
        )

    def _framework(self) -> tuple[dict[str, Any] | None, _Plan | None]:
        """The framework's new properties if they changed; or, when nothing can have changed, the finished plan."""
        graph, fw, report = self.graph, self.fw, self.report
        new_fprops = fw.properties()
        new_fhash = _props_hash(new_fprops)
        row = graph.read(
            "MATCH (f:Framework {id: $id}) RETURN f.content_hash AS h, f.retired AS retired, f.items_digest AS items, "
            "f.links_digest AS links, f.links_count AS nlinks, "
            "COUNT { MATCH (i:Item {framework: $id}) WHERE i.retired IS NULL } AS active",
            id=fw.id,
        )
        if not row or row[0]["h"] != new_fhash or row[0]["retired"]:
            report.framework_changed = True
            return {**new_fprops, "content_hash": new_fhash, "retired": None, "retired_at": None}, None
        if (
            row[0]["items"] == self.items_digest
            and row[0]["links"] == self.links_digest
            and row[0]["active"] == len(self.hashes)
            and _links_declared(graph, fw.id) == row[0]["nlinks"]
        ):
            # Fast path: the last import of this framework wrote exactly this content and nothing was removed
            # since — no need to read every item back.
            report.unchanged = len(self.hashes)
            subjects = _changed_defs(graph, "Subject", self.pkg.subjects)
            topics = _changed_defs(graph, "TransversalTopic", self.pkg.topics)
            report.definitions_written = len(subjects) + len(topics)
            fast = _Plan(
                self.pkg,
                report,
                None,
                [],
                [],
                [],
                [],
                [],
                {},
                subjects,
                topics,
                self.items_digest,
                self.links_digest,
                row[0]["nlinks"],
            )
            return None, fast
        return None, None

    def _read_existing(self, ids: list[str]) -> set[str]:
        """What the graph holds of this framework's items and of the file's other items; returns the retired ones."""
        graph, existing = self.graph, self.existing
        for r in graph.read(
            "MATCH (i:Item {framework: $fid}) "
            "RETURN i.id AS id, i.content_hash AS h, i.framework AS fw, i.retired IS NOT NULL AS retired",
            fid=self.fw.id,
        ):
            existing[r["id"]] = r
        retired_in_graph = {i for i, r in existing.items() if r["retired"]}
        elsewhere = [i for i in ids if i not in existing]  # new items, or items another framework holds
        if elsewhere and graph.read("MATCH (i:Item) RETURN count(i) AS n")[0]["n"] == len(existing):
            elsewhere = []  # every item in the graph is this framework's (a count from the count store: instant)
        for chunk in _batches(elsewhere, 20000):
            for r in graph.read(
                "UNWIND $ids AS id MATCH (i:Item {id: id}) "
                "RETURN i.id AS id, i.content_hash AS h, i.framework AS fw, i.retired IS NOT NULL AS retired",
                ids=chunk,
            ):
                existing[r["id"]] = r
        return retired_in_graph

    def _diff_items(self) -> tuple[list[dict[str, Any]], list[str], list[str]]:
        """Rows to write (added, changed, restored), items to snapshot first, items whose memberships are rebuilt."""
        report = self.report
        upserts: list[dict[str, Any]] = []
        snapshot_ids: list[str] = []
        relink_ids: list[str] = []
        for it in self.pkg.items:
            h = self.hashes[it.id]
            old = self.existing.get(it.id)
            row = {
                "id": it.id,
                "hash": h,
                "props": self.props[it.id],
                "subjects": it.subjects,
                "levels": it.levels,
                "topics": it.topics,
            }
            if old is None:
                report.added += 1
                upserts.append({**row, "new": True})
            elif old["h"] != h or old["fw"] != self.fw.id:
                if old["retired"]:
                    report.restored += 1
                else:
                    report.changed += 1
                upserts.append(row)
                snapshot_ids.append(it.id)
                relink_ids.append(it.id)
            elif old["retired"]:
                report.restored += 1
                upserts.append(row)
                relink_ids.append(it.id)
            else:
                report.unchanged += 1
        return upserts, snapshot_ids, relink_ids

    def _link_end_resolver(self) -> Callable[[str], str | None]:
        """How a link end becomes an item id: in the file, in the graph by id, or in the graph by URI only."""
        graph, file_ids, file_uris = self.graph, self.file_ids, self.file_uris
        assocs = self.pkg.associations
        ends = {a.origin for a in assocs} | {a.destination for a in assocs}
        unknown_ends = sorted(e for e in ends if e not in file_ids)
        in_graph: set[str] = set()
        for chunk in _batches(unknown_ends, 20000):
            in_graph |= {
                r["id"] for r in graph.read("UNWIND $ids AS id MATCH (i:Item {id: id}) RETURN i.id AS id", ids=chunk)
            }
        # an end given by URI only (another framework's item): look it up by uri
        by_uri: dict[str, str] = {}
        uris = sorted({file_uris[e] for e in unknown_ends if e not in in_graph and e in file_uris})
        if uris:
            by_uri = {
                r["uri"]: r["id"]
                for r in graph.read(
                    "UNWIND $uris AS u MATCH (i:Item {uri: u}) RETURN i.uri AS uri, i.id AS id", uris=uris
                )
            }

        def resolve(end: str) -> str | None:
            if end in file_ids or end in in_graph:
                return end
            return by_uri.get(file_uris.get(end, ""))

        return resolve

    def _wanted_links(self, resolve: Callable[[str], str | None]) -> dict[str, AssociationRecord]:
        """The file's links with both ends found; a missing destination is a warning, a missing origin an error."""
        pkg, report = self.pkg, self.report
        wanted: dict[str, AssociationRecord] = {}
        problems = []
        for a in pkg.associations:
            o, d = resolve(a.origin), resolve(a.destination)
            if o is None:
                problems.append(
                    CurriculumImportError(
                        pkg.source,
                        f"the origin {a.origin!r} of this {a.type} link is neither in the file nor in the graph",
                        field=f"{a.where}.originNodeURI" if a.where.startswith("CFAssociations") else a.where,
                    )
                )
                continue
            if d is None:
                report.warnings.append(
                    f"{a.where}: {a.type} link to {a.destination!r} skipped — that item is not in "
                    "the file or the graph (import its framework, then re-import this one)"
                )
                continue
            wanted[a.id] = AssociationRecord(a.id, a.type, o, d, a.sequence)
        if len(problems) == 1:
            raise problems[0]
        if problems:
            raise CurriculumImportError(
                pkg.source,
                f"{len(problems)} links point nowhere; nothing was imported:\n  "
                + "\n  ".join(str(p) for p in problems[:20]),
                field=problems[0].field,
            )
        return wanted

    def _links_in_graph(self, wanted: dict[str, AssociationRecord], id_set: set[str]) -> dict[str, dict[str, Any]]:
        """The official links this framework declared so far, by id.

        Most start at the framework's own items (one query). The others start at items this framework does not
        hold in the graph: another framework's items, and items this file moves here from another framework;
        their links are read with one batched query for both.
        """
        graph, fid = self.graph, self.fw.id
        official = "|".join(OFFICIAL_REL_TYPES)
        have: dict[str, dict[str, Any]] = {}
        for r in graph.read(
            f"MATCH (a:Item {{framework: $fid}})-[r:{official}]->(b:Item) WHERE r.framework = $fid {_LINK_COLUMNS}",
            fid=fid,
        ):
            have[r["id"]] = r
        origins = {a.origin for a in wanted.values()}
        outside = origins - set(self.existing) - id_set
        moved = {oid for oid in origins & set(self.existing) if self.existing[oid]["fw"] != fid}
        for chunk in _batches(sorted(outside | moved), 20000):
            for r in graph.read(
                f"UNWIND $ids AS oid MATCH (a:Item {{id: oid}})-[r:{official}]->(b:Item) WHERE r.framework = $fid "
                + _LINK_COLUMNS,
                ids=chunk,
                fid=fid,
            ):
                have[r["id"]] = r
        return have

    def _diff_links(
        self, have: dict[str, dict[str, Any]], wanted: dict[str, AssociationRecord], retired_now: set[str]
    ) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
        """Links to remove (unless they belong to a retired item: kept as history) and links to add, by type."""
        links_remove: list[dict[str, Any]] = []
        links_add: defaultdict[str, list[dict[str, Any]]] = defaultdict(list[Any])
        for rid, r in have.items():
            w = wanted.get(rid)
            if w is not None and _link_tuple(w) == _row_tuple(r):
                continue
            if w is None and (r["origin"] in retired_now or r["destination"] in retired_now):
                continue  # a link of a retired item stays, as history
            links_remove.append({"id": rid, "origin": r["origin"], "destination": r["destination"]})
        for rid, w in wanted.items():
            cur = have.get(rid)
            if cur is not None and _link_tuple(w) == _row_tuple(cur):
                continue
            links_add[rel_type(w.type)].append(
                {"id": rid, "type": w.type, "origin": w.origin, "destination": w.destination, "seq": w.sequence}
            )
        self.report.links_removed = len(links_remove)
        self.report.links_added = sum(len(v) for v in links_add.values())
        return links_remove, dict(links_add)


def _links_declared(graph: Graph, fid: str) -> int:
    official = "|".join(OFFICIAL_REL_TYPES)
    rows = graph.read(
        f"MATCH (:Item {{framework: $fid}})-[r:{official}]->(:Item) WHERE r.framework = $fid RETURN count(r) AS n",
        fid=fid,
    )
    return int(rows[0]["n"])


def _changed_defs(graph: Graph, label: str, defs: dict[str, Any]) -> list[dict[str, Any]]:
    """Subjects or topics whose names differ from the graph's (label: Subject | TransversalTopic)."""
    assert label in ("Subject", "TransversalTopic")
    if not defs:
        return []
    current = {
        r["code"]: r["p"]
        for r in graph.read(
            f"MATCH (n:{label}) WHERE n.code IN $codes RETURN n.code AS code, properties(n) AS p", codes=list(defs)
        )
    }
    out = []
    for code, d in defs.items():
        props = d.properties()
        cur = current.get(code)
        if cur is None or any(cur.get(k) != v for k, v in props.items() if v is not None):
            out.append({"code": code, "props": _clean(props)})
    return out


def apply(graph: Graph, plans: list[_Plan], *, source: str, file_sha256: str, progress: Any = None) -> None:
    """Write every plan in one transaction (the caller has checked that something changed)."""
    now = datetime.now(UTC)
    write_levels = _needs_levels(graph)
    for p in plans:
        if not p.report.noop:
            p.report.import_id = uuid.uuid4().hex[:16]
    total = sum(
        len(p.upserts) + len(p.retire_ids) + len(p.links_remove) + sum(len(v) for v in p.links_add.values())
        for p in plans
    )
    task = progress.add_task("writing", total=max(total, 1)) if progress else None

    def work(tx: Any) -> None:
        if progress is not None:
            progress.reset(task, total=max(total, 1))  # a retried transaction starts the bar again
        if write_levels:
            _write_levels(tx)
        writer = _Writer(tx, now, source, file_sha256, progress, task)
        todo = [p for p in plans if not p.report.noop]
        # Every framework's items first, then every framework's links: a link into a framework of the same import
        # finds its far end whatever the order (frameworks that link into each other both ways included).
        for p in todo:
            writer.write(p)
        for p in todo:
            writer.write_links(p)

    graph.run_in_transaction(work)


def _write_levels(tx: Any) -> None:
    """The Level catalogue (cycles, classes, tracks) with its NEXT_LEVEL and VARIANT_OF links, written anew."""
    rows = level_rows()
    tx.run(
        "UNWIND $rows AS l MERGE (n:Level {code: l.code}) "
        "SET n.order = l.order, n.stage = l.stage, n.track = l.track, n.age_min = l.age_min, "
        "n.age_max = l.age_max, n.name_fr = l.name_fr, n.name_de = l.name_de, n.name_en = l.name_en, "
        "n.name_lb = l.name_lb, n.catalogue = $v",
        rows=rows,
        v=LEVEL_CATALOGUE_VERSION,
    )
    tx.run(
        "UNWIND $rows AS l MATCH (n:Level {code: l.code}) OPTIONAL MATCH (n)-[r:NEXT_LEVEL|VARIANT_OF]->() DELETE r",
        rows=rows,
    )
    tx.run(
        "UNWIND $rows AS l UNWIND l.next AS nx MATCH (n:Level {code: l.code}), (m:Level {code: nx}) "
        "CREATE (n)-[:NEXT_LEVEL]->(m)",
        rows=rows,
    )
    tx.run(
        "UNWIND $rows AS l WITH l WHERE l.variant_of IS NOT NULL "
        "MATCH (n:Level {code: l.code}), (g:Level {code: l.variant_of}) CREATE (n)-[:VARIANT_OF]->(g)",
        rows=rows,
    )


class _Writer:
    """Writes plans inside one transaction, step by step, advancing the progress bar as rows land."""

    #: Membership relationships rebuilt for every written item: (relationship, label, key, row field).
    MEMBERSHIPS = (
        ("IN_SUBJECT", "Subject", "code", "subjects"),
        ("FOR_LEVEL", "Level", "code", "levels"),
        ("ADDRESSES", "TransversalTopic", "code", "topics"),
    )

    def __init__(self, tx: Any, now: datetime, source: str, file_sha256: str, progress: Any, task: Any) -> None:
        self.tx, self.now, self.source, self.sha = tx, now, source, file_sha256
        self.progress, self.task = progress, task

    def advance(self, n: int) -> None:
        if self.progress is not None:
            self.progress.advance(self.task, n)

    def write(self, p: _Plan) -> None:
        """One package's nodes: framework, definitions, item versions, items, retirements (links come after every
        package of the import is written: :meth:`write_links`)."""
        params = {"fid": p.pkg.framework.id, "now": self.now, "imp": p.report.import_id}
        self._framework_and_definitions(p, params)
        self._snapshots(p, params)
        self._items(p, params)
        self._retire(p, params)

    def write_links(self, p: _Plan) -> None:
        """One package's links and its Import record, once every item of the import exists."""
        params = {"fid": p.pkg.framework.id, "now": self.now, "imp": p.report.import_id}
        self._links(p, params)
        self._record_import(p, params)

    def _framework_and_definitions(self, p: _Plan, params: dict[str, Any]) -> None:
        """The framework node when its properties changed; subjects and topics whose names changed."""
        tx = self.tx
        if p.framework_props is not None:
            tx.run(
                "MERGE (f:Framework {id: $fid}) ON CREATE SET f.created_at = $now SET f += $props, f.updated_at = $now",
                props=p.framework_props,
                **params,
            )
        for label, rows in (("Subject", p.subjects), ("TransversalTopic", p.topics)):
            if rows:
                tx.run(f"UNWIND $rows AS r MERGE (n:{label} {{code: r.code}}) SET n += r.props", rows=rows)

    def _snapshots(self, p: _Plan, params: dict[str, Any]) -> None:
        """An ItemVersion with the previous state of every changed item (its embedding left out)."""
        for batch in _batches(p.snapshot_ids):
            self.tx.run(
                "UNWIND $ids AS id MATCH (i:Item {id: id}) "
                "CREATE (v:ItemVersion) SET v = properties(i) "
                "SET v.id = i.id + '@v' + toString(coalesce(i.version, 1)), v.item_id = i.id, "
                "v.version = coalesce(i.version, 1), v.valid_from = coalesce(i.updated_at, i.created_at), "
                "v.valid_to = $now, v.superseded_by = $imp "
                "REMOVE v.embedding, v.embedding_hash "
                "CREATE (i)-[:HAS_VERSION]->(v)",
                ids=batch,
                **params,
            )

    def _items(self, p: _Plan, params: dict[str, Any]) -> None:
        """Added items created, changed and restored ones updated, each with its memberships rebuilt."""
        tx = self.tx
        for batch in _batches(p.relink_ids):
            tx.run(
                "UNWIND $ids AS id MATCH (i:Item {id: id})-[r:IN_FRAMEWORK|IN_SUBJECT|FOR_LEVEL|ADDRESSES|PART_OF]->() "
                "DELETE r",
                ids=batch,
            )
        for batch in _batches(p.upserts):
            new = [r for r in batch if r.get("new")]
            old = [r for r in batch if not r.get("new")]
            if new:  # the diff knows they do not exist: CREATE, no MERGE lookups
                tx.run(
                    "MATCH (f:Framework {id: $fid}) UNWIND $rows AS row "
                    "CREATE (i:Item {id: row.id}) SET i += row.props, i.framework = $fid, "
                    "i.content_hash = row.hash, i.created_at = $now, i.updated_at = $now, i.version = 1, "
                    "i.import_id = $imp CREATE (i)-[:IN_FRAMEWORK]->(f)",
                    rows=new,
                    **params,
                )
            if old:
                tx.run(
                    "MATCH (f:Framework {id: $fid}) UNWIND $rows AS row MATCH (i:Item {id: row.id}) "
                    "SET i += row.props, i.framework = $fid, i.content_hash = row.hash, i.updated_at = $now, "
                    "i.import_id = $imp, i.version = coalesce(i.version, 1) + 1 "
                    "REMOVE i.retired, i.retired_at, i.retired_by CREATE (i)-[:IN_FRAMEWORK]->(f)",
                    rows=old,
                    **params,
                )
            self._memberships(batch)
            self.advance(len(batch))

    def _memberships(self, batch: list[dict[str, Any]]) -> None:
        """IN_SUBJECT, FOR_LEVEL and ADDRESSES for a batch of written items."""
        for rel, label, key, field_ in self.MEMBERSHIPS:
            pairs = [[r["id"], v] for r in batch for v in dict.fromkeys(r[field_])]
            if not pairs:
                continue
            if label != "Level":
                # subjects and topics named only by code get a node (names come from definitions)
                self.tx.run(f"UNWIND $codes AS c MERGE (:{label} {{{key}: c}})", codes=sorted({v for _, v in pairs}))
            self.tx.run(
                f"UNWIND $pairs AS p MATCH (i:Item {{id: p[0]}}), (n:{label} {{{key}: p[1]}}) CREATE (i)-[:{rel}]->(n)",
                pairs=pairs,
            )

    def _retire(self, p: _Plan, params: dict[str, Any]) -> None:
        """Items the new version no longer has: marked retired, never deleted."""
        for batch in _batches(p.retire_ids):
            self.tx.run(
                "UNWIND $ids AS id MATCH (i:Item {id: id}) "
                "SET i.retired = true, i.retired_at = $now, i.retired_by = $imp",
                ids=batch,
                **params,
            )
            self.advance(len(batch))

    def _links(self, p: _Plan, params: dict[str, Any]) -> None:
        """Official links removed, then added (their types from the whitelist, never user text)."""
        tx = self.tx
        for batch in _batches(p.links_remove):
            tx.run(
                "UNWIND $rows AS x MATCH (a:Item {id: x.origin})-[r]->(b:Item {id: x.destination}) "
                "WHERE r.id = x.id AND r.framework = $fid DELETE r",
                rows=batch,
                fid=params["fid"],
            )
            self.advance(len(batch))
        for rtype, rows in p.links_add.items():
            assert rtype in ASSOCIATION_TYPES.values()  # whitelist: the type is never user text
            for batch in _batches(rows):
                tx.run(
                    f"UNWIND $rows AS x MATCH (a:Item {{id: x.origin}}), (b:Item {{id: x.destination}}) "
                    f"CREATE (a)-[r:{rtype}]->(b) SET r.id = x.id, r.association_type = x.type, "
                    "r.framework = $fid, r.sequence = x.seq",
                    rows=batch,
                    **params,
                )
                self.advance(len(batch))

    def _record_import(self, p: _Plan, params: dict[str, Any]) -> None:
        """The framework's digests (for the next import's fast path) and an Import node with the diff."""
        tx, r = self.tx, p.report
        tx.run(
            "MATCH (f:Framework {id: $fid}) SET f.items_digest = $items, f.links_digest = $links, f.links_count = $n",
            fid=params["fid"],
            items=p.items_digest,
            links=p.links_digest,
            n=p.links_count,
        )
        tx.run(
            "MATCH (f:Framework {id: $fid}) CREATE (m:Import {id: $imp}) "
            "SET m.at = $now, m.file = $file, m.sha256 = $sha, m.format = $fmt, m.added = $a, m.changed = $c, "
            "m.retired = $ret, m.restored = $res, m.unchanged = $u, m.links_added = $la, "
            "m.links_removed = $lr CREATE (m)-[:IMPORTED]->(f) SET f.last_import = $imp",
            file=self.source,
            sha=self.sha,
            fmt=r.format,
            a=r.added,
            c=r.changed,
            ret=r.retired,
            res=r.restored,
            u=r.unchanged,
            la=r.links_added,
            lr=r.links_removed,
            **params,
        )


def write_packages(
    graph: Graph,
    packages: list[Package],
    *,
    source: str | Path,
    file_sha256: str = "",
    progress: Any = None,
    dry_run: bool = False,
) -> list[ImportReport]:
    """Plan every package (reads), then write all that changed in one transaction."""
    t0 = time.perf_counter()
    graph.migrate(MIGRATIONS)
    file_ids = {it.id for p in packages for it in p.items}
    file_uris = {
        end: uri
        for p in packages
        for a in p.associations
        for end, uri in ((a.origin, a.origin_uri), (a.destination, a.destination_uri))
        if uri
    }
    plans = [plan(graph, p, file_ids=file_ids, file_uris=file_uris) for p in packages]
    if not dry_run and any(not p.report.noop for p in plans):
        try:
            apply(graph, plans, source=str(source), file_sha256=file_sha256, progress=progress)
        except Exception as exc:  # the transaction rolled back: the graph is as it was
            code = getattr(exc, "code", "") or ""
            if "MemoryPoolOutOfMemory" in code or "TransactionMemoryLimit" in code or "OutOfMemory" in code:
                items = sum(len(p.upserts) for p in plans)
                raise CurriculumImportError(
                    source,
                    f"writing {items} items in one transaction needs more memory than Neo4j allows a "
                    "transaction (dbms.memory.transaction.total.max, 70% of the heap); nothing was written. "
                    "Give Neo4j a larger heap (MOIEN_NEO4J__HEAP=4g for ~60,000 items) and import again.",
                ) from None
            raise
    elapsed = time.perf_counter() - t0
    for p in plans:
        p.report.seconds = elapsed
    return [p.report for p in plans]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
