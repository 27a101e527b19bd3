"""The model is assembled from untrusted packages: a wrong checksum must stop it from loading."""

from __future__ import annotations

import hashlib
import json

import pytest

from moien.connectors.llm.model_store import BUILTIN_MODELS, BuiltinModel, ModelError, resolve_model_path, verify


def _spec(data: bytes) -> BuiltinModel:
    return BuiltinModel(
        id="tiny",
        description="",
        dist_prefix="none-",
        parts=1,
        version="0",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        extra="model",
    )


def test_a_matching_file_is_accepted_and_remembered(tmp_path):
    f = tmp_path / "tiny.gguf"
    f.write_bytes(b"GGUF" + b"x" * 100)
    verify(f, _spec(f.read_bytes()))
    marker = json.loads((tmp_path / "tiny.gguf.verified").read_text())
    assert marker["sha256"] == _spec(f.read_bytes()).sha256


def test_a_tampered_file_is_refused_with_the_fix(tmp_path):
    f = tmp_path / "tiny.gguf"
    good = b"GGUF" + b"x" * 100
    spec = _spec(good)
    f.write_bytes(good)
    verify(f, spec)
    f.write_bytes(b"GGUF" + b"y" * 100)  # same size, other content: the marker must not vouch for it
    with pytest.raises(ModelError, match=r"Checksum mismatch.*moien model fetch"):
        verify(f, spec)


def test_a_truncated_file_is_refused(tmp_path):
    f = tmp_path / "tiny.gguf"
    f.write_bytes(b"GGUF")
    with pytest.raises(ModelError, match="damaged"):
        verify(f, _spec(b"GGUF" + b"x" * 10))


def test_a_missing_model_names_the_fix(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        resolve_model_path("x", tmp_path / "nope.gguf", tmp_path)
    with pytest.raises(ModelError, match="moien model list"):
        resolve_model_path("no-such-model", None, tmp_path)


@pytest.mark.model
def test_the_default_model_is_assembled_and_verified(settings):
    model = BUILTIN_MODELS[settings.model.name]
    path, model_id = resolve_model_path(settings.model.name, None, settings.model_cache_dir)
    assert path.stat().st_size == model.size
    assert model_id == model.id
