"""The file format of a saved traversal projection: fast to read back, decoded as it is used.

A pickle of the whole ``Snapshot`` (a networkx graph of dicts, hundreds of thousands of relation
records) took 7 s to read at 100× (5.3 M quads, 273 MB, 6.4 M objects rebuilt one by one) —
longer than a restart may take. So the snapshot is written in parts that load faster:

* the graph (and graphs derived from it that a first request needs, e.g. the undirected
  traversal network) as plain dicts, with equal strings and equal flat dicts (a role, a domain)
  written once and a value held in several places written once: ``marshal`` reads that back
  about three times faster than pickle reads the networkx objects, and each graph is
  reassembled around its dicts without ``add_edge``;
* the relation records and labels encoded one by one, end to end in one buffer each
  (``Decoded``): the file is mapped, and a record is decoded the first time someone reads it;
  saving again re-uses the bytes of records nobody read;
* the rest (a few small dicts, the place-name index) pickled.

Sharing equal values between edges is safe because a snapshot's dicts are never changed in place
(``kg.graph.projection_patch`` copies what it changes; ``kg.graph.explain`` already hands the same
edge values to every request).

``marshal``'s format may change between Python versions, so the header names the version that
wrote it; a different one reads as "no saved snapshot" (the caller rebuilds). The file is our
own, next to the store, written by the service that owns it.
"""

from __future__ import annotations

import gc
import itertools
import marshal
import mmap
import pickle
import sys
import threading
from array import array
from collections.abc import Callable, Iterator, MutableMapping
from typing import IO, Any

import networkx as nx

from kg.graph.snapshot import Labels

#: What the first object of the file must say; anything else is not ours (or too old).
FORMAT = "kg-projection/4 marshal {} python {}.{}".format(marshal.version, *sys.version_info[:2])

_FLAT = (str, int, float, bool, type(None))


class Packed:
    """Encoded values end to end in one buffer; value ``i`` is ``buffer[starts[i]:starts[i+1]]``
    (one bytes object read from the file instead of one per value)."""

    __slots__ = ("buffer", "starts")

    def __init__(self, buffer: bytes | memoryview, starts: array[int]) -> None:
        self.buffer, self.starts = memoryview(buffer), starts

    def __getitem__(self, index: int) -> memoryview:
        return self.buffer[self.starts[index] : self.starts[index + 1]]


class Decoded(MutableMapping[str, Any]):
    """A mapping whose values are kept encoded until first read (then decoded once).

    Behaves as the dict it stands for (readers use ``get``, ``in``, ``[]``, ``values()``);
    a patched snapshot takes a ``copy()`` and changes that, as it does with a dict."""

    __slots__ = ("_index", "_packed", "_done", "_decode")

    def __init__(
        self,
        index: dict[str, int | None],
        packed: Packed,
        decode: Callable[[memoryview], Any],
        done: dict[str, Any] | None = None,
    ) -> None:
        self._index = index  # key -> its value's number in ``packed`` (None: set since)
        self._packed = packed
        self._done = {} if done is None else done  # key -> decoded value
        self._decode = decode

    def __getitem__(self, key: str) -> Any:
        try:
            return self._done[key]
        except KeyError:
            pass
        value = self._decode(self._packed[self._index[key]])  # type: ignore[index]
        return self._done.setdefault(key, value)  # two readers at once: both get one object

    def __setitem__(self, key: str, value: Any) -> None:
        self._done[key] = value
        self._index[key] = None

    def __delitem__(self, key: str) -> None:
        del self._index[key]
        self._done.pop(key, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def copy(self) -> Decoded:
        return Decoded(dict(self._index), self._packed, self._decode, dict(self._done))

    def __repr__(self) -> str:
        return f"Decoded({len(self)} entries, {len(self._done)} decoded)"

    def encoded(self, encode: Callable[[Any], bytes]) -> Iterator[tuple[str, bytes | memoryview]]:
        """Every entry encoded: the saved form of those never read, ``encode`` for the rest."""
        done, packed = self._done, self._packed
        for key, index in self._index.items():
            yield key, packed[index] if key not in done else encode(done[key])  # type: ignore[index]


def _pack(mapping: Any, encode: Callable[[Any], bytes]) -> tuple[list[str], bytes, bytes]:
    """``(keys, buffer, starts)``: every value encoded, end to end."""
    if isinstance(mapping, Decoded):
        entries = list(mapping.encoded(encode))
    else:
        entries = [(key, encode(value)) for key, value in mapping.items()]
    starts = array("q", [0])
    starts.extend(itertools.accumulate(len(blob) for _, blob in entries))
    buffer = b"".join(blob for _, blob in entries)
    return [key for key, _ in entries], buffer, starts.tobytes()


def _unpack(
    keys: list[str], buffer: bytes | memoryview, starts: bytes, decode: Callable[[memoryview], Any]
) -> Decoded:
    offsets = array("q")
    offsets.frombytes(starts)
    return Decoded(dict(zip(keys, range(len(keys)), strict=True)), Packed(buffer, offsets), decode)


def _encode_labels(lab: Labels) -> bytes:
    return marshal.dumps((lab.zh, lab.en, lab.hant, tuple(lab.alt)))


def _decode_labels(saved: memoryview) -> Labels:
    zh, en, hant, alt = marshal.loads(saved)
    return Labels(zh, en, hant, list(alt))


class _Shared:
    """Copies of a snapshot's values in which equal strings and equal flat dicts are one object,
    and an object the snapshot holds in several places stays one object (marshal writes an
    object seen twice as a back-reference; reading it back creates it once)."""

    def __init__(self) -> None:
        self.strings: dict[str, str] = {}
        self.flat: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.seen: dict[int, Any] = {}  # id of a dict or list of the snapshot -> its copy

    def value(self, value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return self.strings.setdefault(value, value)
        if kind is not dict and kind is not list:
            return tuple(self.value(v) for v in value) if kind is tuple else value
        copied = self.seen.get(id(value))
        if copied is None:
            copied = self.seen[id(value)] = self._copy(value)
        return copied

    def _copy(self, value: dict[Any, Any] | list[Any]) -> Any:
        if type(value) is list:
            return [self.value(v) for v in value]
        items = [(self.value(k), self.value(v)) for k, v in value.items()]
        copy = dict(items)
        if all(type(v) in _FLAT for _, v in items):
            try:
                return self.flat.setdefault(tuple(items), copy)
            except TypeError:  # an unhashable key: keep it as it is
                return copy
        return copy


def _graph_parts(graph: nx.Graph, shared: _Shared) -> dict[str, Any]:
    """A networkx graph's dicts (directed: successors and predecessors, each pair's key dict
    one object in both, as networkx has it)."""
    parts = {
        "class": _class_name(graph),
        "attrs": shared.value(graph.graph),
        "nodes": shared.value(graph._node),  # noqa: SLF001 - plain dicts, read directly
        "adj": shared.value(graph._adj),  # noqa: SLF001
    }
    if graph.is_directed():
        parts["pred"] = shared.value(graph._pred)  # noqa: SLF001
    return parts


def _adjacency_frame(parts: dict[str, Any]) -> bytes:
    """A directed graph's successors and predecessors, moved out of ``parts`` into a frame of
    their own (``LazyMultiDiGraph`` decodes it when first read)."""
    return marshal.dumps({"adj": parts.pop("adj"), "pred": parts.pop("pred")})


_GRAPHS: dict[str, type[nx.Graph]] = {"MultiDiGraph": nx.MultiDiGraph, "MultiGraph": nx.MultiGraph}


def _class_name(graph: nx.Graph) -> str:
    """The networkx class a graph is (a restored ``LazyMultiDiGraph`` is a MultiDiGraph)."""
    return next(c.__name__ for c in type(graph).__mro__ if c.__name__ in _GRAPHS)


class _Deferred:
    """``_adj``/``_succ``/``_pred`` of a ``LazyMultiDiGraph``: networkx's own descriptor for
    setting them, plus a read that decodes the saved adjacency first if it is still pending."""

    def __init__(self, name: str, base: Any) -> None:
        self.name, self.base = name, base

    def __get__(self, graph: Any, owner: Any = None) -> Any:
        if graph is None:
            return self
        found = graph.__dict__.get(self.name)
        if found is None:
            graph._decode_adjacency()  # noqa: SLF001
            found = graph.__dict__[self.name]
        return found

    def __set__(self, graph: Any, value: Any) -> None:
        self.base.__set__(graph, value)


class LazyMultiDiGraph(nx.MultiDiGraph):
    """A restored snapshot's directed graph whose edges (successors and predecessors, half the
    file at 100×: 2 s to decode) are decoded on the first read of them, not at start-up.

    ``/partners`` and paths read the undirected network (restored eagerly) and the nodes, so the
    first answer after a restart does not wait for this; the first request that does read the
    directed edges decodes them once (under a lock: concurrent readers get the same dicts).
    Anything else (copies, a later save) sees a plain MultiDiGraph's dicts."""

    _adj = _Deferred("_adj", nx.DiGraph.__dict__["_adj"])
    _succ = _Deferred("_succ", nx.DiGraph.__dict__["_succ"])
    _pred = _Deferred("_pred", nx.DiGraph.__dict__["_pred"])

    @classmethod
    def pending(cls, saved: memoryview) -> LazyMultiDiGraph:
        """An empty graph whose adjacency is ``saved`` (``marshal``: ``{"adj", "pred"}``)."""
        graph = cls()
        for name in ("_adj", "_succ", "_pred"):
            del graph.__dict__[name]
        graph.__dict__["_saved_adjacency"] = saved
        graph.__dict__["_decoding"] = threading.Lock()
        return graph

    def _decode_adjacency(self) -> None:
        with self.__dict__["_decoding"]:
            if self.__dict__.get("_pred") is not None:
                return  # another thread decoded it meanwhile
            collecting = gc.isenabled()
            gc.disable()  # hundreds of thousands of dicts that live as long as the snapshot
            try:
                parts = marshal.loads(self.__dict__["_saved_adjacency"])
            finally:
                if collecting:
                    gc.enable()
            self._adj = parts["adj"]  # also _succ
            self._pred = parts["pred"]
            self.__dict__["_saved_adjacency"] = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickled as the plain graph it stands for (the mapping is not picklable)."""
        self._pred  # noqa: B018 - decodes a pending adjacency
        state = dict(self.__dict__)
        state.pop("_saved_adjacency", None)
        state.pop("_decoding", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__dict__["_decoding"] = threading.Lock()


def _graph_from(parts: dict[str, Any], adjacency: memoryview | None = None) -> nx.Graph:
    """The graph ``add_edge`` built, reassembled around its saved dicts (its adjacency left in
    ``adjacency`` until first read, if given)."""
    if adjacency is not None:
        graph: nx.Graph = LazyMultiDiGraph.pending(adjacency)
    else:
        graph = _GRAPHS[parts["class"]]()
        graph._adj = parts["adj"]  # noqa: SLF001 - also sets _succ of a directed graph
        if "pred" in parts:
            graph._pred = parts["pred"]  # noqa: SLF001
    graph.graph.update(parts["attrs"])
    graph._node = parts["nodes"]  # noqa: SLF001
    return graph


def _frame(handle: IO[bytes], data: bytes | memoryview) -> None:
    handle.write(len(data).to_bytes(8, "little"))
    handle.write(data)


def _unframe(handle: IO[bytes], limit: int | None = None) -> bytes | None:
    size = int.from_bytes(handle.read(8), "little")
    if limit is not None and not 0 < size <= limit:
        return None
    data = handle.read(size)
    return data if len(data) == size else None


def write(
    handle: IO[bytes],
    token: str,
    kind: str,
    state: dict[str, Any],
    graphs: dict[str, nx.Graph] | None = None,
) -> None:
    """Write ``state`` (a snapshot's fields) and ``graphs`` (derived from it, sharing its
    values: written once) under ``token``; raises ``ValueError`` for a value neither marshal
    nor pickle can write (the caller then saves nothing)."""
    rest = {k: v for k, v in state.items() if k not in ("graph", "relations", "labels")}
    relation_keys, relations, relation_starts = _pack(state["relations"], marshal.dumps)
    label_keys, labels, label_starts = _pack(state["labels"], _encode_labels)
    graph = _graph_parts(state["graph"], _Shared())
    # the directed edges in a frame of their own, decoded when first read: they share nothing
    # with the body then (strings, flat dicts), so the body gets its own sharing
    adjacency = _adjacency_frame(graph) if graph["class"] == "MultiDiGraph" else b""
    shared = _Shared()
    body = {
        "graph": {k: shared.value(v) if k == "nodes" else v for k, v in graph.items()},
        "graphs": {name: _graph_parts(g, shared) for name, g in (graphs or {}).items()},
        # the same string objects as the graph's (read back once, hashed once)
        "relations": (shared.value(relation_keys), relation_starts),
        "labels": (shared.value(label_keys), label_starts),
        "rest": pickle.dumps(rest, protocol=pickle.HIGHEST_PROTOCOL),
    }
    # frames, each read whole (marshal.load on a file reads a few bytes per call, 10x slower);
    # the two buffers kept apart from the body so reading them is one copy, not two
    head = marshal.dumps((FORMAT, token, kind))
    for frame in (head, marshal.dumps(body), relations, labels, adjacency):
        _frame(handle, frame)


def _frames(data: memoryview, count: int) -> list[memoryview] | None:
    """The first ``count`` length-prefixed frames of ``data`` (None if it is cut short)."""
    frames, at = [], 0
    for _ in range(count):
        if at + 8 > len(data):
            return None
        size = int.from_bytes(data[at : at + 8], "little")
        at += 8
        if at + size > len(data):
            return None
        frames.append(data[at : at + size])
        at += size
    return frames


def read(handle: IO[bytes], token: str, kind: str) -> dict[str, Any] | None:
    """The snapshot fields saved under ``token`` for a snapshot class ``kind`` (and under
    ``"graphs"`` the graphs saved with them); None if the file is another format, Python
    version, class or token (nothing more is read then), or cut short.

    The file is mapped, not read: the body is decoded straight from the mapping, and the relation
    records and labels stay there until read (the mapping outlives a later save, which replaces
    the file, or a token renewal, which rewrites only the header)."""
    header = _unframe(handle, limit=1 << 16)
    if header is None or marshal.loads(header) != (FORMAT, token, kind):
        return None
    mapped = memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
    frames = _frames(mapped[8 + len(header) :], 4)
    if frames is None:
        return None
    data, relations, labels, adjacency = frames
    body = marshal.loads(data)
    state = pickle.loads(body["rest"])  # noqa: S301 - our own file, see the module docstring
    state["graph"] = _graph_from(body["graph"], adjacency if len(adjacency) else None)
    state["graphs"] = {name: _graph_from(parts) for name, parts in body["graphs"].items()}
    (relation_keys, relation_starts), (label_keys, label_starts) = body["relations"], body["labels"]
    state["relations"] = _unpack(relation_keys, relations, relation_starts, marshal.loads)
    state["labels"] = _unpack(label_keys, labels, label_starts, _decode_labels)
    return state


def retoken(handle: IO[bytes], kind: str, token: str) -> bool:
    """Put ``token`` in the header of a file this version wrote for ``kind`` (opened ``r+b``),
    in place: the file is unchanged otherwise. False (nothing written) if it is not such a file.
    A stop right after a restart with no write in between saves this way, in milliseconds."""
    header = _unframe(handle, limit=1 << 16)
    if header is None:
        return False
    saved = marshal.loads(header)
    fresh = marshal.dumps((FORMAT, token, kind))
    if len(saved) != 3 or saved[0] != FORMAT or saved[2] != kind or len(fresh) != len(header):
        return False
    handle.seek(8)
    handle.write(fresh)
    return True
