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
* The worker writes without blocking (``MSG_DONTWAIT``): what does not fit in the socket
  buffer goes back to the service, which sends it like any response, so a client that reads
  slowly never holds a worker.
* Before its first byte reaches the client the worker counts the write in shared memory, so a
  service that kills the worker at the time limit knows whether the connection still carries a
  whole number of responses (then 503) or must be closed.
"""

from __future__ import annotations

import pickle
import socket
import struct
import time
from dataclasses import dataclass
from typing import Any

#: What the worker answers the service after a direct task (``(kind, value)``):
SENT = "sent"  # the whole response is on the client's socket
REST = "rest"  # value: the bytes the socket did not take; the service sends them
GONE = "gone"  # the client closed or reset the connection
FALLBACK = "fallback"  # nothing written; value: the outcome for the ordinary path, or None
LATE = "late"  # nothing written: the answer came too close to the time limit (service: 503)

#: The worker does not start writing this close to the service's deadline (the service would
#: kill it mid-write and have to close the connection instead of answering 503).
WRITE_MARGIN_S = 0.25

_FLAGS = socket.MSG_DONTWAIT | socket.MSG_NOSIGNAL


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


def send_with_fd(sock: socket.socket, message: Any, fd: int) -> None:
    """Send ``message`` framed as ``Connection.send`` does, with ``fd`` attached."""
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    frame = struct.pack("!i", len(payload)) + payload
    sent = socket.send_fds(sock, [frame], [fd])
    if sent < len(frame):
        sock.sendall(frame[sent:])


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    buf = bytearray(size)
    view = memoryview(buf)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:])
        if not n:
            raise EOFError("the service closed the pipe")
        got += n
    return bytes(buf)


def recv_message(sock: socket.socket) -> tuple[Any, int | None]:
    """The next message (from ``Connection.send`` or ``send_with_fd``) and the descriptor that
    came with it, if any."""
    header = b""
    fds: list[int] = []
    while len(header) < 4:
        data, got, _flags, _addr = socket.recv_fds(sock, 4 - len(header), 1)
        fds.extend(got)
        if not data:
            for fd in fds:
                _close(fd)
            raise EOFError("the service closed the pipe")
        header += data
    (size,) = struct.unpack("!i", header)
    if size == -1:  # Connection's framing of messages over 2 GiB
        (size,) = struct.unpack("!Q", _recv_exact(sock, 8))
    message = pickle.loads(_recv_exact(sock, size))
    for extra in fds[1:]:
        _close(extra)
    return message, (fds[0] if fds else None)


def _close(fd: int) -> None:
    try:
        socket.close(fd)
    except OSError:
        pass


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
    fd: int, job: DirectTask, body: bytes, content_type: str, more: bool, started: Any
) -> tuple:
    """Write a 200 response on the client socket ``fd`` (closed here); the reply for the service.

    ``started``: the worker's shared counter of direct writes begun (``multiprocessing``
    ``RawValue``), raised before the first byte is sent.
    """
    with socket.socket(fileno=fd) as sock:
        if time.monotonic() > job.deadline:
            return (LATE, None)
        headers = job.headers
        if more and job.link_if_more:
            headers = (*headers, ("Link", job.link_if_more))
        data = memoryview(head("200 OK", headers, content_type, len(body)) + body)
        started.value += 1
        sent = 0
        while sent < len(data):
            try:
                sent += sock.send(data[sent:], _FLAGS)
            except InterruptedError:
                continue
            except BlockingIOError:
                return (REST, bytes(data[sent:]))
            except OSError:
                return (GONE, None)
        return (SENT, None)
