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

from pydantic import AliasChoices, BaseModel, Field, SecretStr
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
    #: Hosts, ``host:port`` or networks (CIDR) that ``moien heritage images`` may fetch from although they are not on
    #: the public internet (loopback, private, link-local…), e.g. a provider on the institution's own network.
    image_fetch_allow: list[str] = Field(default_factory=list)
    #: Seconds without a touch before the kiosk wipes the conversation (``moien heritage kiosk --idle``).
    kiosk_idle_seconds: float = Field(default=90.0, gt=0)


class GeneralSettings(BaseModel):
    """The ``general`` assistant answers from a folder of documents."""

    docs_dir: Path | None = None  # default: the demo documents shipped with the assistant
    top_k: int = 3
    #: The groups of whoever uses the teacher app and the CLI, where no single sign-on says who is asking: they see
    #: public collections and those these groups may read. Over HTTP the groups come from the signed token instead.
    groups: list[str] = Field(default_factory=list)
    #: Who may upload documents in the teacher app's "Documents" page: someone whose ``groups`` share one of these.
    #: Why a separate list: reading a collection and adding to one are different rights — a teacher may read the
    #: staff handbook without being allowed to publish into it. Empty: nobody uploads from the app (the CLI still
    #: imports, for whoever runs it on the server).
    upload_groups: list[str] = Field(default_factory=lambda: ["staff"])


class EducationSettings(BaseModel):
    """Which curriculum items the ``education`` assistant grounds its answers and lesson plans in."""

    #: Item types to use, as the frameworks name them (``moien curriculum types`` lists them). Empty (default): every
    #: type — standards, competencies, learning outcomes, clusters, domains… — with the most detailed items (those
    #: without children) ranked first, so a curriculum moien has never seen works without configuration.
    types: list[str] = Field(default_factory=list)
    #: Item types never used (e.g. a framework's "Grade" or "Strand" headings).
    exclude_types: list[str] = Field(default_factory=list)


class SessionSettings(BaseModel):
    """Conversation memory: in this process by default, or in Redis so that several processes share it."""

    #: ``redis://host:6379/0``: sessions live in Redis and every ``moien api`` process behind a load balancer
    #: continues the same conversation (``MOIEN_SESSIONS__REDIS_URL``). Unset: this process's memory only.
    redis_url: str | None = None
    #: A conversation untouched this long is forgotten (seconds), in memory and in Redis alike.
    ttl_seconds: int = Field(default=1800, gt=0)
    #: Prefix of every Redis key moien writes, so one Redis can serve several installations.
    redis_prefix: str = "moien:"


class ApiSettings(BaseModel):
    """The HTTP channels (``moien api``): OpenAI-compatible API, Rasa REST and socket.io, the chat widget."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    #: How pages and the widget reach the API when it sits behind a proxy (default ``http://host:port``).
    public_url: str | None = None
    #: Largest request body accepted, in bytes (a larger one is answered 413).
    max_body_bytes: int = Field(default=64_000, ge=1024)
    #: Turns answered at once by this process; one more waits its turn up to ``queue_timeout`` seconds,
    #: beyond that the API answers 503 with ``Retry-After`` instead of letting requests pile up.
    max_concurrent_turns: int = Field(default=4, ge=1)
    queue_timeout: float = Field(default=30.0, gt=0)
    #: Requests per minute from one IP address, and from one signed-in user, whatever the key.
    per_ip_rpm: int = Field(default=120, ge=1)
    per_user_rpm: int = Field(default=30, ge=1)
    #: socket.io events per minute from one connection (a flooding client is slowed, others are not).
    socket_events_per_minute: int = Field(default=30, ge=1)
    #: Single sign-on: the intranet's backend mints a short-lived JWT for the signed-in user (``sub``, ``groups``,
    #: ``exp``). Verified with this HS256 secret, or with this RS256 public key (PEM file).
    jwt_secret: SecretStr | None = None
    jwt_public_key_file: Path | None = None
    #: Required ``aud`` claim (``None`` accepts any), and ``iss`` when set.
    jwt_audience: str | None = "moien"
    jwt_issuer: str | None = None
    #: Longest lifetime accepted for a token, in seconds (``exp - iat``): tokens are meant to be short-lived.
    jwt_max_age: int = Field(default=3600, gt=0)
    #: Create the ``demo`` site for the API's own origin, so ``/demo`` works on a first run.
    demo_site: bool = True
    #: Reverse proxies whose ``X-Forwarded-For`` is believed (comma-separated addresses, uvicorn's
    #: ``forwarded_allow_ips``); the per-IP quota counts the client address they name.
    trusted_proxies: str = "127.0.0.1"


class RasaSettings(BaseModel):
    """An existing Rasa installation: the action server moien may call, and the Python that runs real Rasa."""

    #: A rasa-sdk action server (``http://host:5055/webhook``) whose actions answer some intents.
    actions_url: str | None = None
    #: Intent → action name: a question the router recognises as one of these intents is answered by that
    #: action (its text, buttons and images become the reply), e.g. ``{opening_hours = "action_opening_hours"}``.
    intent_actions: dict[str, str] = Field(default_factory=dict)
    #: Your bot's intents in Rasa's ``nlu.yml`` format: they route to the ``general`` assistant, so that
    #: ``intent_actions`` can name them without editing moien's own files.
    nlu_file: Path | None = None
    #: The Python 3.10 virtual environment holding Rasa Open Source and rasa-sdk (``make rasa`` builds it).
    venv: Path = Path(".rasa-venv")


class AuditSettings(BaseModel):
    """The tamper-evident audit log of turns (``moien.assistants.core.audit``; ``moien audit verify``)."""

    #: Append one hash-chained entry per turn (channel, assistant, language, model and its sha256, source ids,
    #: guardrail decisions, disclosure, latency).
    enabled: bool = True
    #: The active file (default ``$MOIEN_HOME/audit/audit.jsonl``); rotated files are ``<path>.1``, ``.2``, …
    path: Path | None = None
    #: Size at which the active file is rotated, in bytes (the chain continues into the new file).
    max_bytes: int = Field(default=50_000_000, ge=1)
    #: Also write the question and the reply, redacted. Off by default: the log is kept long and read by people
    #: who must not read citizens' messages; switch it on only with a legal basis for keeping them.
    log_text: bool = False
    #: Refuse turns while the log cannot be written (accountability first). Off by default: an unwritable log is
    #: reported as an error and the assistant keeps answering (availability first). An operator's choice.
    required: bool = False


class RegistrySettings(BaseModel):
    """Who publishes the algorithm-registry card (``moien registry card``) and for what purpose.

    Only the operator knows these: the card shows a "to be filled in" line naming the variable until they are set,
    so an unfinished card is visible as such instead of looking complete.
    """

    #: The administration that runs this installation and answers for it (``MOIEN_REGISTRY__ORGANISATION``).
    organisation: str | None = None
    #: Where citizens and the oversight team write about this assistant (``MOIEN_REGISTRY__CONTACT_EMAIL``).
    contact_email: str | None = None
    #: The purpose in the installation's own words, per language (``lb``, ``fr``, ``de``, ``en``); a language left
    #: out gets moien's generic purpose text.
    purpose: dict[str, str] = Field(default_factory=dict)
    #: Licence of the model when ``model.path`` or a remote model is used (moien knows only its built-in models').
    model_licence: str | None = None


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
    #: The answer guardrail (every ``[n]`` names a given source, fact sentences are supported by what they cite, numbers
    #: and codes occur in the sources): ``enforce`` replaces a failing answer by an honest reply that keeps the
    #: sources; ``report`` only records the finding (reply, audit log); ``off`` skips the check.
    answer_check: Literal["enforce", "report", "off"] = "enforce"
    #: Whether the model reads the user's message as typed. ``None`` (default): a local model (llama.cpp in this
    #: process) reads it as typed, a model behind ``model.openai_base_url`` reads it redacted (IBANs, national
    #: numbers, phone numbers, e-mail addresses and dates of birth replaced), because the message then leaves the
    #: process. ``True``/``False`` force either for every model.
    model_sees_raw_message: bool | None = None

    model: ModelSettings = Field(default_factory=ModelSettings)
    neo4j: Neo4jSettings = Field(default_factory=Neo4jSettings)
    general: GeneralSettings = Field(default_factory=GeneralSettings)
    education: EducationSettings = Field(default_factory=EducationSettings)
    heritage: HeritageSettings = Field(default_factory=HeritageSettings)
    opensearch: OpenSearchSettings = Field(default_factory=OpenSearchSettings)
    sessions: SessionSettings = Field(default_factory=SessionSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    rasa: RasaSettings = Field(default_factory=RasaSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    registry: RegistrySettings = Field(default_factory=RegistrySettings)

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
    def audit_path(self) -> Path:
        """The active audit log file (``audit.path`` or ``$MOIEN_HOME/audit/audit.jsonl``)."""
        return (self.audit.path or self.home / "audit" / "audit.jsonl").expanduser().resolve()

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
