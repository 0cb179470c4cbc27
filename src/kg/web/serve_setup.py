"""What ``kg serve`` settles before it answers: the port, the base IRI, raw UTF-8 request targets.

Kept apart from the server itself (``kg serve`` and its WSGI server belong to the serving model)
so each rule has one home and a test:

* a busy port is a one-line error before anything is loaded, not a traceback after
  "serving on …";
* IRIs follow the address the service is reached at (``--host``/``--port``) unless
  ``KG_BASE_IRI``/``--base-iri`` says otherwise, and a store loaded under another base is
  reported loudly, since its IRIs would then point nowhere;
* request targets with raw UTF-8 (what ``curl 'http://…/api/places/盐城'`` sends) are read as
  their percent-encoded form instead of being refused with ``400 Bad URI``.
"""

from __future__ import annotations

import errno
import re
import socket
from dataclasses import replace
from typing import Any

from kg.config import Config
from kg.store.base import GraphStore

_ALL_INTERFACES = {"0.0.0.0", "::", ""}


class PortBusy(Exception):
    """The address cannot be listened on; the message is one line for the user."""


def check_port(host: str, port: int) -> None:
    """Bind and release the address the server will use (same SO_REUSEADDR as servers set)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise PortBusy(
                    f"port {port} on {host} is already in use (another kg serve?): stop that "
                    f"process or choose another port with --port / KG_PORT"
                ) from None
            raise PortBusy(f"cannot listen on {host}:{port}: {err.strerror or err}") from None


def listen_base(config: Config) -> str:
    """The base IRI matching the address served: ``http://host:port/``."""
    host = "127.0.0.1" if config.host in _ALL_INTERFACES else config.host
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{config.port}/"


def stored_base(store: GraphStore) -> str | None:
    """The base a store was loaded under: every load writes ``<base>graph/inferred``."""
    suffix = "graph/inferred"
    for graph in store.named_graphs():
        if graph.endswith(suffix):
            return graph[: -len(suffix)]
    return None


def settle_base_iri(
    config: Config, store: GraphStore, *, explicit: bool
) -> tuple[Config, list[str]]:
    """The config to serve with, and warnings to print (loudly) about the base IRI.

    ``explicit``: the operator set ``KG_BASE_IRI`` or ``--base-iri``; that always wins. Else an
    empty store is filled under the served address, and a loaded store keeps the base it was
    loaded under (its IRIs are data), with a warning when that is not where it is served.
    """
    served = listen_base(config)
    found = stored_base(store)
    warnings: list[str] = []
    if config.host in _ALL_INTERFACES and not explicit:
        warnings.append(
            f"listening on all interfaces: IRIs are minted under {served}; set KG_BASE_IRI to "
            "the address clients use (e.g. http://kg.example.org/) before the first load"
        )
    if explicit:
        base = config.base_iri
        if found and found != base:
            warnings.append(
                f"the store was loaded under base IRI {found}, not {base}: its IRIs will not "
                f"resolve here; load the data into a new store with --base-iri {base}, "
                f"or serve with KG_BASE_IRI={found}"
            )
    elif found:
        base = found
        if found != served:
            warnings.append(
                f"IRIs in this store are under {found} (the base it was loaded with), but it is "
                f"served at {served}: entity links point to {found}; serve with --port/--host "
                f"matching it, or set KG_BASE_IRI={served} and load into a new store"
            )
    else:
        base = served
    return replace(config, base_iri=base), warnings


# -- raw UTF-8 in request targets -----------------------------------------------------------
_NON_ASCII = re.compile(rb"[\x80-\xff]")


def percent_encode_target(first_line: bytes) -> bytes:
    """``GET /api/places/盐城 HTTP/1.1`` (raw UTF-8) → ``GET /api/places/%E7%9B%90… HTTP/1.1``.

    RFC 9112 allows only ASCII in a request target, but curl, browsers' address bars and many
    scripts send UTF-8 as typed; percent-encoding those bytes is exactly what the client should
    have done, so the application sees the same request either way.
    """
    return _NON_ASCII.sub(lambda m: b"%%%02X" % m.group()[0], first_line)


def accept_raw_utf8_targets() -> None:
    """Make waitress percent-encode non-ASCII bytes of the request line before parsing it.

    Waitress refuses them (``400 Bad URI``) inside its HTTP parser, before any WSGI code runs,
    so this is done on its parser class (every subclass inherits it). Idempotent.
    """
    from waitress.parser import HTTPRequestParser

    if getattr(HTTPRequestParser.parse_header, "_kg_utf8", False):
        return
    original = HTTPRequestParser.parse_header

    def parse_header(self: Any, header_plus: bytes) -> Any:
        end = header_plus.find(b"\r\n")
        if end > 0 and _NON_ASCII.search(header_plus, 0, end):
            header_plus = percent_encode_target(header_plus[:end]) + header_plus[end:]
        return original(self, header_plus)

    parse_header._kg_utf8 = True  # type: ignore[attr-defined]
    HTTPRequestParser.parse_header = parse_header  # type: ignore[method-assign]
