"""Admission control: who may wait for a scarce resource, for how long, and who is refused at once.

A query worker (or a picture renderer) is scarce; a request thread that waits for one is not
free either. Without a bound, ten slow queries make every later query wait the whole time limit
before it learns the answer is 503. A :class:`Gate` hands out ``slots`` with three bounds:

* at most ``queue_limit`` requests wait at all — the next one is refused at once;
* a waiting request waits at most ``wait_s`` seconds;
* one client (the peer address) holds at most ``per_client`` slots and has at most
  ``per_client_waiting`` requests waiting, so a single client flooding slow queries can never
  hold every slot or fill the queue; its excess is refused at once with 429.

Refusals carry a ``retry_after`` (seconds) for the ``Retry-After`` header. Waiters are served
first come, first served among those whose client is under its cap.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from dataclasses import dataclass


class Refused(Exception):
    """No slot for this request: ``status`` 503 (busy) or 429 (this client's cap)."""

    def __init__(self, status: int, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


@dataclass(frozen=True)
class Limits:
    slots: int
    queue_limit: int
    wait_s: float
    per_client: int
    per_client_waiting: int


class Ticket:
    """One granted slot; ``release()`` (idempotent) gives it back."""

    def __init__(self, gate: Gate, client: str) -> None:
        self._gate, self.client, self._released = gate, client, False

    def release(self) -> None:
        if not self._released:
            self._released = True
            self._gate._release(self.client)  # noqa: SLF001 - the gate's own ticket

    def __enter__(self) -> Ticket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class Gate:
    """Bounded, per-client-fair admission to ``limits.slots`` concurrent holders."""

    def __init__(self, limits: Limits, *, what: str = "query worker") -> None:
        self.limits = limits
        self.what = what
        self._cond = threading.Condition()
        self._held = 0
        self._held_by: Counter[str] = Counter()
        self._waiting: list[str] = []  # clients, in arrival order (one entry per waiter)

    # -- introspection (tests, soak report) --
    def snapshot(self) -> dict[str, int]:
        with self._cond:
            return {"held": self._held, "waiting": len(self._waiting)}

    def has_waiters(self) -> bool:
        """Someone queues for a slot (a lock-free glance, for the I/O thread)."""
        return bool(self._waiting)

    def _retry_after(self) -> int:
        return max(1, math.ceil(self.limits.wait_s))

    def _eligible(self, client: str) -> bool:
        """May this waiter take a free slot now (first eligible waiter in line)?"""
        if self._held >= self.limits.slots or self._held_by[client] >= self.limits.per_client:
            return False
        for other in self._waiting:
            if other == client:
                return True
            if self._held_by[other] < self.limits.per_client:
                return False  # someone ahead of us can take it
        return True

    def _free_for(self, client: str) -> bool:
        """A slot can go to ``client`` at once: one is free, nobody queues ahead, and the client
        is under its cap. Called with ``_cond`` held."""
        lim = self.limits
        return (
            not self._waiting and self._held < lim.slots and self._held_by[client] < lim.per_client
        )

    def try_acquire(self, client: str) -> Ticket | None:
        """A slot for ``client`` if one is free right now and nobody is waiting; else ``None``
        (never waits, never refuses: the caller then takes the ordinary, waiting path). Used by
        the I/O thread (``kg.web.direct_lane``), which must not block."""
        with self._cond:
            if self._free_for(client):
                return self._grant(client)
        return None

    def acquire(self, client: str, wait_s: float | None = None) -> Ticket:
        """A slot for ``client``, waiting at most ``wait_s`` (default the gate's); or Refused."""
        lim = self.limits
        wait = lim.wait_s if wait_s is None else min(wait_s, lim.wait_s)
        with self._cond:
            if self._free_for(client):
                return self._grant(client)
            mine = self._waiting.count(client)
            if mine >= lim.per_client_waiting:
                raise Refused(
                    429,
                    f"this client already has {self._held_by[client]} {self.what} request(s) "
                    f"running and {mine} waiting (per client at most {lim.per_client} running "
                    f"and {lim.per_client_waiting} waiting); wait for them to finish",
                    self._retry_after(),
                )
            if len(self._waiting) >= lim.queue_limit:
                raise Refused(
                    503,
                    f"every {self.what} is busy and {len(self._waiting)} requests are already "
                    "waiting; try again shortly",
                    self._retry_after(),
                )
            self._waiting.append(client)
            deadline = time.monotonic() + wait
            try:
                while not self._eligible(client):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise self._timed_out(client, wait)
                    self._cond.wait(left)
                return self._grant(client)
            finally:
                self._waiting.remove(client)
                self._cond.notify_all()  # the next in line may be eligible now

    def _timed_out(self, client: str, wait: float) -> Refused:
        running = self._held_by[client]
        if running >= self.limits.per_client:
            return Refused(
                429,
                f"this client already has {running} {self.what} request(s) running (per client "
                f"at most {self.limits.per_client}) and they did not finish within {wait:g} s; "
                "wait for them before sending more",
                self._retry_after(),
            )
        return Refused(
            503,
            f"every {self.what} stayed busy for {wait:g} s; try again shortly",
            self._retry_after(),
        )

    def _grant(self, client: str) -> Ticket:
        self._held += 1
        self._held_by[client] += 1
        return Ticket(self, client)

    def _release(self, client: str) -> None:
        with self._cond:
            self._held -= 1
            self._held_by[client] -= 1
            if self._held_by[client] <= 0:
                del self._held_by[client]
            self._cond.notify_all()


#: How long a picture waits for a renderer before 503 (drawings take seconds, not minutes).
RENDER_WAIT_S = 15.0


def render_limits(slots: int, queue_limit: int) -> Limits:
    """Pictures (PNG/SVG) drawn at once and waiting; past the queue, 503 at once."""
    slots = max(1, slots)
    return Limits(
        slots=slots,
        queue_limit=max(0, queue_limit),
        wait_s=RENDER_WAIT_S,
        per_client=slots,
        per_client_waiting=max(1, queue_limit),
    )
