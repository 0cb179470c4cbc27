"""A ``GraphStore`` over a remote SPARQL engine, speaking only the W3C protocols.

* Reads: SPARQL 1.1 Protocol (POST, form-encoded), results requested as SPARQL JSON/XML or
  N-Triples and parsed with pyoxigraph into the same ``QuerySolutions``/``QueryBoolean``/
  ``QueryTriples`` objects the embedded store returns.
* Writes: SPARQL 1.1 Update; bulk loads through the Graph Store HTTP Protocol when a graph-store
  URL is configured (``INSERT DATA`` batches otherwise).
* Query text is checked locally with pyoxigraph first (errors carry line:column of the user's
  text), then prefixed with ``BASE``/``PREFIX`` declarations for the configured prefixes it does
  not declare itself. SEP-0007 substitutions become ``VALUES`` blocks built from pyoxigraph terms
  (their ``str()`` is N-Triples), placed by a SPARQL tokenizer, never by splicing user text.
* The union default graph is made explicit: without a protocol dataset (and no ``FROM`` in the
  query), every data graph is sent as ``default-graph-uri`` *and* ``named-graph-uri``, so the
  engine's own system graphs never leak in and any SPARQL 1.1 engine gives the same answers.
* Other processes may write to the same engine: a version marker in ``urn:kg:meta`` changes
  with every write, and ``version`` polls it (at most once a second) so caches stay coherent.

Engine quirks live in ``Dialect`` subclasses (``VirtuosoDialect``); nothing else here knows
which engine answers.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from kg.config import Config
from kg.store.base import (
    QUAD_FORMATS,
    STAGING_PREFIX,
    GraphStore,
    LoadError,
    Progress,
    QueryError,
    QueryResult,
    StoreError,
    StoreUnavailable,
    Term,
    describe_syntax_error,
)
from kg.store.remote_dialects import (
    _RESULT_FORMATS,
    SOLUTIONS_ACCEPT,
    TRIPLES_ACCEPT,
    VirtuosoDialect,
    _has_blank,
    detect_dialect,
    prologue,
)
from kg.store.remote_dialects import Dialect as Dialect
from kg.store.remote_dialects import _ground_insert as _ground_insert
from kg.store.sparql_text import QueryShape, Token, analyse, inject_values, tokenize
from kg.store.sparql_text import values_block as values_block

__all__ = ["QueryShape", "Token", "analyse", "inject_values", "tokenize", "values_block"]

SCHEME = "sparql+"
META_GRAPH = "urn:kg:meta"
VERSION_PREDICATE = "urn:kg:version"
#: Set in the same update that swaps a load's data in, cleared once the inferred graph matches
#: the data again: a load stopped in between (timeout, crash) is repaired on the next start.
PENDING_PREDICATE = "urn:kg:inferencePending"
#: Names no graph: sent as the only default/named graph to make that part of a dataset empty.
EMPTY_GRAPH = "urn:kg:empty"
#: Graphs this layer uses for itself; never listed as data.
INTERNAL_PREFIX = "urn:kg:"
#: Triples per request when staging a load (N-Triples chunks).
BATCH_TRIPLES = 50_000
#: Triples per ``INSERT DATA`` when no graph-store URL is set (Virtuoso's parser fails near 5 000).
INSERT_DATA_TRIPLES = 1_000
VERSION_POLL_S = 1.0
_MARKER = f"<{META_GRAPH}> <{VERSION_PREDICATE}>"


def is_remote_spec(store: str) -> bool:
    return store.startswith((SCHEME + "http://", SCHEME + "https://"))


# -- the store ----------------------------------------------------------------------------------
class SparqlProtocolStore(GraphStore):
    """Any SPARQL 1.1 engine, reached over HTTP; chosen with ``--store sparql+http://…``."""

    def __init__(self, config: Config, *, read_only: bool = False) -> None:
        super().__init__(config)
        if not is_remote_spec(config.store):
            raise StoreError(f"not a remote store: {config.store!r} (expected sparql+http://…)")
        self.query_url = config.store[len(SCHEME) :]
        self.update_url = config.update_url or self.query_url
        self.graph_store_url = config.graph_store_url
        self.read_only = read_only
        self.timeout = (config.remote_connect_timeout_s, config.query_timeout_s)
        self.session = requests.Session()
        retry = Retry(
            total=3,
            connect=3,
            read=0,  # a request that reached the engine may have run: never resend it
            status=2,
            status_forcelist=(502, 503, 504),
            backoff_factor=0.25,
            allowed_methods=None,
            raise_on_status=False,
            respect_retry_after_header=True,
        )
        adapter = HTTPAdapter(
            pool_connections=4, pool_maxsize=max(config.threads, 4) + 2, max_retries=retry
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = "kg-remote-store/1"
        if config.remote_user:
            if config.remote_auth == "basic":
                self.session.auth = requests.auth.HTTPBasicAuth(
                    config.remote_user, config.remote_password or ""
                )
            else:
                self.session.auth = requests.auth.HTTPDigestAuth(
                    config.remote_user, config.remote_password or ""
                )
        forced = {"virtuoso": VirtuosoDialect, "sparql11": Dialect}.get(config.remote_dialect)
        self._dialect: Dialect | None = forced() if forced else None
        self._graphs: tuple[int, list[str]] | None = None
        self._marker: str | None = None
        self._polled = 0.0
        self._poll_lock = threading.Lock()
        self._checker = ox.Store()  # empty: parses queries locally, never holds data

    # -- HTTP ----------------------------------------------------------------------------------
    @property
    def dialect(self) -> Dialect:
        if self._dialect is None:
            self._request(
                "GET",
                self.query_url,
                params={"query": "ASK {}"},
                headers={"Accept": SOLUTIONS_ACCEPT},
            )
        return self._dialect or Dialect()

    def _request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        try:
            response = self.session.request(method, url, **kwargs)
        except (requests.Timeout, requests.ConnectionError) as err:
            if not isinstance(err, requests.Timeout) and "timed out" not in str(err):
                errno = re.search(r"\[Errno -?\d+\][^'\")]*", str(err))
                reason = errno.group(0) if errno else str(err)[:200]
                raise StoreUnavailable(
                    f"the remote SPARQL engine at {url} is unreachable: {reason}", status=502
                ) from None
            raise StoreUnavailable(
                f"the remote SPARQL engine at {url} did not answer within "
                f"{self.timeout[1]:g} s (KG_QUERY_TIMEOUT)",
                status=504,
            ) from None
        if self._dialect is None:
            self._dialect = detect_dialect(response.headers.get("Server", ""))
        if response.status_code in (401, 403):
            raise StoreError(
                f"the remote SPARQL engine at {url} refused the request "
                f"({response.status_code}): set KG_REMOTE_USER/KG_REMOTE_PASSWORD, or grant "
                "the anonymous user the rights it needs"
            )
        if 400 <= response.status_code < 500:
            message = (self._dialect or Dialect()).error_message(response.text)
            raise QueryError(message or f"the remote engine answered {response.status_code}")
        if response.status_code >= 500:
            message = (self._dialect or Dialect()).error_message(response.text)
            if "SR186" in message or "permission" in message.lower():
                raise StoreError(f"the remote SPARQL engine at {url} refused: {message}")
            raise StoreUnavailable(
                f"the remote SPARQL engine failed ({response.status_code}): {message}",
                status=503 if response.status_code == 503 else 502,
            )
        return response

    # -- version and graphs -------------------------------------------------------------------
    @property
    def version(self) -> int:
        """Local writes bump it at once; others' writes are seen by polling the marker."""
        now = time.monotonic()
        if now - self._polled >= VERSION_POLL_S and self._poll_lock.acquire(blocking=False):
            try:
                self._polled = now
                marker = self._read_marker()
                if marker != self._marker:
                    if self._marker is not None or marker is not None:
                        self._bump()
                    self._marker = marker
            except StoreError:
                pass  # the next real request reports the problem
            finally:
                self._poll_lock.release()
        return self._version

    def _read_marker(self) -> str | None:
        rows = self._select_raw(f"SELECT ?v WHERE {{ GRAPH <{META_GRAPH}> {{ {_MARKER} ?v }} }}")
        return rows[0].value if rows else None

    def _select_raw(self, sparql: str) -> list[Any]:
        """First column of a SELECT sent as is (no rewriting, no explicit dataset)."""
        response = self._request(
            "POST", self.query_url, data={"query": sparql}, headers={"Accept": SOLUTIONS_ACCEPT}
        )
        result = self._parse(response, "select")
        assert isinstance(result, ox.QuerySolutions)
        name = result.variables[0].value
        return [s[name] for s in result if s[name] is not None]

    def named_graphs(self) -> list[str]:
        version = self.version
        cached = self._graphs
        if cached is not None and cached[0] == version:
            return list(cached[1])
        # GROUP BY, not DISTINCT: same answer, but Virtuoso answers it ~100x faster.
        terms = self._select_raw("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        dialect = self.dialect
        graphs = sorted(
            t.value
            for t in terms
            if isinstance(t, ox.NamedNode)
            and not t.value.startswith((STAGING_PREFIX, INTERNAL_PREFIX))
            and not dialect.is_system_graph(t.value)
        )
        self._graphs = (version, graphs)
        return list(graphs)

    # -- reads ---------------------------------------------------------------------------------
    def _check_locally(self, sparql: str, substitutions: Mapping[str, Term] | None) -> str:
        """Parse with pyoxigraph (same errors as the embedded store); returns the query kind."""
        kwargs: dict[str, Any] = {
            "base_iri": self.config.base_iri,
            "prefixes": self.config.prefixes(),
        }
        if substitutions:
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        try:
            probe = self._checker.query(sparql, **kwargs)
        except SyntaxError as err:
            raise QueryError(describe_syntax_error("query", err)) from None
        except (ValueError, RuntimeError) as err:
            raise QueryError(str(err)) from None
        if isinstance(probe, ox.QueryBoolean):
            return "ask"
        if isinstance(probe, ox.QueryTriples):
            return "triples"
        return "select"

    def _dataset_params(
        self, default_graphs: list[str] | None, named_graphs: list[str] | None, has_from: bool
    ) -> list[tuple[str, str]]:
        if default_graphs is None and named_graphs is None:
            if has_from or not self.dialect.explicit_union:
                return []  # the query's own FROM/FROM NAMED, or the engine's own union
            graphs = self.named_graphs()
            default_graphs = named_graphs = graphs
        # An empty list must mean "no graphs", which the protocol cannot say: name one that
        # does not exist (Virtuoso would otherwise widen GRAPH ?g to every graph).
        params = [("default-graph-uri", g) for g in (default_graphs or [EMPTY_GRAPH])]
        params += [("named-graph-uri", g) for g in (named_graphs or [EMPTY_GRAPH])]
        return params

    def prepare(self, sparql: str, substitutions: Mapping[str, Term] | None = None) -> str:
        """The text sent to the engine: prologue + the query with substitutions as VALUES."""
        if substitutions:
            sparql = self.dialect.adapt_substituted(sparql, substitutions)
        shape = analyse(sparql)
        return prologue(self.config, shape) + inject_values(sparql, substitutions or {}, shape)

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        substitutions: Mapping[str, Term] | None = None,
    ) -> QueryResult:
        kind = self._check_locally(sparql, substitutions)
        text = self.prepare(sparql, substitutions)
        if substitutions:
            self._check_locally(text, None)  # the rewrite must still be one well-formed query
        params = [("query", text)] + self._dataset_params(
            default_graphs, named_graphs, analyse(sparql).has_from
        )
        accept = TRIPLES_ACCEPT if kind == "triples" else SOLUTIONS_ACCEPT
        response = self._request("POST", self.query_url, data=params, headers={"Accept": accept})
        return self._parse(response, kind)

    def _parse(self, response: requests.Response, kind: str) -> QueryResult:
        self.dialect.check_complete(response)
        media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            if kind == "triples":
                rdf_format = (
                    ox.RdfFormat.N_TRIPLES
                    if media in ("text/plain", "")
                    else ox.RdfFormat.from_media_type(media)
                )
                if rdf_format is None:
                    raise StoreUnavailable(f"the remote engine answered a graph as {media!r}")
                # QueryTriples cannot be built directly: a scratch store hands one back.
                scratch = ox.Store()
                scratch.load(response.content, rdf_format)
                return scratch.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
            results_format = _RESULT_FORMATS.get(media)
            if results_format is None:
                raise StoreUnavailable(f"the remote engine answered results as {media!r}")
            return ox.parse_query_results(response.content, results_format)
        except SyntaxError as err:
            raise StoreUnavailable(f"the remote engine sent an unreadable answer: {err}") from None

    def dump(self, output: IO[bytes], fmt: ox.RdfFormat) -> None:
        if fmt not in QUAD_FORMATS:
            raise StoreError("a dump keeps the named graphs: use N-Quads or TriG")
        ox.serialize(self._all_quads(), output, fmt)

    def _all_quads(self) -> Iterator[ox.Quad]:
        for graph in self.named_graphs():
            g = ox.NamedNode(graph)
            triples = self.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                default_graphs=[graph],
                named_graphs=[],
            )
            for t in triples:
                yield ox.Quad(t.subject, t.predicate, t.object, g)

    # -- writes --------------------------------------------------------------------------------
    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("this remote store was opened read-only")

    def _marker_update(self) -> str:
        new = uuid.uuid4().hex
        return (
            f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {_MARKER} ?v }} }} ;\n"
            f'INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {_MARKER} "{new}" }} }}'
        )

    def inference_pending(self) -> bool:
        """Whether data was swapped in after the inferred graph was last recomputed."""
        pattern = f"<{META_GRAPH}> <{PENDING_PREDICATE}> ?v"
        return bool(self._select_raw(f"SELECT ?v WHERE {{ GRAPH <{META_GRAPH}> {{ {pattern} }} }}"))

    def inference_done(self) -> None:
        """The inferred graph matches the data again (``kg.store.loading`` calls this)."""
        self._writable()
        self._send_update(
            f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{PENDING_PREDICATE}> ?v }} }}"
        )

    def _pending_update(self) -> str:
        return (
            f"INSERT DATA {{ GRAPH <{META_GRAPH}> "
            f'{{ <{META_GRAPH}> <{PENDING_PREDICATE}> "{uuid.uuid4().hex}" }} }}'
        )

    def _send_update(self, text: str) -> None:
        self._request("POST", self.update_url, data={"update": text}, headers={"Accept": "*/*"})

    def _written(self) -> None:
        """After a write: tell other processes (marker) and this one (version) at once."""
        self._send_update(self._marker_update())
        self._bump()
        self._graphs = None

    def update(self, sparql: str) -> None:
        self._writable()
        bulk = _ground_insert(sparql)
        if bulk is not None:  # a big INSERT DATA of plain triples: sent in engine-sized pieces
            graph, triples = bulk
            self._insert(graph, triples)
        else:
            shape = analyse(sparql)
            self._send_update(prologue(self.config, shape) + sparql)
        self._written()

    def _insert(self, graph: str, triples: list[ox.Triple]) -> None:
        """Add triples: plain ones in batches, those with blank nodes in one last request."""
        plain = [t for t in triples if not _has_blank(t)]
        for start in range(0, len(plain), BATCH_TRIPLES):
            self._stage(graph, plain[start : start + BATCH_TRIPLES])
        blank = [t for t in triples if _has_blank(t)]
        if blank:
            self._stage(graph, blank, split=False)

    def drop_graph(self, graph: str) -> None:
        self._writable()
        self._send_update(f"DROP SILENT GRAPH <{ox.NamedNode(graph).value}>")
        self._written()

    def replace_graph(
        self,
        graph: str,
        data: Path | bytes,
        fmt: ox.RdfFormat,
        *,
        source_name: str | None = None,
        progress: Progress | None = None,
    ) -> list[str]:
        """Check the whole file locally, stream it to staging graphs, then swap in one update.

        Blank nodes: each request is its own blank-node scope, so triples that mention a
        blank node are held back and sent together in the last request of their graph.
        """
        self._writable()
        name = source_name or (str(data) if isinstance(data, Path) else "input")
        total = self._count(data, fmt, name)  # pass 1: nothing is sent on a syntax error
        size = data.stat().st_size if isinstance(data, Path) else len(data)
        staging_id = STAGING_PREFIX + uuid.uuid4().hex
        staged: dict[str, str] = {}
        pending: dict[str, list[ox.Triple]] = {}
        with_bnodes: dict[str, list[ox.Triple]] = {}
        sent = 0
        try:
            for quad in self._parse_file(data, fmt, name):
                g = quad.graph_name
                target = (
                    graph
                    if isinstance(g, ox.DefaultGraph) or fmt not in QUAD_FORMATS
                    else str(g.value)
                )
                if target not in staged:
                    staged[target] = f"{staging_id}-{len(staged)}"
                triple = ox.Triple(quad.subject, quad.predicate, quad.object)
                bucket = with_bnodes if _has_blank(triple) else pending
                batch = bucket.setdefault(target, [])
                batch.append(triple)
                if bucket is pending and len(batch) >= BATCH_TRIPLES:
                    self._stage(staged[target], batch)
                    sent += len(batch)
                    batch.clear()
                    if progress:
                        progress(int(size * sent / max(total, 1)), size)
            for bucket in (pending, with_bnodes):
                for target, batch in bucket.items():
                    if batch:
                        self._stage(staged[target], batch)
                        sent += len(batch)
            if progress:
                progress(size, size)
            if graph not in staged:
                staged[graph] = f"{staging_id}-{len(staged)}"  # empty file: empty graph
            ops = [f"DROP SILENT GRAPH <{graph}>"] if graph not in staged else []
            for target, staging in staged.items():
                ops.extend(self.dialect.swap_ops(staging, target))
            ops.append(self._marker_update())
            ops.append(self._pending_update())  # the inferred graph is stale until recomputed
            # One update request: Virtuoso runs it as one transaction (see README).
            self._send_update(" ;\n".join(ops))
        except BaseException:
            for staging in staged.values():
                try:
                    self._send_update(f"DROP SILENT GRAPH <{staging}>")
                except StoreError:
                    pass
            raise
        self._bump()
        self._graphs = None
        return sorted(staged)

    def _parse_file(self, data: Path | bytes, fmt: ox.RdfFormat, name: str) -> Iterator[ox.Quad]:
        source: dict[str, Any] = {"path": str(data)} if isinstance(data, Path) else {"input": data}
        try:
            yield from ox.parse(format=fmt, base_iri=self.config.base_iri, **source)
        except SyntaxError as err:
            raise LoadError(describe_syntax_error(name, err)) from None
        except ValueError as err:
            raise LoadError(f"{name}: {err}") from None

    def _count(self, data: Path | bytes, fmt: ox.RdfFormat, name: str) -> int:
        return sum(1 for _ in self._parse_file(data, fmt, name))

    def _stage(self, staging: str, triples: list[ox.Triple], *, split: bool = True) -> None:
        """One Graph Store POST, or ``INSERT DATA`` requests of ``INSERT_DATA_TRIPLES``.

        ``split=False`` (blank nodes) keeps the triples in one request: one blank-node scope.
        """
        if self.graph_store_url:
            self._request(
                "POST",
                self.graph_store_url,
                params={"graph": staging},
                data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                headers={"Content-Type": "application/n-triples"},
            )
            return
        size = INSERT_DATA_TRIPLES if split else max(len(triples), 1)
        for start in range(0, len(triples), size):
            text = ox.serialize(triples[start : start + size], format=ox.RdfFormat.N_TRIPLES)
            self._send_update(f"INSERT DATA {{ GRAPH <{staging}> {{\n{text.decode()}\n}} }}")

    def close(self) -> None:
        self.session.close()
