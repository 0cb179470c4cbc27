"""Flushing the store's memtable to disk shortly after writes, off the write's own path.

Why a write is not flushed before it is acknowledged: a pyoxigraph update commits through
RocksDB's write-ahead log, so it is durable (it survives the process being killed) and a store
opened read-only afterwards — by the query workers' checkpoints or by another process — sees it
(measured with pyoxigraph 0.5.13: a new ``Store.read_only`` handle replays the log). What does
*not* see an unflushed write is a RocksDB checkpoint taken from a read-only handle, which is what
``kg backup`` does while ``kg serve`` holds the store. Flushing costs 7–100 ms (it writes a new
SST file), which was nearly all of a one-triple write's time when every write paid it.

So the writer asks for a flush after each write and this module runs it in the background, at
most ``FLUSH_DELAY_S`` after the first unflushed write: a burst of writes shares one flush, and
every acknowledged write is on disk within ``FLUSH_DELAY_S`` plus the flush's own duration.
``kg backup`` waits ``BACKUP_WAIT_S`` before reading a store another process holds, so its
snapshot holds every write acknowledged before it started. (pyoxigraph's flush releases the
GIL and RocksDB lets writes continue while it flushes, so a flush does not stall writes.)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

#: A write is flushed at most this long after it was committed (plus the flush's duration).
FLUSH_DELAY_S = 0.2

#: How long ``kg backup`` waits for a running service's pending flush (≫ ``FLUSH_DELAY_S``).
BACKUP_WAIT_S = 1.0

log = logging.getLogger(__name__)


class DeferredFlush:
    """One pending flush at a time: ``request()`` after each committed write."""

    def __init__(self, flush: Callable[[], None], delay: float = FLUSH_DELAY_S) -> None:
        self._flush = flush
        self.delay = delay
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        #: flushes run (for tests and benchmarks)
        self.flushes = 0

    def request(self) -> None:
        """A write was committed: make sure a flush starts within ``delay``. A flush that has
        not started yet covers this write too; one already running does not, so then another
        is scheduled."""
        with self._lock:
            if self._timer is not None:
                return
            timer = threading.Timer(self.delay, self._run)
            timer.daemon = True
            self._timer = timer
        timer.start()

    def _run(self) -> None:
        with self._lock:
            self._timer = None  # writes committed from now on ask for the next flush
        try:
            self._flush()
            self.flushes += 1
        except Exception:  # noqa: BLE001 - the store was closed meanwhile (close flushes)
            log.debug("deferred flush failed", exc_info=True)

    def now(self) -> None:
        """Flush at once (whatever is pending is then covered); cancels the pending timer."""
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        self._flush()
        self.flushes += 1

    def cancel(self) -> None:
        """Forget the pending flush (the store is being closed, which flushes anyway)."""
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()

    @property
    def pending(self) -> bool:
        with self._lock:
            return self._timer is not None
