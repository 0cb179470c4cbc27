"""Service configuration, gathered once from flags and environment and then passed around.

A frozen dataclass rather than module globals, so two apps (e.g. in tests) can run side by side
with different stores.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

#: Where the repository's bundled ``ontology/`` and ``graph_data/`` live for a source checkout.
PROJECT_ROOT = Path(__file__).resolve().parents[2]

DEFAULT_BASE_IRI = "http://127.0.0.1:8000/"


def _default_data_dirs() -> tuple[Path, ...]:
    root = Path(os.environ.get("KG_DATA_ROOT", PROJECT_ROOT))
    return (root / "ontology", root / "graph_data")


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
        """Prefixes every query may use without declaring them (and serialisers abbreviate with)."""
        b = self.base_iri
        return {
            "yrd": b + "ontology#",
            "place": b + "id/place/",
            "park": b + "id/park/",
            "pairing": b + "id/pairing/",
            "agreement": b + "id/agreement/",
            "org": b + "id/org/",
            "domain": b + "id/domain/",
            "scheme": b + "id/scheme/",
            "source": b + "id/source/",
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "owl": "http://www.w3.org/2002/07/owl#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "prov": "http://www.w3.org/ns/prov#",
            "dcterms": "http://purl.org/dc/terms/",
            "schema": "http://schema.org/",
            "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
            "void": "http://rdfs.org/ns/void#",
            "sd": "http://www.w3.org/ns/sparql-service-description#",
        }
