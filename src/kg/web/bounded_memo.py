"""A small memo tied to a state: forgotten all at once when the state changes, or when full.

Several things on a query worker's request path are remembered only while something else
holds: the response heads of one second (the ``Date`` header), the tasks requests became
under one set of named queries and place names, the pages seen whole on one store checkpoint.
They were hand-written dicts, each with its own clearing; this is the one type they share.

Pure functions of their key (the parse of a request head, whether a content type is a page,
the prefixes a query text uses) are ``functools.lru_cache``'d instead: nothing makes them
stale, so they need no state.

A hit is a plain ``dict`` look-up (``get``, ``in``): the memo *is* a dict, so the request path
pays no Python call for it; only a miss calls ``remember``.
"""

from __future__ import annotations

from typing import Any, TypeVar

K = TypeVar("K")
V = TypeVar("V")

#: ``under``'s state before the first call (no state is ``is`` this one).
_NONE = object()


class BoundedMemo(dict[K, V]):
    """At most ``limit`` entries; when full, a new one empties it first (a plain bound: the
    few keys a client repeats come back at once), or with ``keep_first`` is not remembered
    (the entries so far stay, until the state changes)."""

    __slots__ = ("limit", "keep_first", "_state")

    def __init__(self, limit: int, *, keep_first: bool = False) -> None:
        super().__init__()
        self.limit = limit
        self.keep_first = keep_first
        self._state: Any = _NONE

    def under(self, state: Any) -> BoundedMemo[K, V]:
        """This memo, emptied first if ``state`` is not (``is``) the one it was filled under."""
        if state is not self._state:
            self._state = state
            self.clear()
        return self

    def remember(self, key: K, value: V) -> V:
        """Remember ``value`` for ``key`` within the bound; returns ``value``."""
        if len(self) >= self.limit:
            if self.keep_first:
                return value
            self.clear()
        self[key] = value
        return value
