"""The store layer: RDF in, SPARQL results out, and nothing about HTTP or graphs.

``GraphStore`` is the interface everything above depends on. Results are pyoxigraph's own
result objects (``QuerySolutions``, ``QueryBoolean``, ``QueryTriples``) because pyoxigraph can
also *parse* standard SPARQL result documents into those types, which is what lets a backend that
talks the SPARQL 1.1 Protocol to a remote engine return exactly the same objects.
"""

from __future__ import annotations

import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.config import Config

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Progress = Callable[[int, int], None]

STAGING_PREFIX = "urn:kg:staging:"
#: Predicate of the marker quad that names a graph being loaded in place (see ``replace_graph``).
LOADING_MARK = "urn:kg:loading"

QUAD_FORMATS = {ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG}
_EXTENSIONS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}
RDF_FILE_EXTENSIONS = frozenset(_EXTENSIONS)


class StoreError(Exception):
    """A user-facing store failure (locked store, unreadable file); message is shown as is."""


class LoadError(StoreError):
    """Data that could not be parsed; the message names the source and the position."""


class QueryError(StoreError):
    """A malformed query or update; the message carries the parser's position."""


class StoreUnavailable(StoreError):
    """A remote engine that is down, too slow or broken: HTTP 502/504 (``status``), not 500."""

    def __init__(self, message: str, *, status: int = 502) -> None:
        super().__init__(message)
        self.status = status


def rdf_format_for(path: Path | str) -> ox.RdfFormat:
    suffix = Path(path).suffix.lower()
    try:
        return _EXTENSIONS[suffix]
    except KeyError:
        raise LoadError(
            f"{path}: unknown RDF file extension {suffix!r} "
            f"(expected one of {', '.join(sorted(_EXTENSIONS))})"
        ) from None


def rdf_format_for_media_type(media_type: str) -> ox.RdfFormat | None:
    return ox.RdfFormat.from_media_type(media_type.split(";")[0].strip())


def describe_syntax_error(source: str, err: SyntaxError) -> str:
    """``file:line:col: message`` so editors and people can jump to the problem."""
    message = str(err.msg if hasattr(err, "msg") and err.msg else err)
    if err.lineno:
        return f"{source}:{err.lineno}:{err.offset or 0}: {message}"
    match = re.search(r"(\d+):(\d+)", message)
    if match:
        return f"{source}:{match.group(1)}:{match.group(2)}: {message}"
    return f"{source}: {message}"


class GraphStore(ABC):
    """What the service needs from a triple store; implemented embedded and (later) remote.

    Every write bumps ``version`` so in-memory derivatives (the traversal projection, VoID
    counts) know when to rebuild, without polling the data itself.
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self._version = 0
        self._version_lock = threading.Lock()

    @property
    def version(self) -> int:
        return self._version

    def _bump(self) -> None:
        with self._version_lock:
            self._version += 1

    # -- reads -----------------------------------------------------------------------------
    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        substitutions: Mapping[str, Term] | None = None,
    ) -> QueryResult:
        """Run a query. No dataset arguments means: default graph = union of all graphs."""

    @abstractmethod
    def named_graphs(self) -> list[str]: ...

    @abstractmethod
    def dump(self, output: IO[bytes], fmt: ox.RdfFormat) -> None: ...

    # -- writes ----------------------------------------------------------------------------
    @abstractmethod
    def update(self, sparql: str) -> None: ...

    @abstractmethod
    def replace_graph(
        self,
        graph: str,
        data: Path | bytes,
        fmt: ox.RdfFormat,
        *,
        source_name: str | None = None,
        progress: Progress | None = None,
    ) -> list[str]:
        """Atomically replace ``graph`` (and, for quad formats, the graphs the data names).

        Returns the graphs written. On a parse error nothing is changed and ``LoadError``
        names the source, line and column.
        """

    @abstractmethod
    def drop_graph(self, graph: str) -> None: ...

    def close(self) -> None:  # noqa: B027 - optional for backends without resources
        """Release files or connections."""

    # -- conveniences shared by all backends ------------------------------------------------
    def select(
        self, sparql: str, bindings: Mapping[str, Term] | None = None
    ) -> list[dict[str, Term]]:
        """Rows of a SELECT as plain dicts (unbound variables left out)."""
        result = self.query(sparql, substitutions=bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("select() needs a SELECT query")
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = value
            rows.append(row)
        return rows

    def ask(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> bool:
        result = self.query(sparql, substitutions=bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise QueryError("ask() needs an ASK query")
        return bool(result)

    def triple_count(self, graph: str | None = None) -> int:
        if graph is None:
            rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        else:
            rows = self.select(
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                {"g": ox.NamedNode(graph)},
            )
        return int(rows[0]["n"].value) if rows else 0


def iter_rdf_files(paths: Iterable[Path]) -> list[tuple[Path, Path]]:
    """(file, root) pairs for every RDF file under the given files/folders, in a stable order."""
    found: list[tuple[Path, Path]] = []
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file() and file.suffix.lower() in RDF_FILE_EXTENSIONS:
                    found.append((file, path.parent))
        elif path.is_file():
            found.append((path, path.parent))
        else:
            raise LoadError(f"{path}: no such file or folder")
    return found
