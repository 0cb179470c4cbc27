"""Pages known to end early: a query worker skips the TSV round trip of a page it has seen whole.

A page of a named query is asked for with ``LIMIT n+1`` and cut to ``n`` rows in the worker
(``kg.web.paging.trim_solutions``): a round trip through SPARQL TSV, because pyoxigraph's
results cannot be sliced. On short answers that round trip is what is left of the worker's own
cost (40-60 µs of a 6-row page on two cores, issue 19's request floor), and it cuts nothing: the
answer had no row past the page.

A worker's store is a read-only checkpoint, so the same text with the same substitutions and
dataset gives the same number of rows until the worker moves to another checkpoint. Once a
page came back whole, the worker remembers it and renders the engine's solutions directly the
next time: the same rows, in the same order, in the same bytes (the TSV round trip is exact).
Texts whose row count may differ between two runs on the same data (``RAND``, ``NOW``, ``UUID``,
``STRUUID``, ``BNODE``, ``SERVICE``) are never remembered; a new checkpoint forgets everything.
"""

from __future__ import annotations

import re
from typing import Any

from kg.web.bounded_memo import BoundedMemo
from kg.web.query_task import QueryTask

#: Functions and clauses whose results may change from one run to the next on the same data.
_VOLATILE = re.compile(r"(?i)\b(?:RAND|NOW|UUID|STRUUID|BNODE|SERVICE)\b")
#: Remembered pages per worker (then forgotten all at once), and the longest text remembered.
MAX_PAGES, MAX_CHARS = 256, 16_384


class PageHints:
    """The pages a worker has seen end before their ``LIMIT`` (one store checkpoint's)."""

    def __init__(self) -> None:
        self._whole: BoundedMemo[tuple[Any, ...], bool] = BoundedMemo(MAX_PAGES)

    @staticmethod
    def key(task: QueryTask) -> tuple[Any, ...] | None:
        """What makes two runs of ``task`` give the same rows on the same checkpoint; ``None``
        for tasks that are not a page or not remembered."""
        if task.page_limit is None or len(task.query) > MAX_CHARS:
            return None
        subs = tuple(sorted(task.substitutions.items())) if task.substitutions else ()
        graphs = (
            None if task.default_graphs is None else tuple(task.default_graphs),
            None if task.named_graphs is None else tuple(task.named_graphs),
        )
        return (task.query, subs, graphs, task.page_limit)

    def whole(self, key: tuple[Any, ...] | None) -> bool:
        """The page of ``key`` came back whole before (no row past its end)."""
        return key is not None and key in self._whole

    def saw_whole(self, key: tuple[Any, ...] | None) -> None:
        """The page of ``key`` had no row past its end."""
        if key is None or _VOLATILE.search(key[0]):
            return
        self._whole.remember(key, True)

    def forget(self) -> None:
        """The worker moved to another checkpoint: row counts may have changed."""
        self._whole.clear()
