"""``kg serve`` without its flags: open the store, fill it on first start, serve it until stopped.

The web layer's own start-up sequence, so the terminal commands (``kg.cli.commands``) never import
the web app: ``kg.__main__`` parses the flags and calls :func:`run`. The order matters and each step
has its reason:

1. the port first: a busy one is a one-line error before anything is loaded;
2. the base IRI follows the address the service is reached at (``kg.web.serve_setup``);
3. an empty store is filled with the bundled graph, a stopped remote load finished;
4. the traversal projection saved by the last clean shutdown is restored, and saved again on
   the way out (SIGTERM stops like Ctrl-C), so the next start does not rebuild it.
"""

from __future__ import annotations

import gc
import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from kg.config import Config
from kg.graph import projection_store
from kg.store.backends import open_store
from kg.store.base import GraphStore
from kg.web import serve_setup
from kg.web.app import create_app
from kg.web.server import describe_limits, make_server

if TYPE_CHECKING:
    from kg.store.loading import LoadReport


def run(
    config: Config,
    *,
    explicit_base: bool,
    say: Callable[[str], None],
    warn: Callable[[str], None],
) -> None:
    """Serve ``config.store`` on ``config.host:config.port`` until interrupted.

    ``say`` reports progress, ``warn`` what the operator should fix; failures a user can act on
    raise ``serve_setup.PortBusy`` or ``kg.store.base.StoreError`` with a one-line message."""
    serve_setup.check_port(config.host, config.port)
    store = open_store(config)
    config, warnings = serve_setup.settle_base_iri(config, store, explicit=explicit_base)
    store.config = config
    for warning in warnings:
        warn(warning)
    serve_setup.accept_raw_utf8_targets()
    report = _fill(store)
    if report:
        say(f"loaded the bundled graph: {report.triples:,} triples")
    app = create_app(config, store)
    if app.extensions["kg"].extras["projection"].restored is not None:
        say("traversal projection restored from the last clean shutdown")
    server = make_server(app, config)
    say(
        f"serving on http://{config.host}:{config.port}/ (store: {config.store}; "
        f"IRIs under {config.base_iri})"
    )
    say(f"limits: {describe_limits(config)}")
    # SIGTERM stops like Ctrl-C, so the projection is saved for the next start
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    gc.enable()  # ``kg serve`` paused the cyclic collector for its start-up (``kg.__main__``)
    try:
        server.run()
    finally:
        try:
            server.close()
        except OSError:
            pass
        try:
            projection_store.save(app.extensions["kg"].extras["projection"], store)
        except Exception as err:  # noqa: BLE001 - the next start rebuilds it; stop anyway
            say(f"warning: the traversal projection was not saved: {err}")
        finally:
            store.close()


def _fill(store: GraphStore) -> LoadReport | None:
    """``kg.store.loading.ensure_loaded`` when there is something to do: an empty store, or a
    load that stopped before its inferences. A store already holding data with nothing pending
    (every restart) skips importing the loader, which pulls in rdflib and the SHACL engine."""
    pending = getattr(store, "inference_pending", None)
    if store.named_graphs() and (pending is None or not pending()):
        return None
    from kg.store.loading import ensure_loaded

    return ensure_loaded(store)
