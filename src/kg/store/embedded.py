"""The embedded store: pyoxigraph on disk (RocksDB), or in memory for tests.

Everything above the store layer talks to it through ``kg.store.base.GraphStore``; this is the
backend a folder or ``:memory:`` names (``kg.store.backends.open_store``), with its bulk
loads through staging graphs and the token a clean shutdown leaves for the saved projection.
"""

from __future__ import annotations

import functools
import io
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kg.config import Config
from kg.store.base import (
    LOADING_MARK,
    QUAD_FORMATS,
    STAGING_PREFIX,
    GraphStore,
    LoadError,
    Progress,
    QueryError,
    QueryResult,
    StoreError,
    Term,
    describe_syntax_error,
)
from kg.store.flusher import DeferredFlush

#: Files bigger than this go through ``bulk_load`` (fast, not transactional) into a staging graph.
#: One transaction of a 1.5 MB Turtle file (the 1x benchmark, 37 k triples) took 2.5x as long as
#: ``bulk_load`` (2.7-3.0 s vs 1.1-1.2 s, and ``kg load`` 4.9 s vs 3.2 s with the inference
#: computed while it loads); below ~200 kB ``bulk_load``'s fixed ~150 ms costs more.
BULK_THRESHOLD_BYTES = 1024 * 1024
#: Query texts (up to this many, each up to this long) whose ``used_prefixes`` are remembered.
USED_PREFIXES_MEMO, USED_PREFIXES_MEMO_CHARS = 256, 16_384


def used_prefixes(text: str, prefixes: dict[str, str]) -> dict[str, str]:
    """The implicit prefixes ``text`` can refer to: those whose ``name:`` occurs in it.

    pyoxigraph parses every prefix IRI it is given on every query (22 of them: 15 µs, a fifth
    of an ``ASK {}`` in a query worker, issue 19). A prefixed name is written with its
    ``name:`` in the text, so dropping the others changes nothing — unless the text uses
    codepoint escapes (``\\u003A``), which SPARQL decodes before parsing: then all are kept."""
    if "\\u" in text or "\\U" in text:
        return prefixes
    return {name: iri for name, iri in prefixes.items() if name + ":" in text}


class _ProgressReader(io.RawIOBase):
    """Counts bytes as the parser pulls them, so bulk loads can report progress."""

    def __init__(self, raw: IO[bytes], total: int, progress: Progress) -> None:
        self._raw, self._total, self._progress, self._done = raw, total, progress, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._done += n
        self._progress(self._done, self._total)
        return n


class _FileProgress:
    """Reports how far a native reader is in ``path`` by polling its offset (Linux /proc);
    elsewhere only the end is reported. pyoxigraph releases the GIL while it loads."""

    def __init__(self, path: Path, total: int, progress: Progress | None) -> None:
        self._path, self._total, self._progress = str(path.resolve()), total, progress
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> _FileProgress:
        if self._progress is not None and Path("/proc/self/fdinfo").is_dir():
            self._thread = threading.Thread(target=self._poll, name="kg-load-progress", daemon=True)
            self._thread.start()
        return self

    def _offset(self) -> int | None:
        try:
            for fd in Path("/proc/self/fd").iterdir():
                try:
                    if str(fd.readlink()) == self._path:
                        info = Path(f"/proc/self/fdinfo/{fd.name}").read_text()
                        return int(info.split("pos:", 1)[1].split()[0])
                except (OSError, IndexError, ValueError):
                    continue
        except OSError:
            pass
        return None

    def _poll(self) -> None:
        best = 0
        while not self._stop.wait(0.25):
            offset = self._offset()
            if offset is not None and offset > best and self._progress is not None:
                best = offset
                self._progress(min(offset, self._total), self._total)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._progress is not None and exc[0] is None:
            self._progress(self._total, self._total)


class OxigraphStore(GraphStore):
    """The embedded store: pyoxigraph on disk (RocksDB), or in memory for tests."""

    def __init__(self, config: Config, *, read_only: bool = False) -> None:
        super().__init__(config)
        self.path = None if config.store == ":memory:" else Path(config.store)
        self.read_only = read_only
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
        except OSError as err:
            if "lock" in str(err).lower():
                raise StoreError(
                    f"the store at {self.path} is open in another process (a running "
                    "`kg serve`?); stop it, or write through the service's /update and /store"
                ) from None
            raise StoreError(f"cannot open the store at {self.path}: {err}") from None
        #: the token a clean shutdown left for the saved projection (``kg.graph.projection_store``),
        #: taken away before anything can change the store; None if there was none
        self.clean_token: str | None = None
        #: set when opening dropped a half-loaded graph whose inferences may already have been
        #: written: the inferred graph must be recomputed (``kg.store.backends.open_store`` does it)
        self._inference_stale = False
        if not read_only:
            if self.path is not None:
                self.clean_token = _consume_token(self.path)
            self._drop_leftover_staging()
        self.opened_version = self.version
        #: writes are flushed shortly after they commit, not before they are acknowledged
        self._deferred = DeferredFlush(self.flush)
        #: ``used_prefixes`` of recent query texts (``query``): the scan of every prefix name
        #: over the text cost 25-45 µs of a named query's few hundred in a query worker
        self._prefixes = config.prefixes()
        self._used = functools.lru_cache(maxsize=USED_PREFIXES_MEMO)(
            functools.partial(used_prefixes, prefixes=self._prefixes)
        )

    def _drop_leftover_staging(self) -> None:
        """A crash during a bulk load can leave a staging graph; it was never visible data.

        A loading marker left by a crash names a new graph that was half loaded in place: it is
        dropped too, and the inferred graph marked stale (a big load writes its inferences as it
        goes): ``kg.store.backends.open_store`` recomputes it, so the store is as if that load never
        started."""
        mark = ox.NamedNode(LOADING_MARK)
        half_loaded = False
        for graph in self._store.named_graphs():
            if isinstance(graph, ox.NamedNode) and graph.value.startswith(STAGING_PREFIX):
                for quad in self._store.quads_for_pattern(None, mark, None, graph):
                    if isinstance(quad.object, ox.NamedNode):
                        self._store.remove_graph(quad.object)
                        half_loaded = True
                self._store.remove_graph(graph)
        # its inferences may have been written while it loaded: they must be recomputed, by
        # whoever opened the store (the store layer's bottom never imports the rule engine)
        self._inference_stale = half_loaded

    def inference_pending(self) -> bool:
        """Whether the inferred graph must be recomputed (a crash left a half-done load)."""
        return self._inference_stale

    def inference_done(self) -> None:
        """The inferred graph matches the data again (``kg.store.loading`` calls this)."""
        self._inference_stale = False

    # -- reads -----------------------------------------------------------------------------
    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        substitutions: Mapping[str, Term] | None = None,
    ) -> QueryResult:
        kwargs: dict[str, Any] = {
            "base_iri": self.config.base_iri,
            "prefixes": self._used_prefixes(sparql),
        }
        if default_graphs is None and named_graphs is None:
            kwargs["use_default_graph_as_union"] = True
        else:
            # SPARQL 1.1 Protocol §2.1.4: the protocol's dataset replaces the store's default.
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs or []]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or []]
        if substitutions:
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        try:
            return self._store.query(sparql, **kwargs)
        except SyntaxError as err:
            raise QueryError(describe_syntax_error("query", err)) from None
        except ValueError as err:
            raise QueryError(str(err)) from None

    def _used_prefixes(self, sparql: str) -> dict[str, str]:
        """``used_prefixes`` of ``sparql``, remembered for texts of usual length (bounded)."""
        if len(sparql) <= USED_PREFIXES_MEMO_CHARS:
            return self._used(sparql)
        return used_prefixes(sparql, self._prefixes)

    def named_graphs(self) -> list[str]:
        return sorted(
            g.value
            for g in self._store.named_graphs()
            if isinstance(g, ox.NamedNode) and not g.value.startswith(STAGING_PREFIX)
        )

    def dump(self, output: IO[bytes], fmt: ox.RdfFormat) -> None:
        if fmt not in QUAD_FORMATS:
            raise StoreError("a dump keeps the named graphs: use N-Quads or TriG")
        self._store.dump(output, fmt)

    def backup(self, target: Path) -> None:
        """A consistent on-disk snapshot (RocksDB checkpoint) taken while the store is live."""
        self._store.backup(str(target))

    # -- writes ----------------------------------------------------------------------------
    def update(self, sparql: str) -> None:
        try:
            self._store.update(
                sparql, base_iri=self.config.base_iri, prefixes=self.config.prefixes()
            )
        except SyntaxError as err:
            raise QueryError(describe_syntax_error("update", err)) from None
        except ValueError as err:
            raise QueryError(str(err)) from None
        self._bump()

    def drop_graph(self, graph: str) -> None:
        self._store.remove_graph(ox.NamedNode(graph))
        self._bump()

    def replace_graph(
        self,
        graph: str,
        data: Path | bytes,
        fmt: ox.RdfFormat,
        *,
        source_name: str | None = None,
        progress: Progress | None = None,
    ) -> list[str]:
        name = source_name or (str(data) if isinstance(data, Path) else "input")
        staging_id = STAGING_PREFIX + uuid.uuid4().hex
        staged: dict[str, str] = {}  # target graph -> staging graph
        if fmt not in QUAD_FORMATS and not self._store.contains_named_graph(ox.NamedNode(graph)):
            self._load_new_graph(graph, data, fmt, name, progress)
            self._bump()
            return [graph]
        try:
            if fmt in QUAD_FORMATS:
                staged = self._stage_quads(data, fmt, graph, staging_id, name)
            else:
                staged = {graph: staging_id}
                self._stage_triples(data, fmt, staging_id, name, progress)
            self._swap_in(staged, always_replace=graph)
        except BaseException:
            for staging in staged.values():
                self._store.remove_graph(ox.NamedNode(staging))
            raise
        self._bump()
        return sorted(staged)

    def _load_new_graph(
        self,
        graph: str,
        data: Path | bytes,
        fmt: ox.RdfFormat,
        name: str,
        progress: Progress | None,
    ) -> None:
        """A graph that does not exist yet is loaded in place: there is nothing to swap out, and
        the MOVE of a staging graph costs a copy and a delete of every triple in one transaction
        (minutes and gigabytes at millions of triples). Small files load in one transaction as
        before; a bulk load is announced by a marker quad in a staging graph, so an error removes
        the half-loaded graph and a crash mid-load is undone by the next open."""
        target = ox.NamedNode(graph)
        marker = ox.NamedNode(STAGING_PREFIX + "loading-" + uuid.uuid4().hex)
        self._store.add(ox.Quad(marker, ox.NamedNode(LOADING_MARK), target, marker))
        try:
            self._stage_triples(data, fmt, graph, name, progress)
        except BaseException:
            self._store.remove_graph(target)
            raise
        finally:
            self._store.remove_graph(marker)

    def _stage_triples(
        self,
        data: Path | bytes,
        fmt: ox.RdfFormat,
        staging: str,
        name: str,
        progress: Progress | None,
    ) -> None:
        target = ox.NamedNode(staging)
        base = self.config.base_iri
        try:
            if isinstance(data, bytes):
                self._store.load(data, fmt, base_iri=base, to_graph=target)
                return
            size = data.stat().st_size
            if size < BULK_THRESHOLD_BYTES:
                self._store.load(path=str(data), format=fmt, base_iri=base, to_graph=target)
                return
            # From the path, pyoxigraph reads the file natively: about twice as fast as pulling
            # it through a Python file object. Progress comes from the file offset instead.
            with _FileProgress(data, size, progress):
                self._store.bulk_load(path=str(data), format=fmt, base_iri=base, to_graph=target)
        except SyntaxError as err:
            raise LoadError(describe_syntax_error(name, err)) from None
        except ValueError as err:
            raise LoadError(f"{name}: {err}") from None

    def _stage_quads(
        self, data: Path | bytes, fmt: ox.RdfFormat, default_graph: str, staging: str, name: str
    ) -> dict[str, str]:
        """Quad formats keep their own graphs; triples in their default graph go to ``graph``."""
        staged: dict[str, str] = {}
        batch: list[ox.Quad] = []
        try:
            source = {"path": str(data)} if isinstance(data, Path) else {"input": data}
            for quad in ox.parse(format=fmt, base_iri=self.config.base_iri, **source):
                g = quad.graph_name
                target = default_graph if isinstance(g, ox.DefaultGraph) else str(g.value)
                if target not in staged:
                    staged[target] = f"{staging}-{len(staged)}"
                batch.append(
                    ox.Quad(quad.subject, quad.predicate, quad.object, ox.NamedNode(staged[target]))
                )
                if len(batch) >= 100_000:
                    self._store.extend(batch)
                    batch.clear()
            self._store.extend(batch)
        except SyntaxError as err:
            for s in staged.values():
                self._store.remove_graph(ox.NamedNode(s))
            raise LoadError(describe_syntax_error(name, err)) from None
        return staged

    def _swap_in(self, staged: dict[str, str], *, always_replace: str) -> None:
        """One SPARQL update = one transaction: readers see the old graphs or the new ones."""
        ops = [f"DROP SILENT GRAPH <{always_replace}>"]
        for target, staging in staged.items():
            ops.append(f"MOVE SILENT GRAPH <{staging}> TO <{target}>")
        self._store.update(" ;\n".join(ops))

    def flush(self) -> None:
        if self.path is not None and not self.read_only:
            self._store.flush()

    def flush_soon(self) -> None:
        """A write was committed (durable in the write-ahead log): flush it within
        ``kg.store.flusher.FLUSH_DELAY_S``, in the background, sharing one flush per burst."""
        if self.path is not None and not self.read_only:
            self._deferred.request()

    def close(self) -> None:
        self._deferred.cancel()
        self.flush()
        del self._store


def projection_token_path(store_path: Path) -> Path:
    """Where a clean shutdown leaves the token of the saved projection (next to the store)."""
    base = store_path.resolve()
    return base.with_name(base.name + ".projection-token")


def _consume_token(store_path: Path) -> str | None:
    """The saved projection's token, deleted before this process can change the store, so a
    token on disk always means "unchanged since the projection was saved"."""
    token_file = projection_token_path(store_path)
    try:
        token = token_file.read_text(encoding="ascii").strip()
    except OSError:
        return None
    try:
        token_file.unlink()
    except OSError:
        return None  # it cannot be invalidated: do not trust it either
    return token or None
