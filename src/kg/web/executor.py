"""Running user queries where they can be stopped: a pool of read-only worker processes.

pyoxigraph cannot cancel a query, so a query that must be stoppable runs in another process:

* The service process holds the single read-write store (writes, loads, inference).
* ``query_workers`` worker processes each open a checkpoint of the store with
  ``Store.read_only``. Every task names the checkpoint of the store version it must see; the
  service takes a new checkpoint when the version moved (a checkpoint of the read-write handle
  holds every committed write, flushed or not), and a worker whose handle is older reopens.
* A worker runs the query, negotiates the format (the one ``kg.formats`` registry) and renders
  the result to bytes, stopping at ``max_result_bytes``. The request thread waits at most the
  timeout; past it the worker is killed (SIGKILL) and replaced, and the client gets 503 while
  the other workers keep answering.

An in-memory store (tests, ``:memory:``) cannot be shared between processes: there queries run
in the request thread, without a timeout.
"""

from __future__ import annotations

import atexit
import multiprocessing as mp
import os
import queue
import shutil
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg import formats
from kg.config import Config
from kg.store.base import GraphStore, Term
from kg.store.embedded import OxigraphStore
from kg.web import paging, priority
from kg.web.admission import Gate, Limits, Refused, Ticket
from kg.web.query_worker import ExecutionError, QueryOutput, _Worker, execute, timed_out
from kg.web.query_worker import QueryTask as QueryTask

_EXECUTORS: weakref.WeakSet[QueryExecutor] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for executor in list(_EXECUTORS):
        executor.close()


def snapshots_dir(store_path: Path) -> Path:
    """Where the service keeps the read-only checkpoints its query workers open."""
    return store_path.parent / (store_path.name + ".snapshots")


#: How often the live store's files are compared with the checkpoint's (``_layout_moved``).
LAYOUT_CHECK_S = 1.0


def _sst_files(folder: Path) -> frozenset[str]:
    try:
        return frozenset(name for name in os.listdir(folder) if name.endswith(".sst"))
    except OSError:
        return frozenset()


def latest_snapshot(store_path: Path) -> Path | None:
    folder = snapshots_dir(store_path)
    found = [p for p in folder.glob("v*") if p.is_dir() and p.name[1:].isdigit()]
    return max(found, key=lambda p: int(p.name[1:])) if found else None


class QueryExecutor:
    """Runs queries with a timeout (worker processes) or in-thread (in-memory stores).

    Workers never open the live store (a read-only RocksDB handle races with the writer's
    compactions). After each write the service publishes a checkpoint (``Store.backup``: hard
    links, milliseconds) under ``<store>.snapshots/v<N>``; each task names the checkpoint to
    read, a worker reopens when it changes, and checkpoints no worker reads any more are deleted.
    """

    def __init__(self, store: GraphStore, config: Config) -> None:
        self.store = store
        self.config = config
        self.workers = config.query_workers
        self.inline = (
            self.workers <= 0
            or not isinstance(store, OxigraphStore)
            or store.path is None
            or store.read_only
        )
        # Last in, first out: a lone client keeps reusing the same worker, whose caches (RocksDB
        # blocks, parsed pages, CPU caches) stay warm; the others only take overflow.
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        # One spare, started and ready: a worker killed at its time limit is replaced at once
        # instead of leaving the pool short for the seconds a new process takes to start.
        self._standby: queue.Queue[_Worker] = queue.Queue(maxsize=1)
        self._all: set[_Worker] = set()
        self._busy: dict[_Worker, str] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._version = -1
        self._snapshot = ""
        self._nice = os.getpriority(os.PRIO_PROCESS, 0)  # what workers start with
        self.gate = Gate(query_limits(config), what="query worker")
        self._started = threading.Event()  # the first workers are ready (or failed to start)
        if self.inline:
            return
        assert isinstance(store, OxigraphStore) and store.path is not None
        self._ctx = mp.get_context("spawn")  # never fork a process holding RocksDB threads
        self._modules = sorted(
            {f.render.__module__ for f in formats._REGISTRY} | {"kg.formats"}  # noqa: SLF001
        )
        self._dir = snapshots_dir(store.path)
        shutil.rmtree(self._dir, ignore_errors=True)  # leftovers of a previous run
        self._dir.mkdir(parents=True)
        self._serial = 0
        # The current checkpoint's SST files, last compared with the live store's when:
        self._tables: frozenset[str] = frozenset()
        self._tables_checked, self._tables_moved = 0.0, False
        self.publish()
        _EXECUTORS.add(self)
        # The workers start while the service already answers what needs none of them (the
        # traversal API, pages): a query arriving first waits for them (``run``), within the
        # admission bounds, instead of every request waiting for their imports.
        starting = [self._spawn() for _ in range(self.workers)]
        threading.Thread(
            target=self._settle, args=(starting,), name="kg-workers-start", daemon=True
        ).start()

    def _settle(self, starting: list[_Worker]) -> None:
        """The first workers join the pool as each is ready (a failed one is replaced), then
        the spare starts."""
        try:
            for worker in starting:
                if self._closed:  # stopped while starting: ``close`` stopped them all
                    break
                if worker.wait_ready() and not self._closed:
                    self._idle.put(worker)
                elif not self._closed:
                    self._discard(worker)
                    self._respawn(self._idle)
            if not self._closed:
                self._respawn(self._standby)
        finally:
            self._started.set()

    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx, self.config, self._snapshot, self._modules)
        with self._lock:
            self._all.add(worker)
        return worker

    def _respawn(self, into: queue.Queue[_Worker], then: Callable[[], None] | None = None) -> None:
        """Start a worker in the background; once ready it joins ``into`` (pool or spare) and
        ``then`` runs."""

        def start() -> None:
            try:
                self._start_into(into)
            finally:
                if then is not None:
                    then()

        threading.Thread(target=start, name="kg-respawn", daemon=True).start()

    def _start_into(self, into: queue.Queue[_Worker]) -> None:
        while not self._closed:
            worker = self._spawn()
            if worker.wait_ready() and not self._closed:
                try:
                    into.put_nowait(worker)
                except queue.Full:  # a spare is already there
                    self._discard(worker)
                return
            self._discard(worker)
            time.sleep(1)

    def _replace(self, ticket: Ticket) -> None:
        """A worker was killed running ``ticket``'s query: the spare takes its place at once and
        the slot is free again. With no spare ready (two kills within one start-up time) the
        client keeps the slot until the replacement is ready, so the client that caused the
        gap — not the others — waits for it."""
        try:
            spare = self._standby.get_nowait()
        except queue.Empty:
            self._respawn(self._idle, then=ticket.release)
        else:
            self._idle.put(spare)
            ticket.release()
        self._respawn(self._standby)

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
            self._busy.pop(worker, None)
        worker.kill()

    def publish(self) -> str:
        """Checkpoint the store if it changed since the last checkpoint; return the current one."""
        if self.inline:
            return ""
        with self._lock:
            version = self.store.version
            if version == self._version and self._snapshot and not self._layout_moved():
                return self._snapshot
            self._serial += 1
            target = self._dir / f"v{self._serial}"
            self.store.backup(target)  # type: ignore[attr-defined]
            self._version, self._snapshot = version, str(target)
            self._tables, self._tables_moved = _sst_files(target), False
            # Under the lock (no backup runs): finished checkpoints no query reads, never another
            # thread's backup in progress (``vN.tmp``): that failed it with a 500 (soak test).
            used = {self._snapshot, *self._busy.values()}
            stale = [d for d in self._dir.glob("v*") if d.name[1:].isdigit() and str(d) not in used]
        for old in stale:
            shutil.rmtree(old, ignore_errors=True)
        return self._snapshot

    def _layout_moved(self) -> bool:
        """Whether RocksDB compacted away files the checkpoint holds (``_lock`` held): after
        ``kg load`` (~30 level-0 files, compacted within seconds of the service's open) queries
        on the start-up checkpoint ran 1.3–1.8× slower at 10× (benchmarks/README.md, round 7)."""
        now = time.monotonic()
        if not self._tables_moved and now - self._tables_checked >= LAYOUT_CHECK_S:
            self._tables_checked = now
            path = getattr(self.store, "path", None)  # seen once: stays so until ``publish``
            self._tables_moved = path is not None and not self._tables <= _sst_files(Path(path))
        return self._tables_moved

    def run(self, task: QueryTask, timeout: float | None = None, client: str = "") -> QueryOutput:
        """Run ``task`` for ``client`` (the peer address: per-client admission caps).

        Waiting for a worker is bounded by the admission gate (``query_queue``,
        ``query_queue_wait_s``, ``queries_per_client``); the time limit starts once a worker
        has the query.
        """
        timeout = self.config.query_timeout_s if timeout is None else timeout
        if self.inline:
            return execute(self.store, task)
        if self._closed:
            raise ExecutionError(503, "the service is shutting down")
        try:
            ticket = self.gate.acquire(client)
        except Refused as err:
            raise ExecutionError(err.status, err.message, retry_after=err.retry_after) from None
        try:
            # A slot normally means an idle worker; only while a killed one is being replaced
            # can the pool be short, and then the wait is bounded like the queue's. Right after
            # the service started, the first workers may still be importing: wait for them.
            wait = self.config.query_queue_wait_s
            if not self._started.is_set():
                wait = max(wait, START_WAIT_S)
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            ticket.release()
            retry = max(1, round(self.config.query_queue_wait_s))
            raise ExecutionError(
                503, "the query workers are restarting; try again shortly", retry_after=retry
            ) from None
        started = time.monotonic()
        try:
            self.publish()
        except BaseException:
            self._idle.put(worker)
            ticket.release()
            raise
        healthy = False
        with self._lock:  # the current checkpoint, pinned until this task is done
            snapshot = self._snapshot
            self._busy[worker] = snapshot
        try:
            worker.conn.send((snapshot, task))
            remaining = max(0.0, timeout - (time.monotonic() - started))
            if not self._await(worker, remaining):
                raise timed_out(timeout)
            reply = worker.conn.recv()
            healthy = True
        except (EOFError, OSError, BrokenPipeError):
            raise ExecutionError(503, "the query worker died (out of memory?); try again") from None
        finally:
            self.hand_back(worker, ticket, healthy)
        if isinstance(reply, ExecutionError):
            raise reply
        return reply

    def stale(self) -> bool:
        """The store changed since the last checkpoint (the next query needs a new one)."""
        return self.store.version != self._version

    def try_take(self, client: str) -> tuple[_Worker, Ticket, str] | None:
        """An idle worker, its admission ticket and the checkpoint to read, if all are to be
        had at once; ``None`` otherwise (the gate would make the request wait, the pool is
        short, or the store changed since the last checkpoint): the caller then takes the
        ordinary path, ``run``. Never blocks — ``kg.web.direct_lane`` calls it from the
        server's I/O thread."""
        if self.inline or self._closed:
            return None
        with self._lock:
            if self.store.version != self._version or not self._snapshot or self._layout_moved():
                return None  # ``run`` takes the new checkpoint (milliseconds): not here
        ticket = self.gate.try_acquire(client)
        if ticket is None:
            return None
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:
            ticket.release()
            return None
        with self._lock:
            snapshot = self._snapshot
            self._busy[worker] = snapshot
        return worker, ticket, snapshot

    def hand_back(self, worker: _Worker, ticket: Ticket, healthy: bool) -> None:
        """A task is over: the worker returns to the pool and the slot is freed, or (it was
        killed, died, or cannot be raised back from its demotion) it is replaced."""
        if healthy and worker.demoted:
            # Back to normal priority for the next query. Where that is not permitted the
            # ready spare takes its place; with none ready it serves on (demoted) rather
            # than leave the pool short, and is retired after a later query.
            if priority.restore(worker.process.pid, self._nice):
                worker.demoted = False
            elif not self._standby.empty():
                healthy = False
        if healthy:
            with self._lock:
                self._busy.pop(worker, None)
            self._idle.put(worker)
            ticket.release()
        else:
            self._discard(worker)
            self._replace(ticket)

    def _await(self, worker: _Worker, seconds: float) -> bool:
        """Wait up to ``seconds`` for the worker's reply; a query still running after
        ``query_demote_after_s`` gets the lowest CPU priority (``kg.web.priority``) meanwhile."""
        after = self.config.query_demote_after_s
        if after <= 0 or seconds <= after:
            return worker.conn.poll(seconds)
        if worker.conn.poll(after):
            return True
        worker.demoted = True
        priority.demote(worker.process.pid)
        return worker.conn.poll(seconds - after)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()
        if not self.inline:
            shutil.rmtree(self._dir, ignore_errors=True)


def query_limits(config: Config) -> Limits:
    """The admission limits for query workers, from the configuration."""
    workers = max(1, config.query_workers)
    per_client = config.queries_per_client or max(1, workers - 1)
    return Limits(
        slots=workers,
        queue_limit=config.query_queue,
        wait_s=config.query_queue_wait_s,
        per_client=per_client,
        per_client_waiting=max(1, config.query_queue // 4),
    )


def executor_for(services: Any) -> QueryExecutor:
    """The app's executor (``Services.extras['executor']``), created on first use."""
    executor = services.extras.get("executor")
    if executor is None:
        executor = services.extras.setdefault(
            "executor", QueryExecutor(services.store, services.config)
        )
    return executor


#: Where ``kg.web.query_lane`` leaves the outcome of a query it ran but does not answer itself
#: (an error, an HTML page): ``(query text, QueryOutput | the exception it raised)``. Only the
#: server sets environ keys without the ``HTTP_`` prefix, so a client cannot forge it.
LANE_OUTCOME = "kg.query_outcome"

#: How long a query arriving while the first workers still start waits for one (their imports
#: and store opening take about a second; ``_Worker.wait_ready`` gives up after 120 s).
START_WAIT_S = 120.0

#: A lower per-request timeout is allowed, down to this (a stopped query costs a worker restart).
MIN_TIMEOUT_S = 0.5


# -- HTTP glue --------------------------------------------------------------------------------
def request_timeout(config: Config) -> float:
    """The server limit, or a lower ``timeout=`` (seconds) from the request.

    Present-but-empty is a 400 like every other typed parameter (``int_arg``), so a client
    that sends ``timeout=`` by mistake learns it rather than silently getting the server limit.
    """
    from flask import request

    from kg.web.http_common import ApiError

    raw = request.values.get("timeout")
    limit = config.query_timeout_s
    if raw is None:
        return limit
    try:
        asked = float(raw)
    except ValueError:
        raise ApiError(400, f"timeout must be a number of seconds, got {raw!r}") from None
    if not asked >= MIN_TIMEOUT_S:  # also refuses NaN
        raise ApiError(400, f"timeout must be at least {MIN_TIMEOUT_S:g} seconds, got {raw!r}")
    return min(asked, limit)


def answer(
    query: str,
    *,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    substitutions: dict[str, Term] | None = None,
    filename: str = "result",
    format_param: str | None = None,
    query_error: tuple[int, str] = (400, "malformed query: "),
    timeout: float | None = None,
    page: paging.Page | None = None,
) -> Any:
    """Guard, run and render a query for the current request; errors become ``ApiError``.

    ``timeout``: the request's limit when the caller has already read it (``request_timeout``).
    ``page``: answer that page of a SELECT (``kg.web.paging``), with ``Link`` headers; a query
    that cannot be paged (its own ``LIMIT``/``OFFSET``, not a SELECT) is answered whole.
    """
    from flask import Response, request

    from kg.store import guard, sparql_text
    from kg.web.http_common import ApiError, services

    svc = services()
    try:
        guard.check_nesting(query)
        guard.check(query, svc.config)
        formats.check_format_name(format_param, [formats.SOLUTIONS, formats.GRAPH])
    except (guard.OutboundRefused, guard.TooComplex) as err:
        raise ApiError(400, str(err)) from None
    except formats.UnknownFormat as err:
        raise ApiError(err.status, str(err)) from None
    page_limit = None
    if page is not None:
        paged = sparql_text.with_page(query, page.limit + 1, page.offset)
        if paged is not None:
            query, page_limit = paged, page.limit
    task = QueryTask(
        query,
        default_graphs,
        named_graphs,
        substitutions,
        accept=request.headers.get("Accept"),
        format_param=format_param,
        title=filename,
        max_bytes=svc.config.max_result_bytes,
        page_limit=page_limit,
    )
    try:
        if timeout is None:
            timeout = request_timeout(svc.config)
        runner = executor_for(svc)
        ran = request.environ.pop(LANE_OUTCOME, None)  # query_lane / direct_lane ran it
        if ran is not None and ran[0] == query:  # the same (paged) text: the same task
            if isinstance(ran[1], Exception):
                raise ran[1]
            output = ran[1]
        else:
            if not runner.inline:
                guard.check_syntax(query, svc.config, substitutions)
            output = runner.run(task, timeout, client=request.remote_addr or "")
    except guard.Malformed as err:
        raise ApiError(query_error[0], query_error[1] + str(err)) from None
    except ExecutionError as err:
        if err.query_error:
            raise ApiError(query_error[0], query_error[1] + err.message) from None
        refused = ApiError(err.status, err.message)
        if err.retry_after is not None:
            refused.headers["Retry-After"] = str(err.retry_after)
        raise refused from None
    response = Response(output.body, content_type=output.content_type)
    response.headers["Vary"] = "Accept"
    if format_param:
        response.headers["Content-Disposition"] = (
            f'inline; filename="{filename}.{output.extension}"'
        )
    if page_limit is not None and page is not None:
        link = paging.link_header(page, output.more)
        if link:
            response.headers["Link"] = link
    return response
