"""Keep-alive in the worker: after a direct answer it waits on the connection for the next query.

A client that sends query after query on one connection (every SPARQL client library does)
paid, for each, a wake-up of the server's I/O thread, waitress's parsing and the hand-over to a
worker: two of the three hops of an ``ASK {}`` (issue 19). After answering a plain
``GET /sparql?query=`` directly (``kg.web.direct_lane``), the worker now keeps the connection a
short while (``DirectTask.linger``): the service stops reading it meanwhile, and the worker
answers the next plain queries itself — one hop, like Oxigraph's own server. The same after a
named query (``GET /queries/<name>?…``) and for named queries: the worker binds their
parameters as the service would, with the named queries and the place names the service gave
it (``kg.web.direct_named``), and leaves the request unread for the service when it cannot
(an unresolved or ambiguous place name, a parameter error, a reserved parameter).

What keeps this safe:

* the worker only *peeks* at the socket until it has an answer to write: anything it does not
  answer itself — not a whole plain ``GET /sparql?query=`` or ``GET /queries/<name>``
  (``parse``), a named query it cannot bind, an error to render, an answer too close to the
  time limit — stays unread, and it gives the connection back, with the
  outcome if there is one (``NEXT``); waitress then reads that request as if nothing happened;
* the time limit holds: before running a query the worker puts its start in shared memory
  (``busy``), and the service kills it past the limit as for any direct task. Only after it has
  marked the write begun (``busy`` negative) does it consume the request, so the service knows
  whether to answer 503 (request unread) or close the connection (response cut short);
* the service takes the connection back (``RELEASE`` on the pipe) whenever another request
  needs a worker or may write (any request that is not answered directly, a queue at the
  admission gate, a new store version): a lingering worker never makes anyone wait for long,
  and a query sent after a write has been answered sees that write. The worker looks at its
  pipe before every query it answers, and gives up the connection after ``MAX_S`` in any case.
"""

from __future__ import annotations

import functools
import re
import select
import socket
import time
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

from kg.config import Config
from kg.web import direct_wire
from kg.web.bounded_memo import BoundedMemo

#: A lingering worker gives the connection back after this long in all (the service then
#: looks again at the snapshot, the worker's priority, who waits).
MAX_S = 1.0
#: Requests are read from a peek of at most this many bytes (a longer head: waitress reads it).
PEEK_BYTES = 16 * 1024
#: Response heads remembered per connection and second (``linger``).
HEADS_MAX = 64

_TOKEN = re.compile(rb"[!#$%&'*+\-.^`|~0-9A-Za-z]+")
_VALUE = re.compile(rb"[\x20-\x7e\t]*")
_TARGET = re.compile(rb"/sparql\?[\x21-\x22\x24-\x7e]*")  # visible ASCII, no '#'
#: ``/queries/<name>`` (a plain name: nothing for waitress to unquote) and its query string.
_NAMED = re.compile(rb"/queries/([A-Za-z0-9_-]+)(?:\?([\x21-\x22\x24-\x7e]*))?")
#: Headers that make a request something else than a plain GET (a body, a proxy, a close).
_NOT_PLAIN = {
    b"CONTENT-LENGTH",
    b"TRANSFER-ENCODING",
    b"EXPECT",
    b"UPGRADE",
    b"FORWARDED",
    b"X-FORWARDED-FOR",
    b"X-FORWARDED-HOST",
    b"X-FORWARDED-PROTO",
}


class Parsed(NamedTuple):
    """A whole request a lingering worker may answer, read from a peek of the socket."""

    #: ``/sparql``: the query text; ``/queries/<name>``: the raw query string.
    query: str
    accept: str | None
    #: Bytes of the request (what to consume once the answer is ready).
    length: int
    #: ``/queries/<name>``: the name (and the Host header, for the ``Link`` of a next page).
    name: str | None = None
    host: str | None = None


#: Request heads up to this long have their ``parse`` remembered (``_memo_parse``, bounded):
#: a client sends the same few requests again and again, and reading one costs 15-20 µs of an
#: ``ASK {}``.
PARSED_MAX, PARSED_MAX_BYTES = 256, 4096


def parse(data: bytes) -> Parsed | None:
    """The request ``data`` starts with, when it is whole and one the direct lane takes
    (``kg.web.direct_plan``: ``GET /sparql?query=…`` or ``GET /queries/<name>?…`` over
    HTTP/1.1 keep-alive, not for HTML, no body) written so plainly that waitress reads it the
    same way (ASCII, one of each header, no folding, no percent-encoded path); ``None`` for
    anything else."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = data[: end + 4]
    return _memo_parse(head) if len(head) <= PARSED_MAX_BYTES else _parse(head)


def _parse(head: bytes) -> Parsed | None:
    """``parse`` of a whole head (ending in the blank line): a pure function of its bytes."""
    end = len(head) - 4
    lines = head[:end].split(b"\r\n")
    method, _, rest = lines[0].partition(b" ")
    target, _, version = rest.partition(b" ")
    if method != b"GET" or version != b"HTTP/1.1":
        return None
    named = _NAMED.fullmatch(target)
    if named is None and not _TARGET.fullmatch(target):
        return None
    accept: str | None = None
    host: str | None = None
    seen: set[bytes] = set()
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or not _TOKEN.fullmatch(name) or not _VALUE.fullmatch(value):
            return None
        key = name.upper()
        if key in seen or key in _NOT_PLAIN:
            return None
        seen.add(key)
        value = value.strip(b" \t")
        if key == b"CONNECTION" and b"close" in value.lower():
            return None
        if key == b"ACCEPT":
            accept = value.decode("ascii")
            if "html" in accept.lower():
                return None  # a browser: Flask renders the page
        elif key == b"HOST":
            host = value.decode("ascii")
    if named is not None:
        query_string = (named.group(2) or b"").decode("ascii")
        return Parsed(query_string, accept, end + 4, named.group(1).decode("ascii"), host)
    pairs = parse_qsl(target[len(b"/sparql?") :].decode("ascii"), keep_blank_values=True)
    if len(pairs) != 1 or pairs[0][0] != "query" or not pairs[0][1].strip():
        return None
    return Parsed(pairs[0][1], accept, end + 4)


_memo_parse = functools.lru_cache(maxsize=PARSED_MAX)(_parse)


class Answer(NamedTuple):
    """What a lingering worker writes: the rendered answer, and the ``Link`` header of the
    next page for a named query's page that has rows after it (``QueryOutput.more``)."""

    output: Any  # kg.web.query_worker.QueryOutput
    link: str | None = None


def linger(
    fd: int,
    job: direct_wire.DirectTask,
    config: Config,
    attempt: Callable[[Parsed, float], Any],
    inbox: direct_wire.Inbox,
    counters: tuple[Any, Any, Any],
    date: direct_wire.HttpDate,
) -> tuple:
    """Answer the connection ``fd``'s next plain queries until it is idle for ``job.linger``
    seconds, the service asks for it back, or a request is not for this lane; the reply for
    the service (``SENT``, ``REST``, ``GONE`` or ``NEXT``). The caller closes ``fd``.

    ``attempt(request, began)``: the worker's answer (an ``Answer`` to write), or the reply
    that leaves the request unread (``(NEXT, outcome)``: refusals, errors, pages, a named query
    it cannot bind, too close to the time limit — ``kg.web.query_worker``)."""
    started, finished, busy = counters
    pipe = inbox.sock.fileno()
    waiting = select.poll()
    waiting.register(fd, select.POLLIN)
    waiting.register(pipe, select.POLLIN)
    sock = socket.socket(fileno=fd)
    headers = tuple(pair for pair in job.headers if pair[0] != "Date")
    # Response heads written this second, by content type, length and Link: the same answer
    # again has the same head (building one cost 5-15 µs of an ``ASK {}``).
    # (the first HEADS_MAX of a second are kept; the Date text is a new object each second)
    heads: BoundedMemo[tuple[str, int, str | None], bytes] = BoundedMemo(HEADS_MAX, keep_first=True)
    try:
        now = time.monotonic()
        give_back = now + MAX_S
        idle_until = now + job.linger
        while True:
            wait = min(idle_until, give_back) - time.monotonic()
            if inbox.pending() or wait <= 0:
                return (direct_wire.SENT, None)
            ready = waiting.poll(wait * 1000)
            if not ready or any(ready_fd == pipe for ready_fd, _ in ready):
                return (direct_wire.SENT, None)
            try:
                data = sock.recv(PEEK_BYTES, socket.MSG_PEEK)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                return (direct_wire.SENT, None)  # the service finds out itself
            parsed = parse(data) if data else None
            # (the pipe was polled with the connection: a release sent before this request
            # came made that poll report it, one sent since is for after this answer)
            if parsed is None or inbox.pending():
                return (direct_wire.SENT, None)
            length = parsed.length
            began = busy.value = time.monotonic()
            try:
                answer = attempt(parsed, began)
                if not isinstance(answer, Answer):
                    return answer  # the request stays unread, for the ordinary path
                outcome = answer.output
                today = date.now()
                link = answer.link if outcome.more else None
                key = (outcome.content_type, len(outcome.body), link)
                response = heads.under(today).get(key)  # a new second: a new Date header
                if response is None:
                    extra = (("Link", link),) if link else ()
                    response = heads.remember(
                        key,
                        direct_wire.head(
                            "200 OK",
                            (*headers, *extra, ("Date", today)),
                            outcome.content_type,
                            len(outcome.body),
                        ),
                    )
                busy.value = -began  # writing: a kill now cuts the response short
                started.value += 1  # from here on the request is consumed (see the docstring)
                if _consume(sock, length) != length:
                    return (direct_wire.GONE, None)
                reply = direct_wire.send_response(
                    fd, response + outcome.body, started, finished, counted=True
                )
            finally:
                busy.value = 0.0
            if reply[0] != direct_wire.SENT:
                return reply
            took = time.monotonic() - began
            demote = config.query_demote_after_s
            if 0 < demote <= took:
                return reply  # back to the pool, which restores a demoted worker's priority
            idle_until = time.monotonic() + job.linger
    finally:
        sock.detach()


def _consume(sock: socket.socket, length: int) -> int:
    """Read the ``length`` bytes of the answered request (already peeked: they are there)."""
    got = 0
    while got < length:
        try:
            chunk = sock.recv(length - got)
        except InterruptedError:
            continue
        except OSError:
            return got
        if not chunk:
            return got
        got += len(chunk)
    return got
