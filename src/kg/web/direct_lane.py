"""The direct answer, service side: the I/O thread hands a plain query straight to an idle worker.

For ``GET /sparql?query=…`` (HTTP/1.1, keep-alive, nothing else in the query string, no HTML
wanted) the ordinary path costs four thread and process wake-ups before the client has its
answer; on two cores that was 0.7 ms of an ``ASK {}``'s 1.0 ms (issue 19). Here the server's
I/O thread, the moment it has parsed such a request, takes an idle worker and its admission
ticket *if both are free at once* (``QueryExecutor.try_take``: it never waits), and sends the
worker the task with the connection's socket (``kg.web.direct_wire``). The worker writes the
response on that socket; the client's only hops are I/O thread → worker → client.

Everything else is as before:

* when the gate would make the request wait (all workers busy, a queue, a client at its cap),
  the request goes the ordinary way: a request thread, ``kg.web.query_lane`` or Flask, with
  the admission gate's waiting, 429 and 503 unchanged;
* the connection is paused meanwhile (waitress reads no further request from it); when the
  worker reports back, the I/O thread resumes it: pipelined requests, remainders the socket did
  not take, keep-alive all continue in waitress;
* an outcome that is not a plain success (a refusal, a syntax error, 406, 413, the 503 of a
  worker that died) is not written by the worker: the request continues on the ordinary path
  with the outcome attached (``executor.LANE_OUTCOME``), so Flask renders it exactly as if it
  had run the query, without running it again;
* the time limit holds: the I/O thread wakes at each deadline, kills a worker past it (and
  replaces it, ``QueryExecutor.hand_back``) and the client gets the 503 — or, if the worker had
  already begun writing, the connection is closed, since its response may be incomplete;
* after a direct answer the worker may keep the connection for the client's next plain and
  named queries (``kg.web.direct_linger``; it gets the named queries and the place names
  resolved so far with the task, ``kg.web.direct_named``): the connection is then not read
  here until the worker reports, and ``release`` asks for it back whenever another request
  arrives.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from kg.store.embedded import OxigraphStore
from kg.web import direct_named, direct_plan, direct_wire, executor, priority, security
from kg.web.query_worker import ExecutionError, _Worker, timed_out

#: Where the ordinary path finds an outcome the direct path already has (see ``_Task``).
OUTCOME_ATTR = "kg_outcome"
#: While direct tasks are out the I/O thread wakes at least this often: a worker that wrote its
#: whole answer says so only by a count, read when the client's next request comes or here
#: (another client may be waiting for that worker meanwhile).
SETTLE_TICK_S = 0.002
SETTLE_TICK_MAX_S = 0.05
_SETTLE_YIELDS = 50
#: How long a worker that answered a plain query waits on the connection for the next one
#: (``kg.web.direct_linger``); a client's next query typically comes within a millisecond.
LINGER_S = 0.02


@dataclass
class _Flight:
    """A direct task in a worker."""

    lane: DirectLane
    channel: Any  # waitress HTTPChannel
    request: Any  # waitress HTTPRequestParser
    worker: _Worker
    ticket: Any
    query: str
    timeout: float
    deadline: float
    demote_at: float | None
    started: int  # the worker's count of direct writes when the task was sent
    finished: int = 0  # … and of those written whole (a change: this one is, ``settle``)
    over: bool = False
    fd: int = field(default=-1)
    #: The worker keeps the connection after answering (``kg.web.direct_linger``): it reports
    #: by a message only, and the service does not read the connection meanwhile.
    linger: bool = False
    released: bool = False  # asked for the connection back

    def lingering(self) -> bool:
        """The first answer is out: the worker waits for, or runs, the connection's next."""
        return self.linger and self.worker.finished.value != self.finished

    # -- what waitress's poll loop calls (the worker's pipe is in the server's socket map) --
    accepting = False

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def handle_read_event(self) -> None:
        self.lane.reply_ready(self)

    def handle_write_event(self) -> None:  # never asked for
        pass

    def handle_expt_event(self) -> None:
        self.lane.reply_ready(self)

    def handle_close(self) -> None:
        self.lane.reply_ready(self)

    def handle_error(self) -> None:
        self.lane.abandon(self, ExecutionError(503, "the query worker failed; try again"))

    def close(self) -> None:  # the server is closing its map
        self.lane.forget(self)


class DirectLane:
    """Dispatch from the I/O thread and the bookkeeping of direct tasks (one per server)."""

    def __init__(self, server: Any, services: Any) -> None:
        self.server = server
        self.services = services
        self.config = services.config
        self.executor = executor.executor_for(services)
        self.io_thread: int | None = None  # set by the server's loop
        self.flights: dict[int, _Flight] = {}  # by the worker pipe's descriptor
        self._date = direct_wire.HttpDate()
        # A worker answers later queries of the connection with the first one's headers: only
        # when they do not depend on the request's Origin.
        origins = self.config.cors_origins
        self.linger_s = LINGER_S if not origins or "*" in origins else 0.0

    @staticmethod
    def wanted(services: Any) -> bool:
        """Only with query workers, and not behind a trusted proxy (the client's address is
        then in X-Forwarded-For, which waitress resolves for the ordinary path)."""
        config = services.config
        return not executor.executor_for(services).inline and not config.trusted_proxy

    # -- dispatch (I/O thread, channel.requests_lock held by waitress's ``received``) --------
    def try_dispatch(self, channel: Any) -> bool:
        """Send ``channel``'s request to an idle worker; False leaves it to the thread pool."""
        pending = channel.__dict__.pop("kg_next", None)
        if pending is not None:  # a lingering worker left this request, with its outcome
            self._attach(channel, pending[0])
            return False
        if threading.get_ident() != self.io_thread:
            return False
        requests = channel.requests
        if len(requests) != 1 or channel.total_outbufs_len:
            return False
        if channel.will_close or channel.close_when_flushed or not channel.connected:
            return False
        request = requests[0]
        planned = direct_plan.plan(request, self.services)
        if planned is None:
            return False
        for other in list(self.flights.values()):  # workers done since: back to the pool
            self.settle(other)
        taken = self.executor.try_take(channel.addr[0] if channel.addr else "")
        if taken is None:
            return False
        worker, ticket, snapshot = taken
        config = self.config
        timeout = config.query_timeout_s
        now = time.monotonic()
        after = config.query_demote_after_s
        flight = _Flight(
            self,
            channel,
            request,
            worker,
            ticket,
            planned.task.query,
            timeout,
            now + timeout,
            now + after if 0 < after < timeout else None,
            worker.started.value,
            worker.finished.value,
            linger=planned.lingers and self.linger_s > 0 and self._nothing_read_after(channel),
        )
        job = direct_wire.DirectTask(
            planned.task,
            snapshot,
            self._headers(request),
            flight.deadline - direct_wire.WRITE_MARGIN_S,
            planned.link_if_more,
            self.linger_s if flight.linger else 0.0,
            timeout,
            self._named_context(worker, request) if flight.linger else None,
        )
        try:
            direct_wire.send_with_fd(worker.sock, job, channel.socket.fileno())
        except OSError:  # the worker died while idle: the ordinary path waits for its spare
            worker.named_key = None
            threading.Thread(
                target=self.executor.hand_back, args=(worker, ticket, False), daemon=True
            ).start()
            return False
        flight.fd = worker.conn.fileno()
        self.flights[flight.fd] = flight
        channel.kg_flight = flight
        self.server._map[flight.fd] = flight  # noqa: SLF001 - waitress's poll map
        return True

    def _named_context(self, worker: _Worker, request: Any) -> Any:
        """The named queries and resolved place names for a worker about to linger, when it
        does not have them yet (``kg.web.direct_named``); else ``None``."""
        services = self.services
        snap = services.extras["projection"].current_or_none()
        named = direct_named.context(
            snap,
            services.queries,
            self.config,
            request.url_scheme,
            isinstance(services.store, OxigraphStore),
            known=worker.named_key,
        )
        if named is not None:
            worker.named_key = named.key
        return named

    @staticmethod
    def _nothing_read_after(channel: Any) -> bool:
        """Waitress has read no byte past the request (a worker reading the socket next would
        start in the middle of one): the last bytes read were exactly this request's head, or
        nothing of a next one is parsed."""
        request = channel.requests[0]
        return getattr(channel, "kg_whole", False) and channel.request in (None, request)

    def _attach(self, channel: Any, outcome: Any) -> None:
        """The connection's next request goes the ordinary way, with ``outcome`` (if any)."""
        if not channel.requests:
            return
        request = channel.requests[0]
        planned = direct_plan.plan(request, self.services) if outcome is not None else None
        request.kg_direct_tried = True
        if planned is not None:  # Flask uses it only for the same query text
            setattr(request, OUTCOME_ATTR, (planned.task.query, outcome))

    def release(self, flight: _Flight) -> None:
        """Ask a lingering worker for its connection back (it answers with its last reply)."""
        if flight.over or flight.released:
            return
        flight.released = True
        try:
            flight.worker.conn.send(direct_wire.RELEASE)
        except (OSError, ValueError):
            pass  # dead: the poll map reports it

    def release_all(self) -> None:
        for flight in list(self.flights.values()):
            if flight.linger:
                self.release(flight)

    def _headers(self, request: Any) -> tuple[tuple[str, str], ...]:
        """The headers the request path would send (``kg.web.query_lane``) and waitress's."""
        cors, vary_origin = security.cors_headers(
            request.path, "GET", request.headers.get("ORIGIN"), self.config.cors_origins
        )
        return (
            ("Vary", "Accept, Origin" if vary_origin else "Accept"),
            ("X-Content-Type-Options", "nosniff"),
            *cors,
            ("Date", self._date.now()),
            ("Server", self.server.adj.ident),
        )

    # -- the worker's report (I/O thread) ----------------------------------------------------
    def settle(self, flight: _Flight, *, expected: bool = False) -> bool:
        """Finish ``flight`` if its worker wrote the whole answer (it sends no message then,
        only counts: ``query_worker``); True when the flight is over.

        ``expected``: the client sent its next request, so it has the answer and the worker is
        at most a few instructions from counting it (often the client, woken by the answer,
        preempted it): yield the CPU a little while rather than leave the request for the
        next tick."""
        if flight.over or flight.linger:
            return flight.over  # a lingering worker always sends a message
        counter = flight.worker.finished
        if counter.value == flight.finished:
            if not expected:
                return False
            for _ in range(_SETTLE_YIELDS):
                os.sched_yield()
                if counter.value != flight.finished:
                    break
            else:
                return False
        self._finish(flight, direct_wire.SENT, None)
        return True

    def reply_ready(self, flight: _Flight) -> None:
        if self.settle(flight):
            return
        try:
            kind, value = flight.worker.conn.recv()
        except (EOFError, OSError, ValueError, TypeError):
            self.abandon(flight, ExecutionError(503, "the query worker died; try again"))
            return
        self._finish(flight, kind, value)

    def _finish(self, flight: _Flight, kind: str, value: Any) -> None:
        self.forget(flight)
        worker = flight.worker
        if worker.demoted:  # restoring its priority may retire it (a join): not in this thread
            threading.Thread(
                target=self.executor.hand_back, args=(worker, flight.ticket, True), daemon=True
            ).start()
        else:
            self.executor.hand_back(worker, flight.ticket, True)
        if kind == direct_wire.SENT:
            self._done(flight, b"", close=False)
        elif kind == direct_wire.REST:
            self._done(flight, value, close=False)
        elif kind == direct_wire.GONE:
            self._done(flight, b"", close=True)
        elif kind == direct_wire.NEXT:  # the first answer was written; the next is unread
            flight.channel.kg_next = (value,)
            self._done(flight, b"", close=False)
        elif kind == direct_wire.LATE:
            self._ordinary(flight, timed_out(flight.timeout))
        else:
            self._ordinary(flight, value)

    def forget(self, flight: _Flight) -> None:
        """Take a finished task out of the poll map (I/O thread)."""
        flight.over = True
        if getattr(flight.channel, "kg_flight", None) is flight:
            flight.channel.kg_flight = None
        if self.flights.get(flight.fd) is flight:
            del self.flights[flight.fd]
            self.server._map.pop(flight.fd, None)  # noqa: SLF001

    def _done(self, flight: _Flight, rest: bytes, *, close: bool) -> None:
        """The response is written (``rest`` still to send): resume the connection as waitress
        does after a request (``HTTPChannel.service``)."""
        channel, request = flight.channel, flight.request
        if rest and channel.connected:
            with channel.outbuf_lock:
                channel.outbufs[-1].append(rest)
                channel.current_outbuf_count += len(rest)
                channel.total_outbufs_len += len(rest)
        with channel.requests_lock:
            request.close()
            if close:
                channel.close_when_flushed = True
                for other in channel.requests[1:]:
                    other.close()
                channel.requests = []
            else:
                channel.requests.pop(0)
                if channel.connected and channel.requests:
                    self.server.add_task(channel)
                elif (
                    channel.connected
                    and channel.request is not None
                    and channel.request.expect_continue
                    and channel.request.headers_finished
                    and not channel.sent_continue
                ):
                    channel.send_continue()
        channel.last_activity = time.time()
        if threading.get_ident() != self.io_thread:
            self.server.pull_trigger()

    def _ordinary(self, flight: _Flight, outcome: Any) -> None:
        """Nothing was written: the request goes to the thread pool, with ``outcome`` (if any)
        for Flask to render."""
        channel, request = flight.channel, flight.request
        request.kg_direct_tried = True  # once only: the thread pool answers it now
        if outcome is not None:
            setattr(request, OUTCOME_ATTR, (flight.query, outcome))
        with channel.requests_lock:
            if channel.connected and channel.requests and channel.requests[0] is request:
                self.server.add_task(channel)
        channel.last_activity = time.time()
        if threading.get_ident() != self.io_thread:
            self.server.pull_trigger()

    # -- time limits (I/O thread, after every poll) ------------------------------------------
    def poll_timeout(self, default: float) -> float:
        """How long the I/O thread may sleep: until the next deadline or demotion, at most
        ``default``."""
        if not self.flights:
            return default
        now = time.monotonic()
        soonest = min(self._due(f, now) for f in self.flights.values())
        # A finished task is noticed within a tenth of its age (2 ms at first, at most 50 ms):
        # a long query does not keep the I/O thread ticking every 2 ms. A lingering worker
        # always reports by a message (which wakes the poll): nothing to look for there.
        youngest = min(
            (now - (f.deadline - f.timeout) for f in self.flights.values() if not f.linger),
            default=SETTLE_TICK_MAX_S * 10,
        )
        tick = min(SETTLE_TICK_MAX_S, max(SETTLE_TICK_S, youngest / 10))
        return max(0.0, min(default, tick, soonest - now + 0.001))

    @staticmethod
    def _due(flight: _Flight, now: float) -> float:
        """When the flight must be looked at: its deadline or demotion."""
        if flight.lingering():
            began = abs(flight.worker.busy.value)
            return began + flight.timeout if began else now + SETTLE_TICK_MAX_S
        return min(flight.deadline, flight.demote_at or flight.deadline)

    def tick(self) -> None:
        if not self.flights:
            return
        now = time.monotonic()
        give_back: bool | None = None
        for flight in list(self.flights.values()):
            if self.settle(flight):
                continue
            if flight.lingering():
                if give_back is None:  # someone waits for a worker, or the store changed
                    give_back = self.executor.gate.has_waiters() or self.executor.stale()
                self._watch(flight, now, give_back)
                continue
            if flight.demote_at is not None and now >= flight.demote_at:
                flight.demote_at = None
                self._demote(flight)
            if now >= flight.deadline and not flight.worker.conn.poll(0):
                self.abandon(flight, timed_out(flight.timeout))

    def _watch(self, flight: _Flight, now: float, give_back: bool) -> None:
        """A lingering worker: the time limit of the query it runs, or the connection back."""
        worker = flight.worker
        began = abs(worker.busy.value)  # negative while it writes the answer
        if not began:
            if give_back or worker.demoted:  # demoted: the pool restores its priority
                self.release(flight)
            return
        after = self.config.query_demote_after_s
        if 0 < after < flight.timeout and now >= began + after and not worker.demoted:
            self._demote(flight)
        if now >= began + flight.timeout and not worker.conn.poll(0):
            self.abandon(flight, timed_out(flight.timeout))

    @staticmethod
    def _demote(flight: _Flight) -> None:
        flight.worker.demoted = True
        priority.demote(flight.worker.process.pid)

    def abandon(self, flight: _Flight, error: ExecutionError) -> None:
        """Kill the worker (past its deadline, or broken), replace it, and answer ``error`` —
        unless it had begun writing: then the connection is closed."""
        if flight.over:
            return
        self.forget(flight)
        threading.Thread(target=self._bury, args=(flight, error), daemon=True).start()

    def _bury(self, flight: _Flight, error: ExecutionError) -> None:
        worker = flight.worker
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        if flight.lingering():  # a later query of the connection: is its request unread?
            if worker.busy.value < 0:
                self.executor.hand_back(worker, flight.ticket, False)
                self._done(flight, b"", close=True)  # its response may be cut short
            else:
                self.executor.hand_back(worker, flight.ticket, False)
                flight.channel.kg_next = (error,)
                self._done(flight, b"", close=False)
            return
        wrote = worker.started.value != flight.started
        self.executor.hand_back(worker, flight.ticket, False)
        if wrote:
            self._done(flight, b"", close=True)
        else:
            self._ordinary(flight, error)
