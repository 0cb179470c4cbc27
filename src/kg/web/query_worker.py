"""A query worker process: what it is sent (``QueryTask``), how it runs and renders one query, and
how the service starts one.

The worker opens the store read-only (a checkpoint) and answers tasks from a pipe until it is
stopped; the pool, its admission gate and the time limits are ``kg.web.executor``'s.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import signal
import socket
import sys
import threading
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import pyoxigraph as ox

from kg import formats
from kg import prefixes as prefix_table
from kg.config import Config
from kg.store import guard
from kg.store.base import GraphStore, QueryError
from kg.store.embedded import OxigraphStore
from kg.web import direct_linger, direct_named, direct_wire, page_order, paging, worker_env
from kg.web.bounded_memo import BoundedMemo
from kg.web.page_hints import PageHints
from kg.web.query_task import QueryTask as QueryTask


class ExecutionError(Exception):
    """A query that could not be answered; ``status`` is the HTTP status to answer with."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        query_error: bool = False,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.query_error = status, message, query_error
        self.retry_after = retry_after

    def __reduce__(self) -> Any:  # crosses the worker pipe
        return (ExecutionError, (self.status, self.message), {"query_error": self.query_error})


@dataclass(frozen=True)
class QueryOutput:
    body: bytes
    content_type: str
    extension: str
    kind: str
    more: bool = False  # a page with rows after it (``QueryTask.page_limit``)


def _evaluate(store: GraphStore, task: QueryTask, text: str) -> Any:
    try:
        return store.query(
            text,
            default_graphs=task.default_graphs,
            named_graphs=task.named_graphs,
            substitutions=task.substitutions,
        )
    except QueryError as err:
        raise ExecutionError(400, str(err), query_error=True) from None
    except ValueError as err:  # e.g. a default-graph-uri that is not an IRI
        raise ExecutionError(400, f"bad request: {err}") from None


def execute(store: GraphStore, task: QueryTask, hints: PageHints | None = None) -> QueryOutput:
    """Run, negotiate and render one query to bytes; raises ``ExecutionError``.

    A page of an ordered SELECT is ordered here rather than by the engine when
    ``kg.web.page_order`` can do it exactly (much faster on long answers). ``hints``: a query
    worker's pages seen whole on its checkpoint (``kg.web.page_hints``), rendered without
    being cut."""
    result: Any = None
    more = False
    order = page_order.plan(task.query) if task.page_limit is not None else None
    try:
        if order is not None and task.page_limit is not None:
            unordered = _evaluate(store, task, order.unordered)
            paged = page_order.page(unordered, order, task.page_limit, task.max_bytes)
            if paged is not None:
                result, more = paged
        if result is None:
            result = _evaluate(store, task, task.query)
            if task.page_limit is not None and isinstance(result, ox.QuerySolutions):
                key = hints.key(task) if hints is not None else None
                if hints is None or not hints.whole(key):
                    result, more = paging.trim_solutions(result, task.page_limit)
                    if hints is not None and not more:
                        hints.saw_whole(key)
    except (ValueError, SyntaxError) as err:  # evaluation errors surface while iterating
        raise ExecutionError(400, f"query evaluation failed: {err}", query_error=True) from None
    kind = formats.result_kind(result)
    try:
        fmt = formats.negotiate(kind, task.accept, task.format_param)
    except formats.NotAcceptable as err:
        raise ExecutionError(err.status, str(err)) from None
    native = _NATIVE_BOOLEAN.get(fmt.name) if kind == formats.BOOLEAN else None
    if native is not None:  # what the format's renderer writes, without its sink (ASK {})
        body = result.serialize(format=native)
        if len(body) <= task.max_bytes:
            return QueryOutput(body, fmt.content_type, fmt.extension, kind, more)
    ctx = _context(store.config, task.title, task.max_bytes)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in fmt.render(result, ctx):
            chunks.append(chunk)
            size += len(chunk)
            if size > task.max_bytes:
                raise formats.ResultTooLarge(task.max_bytes)
    except formats.ResultTooLarge:
        raise ExecutionError(
            413,
            f"the result is larger than the limit of {task.max_bytes} bytes "
            "(KG_MAX_RESULT_BYTES); narrow the query or add LIMIT/OFFSET",
        ) from None
    except (ValueError, SyntaxError) as err:  # evaluation errors surface while iterating
        raise ExecutionError(400, f"query evaluation failed: {err}", query_error=True) from None
    return QueryOutput(b"".join(chunks), fmt.content_type, fmt.extension, kind, more)


#: Boolean answers in the formats pyoxigraph writes itself (``kg.formats``' json and xml).
_NATIVE_BOOLEAN = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}


def _context(config: Config, title: str, max_bytes: int) -> formats.RenderContext:
    """The render context of an answer, made once per base IRI, title and size limit: building
    the prefix table and the context again for every answer cost 8-10 µs of an ``ASK {}``."""
    return _context_of(config.base_iri, title, max_bytes)


@functools.lru_cache(maxsize=64)
def _context_of(base_iri: str, title: str, max_bytes: int) -> formats.RenderContext:
    # the prefixes are ``Config.prefixes``': a function of the base IRI alone
    return formats.RenderContext(
        prefixes=prefix_table.service(base_iri), title=title, max_bytes=max_bytes
    )


# -- worker side ------------------------------------------------------------------------------
def timed_out(timeout: float) -> ExecutionError:
    """The 503 of a query stopped at its time limit (either path: pipe or direct)."""
    return ExecutionError(
        503,
        f"the query was stopped after the {timeout:g} s time limit "
        "(server limit KG_QUERY_TIMEOUT, or the request's timeout= parameter); "
        "simplify it or add LIMIT",
    )


def _answer_directly(
    fd: int,
    job: direct_wire.DirectTask,
    config: Config,
    run: Any,
    inbox: direct_wire.Inbox,
    counters: tuple[Any, Any, Any],
    date: direct_wire.HttpDate,
    named: Any = None,
    bound: Bound | None = None,
) -> tuple[str, Any]:
    """A direct task (``kg.web.direct_wire``): the same refusals as the request path, then the
    query; a success is written on the client's socket ``fd`` (and the connection's next
    queries answered while it lingers, ``kg.web.direct_linger``; named ones bound with
    ``named``, the service's ``kg.web.direct_named.NamedContext``), anything else goes back to
    the service's ordinary path with its outcome. Always closes ``fd``."""
    try:
        began = time.monotonic()
        reply = _answer_first(fd, job, config, run, counters)
        demote = config.query_demote_after_s
        if reply[0] == direct_wire.SENT and job.linger > 0:
            # not after a query long enough to be demoted: the pool restores its priority
            if not 0 < demote <= time.monotonic() - began:
                memo = bound if bound is not None else Bound()  # (an empty one is falsy)
                attempt = _lingering(job, config, run, named, memo)
                reply = direct_linger.linger(fd, job, config, attempt, inbox, counters, date)
        return reply
    finally:
        os.close(fd)


#: Requests a worker remembers the task of (``Bound``), across lingering connections.
_BOUND_MAX = 256
_UNSEEN = object()


class Bound(BoundedMemo[tuple[Any, ...], "tuple[QueryTask, str | None] | None"]):
    """What a lingering worker made of requests it answered before (per worker), by request.

    Clients send the same few requests over and over; binding a named query's parameters and
    the guards' verdict on its text cost 40-60 µs of a short answer's worker time. The task a
    request becomes depends only on the request, the worker's configuration and the service's
    named queries and place names (``named``, replaced as a whole when they change: then all
    is forgotten, ``under(named)``)."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(_BOUND_MAX)


def _bind(
    request: direct_linger.Parsed, config: Config, named: Any
) -> tuple[QueryTask, str | None] | None:
    """The task of a request read while lingering and its ``Link`` header, or ``None`` when
    the ordinary path must answer it (a named query not bound here, a refusal by the guards)."""
    link = None
    if request.name is None:
        task = QueryTask(
            request.query,
            accept=request.accept,
            title="result",
            max_bytes=config.max_result_bytes,
        )
    else:
        found = (
            direct_named.in_worker(named, request.name, request.query, request.host, request.accept)
            if named is not None
            else None
        )
        if found is None:
            return None
        task, link = found
    if not _guards_pass(task.query, config, task.substitutions):
        return None
    return task, link


def _lingering(
    job: direct_wire.DirectTask, config: Config, run: Any, named: Any, bound: Bound
) -> Any:
    """What a worker lingering on the connection (``kg.web.direct_linger``) does with each
    next query: what ``_answer_first`` does, but a request it does not answer stays unread
    (``NEXT``) for the ordinary path — also a named query it cannot bind exactly as the
    service would (``kg.web.direct_named``)."""
    tasks = bound.under(named)

    def attempt(request: direct_linger.Parsed, began: float) -> Any:
        key = (request.name, request.query, request.host, request.accept)
        found = tasks.get(key, _UNSEEN)
        if found is _UNSEEN:
            found = tasks.remember(key, _bind(request, config, named))
        if found is None:
            return (direct_wire.NEXT, None)
        task, link = found
        outcome = run(job.snapshot, task)
        if _for_the_request_path(outcome):
            return (direct_wire.NEXT, outcome)
        if time.monotonic() > began + job.timeout - direct_wire.WRITE_MARGIN_S:
            return (direct_wire.NEXT, timed_out(job.timeout))
        return direct_linger.Answer(outcome, link)

    return attempt


def _answer_first(
    fd: int, job: direct_wire.DirectTask, config: Config, run: Any, counters: tuple[Any, Any, Any]
) -> tuple[str, Any]:
    """The task itself: refusals and errors go back to the ordinary path."""
    if not _guards_pass(job.task.query, config, job.task.substitutions):
        return (direct_wire.FALLBACK, None)
    outcome = run(job.snapshot, job.task)
    if _for_the_request_path(outcome):
        return (direct_wire.FALLBACK, outcome)
    started, finished, _busy = counters
    return direct_wire.write_response(
        fd, job, outcome.body, outcome.content_type, outcome.more, started, finished
    )


def _guards_pass(query: str, config: Config, substitutions: Any) -> bool:
    """Whether the request path's guards let ``query`` through (it refuses the others itself,
    with its message: a direct answer never words a refusal)."""
    try:
        guard.check_nesting(query)
        guard.check(query, config)
        guard.check_syntax(query, config, substitutions)
    except (guard.TooComplex, guard.OutboundRefused, guard.Malformed):
        return False
    return True


def _for_the_request_path(outcome: Any) -> bool:
    """Errors are rendered by Flask, and pages get its security headers: neither is written
    by the worker."""
    if isinstance(outcome, ExecutionError):
        return True
    return _is_page(outcome.content_type)


@functools.lru_cache(maxsize=64)
def _is_page(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "text/html"


def _worker_main(
    conn: Any,
    config: Config,
    snapshot: str,
    modules: list[str],
    started: Any = None,
    finished: Any = None,
    busy: Any = None,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the service's to handle
    for module in modules:  # formats registered outside kg.formats must exist here too
        try:
            importlib.import_module(module)
        except Exception:  # noqa: BLE001 - a missing optional format must not kill the worker
            pass
    store: OxigraphStore | None = None
    opened = ""
    hints = PageHints()  # pages seen whole on the current checkpoint (kg.web.page_hints)

    def reopen(path: str) -> OxigraphStore:
        nonlocal store, opened
        if store is not None:
            old, store = store, None
            old.close()
        hints.forget()  # row counts are the checkpoint's
        store = OxigraphStore(replace(config, store=path), read_only=True)
        opened = path
        return store

    def run(wanted: str, task: QueryTask) -> Any:
        nonlocal store
        try:
            current = store if store is not None and opened == wanted else reopen(wanted)
            return execute(current, task, hints)
        except ExecutionError as err:
            return err
        except Exception as err:  # noqa: BLE001 - report, keep serving
            store = None
            return ExecutionError(500, f"query failed in the worker: {err}")

    try:
        reopen(snapshot)
    except Exception:  # noqa: BLE001 - retried on the first task
        store = None
    # Read with recvmsg: a direct task carries the client's socket (kg.web.direct_wire).
    inbox = direct_wire.Inbox(socket.socket(fileno=os.dup(conn.fileno())))
    date = direct_wire.HttpDate()  # the Date header of answers written while lingering
    named = None  # the service's named queries and resolved places (kg.web.direct_named)
    bound = Bound()  # the tasks of requests answered while lingering
    try:
        conn.send("ready")
    except (OSError, EOFError):
        return
    while True:
        try:
            message, fd = inbox.next()
        except (EOFError, OSError, KeyboardInterrupt):
            return  # the service is gone
        if message is None:
            return
        if message == direct_wire.RELEASE:
            continue  # for a connection this worker gave back already
        if isinstance(message, direct_wire.DirectTask):
            if message.named is not None:  # sent when it changed since the last task
                named = message.named
            if fd is None:  # cannot happen: the service always sends one
                reply: Any = (direct_wire.FALLBACK, None)
            else:
                reply = _answer_directly(
                    fd, message, config, run, inbox, (started, finished, busy), date, named, bound
                )
                if reply[0] == direct_wire.SENT and not message.linger:
                    # Nothing to say: the count (raised as the last byte went out) tells the
                    # service, which looks when the client's next request comes (no wake-up
                    # of its I/O thread for this).
                    continue
        else:
            if fd is not None:
                os.close(fd)
            wanted, task = message
            reply = run(wanted, task)
        try:
            conn.send(reply)
        except (OSError, EOFError):
            return


# -- service side -----------------------------------------------------------------------------
_MAIN_LOCK = threading.Lock()


@contextlib.contextmanager
def _bare_main() -> Iterator[None]:
    """Start a worker without re-running the service's ``__main__`` in it.

    A spawned process first imports the parent's main module (``python -m kg`` → all of the
    CLI and the web app: networkx, rdflib, the ingest pipeline; the ``kg`` script does the same),
    about a second of CPU per worker that competed with the service's own start-up. The worker's
    entry point lives in this module, so it needs none of that: while the process is started,
    ``__main__`` is an empty module and spawn has nothing to re-run."""
    with _MAIN_LOCK:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main


class _Worker:
    def __init__(self, ctx: Any, config: Config, snapshot: str, modules: list[str]) -> None:
        parent, child = ctx.Pipe()
        #: Direct writes the worker began (``kg.web.direct_wire``): read after a kill.
        self.started = ctx.RawValue("Q", 0)
        #: Direct answers written whole, reported by this count only (``kg.web.direct_lane``).
        self.finished = ctx.RawValue("Q", 0)
        #: ``time.monotonic()`` when the query it runs on a lingering connection began, else 0,
        #: negated while it writes the answer (``kg.web.direct_linger``: the service holds it
        #: to the time limit, and then knows whether the request is still unread).
        self.busy = ctx.RawValue("d", 0.0)
        self.process = ctx.Process(
            target=_worker_main,
            args=(child, config, snapshot, modules, self.started, self.finished, self.busy),
            name="kg-query-worker",
            daemon=True,
        )
        with _bare_main(), worker_env.spawning_environment():
            self.process.start()
        child.close()
        self.conn = parent
        #: The same socket as ``conn``, for sending a descriptor along (``direct_wire``).
        self.sock = socket.socket(fileno=os.dup(parent.fileno()))
        self._kill_lock = threading.Lock()
        self._closed = False
        self.snapshot = snapshot  # what it reads (or last read)
        self.demoted = False  # running (or ran) a long query at the lowest CPU priority
        #: ``NamedContext.key`` of the named queries and places last sent (``direct_lane``).
        self.named_key: tuple[Any, ...] | None = None

    def wait_ready(self, timeout: float = 120.0) -> bool:
        """Wait for the worker's imports and store opening (its first message)."""
        try:
            return self.conn.poll(timeout) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            return False

    def kill(self) -> None:
        """Idempotent, and safe from two threads at once (a request thread retiring the worker
        while the executor closes): a second ``close`` of the pipe would close a descriptor
        number the process may already have given to another file."""
        with self._kill_lock:
            if self.process.is_alive():
                self.process.kill()
            self.process.join(timeout=5)
            if self._closed:
                return
            self._closed = True
            self.conn.close()
            self.sock.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, EOFError):
            pass
        self.process.join(timeout=2)
        self.kill()
