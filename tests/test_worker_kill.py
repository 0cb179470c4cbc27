"""A query worker's ``kill`` is idempotent: the executor's close and a request thread retiring
the same worker may both kill it, at once. Its pipe must be closed once: a second ``close`` of a
descriptor number closes whatever file the process opened under that number since (CI saw
EBADF in test_query_priority's teardown before the guard).

No process is started: the worker is built by its own ``__init__`` over a stand-in for the
multiprocessing context whose pipe end counts its closes and, like ``os.close`` of a closed
descriptor, fails the second time."""

from __future__ import annotations

import errno
import socket
import threading
import time
import types
from typing import Any

from kg.config import Config
from kg.web import executor

#: Long enough that two threads entering ``kill`` together overlap in it.
OVERLAP_S = 0.02


class _PipeEnd:
    """The parent end of the worker's pipe: a real descriptor (``_Worker`` dups it for its
    socket), closed for real once; a second close fails as ``os.close`` would."""

    def __init__(self) -> None:
        self._sock, self._other = socket.socketpair()
        self.closes = 0

    def fileno(self) -> int:
        return self._sock.fileno()

    def close(self) -> None:
        self.closes += 1
        time.sleep(OVERLAP_S)  # a second thread, unguarded, gets here too
        if self.closes > 1:
            raise OSError(errno.EBADF, "Bad file descriptor (closed twice)")
        self._sock.close()
        self._other.close()


class _Process:
    def __init__(self, **_kwargs: Any) -> None:
        self.alive = False
        self.kills = 0

    def start(self) -> None:
        self.alive = True

    def is_alive(self) -> bool:
        return self.alive

    def kill(self) -> None:
        self.kills += 1
        self.alive = False

    def join(self, timeout: float | None = None) -> None:
        time.sleep(OVERLAP_S / 2)


class _Context:
    """What ``_Worker.__init__`` asks of a multiprocessing context."""

    def __init__(self) -> None:
        self.parent = _PipeEnd()
        self.child = _PipeEnd()
        self.process: _Process | None = None

    def Pipe(self) -> tuple[_PipeEnd, _PipeEnd]:  # noqa: N802 - multiprocessing's name
        return self.parent, self.child

    def RawValue(self, _typecode: str, value: Any) -> Any:  # noqa: N802
        return types.SimpleNamespace(value=value)

    def Process(self, **kwargs: Any) -> _Process:  # noqa: N802
        self.process = _Process(**kwargs)
        return self.process


def _worker() -> tuple[Any, _Context]:
    ctx = _Context()
    worker = executor._Worker(ctx, Config(store=":memory:"), "snapshot", [])
    assert ctx.process is not None and ctx.process.is_alive()
    return worker, ctx


def test_killing_a_worker_twice_closes_its_pipe_once_and_raises_nothing() -> None:
    worker, ctx = _worker()
    worker.kill()
    worker.kill()
    assert ctx.parent.closes == 1 and ctx.process is not None and ctx.process.kills == 1
    assert worker.sock.fileno() == -1  # its own socket on the pipe is closed too


def test_two_threads_killing_a_worker_at_once_close_its_pipe_once_and_raise_nothing() -> None:
    worker, ctx = _worker()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def kill() -> None:
        start.wait()
        try:
            worker.kill()
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=kill) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert not errors and ctx.parent.closes == 1
    assert ctx.process is not None and not ctx.process.is_alive()
    worker.kill()  # and once more after both
    assert ctx.parent.closes == 1
