"""The HTTP server `kg serve` runs: waitress, with two thread pools and timeouts for slow clients.

Waitress reads every request completely (headers and body) in its one I/O thread before any
application thread sees it, so a client that opens sockets and sends nothing costs a file
descriptor, never a thread. Three things are added on top of it:

* **Two thread pools.** Requests that need a query worker (``/sparql``, ``/queries/…``) are
  served by their own threads; everything else (traversal ``/api/…``, pages, VoID, static files,
  writes, exports) by the general pool. Slow SPARQL can then hold at most its own threads — how
  long it waits for a worker is bounded by ``kg.web.admission`` — and ``/api/graph`` answers at once
  while a flood of slow queries is in flight.
* **A header deadline.** Waitress only closes connections that are *idle*; a client trickling a
  byte every few seconds would hold its connection forever. Here the headers must arrive within
  ``header_timeout_s`` and the whole request within ``request_timeout_s`` of its first byte.
* **A connection limit sized for the machine** (from the open-file limit) and ``poll()`` instead
  of ``select()`` (which fails past descriptor 1024). Idle keep-alive connections are closed
  after ``idle_timeout_s``.
"""

from __future__ import annotations

import math
import resource
import threading
import time
from typing import Any

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher, WSGITask

from kg.config import Config
from kg.web import executor
from kg.web.direct_lane import OUTCOME_ATTR, DirectLane

#: Paths served by the query pool: they wait for a query worker (``kg.web.executor``).
QUERY_PATHS = ("/sparql", "/queries/")


def connection_limit(config: Config) -> int:
    """The configured limit, or one sized from the open-file limit.

    A quarter of the process's descriptors go to client connections (the store's RocksDB files,
    the worker pipes and the snapshots need the rest), between 100 and 1024: past that, one
    pass of the I/O loop over every idle socket costs more than it protects.
    """
    if config.connection_limit > 0:
        return config.connection_limit
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        soft = 65536
    return max(100, min(1024, soft // 4))


def query_threads(config: Config) -> int:
    """Threads for query requests: every running and waiting query, plus a few to refuse fast."""
    return max(1, config.query_workers) + max(0, config.query_queue) + 4


class RoutingDispatcher:
    """Hands each request to the query pool or the general pool by its path."""

    def __init__(self, general: int, queries: int) -> None:
        #: Plain ``GET /sparql`` straight from the I/O thread to an idle worker (or None).
        self.direct: DirectLane | None = None
        self.general = ThreadedTaskDispatcher()
        self.queries = ThreadedTaskDispatcher()
        self.general.set_thread_count(general)
        self.queries.set_thread_count(queries)

    def pool_for(self, channel: Any) -> ThreadedTaskDispatcher:
        requests = getattr(channel, "requests", None)
        path = getattr(requests[0], "path", "") if requests else ""
        return self.queries if path.startswith(QUERY_PATHS) else self.general

    def add_task(self, channel: Any) -> None:
        if self.direct is not None:
            if self.direct.try_dispatch(channel):
                return
            # It may need a worker, or write: lingering workers give their connections back.
            self.direct.release_all()
        self.pool_for(channel).add_task(channel)

    def set_thread_count(self, count: int) -> None:  # waitress API; pools are sized at creation
        self.general.set_thread_count(count)

    def shutdown(self, cancel_pending: bool = True, timeout: int = 5) -> bool:
        done = self.queries.shutdown(cancel_pending, timeout)
        return self.general.shutdown(cancel_pending, timeout) and done


class _TimedParser(HTTPRequestParser):
    """Remembers when a request's first byte arrived (for the header/request deadlines)."""

    def __init__(self, adj: Any) -> None:
        super().__init__(adj)
        self.started = time.monotonic()


class _Task(WSGITask):
    """A request the direct lane already ran carries its outcome to Flask (no second run)."""

    def get_environment(self) -> dict[str, Any]:
        environ = super().get_environment()
        outcome = getattr(self.request, OUTCOME_ATTR, None)
        if outcome is not None:
            environ[executor.LANE_OUTCOME] = outcome
        return environ


class _Channel(HTTPChannel):
    parser_class = _TimedParser
    task_class = _Task
    #: The direct task answering this connection's request (``kg.web.direct_lane``), if any.
    kg_flight: Any = None
    kg_whole = False

    def readable(self) -> bool:
        """While a worker answers the request directly, the next one is read (a client sends
        it once it has the answer) and tells the lane to look whether the worker is done."""
        flight = self.kg_flight
        if flight is not None and not flight.over:
            if flight.linger:
                return False  # the worker reads the connection (``kg.web.direct_linger``)
            return not (
                self.will_close
                or self.close_when_flushed
                or len(self.requests) > 1
                or self.total_outbufs_len
            )
        return super().readable()

    def received(self, data: bytes) -> bool:
        # Exactly one whole request head: once it is answered nothing of the next one has
        # been read here, so a worker may read the connection (``kg.web.direct_linger``).
        self.kg_whole = data.endswith(b"\r\n\r\n") and data.count(b"\r\n\r\n") == 1
        return super().received(data)

    def handle_read(self) -> None:
        flight = self.kg_flight
        if flight is not None:
            flight.lane.settle(flight, expected=True)
        super().handle_read()


class Server(TcpWSGIServer):
    """Waitress's TCP server plus deadlines for requests that arrive too slowly."""

    channel_class = _Channel
    header_timeout_s = 5.0
    request_timeout_s = 30.0

    def run(self) -> None:
        """Waitress's loop, waking also at the time limits of direct tasks (``DirectLane``)."""
        lane: DirectLane | None = getattr(self.task_dispatcher, "direct", None)
        if lane is None:
            super().run()
            return
        lane.io_thread = threading.get_ident()
        poll = self.asyncore.poll2 if self.adj.asyncore_use_poll else self.asyncore.poll
        default = self.adj.asyncore_loop_timeout
        try:
            while self._map:
                poll(lane.poll_timeout(default), self._map)
                lane.tick()
        except (SystemExit, KeyboardInterrupt):
            self.task_dispatcher.shutdown()

    def maintenance(self, now: float) -> None:
        super().maintenance(now)  # idle connections (channel_timeout)
        mono = time.monotonic()
        for channel in list(self.active_channels.values()):
            partial = channel.request
            if partial is None or channel.will_close:
                continue
            age = mono - getattr(partial, "started", mono)
            late = age > self.request_timeout_s or (
                not partial.headers_finished and age > self.header_timeout_s
            )
            if late:
                channel.will_close = True


def _proxy(config: Config) -> dict[str, Any]:
    """Behind a reverse proxy every client has the proxy's address; trusting its
    X-Forwarded-For (and only its) gives the per-client caps the real client."""
    if not config.trusted_proxy:
        return {}
    return {
        "trusted_proxy": config.trusted_proxy,
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": {"x-forwarded-for"},
        "clear_untrusted_proxy_headers": True,
    }


def make_server(app: Any, config: Config) -> Server:
    """A server for ``app`` on ``config.host:config.port`` with the configured limits."""
    dispatcher = RoutingDispatcher(config.threads, query_threads(config))
    server = Server(
        app,
        dispatcher=dispatcher,
        host=config.host,
        port=config.port,
        threads=config.threads,
        ident="kg",
        connection_limit=connection_limit(config),
        channel_timeout=max(1, math.ceil(config.idle_timeout_s)),
        cleanup_interval=1,
        asyncore_use_poll=True,
        # The largest body the app accepts, plus headers: waitress refuses bigger ones itself.
        max_request_body_size=config.max_body_bytes + 64 * 1024,
        **_proxy(config),
    )
    server.header_timeout_s = config.header_timeout_s
    server.request_timeout_s = config.request_timeout_s
    services = getattr(app, "extensions", {}).get("kg")
    if services is not None and config.direct_answers and DirectLane.wanted(services):
        dispatcher.direct = DirectLane(server, services)
    return server


def describe_limits(config: Config) -> str:
    """One line for the start-up log: the limits a client runs into."""
    return (
        f"{config.threads} threads + {query_threads(config)} for queries, "
        f"{connection_limit(config)} connections, headers within {config.header_timeout_s:g} s, "
        f"idle connections closed after {config.idle_timeout_s:g} s"
    )
