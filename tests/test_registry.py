"""The algorithm-registry card is generated from the running configuration, not written by hand.

No language model runs here: the card only reads settings, the installed assistants (cheap to construct), the model
store's ``.verified`` marker or a small file's hash, ``docs/DATA.md`` and an eval summary.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from moien.assistants.core.config import Settings
from moien.assistants.core.i18n import t
from moien.assistants.core.registry import (
    DATA_MD,
    MODEL_LICENCES,
    build_card,
    parse_data_md,
    to_json,
    to_markdown,
)
from moien.connectors.llm.model_store import BUILTIN_MODELS
from moien.lang import LANGS
from tests.conftest import ROOT

MODELS = ROOT / ".moien" / "models"


def _settings(tmp_path: Path, **kwargs: object) -> Settings:
    kwargs.setdefault("model", {"cache_dir": tmp_path / "models"})
    return Settings(home=tmp_path / "home", **kwargs)


def test_json_has_every_section_with_stable_keys(tmp_path: Path) -> None:
    card = json.loads(to_json(build_card(_settings(tmp_path))))
    assert list(card) == [
        "card_format",
        "generated_at",
        "software",
        "purpose",
        "assistants",
        "models",
        "data_sets",
        "languages",
        "quality",
        "human_oversight",
        "transparency",
        "risk",
        "contact",
        "incomplete",
    ]
    assert set(card["purpose"]) == set(LANGS)
    assert {a["name"] for a in card["assistants"]} >= {"general", "education", "heritage"}
    for a in card["assistants"]:
        assert set(a["titles"]) == set(a["descriptions"]) == set(LANGS)
    assert [x["code"] for x in card["languages"]] == list(LANGS)
    assert card["transparency"]["disclosure"] == {lang: t("disclosure", lang) for lang in LANGS}
    assert "limited risk" in card["risk"]["classification"] and "Article 50" in card["risk"]["legal_basis"]
    assert "Annex III" in card["risk"]["high_risk_if"] and "operator" in card["risk"]["status"]
    assert card["human_oversight"]["verify_command"].startswith("moien audit verify ")


def test_the_card_follows_the_settings(tmp_path: Path) -> None:
    docs = tmp_path / "our-docs"
    docs.mkdir()
    before = build_card(_settings(tmp_path))
    assert before.contact.organisation == "to be filled in by the operator: MOIEN_REGISTRY__ORGANISATION"
    assert before.incomplete == ["MOIEN_REGISTRY__ORGANISATION", "MOIEN_REGISTRY__CONTACT_EMAIL"]
    after = build_card(
        _settings(
            tmp_path,
            registry={
                "organisation": "Commune de Moien",
                "contact_email": "ia@moien.lu",
                "purpose": {"fr": "Informer les habitants."},
            },
            general={"docs_dir": docs},
            audit={"path": tmp_path / "oversight" / "turns.jsonl"},
        )
    )
    assert after.contact.organisation == "Commune de Moien" and after.contact.email == "ia@moien.lu"
    assert after.incomplete == []
    assert after.purpose["fr"] == "Informer les habitants." and after.purpose["de"] == before.purpose["de"]
    general = next(a for a in after.assistants if a.name == "general")
    assert str(docs) in general.sources
    assert next(a for a in after.assistants if a.name == "heritage").sources == "sources: see assistant description"
    assert after.human_oversight.audit_log == str((tmp_path / "oversight" / "turns.jsonl").resolve())
    markdown = to_markdown(after)
    assert "Commune de Moien" in markdown and "Not ready to publish" not in markdown
    assert "Not ready to publish" in to_markdown(before)


def test_markdown_has_every_section(tmp_path: Path) -> None:
    markdown = to_markdown(build_card(_settings(tmp_path)))
    for heading in (
        "## Purpose",
        "## Organisation and contact",
        "## Assistants and their sources",
        "## Models",
        "## Data sets and licences",
        "## Languages",
        "## Measured quality",
        "## Human oversight",
        "## Transparency",
        "## Risk class under the AI Act",
    ):
        assert f"\n{heading}\n" in markdown, heading
    assert "not measured yet — run `moien eval`" in markdown


def test_a_small_model_file_is_hashed_and_a_remote_one_is_said_to_be_remote(tmp_path: Path) -> None:
    gguf = tmp_path / "our-model.gguf"
    gguf.write_bytes(b"GGUF" + os.urandom(4096))
    local = build_card(_settings(tmp_path, model={"path": gguf}, registry={"model_licence": "MIT"})).models[0]
    assert local.sha256 == hashlib.sha256(gguf.read_bytes()).hexdigest()
    assert local.id == "our-model" and local.licence == "MIT"

    remote_card = build_card(_settings(tmp_path, model={"openai_base_url": "http://10.0.0.5:8080/v1"}))
    remote = remote_card.models[0]
    assert remote.sha256 is None and "remote" in remote.sha256_note
    assert (
        "MOIEN_REGISTRY__MODEL_LICENCE" in remote.licence and "MOIEN_REGISTRY__MODEL_LICENCE" in remote_card.incomplete
    )


def test_a_built_in_model_not_assembled_shows_its_published_sha256_and_licence(tmp_path: Path) -> None:
    model = build_card(_settings(tmp_path)).models[0]
    builtin = BUILTIN_MODELS["qwen2.5-coder-1.5b-instruct-q4_k_m"]
    assert model.id == builtin.id and model.sha256 == builtin.sha256 and "not assembled" in model.sha256_note
    assert model.licence == MODEL_LICENCES[builtin.id] == "Apache-2.0"


def test_the_assembled_model_sha256_matches_the_file(tmp_path: Path) -> None:
    builtin = BUILTIN_MODELS["qwen2.5-coder-1.5b-instruct-q4_k_m"]
    path, marker = MODELS / builtin.filename, MODELS / f"{builtin.filename}.verified"
    try:
        stamp = json.loads(marker.read_text())
        st = path.stat()
    except OSError:
        pytest.skip("the default model is not assembled here (`moien model fetch`)")
    if (stamp.get("size"), stamp.get("mtime_ns")) != (st.st_size, st.st_mtime_ns):
        pytest.skip("the model's .verified marker is stale: the card would hash 1 GB (run `moien model fetch`)")
    model = build_card(_settings(tmp_path, model={"cache_dir": MODELS})).models[0]
    # The store writes the marker only after hashing the whole file and comparing it with the published value.
    assert model.sha256 == stamp["sha256"] == builtin.sha256
    assert model.location == str(path) and "equal to the published value" in model.sha256_note


def test_data_set_licences_come_from_data_md(tmp_path: Path) -> None:
    rows = parse_data_md(DATA_MD.read_text(encoding="utf-8"))
    by_name = {r.name: r for r in rows}
    assert by_name["Demo public-service documents"].licence == "EUPL-1.2"  # from the section heading
    assert by_name["Luxembourgish school vocabulary"].licence == "CC0-1.0"  # named in the row itself
    assert any(r.licence == "CC BY-SA 3.0" and "lid.176" in r.name for r in rows)  # the licence column

    own = tmp_path / "DATA.md"
    own.write_text(
        "# Data\n\n## Our records (CC BY 4.0)\n| what | file |\n|---|---|\n| Town archive | `archive/` |\n\n"
        "## Corpus\n| source | content | licence |\n|---|---|---|\n| the city | minutes of the council | Etalab-2.0 |\n",
        encoding="utf-8",
    )
    data = build_card(_settings(tmp_path), data_md=own).data_sets
    assert data.found and [(e.name, e.licence) for e in data.entries] == [
        ("Town archive", "CC BY 4.0"),
        ("minutes of the council", "Etalab-2.0"),
    ]
    missing = build_card(_settings(tmp_path), data_md=tmp_path / "absent.md").data_sets
    assert not missing.found and missing.entries == [] and "not installed" in (missing.note or "")


def test_measured_quality_is_the_last_eval_summary(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    summary = settings.home / "eval" / "summary.json"
    summary.parent.mkdir(parents=True)
    summary.write_text(json.dumps({"recall_at_3": 0.91, "groundedness": 0.87}), encoding="utf-8")
    quality = build_card(settings).quality
    assert quality.measured and quality.summary == {"recall_at_3": 0.91, "groundedness": 0.87}
    assert "recall_at_3" in to_markdown(build_card(settings))
    summary.write_text("{half", encoding="utf-8")
    broken = build_card(settings).quality
    assert not broken.measured and "moien eval" in broken.note


def _cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "moien.assistants.core.cli", "registry", "card", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={**os.environ, "MOIEN_HOME": str(tmp_path / "home"), "MOIEN_MODEL__CACHE_DIR": str(tmp_path), **env},
    )


def _said(proc: subprocess.CompletedProcess[str]) -> str:
    """stderr with the terminal's line wrapping undone."""
    return " ".join(proc.stderr.split())


def test_the_cli_writes_the_card_to_output(tmp_path: Path) -> None:
    target = tmp_path / "card.json"
    proc = _cli(tmp_path, "--format", "json", "--output", str(target), MOIEN_REGISTRY__ORGANISATION="Ville de Moien")
    assert proc.returncode == 0, proc.stderr
    card = json.loads(target.read_text(encoding="utf-8"))
    assert card["contact"]["organisation"] == "Ville de Moien"
    assert "MOIEN_REGISTRY__CONTACT_EMAIL" in _said(proc)  # told what is still missing
    assert not list(tmp_path.glob(".card.json*")), "no temporary file left behind"

    proc = _cli(tmp_path, "--format", "pdf", "--output", str(target))
    assert proc.returncode == 1 and "--format md" in _said(proc)
    assert json.loads(target.read_text(encoding="utf-8")) == card, "a refused run leaves the old card whole"

    proc = _cli(tmp_path, "--output", str(tmp_path / "missing" / "card.md"))
    assert proc.returncode == 1 and "does not exist" in _said(proc)
