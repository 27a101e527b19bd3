"""Configuration: one TOML file plus environment variables (pydantic-settings).

Precedence, highest first: keyword arguments, environment (``MOIEN_*``, nested with ``__``, e.g.
``MOIEN_MODEL__PATH``; ``NEO4J_URI``/``NEO4J_USER``/``NEO4J_PASSWORD`` are honoured too), the TOML file
(``$MOIEN_CONFIG`` or ``./moien.toml``), then the defaults below. Nothing needs configuring before the
first run: every default is local and embedded.
"""

from __future__ import annotations

import os
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from moien.connectors.llm.config import ModelSettings

__all__ = ["ModelSettings", "Settings", "get_settings"]


class Neo4jSettings(BaseModel):
    """Where the curriculum graph lives. Without ``uri`` moien starts its own local server."""

    uri: str | None = None
    user: str | None = None
    password: str | None = None
    #: Bolt port of the local server moien starts when ``uri`` is not set.
    port: int = 7687
    #: JVM heap of the local server: ``auto`` is an eighth of the machine's memory, 768m to 4g
    #: (one import is one transaction: 4g holds about 60,000 new items).
    heap: str = "auto"
    database: str | None = None
    #: Where the local server's jars are built (default ``$MOIEN_HOME/neo4j/dist``); shareable between homes.
    dist_dir: Path | None = None
    #: Page cache of the local server (the graph's hot pages in memory).
    pagecache: str = "256m"
    #: Extra JVM options for the local server, as a shell would split them (``-XX:+UseSerialGC``…).
    java_opts: str = ""


class OpenSearchSettings(BaseModel):
    """The local OpenSearch node moien can run for the heritage search (``moien opensearch start``)."""

    #: HTTP port of the local node (127.0.0.1 only).
    port: int = 9200
    heap: str = "512m"
    #: Where the local node's jars are built (default ``$MOIEN_HOME/opensearch/dist``); shareable between homes.
    dist_dir: Path | None = None
    #: Extra JVM options for the local node, as a shell would split them.
    java_opts: str = ""


class HeritageSettings(BaseModel):
    """The heritage collections: where the search index lives, how it is built, the demo and the kiosk.

    Read by the heritage plugin, its command line and the kiosk/staff apps, which pass the values down to the
    ``heritage`` package as arguments (``moien.heritage.search.SearchConfig.from_settings``).
    """

    #: ``embedded``: on disk under ``$MOIEN_HOME/heritage/index``, in process, no server (the default).
    #: ``opensearch``: an OpenSearch server, through Haystack's OpenSearch document store.
    backend: Literal["embedded", "opensearch"] = "embedded"
    #: An existing OpenSearch (``https://user:pass@host:9200``, or user and password in ``OPENSEARCH_USERNAME``
    #: / ``OPENSEARCH_PASSWORD``); default: the local node (``moien opensearch start``).
    opensearch_url: str | None = None
    #: The alias searches go through; each rebuild writes a new index behind it.
    opensearch_index: str = "moien-heritage"
    #: Check the server's TLS certificate (https URLs).
    opensearch_verify_certs: bool = True
    #: From this many records on, the embedded index also builds a faiss HNSW graph and the dense retriever
    #: searches it instead of the exact matrix product (faster at 100k records, approximate).
    ann_min: int = Field(default=20000, ge=1)
    #: Threads of the e5 embedding model; one is fastest on a busy machine (a kiosk also runs the language model).
    embed_threads: int = Field(default=1, ge=1)
    #: Your own authority table (CSV ``id,type,lb,fr,de,en,alt,wikidata,start,end``); default: the shipped one.
    authority: Path | None = None
    #: Load the demo collection into an empty store on first use (``False``: an empty collection stays empty).
    demo: bool = True
    #: Seconds without a touch before the kiosk wipes the conversation (``moien heritage kiosk --idle``).
    kiosk_idle_seconds: float = Field(default=90.0, gt=0)


class GeneralSettings(BaseModel):
    """The ``general`` assistant answers from a folder of documents."""

    docs_dir: Path | None = None  # default: the demo documents shipped with the assistant
    top_k: int = 3


class SettingsWarning(UserWarning):
    """A setting is given in a way moien no longer reads."""


#: Variables that earlier versions read outside the typed settings, and their names now. A site that still sets
#: an old one is told, instead of silently getting the default (its own authority table, demo data switched off…).
RENAMED_VARIABLES = {
    "MOIEN_HERITAGE_AUTHORITY": "MOIEN_HERITAGE__AUTHORITY",
    "MOIEN_HERITAGE_DEMO": "MOIEN_HERITAGE__DEMO",
    "MOIEN_HERITAGE_EMBED_THREADS": "MOIEN_HERITAGE__EMBED_THREADS",
    "MOIEN_HERITAGE_ANN_MIN": "MOIEN_HERITAGE__ANN_MIN",
    "MOIEN_KIOSK_IDLE_SECONDS": "MOIEN_HERITAGE__KIOSK_IDLE_SECONDS",
}


def _warn_about_renamed_variables() -> None:
    for old, new in RENAMED_VARIABLES.items():
        if old in os.environ:
            warnings.warn(
                f"{old} is no longer read: set {new} instead (same value){'' if new in os.environ else '; the default applies now'}.",
                SettingsWarning,
                stacklevel=3,
            )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MOIEN_",
        env_nested_delimiter="__",
        extra="ignore",
    )

    #: All local state (model cache, Neo4j data, indexes) lives here.
    home: Path = Path(".moien")
    default_assistant: str = "general"
    ui_lang: Literal["lb", "fr", "de", "en"] = "lb"
    #: Longest message accepted, in characters.
    max_message_chars: int = 4000
    #: Conversations kept in memory at once, and turns kept per conversation.
    max_sessions: int = 1000
    max_turns: int = 6
    #: Message texts are never logged unless this is switched on (for local debugging only).
    log_messages: bool = False

    model: ModelSettings = Field(default_factory=ModelSettings)
    neo4j: Neo4jSettings = Field(default_factory=Neo4jSettings)
    general: GeneralSettings = Field(default_factory=GeneralSettings)
    heritage: HeritageSettings = Field(default_factory=HeritageSettings)
    opensearch: OpenSearchSettings = Field(default_factory=OpenSearchSettings)

    # The conventional Neo4j variables, as every Neo4j tool reads them.
    neo4j_uri_env: str | None = Field(default=None, validation_alias=AliasChoices("NEO4J_URI"))
    neo4j_user_env: str | None = Field(default=None, validation_alias=AliasChoices("NEO4J_USER", "NEO4J_USERNAME"))
    neo4j_password_env: str | None = Field(default=None, validation_alias=AliasChoices("NEO4J_PASSWORD"))

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = Path(os.environ.get("MOIEN_CONFIG", "moien.toml"))
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_file))

    def model_post_init(self, __context: object) -> None:
        _warn_about_renamed_variables()
        self.home = self.home.expanduser().resolve()
        if self.neo4j_uri_env and not self.neo4j.uri:
            self.neo4j.uri = self.neo4j_uri_env
        if self.neo4j_user_env and not self.neo4j.user:
            self.neo4j.user = self.neo4j_user_env
        if self.neo4j_password_env and not self.neo4j.password:
            self.neo4j.password = self.neo4j_password_env

    @property
    def model_cache_dir(self) -> Path:
        return (self.model.cache_dir or self.home / "models").expanduser().resolve()

    @property
    def neo4j_home(self) -> Path:
        return self.home / "neo4j"

    @property
    def uses_local_neo4j(self) -> bool:
        return not self.neo4j.uri


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
