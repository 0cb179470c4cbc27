"""Service configuration, gathered once from flags and environment and then passed around.

A frozen dataclass rather than module globals, so two apps (e.g. in tests) can run side by side
with different stores.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg import prefixes as prefix_table

#: Where the repository's bundled ``ontology/`` and ``graph_data/`` live for a source checkout.
PROJECT_ROOT = Path(__file__).resolve().parents[2]

DEFAULT_BASE_IRI = "http://127.0.0.1:8000/"


def _default_data_dirs() -> tuple[Path, ...]:
    root = Path(os.environ.get("KG_DATA_ROOT", PROJECT_ROOT))
    return (root / "ontology", root / "graph_data")


def _csv(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


#: Load settings read from the environment: (field, variable, type).
_LOAD_SETTINGS: tuple[tuple[str, str, type], ...] = (
    ("query_queue", "KG_QUERY_QUEUE", int),
    ("query_queue_wait_s", "KG_QUERY_QUEUE_WAIT", float),
    ("queries_per_client", "KG_QUERIES_PER_CLIENT", int),
    ("query_demote_after_s", "KG_QUERY_DEMOTE_AFTER", float),
    ("max_literal_chars", "KG_MAX_LITERAL_CHARS", int),
    ("connection_limit", "KG_CONNECTION_LIMIT", int),
    ("header_timeout_s", "KG_HEADER_TIMEOUT", float),
    ("request_timeout_s", "KG_REQUEST_TIMEOUT", float),
    ("idle_timeout_s", "KG_IDLE_TIMEOUT", float),
    ("render_slots", "KG_RENDER_SLOTS", int),
    ("render_queue", "KG_RENDER_QUEUE", int),
    ("trusted_proxy", "KG_TRUSTED_PROXY", str),
)


@dataclass(frozen=True)
class Config:
    """Everything the store, the app and the CLI need to know.

    ``store`` is a filesystem path for the embedded pyoxigraph store, or ``":memory:"``.
    ``base_iri`` is the origin under which entity IRIs are minted: data files use relative IRIs
    and are resolved against it when loaded, so a deployment can choose its own.
    """

    store: str = "var/store"
    base_iri: str = DEFAULT_BASE_IRI
    host: str = "127.0.0.1"
    port: int = 8000
    data_dirs: tuple[Path, ...] = field(default_factory=_default_data_dirs)
    queries_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "queries")
    max_body_bytes: int = 4 * 1024 * 1024
    query_timeout_s: float = 30.0
    threads: int = 8
    # -- writes, limits and isolation (see README "Writes, limits and security") --
    #: Bearer token that enables /update and /store; None keeps the service read-only.
    write_token: str | None = field(default=None, repr=False)
    #: Query worker processes (each opens the store read-only); 0 runs queries in-thread.
    query_workers: int = 2
    max_result_bytes: int = 64 * 1024 * 1024
    # -- admission and connections under load (README "Limits"; kg.web.admission, kg.web.server) --
    #: Queries that may wait for a busy worker; the next one gets 503 + Retry-After at once.
    query_queue: int = 16
    #: Longest wait for a query worker before 503 (the query's own time limit starts after it).
    query_queue_wait_s: float = 2.0
    #: Queries one client (peer address) may run at once; 0 = workers - 1 (at least 1), so one
    #: client can never hold every worker.
    queries_per_client: int = 0
    #: Seconds after which a running query's worker drops to the lowest CPU priority, so slow
    #: queries only use CPU the rest of the service does not need (kg.web.priority); 0 = never.
    query_demote_after_s: float = 1.0
    #: Longest literal (characters) a write may store; a bigger one is refused with 413.
    max_literal_chars: int = 256 * 1024
    #: Open connections the server accepts (0 = sized from the open-file limit).
    connection_limit: int = 0
    #: Seconds a client may take to send a request's headers / a whole request / stay idle.
    header_timeout_s: float = 5.0
    request_timeout_s: float = 30.0
    idle_timeout_s: float = 5.0
    #: Address of a reverse proxy whose X-Forwarded-For names the client (per-client caps);
    #: without it the peer address is the client.
    trusted_proxy: str | None = None
    #: Plain ``GET /sparql?query=`` answered by the worker on the client's socket when one is
    #: idle (kg.web.direct_lane); off (KG_DIRECT_ANSWERS=0) every query takes a request thread.
    direct_answers: bool = True
    #: Pictures (PNG/SVG drawings) rendered at once, and how many may wait for a turn.
    render_slots: int = 1
    render_queue: int = 2
    #: IRI prefixes that SERVICE (queries) and LOAD (updates) may reach; empty = none.
    outbound_allow: tuple[str, ...] = ()
    #: Origins allowed to call the read endpoints from a browser ("*" = any).
    cors_origins: tuple[str, ...] = ("*",)
    # -- a remote SPARQL engine (``store="sparql+http://host:8890/sparql"``; README "Scaling out")
    #: SPARQL 1.1 Update endpoint (default: the query URL).
    update_url: str | None = None
    #: Graph Store HTTP Protocol endpoint for bulk loads (default: INSERT DATA batches).
    graph_store_url: str | None = None
    remote_user: str | None = None
    remote_password: str | None = field(default=None, repr=False)
    #: "digest" or "basic" HTTP authentication when a user is set.
    remote_auth: str = "digest"
    #: "auto" (from the Server header), "virtuoso" or "sparql11".
    remote_dialect: str = "auto"
    remote_connect_timeout_s: float = 5.0

    @classmethod
    def from_env(cls, **overrides: object) -> Config:
        """Read ``KG_*`` environment variables; explicit overrides (CLI flags) win."""
        env = os.environ
        values: dict[str, object] = {}
        if "KG_STORE" in env:
            values["store"] = env["KG_STORE"]
        if "KG_BASE_IRI" in env:
            values["base_iri"] = env["KG_BASE_IRI"]
        if "KG_HOST" in env:
            values["host"] = env["KG_HOST"]
        if "KG_PORT" in env:
            values["port"] = int(env["KG_PORT"])
        if "KG_QUERIES_DIR" in env:
            values["queries_dir"] = Path(env["KG_QUERIES_DIR"])
        if "KG_QUERY_TIMEOUT" in env:
            values["query_timeout_s"] = float(env["KG_QUERY_TIMEOUT"])
        if env.get("KG_WRITE_TOKEN"):
            values["write_token"] = env["KG_WRITE_TOKEN"]
        if "KG_QUERY_WORKERS" in env:
            values["query_workers"] = int(env["KG_QUERY_WORKERS"])
        if "KG_MAX_RESULT_BYTES" in env:
            values["max_result_bytes"] = int(env["KG_MAX_RESULT_BYTES"])
        for key, name, kind in _LOAD_SETTINGS:
            if env.get(name):
                values[key] = kind(env[name])
        if env.get("KG_DIRECT_ANSWERS"):
            values["direct_answers"] = env["KG_DIRECT_ANSWERS"].strip().lower() not in (
                "0",
                "false",
                "no",
                "off",
            )
        if "KG_OUTBOUND_ALLOW" in env:
            values["outbound_allow"] = _csv(env["KG_OUTBOUND_ALLOW"])
        if "KG_CORS_ORIGINS" in env:
            values["cors_origins"] = _csv(env["KG_CORS_ORIGINS"])
        for key, name in (
            ("update_url", "KG_UPDATE_URL"),
            ("graph_store_url", "KG_GRAPH_STORE_URL"),
            ("remote_user", "KG_REMOTE_USER"),
            ("remote_password", "KG_REMOTE_PASSWORD"),
            ("remote_auth", "KG_REMOTE_AUTH"),
            ("remote_dialect", "KG_REMOTE_DIALECT"),
        ):
            if env.get(name):
                values[key] = env[name]
        values.update({k: v for k, v in overrides.items() if v is not None})
        config = cls(**values)  # type: ignore[arg-type]
        if not config.base_iri.endswith(("/", "#")):
            config = replace(config, base_iri=config.base_iri + "/")
        return config

    @property
    def ontology_ns(self) -> str:
        return self.base_iri + "ontology#"

    @property
    def inferred_graph(self) -> str:
        return self.base_iri + "graph/inferred"

    def graph_iri_for(self, relative_path: str) -> str:
        """Named graph of a bundled or loaded file: derived from its path, so reloads replace it."""
        return self.base_iri + "graph/" + relative_path.replace(os.sep, "/")

    def prefixes(self) -> dict[str, str]:
        """Prefixes every query may use without declaring them (and serialisers abbreviate with):
        the project's one table (``kg.prefixes``), under this base IRI."""
        return prefix_table.service(self.base_iri)
