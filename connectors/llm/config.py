"""How the language model is chosen and run: the model runtime's own settings.

They live here, beside the runtime that reads them, so the runtime never imports the assistant core; the core's
``Settings`` carries them as ``settings.model`` (``MOIEN_MODEL__*`` variables, ``[model]`` in moien.toml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

WrittenLang = Literal["lb", "fr", "de", "en"]
#: What the default models write reliably (not Luxembourgish: see ``ModelSettings.writes``).
DEFAULT_WRITES: tuple[WrittenLang, ...] = ("fr", "de", "en")


class ModelSettings(BaseModel):
    """Which language model answers, and how."""

    backend: Literal["llama_cpp", "openai"] = "llama_cpp"
    #: A built-in model id (see ``moien model list``), ignored when ``path`` is set.
    name: str = "qwen2.5-coder-1.5b-instruct-q4_k_m"
    #: Any local GGUF file; when set, it is used as is (no checksum is known for it).
    path: Path | None = None
    #: Where built-in models are assembled; default ``$MOIEN_HOME/models``.
    cache_dir: Path | None = None
    n_ctx: int = 4096
    n_threads: int | None = None
    n_batch: int = 256
    max_tokens: int = 320
    temperature: float = 0.2
    #: The languages this model writes reliably. The default models write French, German and English well and
    #: Luxembourgish badly (answers that look Luxembourgish but are wrong, or repeat the question): for a question in
    #: a language not listed here, moien keeps its own frame (disclosure, notices, labels) in the user's language and
    #: has the model write in ``fallback_lang``, saying so in one line. A model that writes Luxembourgish declares it:
    #: ``writes = ["lb", "fr", "de", "en"]`` (docs/models/luxembourgish.md).
    writes: list[WrittenLang] = Field(default_factory=lambda: list(DEFAULT_WRITES))
    #: The language the model writes in when it cannot write the user's: German by default, the language most
    #: Luxembourgish speakers read first after their own; French is the other natural choice.
    fallback_lang: Literal["fr", "de", "en"] = "de"
    #: For a question in a language the model cannot write: ``extract`` answers with the sources' own sentences
    #: (selected for the question, cited, not generated) when the best source is in the user's language, and has the
    #: model write in ``fallback_lang`` otherwise; ``fallback`` always has the model write in ``fallback_lang``.
    #: Measured on the Luxembourgish gold sets in docs/PERFORMANCE.md ("Luxembourgish questions: extract or German").
    unwritable_answer: Literal["extract", "fallback"] = "extract"
    #: Requests allowed to wait for the single model instance before new ones are refused.
    queue_size: int = 8
    #: Seconds a request may wait in the queue.
    queue_timeout: float = 300.0
    # OpenAI-compatible endpoint (llama.cpp server, vLLM, OpenGateLLM…): the scale-out path.
    openai_base_url: str | None = None
    openai_api_key: str | None = None
    openai_model: str | None = None
