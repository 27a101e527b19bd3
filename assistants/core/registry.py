"""The algorithm-registry card: what an administration publishes about this installation, built from its settings.

Public-sector AI registers (the Amsterdam and Helsinki registers, the French "registre des algorithmes publics", the
UK's Algorithmic Transparency Recording Standard) ask the same questions: what is it for, which models and data,
how good is it, who oversees it, who to contact. A hand-written answer drifts from what actually runs, so
``moien registry card`` builds it from the running configuration every time: the configured model and its file's
SHA-256, the assistants that are installed, the data-set licences in ``docs/DATA.md``, the audit log's path, the last
``moien eval`` summary. What only the operator knows (organisation, contact) comes from ``[registry]`` settings, and
until it is set the card says so, naming the variable, rather than looking complete.

The card is a typed structure (:class:`RegistryCard`); :func:`to_json` gives stable keys for tools, :func:`to_markdown`
a human-readable page with tables. Multilingual fields (purpose, titles, disclosure) carry all four languages.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from moien.assistants.core.audit import model_sha256
from moien.assistants.core.i18n import STRINGS
from moien.connectors.llm.model_store import BUILTIN_MODELS
from moien.lang import LANG_NAMES, LANGS

if TYPE_CHECKING:
    from moien.assistants.core.assistant import Assistant
    from moien.assistants.core.config import Settings

__all__ = ["CARD_FORMAT", "RegistryCard", "build_card", "parse_data_md", "to_json", "to_markdown"]

#: Version of the card's JSON layout; raised when a key is renamed or removed (adding keys keeps it).
CARD_FORMAT = 1

#: ``docs/DATA.md`` in a source checkout (a wheel does not ship ``docs/``: the card then says so).
DATA_MD = Path(__file__).resolve().parents[2] / "docs" / "DATA.md"

#: Licences of the built-in models (their sources are in ``docs/DATA.md``, section Models).
MODEL_LICENCES: dict[str, str] = {
    "qwen2.5-coder-1.5b-instruct-q4_k_m": "Apache-2.0",
    "qwen2.5-coder-0.5b-instruct-q4_k_m": "Apache-2.0",
}

#: What the card says where the operator has not filled in a setting yet.
TO_FILL = "to be filled in by the operator: {variable}"

#: moien's generic purpose; ``registry.purpose`` replaces it per language.
DEFAULT_PURPOSE: dict[str, str] = {
    "lb": "Beäntwert Froe vu Bierger a Staatsbeamten iwwer d'Servicer, d'Dokumenter, d'Schoulprogrammer an d'Sammlungen "
    "vun der Verwaltung, op Lëtzebuergesch, Franséisch, Däitsch an Englesch, a gëtt seng Quellen un. Et informéiert "
    "just: et hëlt keng Decisioun iwwer iergendeen.",
    "fr": "Répond aux questions des citoyens et des agents publics sur les services, les documents, les programmes "
    "scolaires et les collections de l'administration, en luxembourgeois, français, allemand et anglais, en citant ses "
    "sources. Il informe seulement : il ne prend aucune décision concernant qui que ce soit.",
    "de": "Beantwortet Fragen von Bürgerinnen, Bürgern und Verwaltungsangestellten zu den Diensten, Dokumenten, "
    "Lehrplänen und Sammlungen der Verwaltung, auf Luxemburgisch, Französisch, Deutsch und Englisch, mit Quellenangaben. "
    "Es informiert nur: Es trifft keine Entscheidung über irgendjemanden.",
    "en": "Answers questions from citizens and civil servants about the administration's services, documents, curricula "
    "and collections, in Luxembourgish, French, German and English, citing its sources. It only informs: it takes no "
    "decision about anyone.",
}

_UNKNOWN_SOURCES = "sources: see assistant description"
_LICENCE_ID = re.compile(r"\b(CC0-1\.0|CC BY(?:-SA)? \d\.\d|Apache-2\.0|MIT|EUPL-1\.2|BSD-\d-Clause|GPL-\d\.\d)\b")


# -- the card ------------------------------------------------------------------------------------------------------
class AssistantEntry(BaseModel):
    name: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    #: The service it searches, per language (what a user is told when it is down).
    service: dict[str, str]
    #: Where its sources come from, as far as the running configuration says.
    sources: str


class ModelEntry(BaseModel):
    role: str
    id: str
    backend: str
    #: The file (or endpoint) the model is loaded from.
    location: str | None
    sha256: str | None
    #: How ``sha256`` was obtained, or why there is none.
    sha256_note: str
    licence: str


class DataSetEntry(BaseModel):
    #: The ``docs/DATA.md`` section the row comes from ("Models", "Language identification corpus"…).
    section: str
    name: str
    origin: str
    licence: str


class DataSets(BaseModel):
    source: str
    found: bool
    entries: list[DataSetEntry]
    note: str | None = None


class LanguageEntry(BaseModel):
    code: str
    names: dict[str, str]


class Quality(BaseModel):
    measured: bool
    source: str | None
    measured_at: str | None = None
    summary: dict[str, Any] | None = None
    note: str


class Oversight(BaseModel):
    audit_enabled: bool
    audit_log: str
    verify_command: str
    message_text_logged: bool
    turns_refused_without_log: bool
    statements: list[str]
    #: What the assistant answers when its sources say nothing, per language.
    dont_know_reply: dict[str, str]


class Transparency(BaseModel):
    #: Shown on the first turn of every conversation, in every channel.
    disclosure: dict[str, str]
    ai_marking: str


class RiskClass(BaseModel):
    classification: str
    legal_basis: str
    reasoning: str
    high_risk_if: str
    status: str


class Contact(BaseModel):
    organisation: str
    email: str


class RegistryCard(BaseModel):
    card_format: int = CARD_FORMAT
    generated_at: str
    software: str
    purpose: dict[str, str]
    assistants: list[AssistantEntry]
    models: list[ModelEntry]
    data_sets: DataSets
    languages: list[LanguageEntry]
    quality: Quality
    human_oversight: Oversight
    transparency: Transparency
    risk: RiskClass
    contact: Contact
    #: Settings the operator still has to fill in before publishing (empty when the card is complete).
    incomplete: list[str]


# -- the parts -----------------------------------------------------------------------------------------------------
def _sources_of(assistant: Assistant) -> str:
    docs_dir = getattr(assistant, "docs_dir", None)
    if isinstance(docs_dir, (str, Path)):
        return f"documents in {Path(docs_dir)}"
    return _UNKNOWN_SOURCES


def _assistant_entry(assistant: Assistant) -> AssistantEntry:
    return AssistantEntry(
        name=assistant.name,
        titles={lang: assistant.title(lang) for lang in LANGS},
        descriptions={lang: assistant.description(lang) for lang in LANGS},
        service={lang: assistant.service_name(lang) for lang in LANGS},
        sources=_sources_of(assistant),
    )


def _model_entry(settings: Settings) -> ModelEntry:
    m, own_licence = settings.model, settings.registry.model_licence
    unknown_licence = TO_FILL.format(variable="MOIEN_REGISTRY__MODEL_LICENCE")
    if m.backend == "openai" or m.openai_base_url:
        return ModelEntry(
            role="answers questions",
            id=m.openai_model or "not configured (MOIEN_MODEL__OPENAI_MODEL)",
            backend="openai-compatible server",
            location=m.openai_base_url,
            sha256=None,
            sha256_note="a remote model server: its weights are not on this machine, so no sha256 can be computed here "
            "(ask the server's operator for it)",
            licence=own_licence or unknown_licence,
        )
    if m.path is not None:
        path = Path(m.path).expanduser()
        digest = model_sha256(path)
        return ModelEntry(
            role="answers questions",
            id=path.stem,
            backend="llama.cpp (local GGUF file)",
            location=str(path),
            sha256=digest,
            sha256_note="hashed from the file" if digest else f"the file {path} is missing (MOIEN_MODEL__PATH)",
            licence=own_licence or unknown_licence,
        )
    builtin = BUILTIN_MODELS.get(m.name)
    licence = MODEL_LICENCES.get(m.name) or own_licence or unknown_licence
    if builtin is None:
        return ModelEntry(
            role="answers questions",
            id=m.name,
            backend="llama.cpp (built-in model)",
            location=None,
            sha256=None,
            sha256_note=f"unknown built-in model {m.name!r}: moien cannot load it (see `moien model list`)",
            licence=licence,
        )
    path = settings.model_cache_dir / builtin.filename
    digest = model_sha256(path)  # the store's .verified marker when it matches the file, else the file hashed once
    if digest is None:
        digest, note = builtin.sha256, "the published value: the file is not assembled here yet (`moien model fetch`)"
    elif digest == builtin.sha256:
        note = "the file's sha256, equal to the published value moien verifies before loading"
    else:
        note = f"the file's sha256 DIFFERS from the published value {builtin.sha256}: moien refuses to load it"
    return ModelEntry(
        role="answers questions",
        id=builtin.id,
        backend="llama.cpp (built-in model)",
        location=str(path),
        sha256=digest,
        sha256_note=note,
        licence=licence,
    )


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_data_md(text: str) -> list[DataSetEntry]:
    """Every row of every table in ``docs/DATA.md``, with its licence.

    The licence is the row's ``licence`` column; in a table without one (the demo data "written by the moien authors
    (EUPL-1.2, like the code)"), a licence id named in the row (CC0-1.0…) or else the one in the section's heading.
    """
    entries: list[DataSetEntry] = []
    section, header = "", None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("#"):
            section, header = stripped.lstrip("#").strip(), None
            continue
        if not stripped.startswith("|"):
            header = None
            continue
        if header is None:
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if re.fullmatch(r"\|?[\s:|-]+\|?", nxt) and "-" in nxt:
                header = [c.lower() for c in _cells(stripped)]
            continue
        if re.fullmatch(r"\|?[\s:|-]+\|?", stripped):
            continue
        row = dict(zip(header, _cells(stripped), strict=False))
        values = list(row.values())
        name = row.get("what") or row.get("source") or (values[0] if values else "")
        origin = row.get("where it comes from") or row.get("file") or row.get("content") or ""
        if "source" in row and "content" in row:  # "source | content | licence": the content is the thing itself
            name, origin = row["content"], row["source"]
        licence = row.get("licence")
        if not licence:
            found = _LICENCE_ID.search(" ".join(values)) or _LICENCE_ID.search(section)
            licence = found.group(1) if found else "see docs/DATA.md"
        entries.append(DataSetEntry(section=section, name=name, origin=origin, licence=licence))
    return entries


def _data_sets(data_md: Path) -> DataSets:
    try:
        text = data_md.read_text(encoding="utf-8")
    except OSError:
        return DataSets(
            source=str(data_md),
            found=False,
            entries=[],
            note="docs/DATA.md is not installed with this copy of moien (a wheel ships no docs): publish the data "
            "sets and licences from the source repository's docs/DATA.md",
        )
    return DataSets(source=str(data_md), found=True, entries=parse_data_md(text))


def _quality(settings: Settings) -> Quality:
    path = settings.home / "eval" / "summary.json"
    try:
        raw = path.read_text(encoding="utf-8")
        stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except OSError:
        return Quality(measured=False, source=None, note="not measured yet — run `moien eval`")
    try:
        summary = json.loads(raw)
    except ValueError:
        summary = None
    if not isinstance(summary, dict):
        return Quality(
            measured=False, source=str(path), note=f"{path} is not a JSON object: run `moien eval` again to rewrite it"
        )
    return Quality(
        measured=True, source=str(path), measured_at=stamp, summary=summary, note="the last `moien eval` summary"
    )


def _oversight(settings: Settings) -> Oversight:
    audit = settings.audit
    log = str(settings.audit_path)
    return Oversight(
        audit_enabled=audit.enabled,
        audit_log=log if audit.enabled else f"switched off (audit.enabled = false); would be {log}",
        verify_command=f"moien audit verify {log}",
        message_text_logged=audit.log_text,
        turns_refused_without_log=audit.required,
        statements=[
            "Every turn is recorded in an append-only, hash-chained audit log (channel, assistant, language, model id "
            "and file sha256, source ids, guardrail decisions, whether the AI disclosure was shown, latency); "
            "`moien audit verify` detects any edited, removed or reordered entry.",
            "Messages are not written to the audit log unless the operator switches it on (audit.log_text), and then "
            "only redacted.",
            "Answers cite the sources they rest on as numbered references [n], listed with every reply.",
            "When its sources say nothing about a question, the assistant says that it does not know instead of "
            "answering.",
            "The assistant informs; it takes no decision about anyone. Decisions stay with the administration's staff.",
        ],
        dont_know_reply={lang: STRINGS["no_answer"][lang] for lang in LANGS},
    )


def _transparency() -> Transparency:
    label = STRINGS.get("ai_label", {}).get("en", "AI-generated")
    return Transparency(
        disclosure={lang: STRINGS["disclosure"][lang] for lang in LANGS},
        ai_marking=f"Every reply is marked as generated by AI (ai_generated = true, shown as “{label}”) and names the "
        "model that wrote it, in every channel (CLI, web app, API, widget, kiosk).",
    )


def _risk() -> RiskClass:
    return RiskClass(
        classification="limited risk (transparency obligations)",
        legal_basis="Regulation (EU) 2024/1689 (AI Act), Article 50(1) (people are told they are interacting with an AI "
        "system) and Article 50(2) (generated text is marked as such)",
        reasoning="A chatbot that informs citizens and civil servants from the administration's own documents, "
        "curricula and collections, citing its sources. It does not decide, score, rank or profile people, and its "
        "answers have no legal effect. It tells every user on the first turn that they talk to an AI, and marks each "
        "reply as AI-generated.",
        high_risk_if="It becomes high-risk (Article 6(2), Annex III) if it is used for an Annex III purpose, for "
        "example to decide on or assess eligibility for public assistance benefits and services (point 5(a)), "
        "admission to or the assessment of learners in education (point 3), or access to employment (point 4). "
        "Such uses need a conformity assessment first.",
        status="The operator's assessment, to be confirmed by the organisation's legal service or data protection "
        "officer before publication.",
    )


def _software_version() -> str:
    try:
        return f"moien {md.version('moien')}"
    except md.PackageNotFoundError:
        return "moien (version unknown: not installed as a package)"


# -- building and rendering ----------------------------------------------------------------------------------------
def build_card(
    settings: Settings, assistants: Mapping[str, Assistant] | None = None, *, data_md: Path | None = None
) -> RegistryCard:
    """The card for ``settings`` and the installed assistants (loaded through the plugins when not given)."""
    if assistants is None:
        from moien.assistants.core.plugins import load_assistants

        assistants = load_assistants(settings)
    reg = settings.registry
    incomplete = [
        variable
        for variable, value in (
            ("MOIEN_REGISTRY__ORGANISATION", reg.organisation),
            ("MOIEN_REGISTRY__CONTACT_EMAIL", reg.contact_email),
        )
        if not value
    ]
    models = [_model_entry(settings)]
    if any(TO_FILL.format(variable="MOIEN_REGISTRY__MODEL_LICENCE") == m.licence for m in models):
        incomplete.append("MOIEN_REGISTRY__MODEL_LICENCE")
    return RegistryCard(
        generated_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        software=_software_version(),
        purpose={lang: reg.purpose.get(lang) or DEFAULT_PURPOSE[lang] for lang in LANGS},
        assistants=[_assistant_entry(a) for a in assistants.values()],
        models=models,
        data_sets=_data_sets(data_md or DATA_MD),
        languages=[LanguageEntry(code=code, names=dict(LANG_NAMES[code])) for code in LANGS],
        quality=_quality(settings),
        human_oversight=_oversight(settings),
        transparency=_transparency(),
        risk=_risk(),
        contact=Contact(
            organisation=reg.organisation or TO_FILL.format(variable="MOIEN_REGISTRY__ORGANISATION"),
            email=reg.contact_email or TO_FILL.format(variable="MOIEN_REGISTRY__CONTACT_EMAIL"),
        ),
        incomplete=incomplete,
    )


def to_json(card: RegistryCard) -> str:
    """The card as JSON: keys in a fixed order (the structure's), UTF-8 kept readable, ending in a newline."""
    return json.dumps(card.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def _cell(text: object) -> str:
    return str(text if text is not None else "—").replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _by_lang(values: Mapping[str, str]) -> list[list[object]]:
    return [[LANG_NAMES[lang]["en"], values.get(lang, "")] for lang in LANGS]


def to_markdown(card: RegistryCard) -> str:
    """The card as a Markdown page with one section per register question and tables for lists."""
    org = card.contact.organisation
    out = [
        "# Algorithm register entry: moien assistant",
        "",
        f"*Generated from the running configuration on {card.generated_at} by {card.software} "
        f"(`moien registry card`). Card format {card.card_format}.*",
        "",
    ]
    if card.incomplete:
        out += [f"> **Not ready to publish:** set {', '.join(f'`{v}`' for v in card.incomplete)}.", ""]
    out += ["## Purpose", "", *_table(["language", "purpose"], _by_lang(card.purpose))]
    out += ["## Organisation and contact", ""]
    out += _table(["item", "value"], [["organisation", org], ["contact", card.contact.email]])
    out += ["## Assistants and their sources", ""]
    out += _table(
        ["assistant", "title (lb / fr / de / en)", "what it does (en)", "searches", "sources"],
        [
            [
                f"`{a.name}`",
                " / ".join(a.titles[lang] for lang in LANGS),
                a.descriptions.get("en", ""),
                a.service.get("en", ""),
                a.sources,
            ]
            for a in card.assistants
        ],
    )
    for a in card.assistants:
        out += [f"### `{a.name}` in four languages", "", *_table(["language", "description"], _by_lang(a.descriptions))]
    out += ["## Models", ""]
    out += _table(
        ["role", "model", "runtime", "file or endpoint", "sha256", "licence"],
        [[m.role, m.id, m.backend, m.location, f"`{m.sha256}` ({m.sha256_note})" if m.sha256 else m.sha256_note,
          m.licence] for m in card.models],
    )  # fmt: skip
    out += ["## Data sets and licences", ""]
    ds = card.data_sets
    if not ds.found:
        out += [ds.note or "", ""]
    else:
        out += [f"From `{ds.source}`.", ""]
        sections: dict[str, list[DataSetEntry]] = {}
        for e in ds.entries:
            sections.setdefault(e.section, []).append(e)
        for section, entries in sections.items():
            out += [
                f"### {section}",
                "",
                *_table(["what", "origin", "licence"], [[e.name, e.origin, e.licence] for e in entries]),
            ]
    out += ["## Languages", ""]
    out += _table(
        ["code", "name (lb / fr / de / en)"], [[x.code, " / ".join(x.names[k] for k in LANGS)] for x in card.languages]
    )
    out += ["## Measured quality", ""]
    q = card.quality
    if q.measured and q.summary is not None:
        out += [f"{q.note}, `{q.source}`, measured {q.measured_at}:", ""]
        groups, overall = q.summary.get("by_assistant"), q.summary.get("overall")
        if isinstance(groups, dict) and isinstance(overall, dict):  # `moien eval`'s summary: one row per assistant
            keys = ("questions", "recall", "citation_precision", "groundedness", "language_match",
                    "refusal_correctness", "facts", "latency_p50_s", "latency_p95_s")  # fmt: skip
            rows = [
                [name, *("n/a" if g.get(k) is None else str(g.get(k)) for k in keys)]
                for name, g in [*groups.items(), ("overall", overall)]
                if isinstance(g, dict)
            ]
            out += _table(["assistant", *keys], rows)
        else:  # any other JSON object: shown as it is
            flat = [[key, json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value]
                    for key, value in q.summary.items()]  # fmt: skip
            out += _table(["measure", "value"], flat)
    else:
        out += [q.note, ""]
    h = card.human_oversight
    out += ["## Human oversight", ""]
    out += _table(
        ["item", "value"],
        [
            ["audit log", h.audit_log],
            ["check its integrity", f"`{h.verify_command}`"],
            ["message text in the log", "yes (redacted)" if h.message_text_logged else "no"],
            ["turns refused when the log cannot be written", "yes" if h.turns_refused_without_log else "no"],
        ],
    )
    out += [f"- {s}" for s in h.statements] + [""]
    out += ["When it does not know, it answers:", "", *_table(["language", "reply"], _by_lang(h.dont_know_reply))]
    out += ["## Transparency", "", card.transparency.ai_marking, "", "Disclosure shown on the first turn:", ""]
    out += _table(["language", "disclosure"], _by_lang(card.transparency.disclosure))
    r = card.risk
    out += [
        "## Risk class under the AI Act",
        "",
        f"**{r.classification}** — {r.legal_basis}.",
        "",
        f"*Why:* {r.reasoning}",
        "",
        f"*When it would be high-risk:* {r.high_risk_if}",
        "",
        f"*Status:* {r.status}",
        "",
    ]
    return "\n".join(out).rstrip("\n") + "\n"
