"""The wire of the direct answer: a query worker writes the HTTP response on the client's socket.

A plain ``GET /sparql?query=`` used to cross four threads and processes on the way out (I/O
thread → request thread → worker → request thread → socket); on a small machine the wake-ups
cost more than an ``ASK {}`` (benchmarks/README.md, issue 19). On the direct path the server's
I/O thread sends the worker the parsed task together with the connection's file descriptor
(``SCM_RIGHTS``), and the worker answers the client itself. This module is what both ends agree
on; the I/O-thread side is ``kg.web.direct_lane``, the worker's loop ``kg.web.query_worker``.

* Messages keep ``multiprocessing.Connection``'s framing (4-byte big-endian length, pickle),
  so the service can still use ``Connection.send`` for ordinary tasks on the same socket; the
  worker reads everything with ``recvmsg`` so that a descriptor sent along is never dropped.
* The worker writes without blocking (the socket is non-blocking): what does not fit in the socket
  buffer goes back to the service, which sends it like any response, so a client that reads
  slowly never holds a worker.
* Before its first byte reaches the client the worker counts the write in shared memory, so a
  service that kills the worker at the time limit knows whether the connection still carries a
  whole number of responses (then 503) or must be closed.
"""

from __future__ import annotations

import os
import pickle
import socket
import struct
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from waitress.utilities import build_http_date

#: What the worker answers the service after a direct task (``(kind, value)``):
SENT = "sent"  # the whole response is on the client's socket
REST = "rest"  # value: the bytes the socket did not take; the service sends them
GONE = "gone"  # the client closed or reset the connection
FALLBACK = "fallback"  # nothing written; value: the outcome for the ordinary path, or None
LATE = "late"  # nothing written: the answer came too close to the time limit (service: 503)
#: After lingering (``kg.web.direct_linger``): the connection's next request, still unread on
#: the socket, is for the ordinary path; value: its outcome (an error to render), or None.
NEXT = "next"

#: The service's word to a lingering worker: give the connection back (ignored when idle).
RELEASE = "release"

#: The worker does not start writing this close to the service's deadline (the service would
#: kill it mid-write and have to close the connection instead of answering 503).
WRITE_MARGIN_S = 0.25


@dataclass(frozen=True)
class DirectTask:
    """A query to answer on the client's socket (the descriptor travels beside the message)."""

    task: Any  # kg.web.query_worker.QueryTask
    snapshot: str
    #: Response headers the service decides (CORS, Vary, Date, Server …); the worker adds
    #: Content-Type and Content-Length.
    headers: tuple[tuple[str, str], ...]
    #: ``time.monotonic()`` after which the worker writes nothing and reports the time limit.
    deadline: float
    #: A ``Link`` header for a page with rows after it (``QueryOutput.more``).
    link_if_more: str | None = None
    #: Seconds to wait on the connection for its next plain query after answering (0: none;
    #: ``kg.web.direct_linger``), and the time limit of each query answered so.
    linger: float = 0.0
    timeout: float = 0.0
    #: What the worker needs to bind named queries while it lingers
    #: (``kg.web.direct_named.NamedContext``); ``None``: the one it last got still holds.
    named: Any = None


def send_with_fd(sock: socket.socket, message: Any, fd: int) -> None:
    """Send ``message`` framed as ``Connection.send`` does, with ``fd`` attached."""
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    frame = struct.pack("!i", len(payload)) + payload
    sent = socket.send_fds(sock, [frame], [fd])
    if sent < len(frame):
        sock.sendall(frame[sent:])


class Inbox:
    """The worker's end of the pipe: whole messages, each with the descriptor sent along.

    One ``recvmsg`` of up to 64 KiB usually brings a whole task (before, three system calls:
    the length, then the rest); bytes of a following message wait in the buffer. The kernel
    ends a read at a message that carries descriptors, and only ``send_with_fd``'s
    ``DirectTask`` carries one, so descriptors are matched to direct tasks in order."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = bytearray()
        self.fds: deque[int] = deque()

    def pending(self) -> bool:
        """A message (or part of one) already read from the pipe."""
        return bool(self.buf)

    def next(self) -> tuple[Any, int | None]:
        """The next message (from ``Connection.send`` or ``send_with_fd``) and the descriptor
        that came with it, if any."""
        while True:
            found = self._take()
            if found is not None:
                message = found[0]
                fd = self.fds.popleft() if isinstance(message, DirectTask) and self.fds else None
                return message, fd
            data, fds, _flags, _addr = socket.recv_fds(self.sock, _READ, 4)
            self.fds.extend(fds)
            if not data:
                while self.fds:
                    _close(self.fds.popleft())
                raise EOFError("the service closed the pipe")
            self.buf += data

    def _take(self) -> tuple[Any] | None:
        buf = self.buf
        if len(buf) < 4:
            return None
        (size,) = struct.unpack_from("!i", buf)
        start = 4
        if size == -1:  # Connection's framing of messages over 2 GiB
            if len(buf) < 12:
                return None
            (size,) = struct.unpack_from("!Q", buf, 4)
            start = 12
        if len(buf) < start + size:
            return None
        message = pickle.loads(bytes(buf[start : start + size]))
        del buf[: start + size]
        return (message,)


_READ = 64 * 1024


def _close(fd: int) -> None:
    try:
        socket.close(fd)
    except OSError:
        pass


class HttpDate:
    """The ``Date`` header's text, made once a second (as waitress does): formatting it per
    answer costs a measurable part of an ``ASK {}``."""

    def __init__(self) -> None:
        self._second, self._text = 0, ""

    def now(self) -> str:
        second = int(time.time())
        if second != self._second:
            self._second, self._text = second, build_http_date(second)
        return self._text


def head(status: str, headers: tuple[tuple[str, str], ...], content_type: str, size: int) -> bytes:
    """The status line and headers, sorted by name as waitress writes them."""
    lines = [
        *headers,
        ("Content-Length", str(size)),
        ("Content-Type", content_type),
    ]
    lines.sort(key=lambda pair: pair[0])
    text = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in lines) + "\r\n"
    return text.encode("latin-1")


def write_response(
    fd: int,
    job: DirectTask,
    body: bytes,
    content_type: str,
    more: bool,
    started: Any,
    finished: Any,
) -> tuple:
    """Write a 200 response to ``job`` on the client socket ``fd`` (the caller closes it); the
    reply for the service."""
    if time.monotonic() > job.deadline:
        return (LATE, None)
    headers = job.headers
    if more and job.link_if_more:
        headers = (*headers, ("Link", job.link_if_more))
    return send_response(
        fd, head("200 OK", headers, content_type, len(body)) + body, started, finished
    )


def send_response(
    fd: int, data: bytes, started: Any, finished: Any, *, counted: bool = False
) -> tuple:
    """Write ``data`` (a whole response) on the client socket ``fd``; the reply for the service.

    ``started``/``finished``: the worker's shared counters (``multiprocessing`` ``RawValue``) of
    direct writes begun (raised before the first byte is sent) and written whole (raised the
    moment the last byte is on the socket, before anything else: the service looks at it when
    the client's next request comes, ``kg.web.direct_lane``); ``counted``: the caller raised
    ``started`` already.

    The descriptor is the service's non-blocking socket, so ``os.write`` never blocks (no
    socket object: that cost three system calls a response); Python ignores SIGPIPE, so a
    client gone is an ``OSError``.
    """
    view: bytes | memoryview = data
    if not counted:
        started.value += 1
    while True:
        try:
            sent = os.write(fd, view)
        except InterruptedError:
            continue
        except BlockingIOError:
            return (REST, bytes(view))
        except OSError:
            return (GONE, None)
        if sent >= len(view):
            finished.value += 1
            return (SENT, None)
        view = memoryview(view)[sent:]
