"""Opening a store: the one place a backend is chosen from configuration.

It sits above the embedded store (``kg.store.base``), the remote one (``kg.store.remote_store``) and
the rule engine (``kg.store.inference``) so that none of them has to import another upwards: the
embedded store only *reports* that a crash left a half-done load (``inference_pending``), and
opening it here recomputes the inferred graph before anyone reads it.
"""

from __future__ import annotations

from kg.config import Config
from kg.store.base import GraphStore
from kg.store.embedded import OxigraphStore

# The remote store (requests, urllib3) and the rule engine are imported when a store needs them:
# the embedded store opened by ``kg serve`` needs neither, and a restart should not wait for them.


def open_store(config: Config, *, read_only: bool = False) -> GraphStore:
    """The store ``config.store`` names: ``sparql+http(s)://…`` a remote SPARQL 1.1 engine,
    ``:memory:`` or a folder the embedded store."""
    if config.store.startswith("sparql+"):
        from kg.store.remote_store import SparqlProtocolStore

        return SparqlProtocolStore(config, read_only=read_only)
    store = OxigraphStore(config, read_only=read_only)
    if store.inference_pending():
        from kg.store import inference

        inference.materialise(store, inference.rule_files(config.data_dirs))
        store.inference_done()
    return store
