"""Named queries: ``queries/*.rq`` files whose comment header declares title and parameters.

Header lines (before the first non-comment line)::

    # title: Partners of a city
    # description: …
    # param: place iri = id/place/yancheng
    # binding: inline
    # order: engine

Parameters are typed and validated (``Parameter.to_term``), then bound by one of three
strategies (``BINDINGS``), which return the same rows but give the planner different queries:

* ``substitution``: SEP-0007 (pyoxigraph ``substitutions``); the plan is chosen before the
  value is known, which can be a disastrous plan (a full scan filtered at the end);
* ``values``: a ``VALUES`` block opening the groups that mention the variable;
* ``inline``: the terms written in place of the variables (``kg.store.sparql_text.inline_terms``),
  so the planner sees constants.

A value can never change the query's shape: it enters the text only as pyoxigraph's escaped
N-Triples form of a validated term. Which strategy a query uses is measured
(``benchmarks/bindings.py``) and recorded in its ``# binding:`` header line; without one,
``substitution``.

A page of an ordered answer is sorted in the query worker when that can be done exactly
(``kg.web.page_order``: much faster on long answers); on a short answer the engine's own sort
is cheaper than the worker's round trip through TSV, and ``# order: engine`` says so (measured:
``regions-and-members`` at 1×, 30 rows, 2.20 ms engine vs 2.78 ms worker in-process).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg.store.base import QueryError, Term
from kg.store.embedded import OxigraphStore
from kg.store.sparql_text import analyse, inject_values, inline_plan, inline_terms

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("iri", "place", "string", "integer", "decimal", "year", "lang-string")
#: Turns a place name (盐城, Yancheng, 鹽城市, an IRI) into its IRI or raises the resolver's
#: errors (ambiguous, unknown); given by the HTTP and CLI layers, which own the resolver.
PlaceResolver = Callable[[str], str]
BINDINGS = ("substitution", "values", "inline")
#: Request parameters of ``/queries/<name>`` that are the service's, not the query's.
RESERVED = ("format", "timeout", "limit", "offset")
DEFAULT_BINDING = "substitution"
_HEADER = re.compile(r"^#\s*(title|description|param|binding|order)\s*:\s*(.*?)\s*$")
#: Who sorts a page of the answer: the query worker (default, where it can) or the engine.
ORDERS = ("worker", "engine")
_ENGINE_ORDER = re.compile(r"^#\s*order\s*:\s*engine\s*$")
_PARAM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s+([a-z-]+)(?:\s*=\s*(.*))?$")
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
#: Named query texts repeat: their token analysis is computed once per text.
_shape = lru_cache(maxsize=256)(analyse)


class ParameterError(ValueError):
    """A bad parameter value or name; the message says which and why."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None

    def to_term(self, raw: str, base_iri: str, resolve_place: PlaceResolver | None = None) -> Term:
        """Turn a request value into an RDF term of the declared type, or say why not.

        A ``place`` parameter takes any name the resolver knows (its errors propagate, so
        the caller answers 300/404 as the traversal API does); without a resolver it is an IRI.
        """
        value = raw.strip()
        if self.type == "place" and resolve_place is not None:
            return ox.NamedNode(resolve_place(value))
        try:
            if self.type in ("iri", "place"):
                iri = value if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value) else base_iri + value
                return ox.NamedNode(iri)
            if self.type == "integer":
                return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
            if self.type == "decimal":
                return ox.Literal(str(Decimal(value)), datatype=ox.NamedNode(XSD + "decimal"))
            if self.type == "year":
                if not re.fullmatch(r"-?\d{4}", value):
                    raise ValueError("expected a four-digit year")
                return ox.Literal(value, datatype=ox.NamedNode(XSD + "gYear"))
            if self.type == "lang-string":
                text, _, lang = value.rpartition("@")
                if not text or not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", lang):
                    raise ValueError("expected text@lang, e.g. 盐城@zh-Hans")
                return ox.Literal(text, language=lang)
            return ox.Literal(value)
        except (ValueError, InvalidOperation) as err:
            raise ParameterError(
                f"parameter {self.name!r} expects {self.type}, got {raw[:80]!r}: {err}"
            ) from None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    binding: str = DEFAULT_BINDING
    order: str = ORDERS[0]

    def bindings(
        self,
        given: Mapping[str, str],
        base_iri: str,
        resolve_place: PlaceResolver | None = None,
    ) -> dict[str, Term]:
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise ParameterError(
                f"unknown parameter(s) {', '.join(unknown)} for query {self.name!r}; "
                f"it takes: {', '.join(known) or 'none'}"
            )
        out: dict[str, Term] = {}
        for p in self.parameters:
            raw = given.get(p.name, p.default)
            if raw is None or raw == "":
                raise ParameterError(f"query {self.name!r} needs parameter {p.name!r}")
            out[p.name] = p.to_term(raw, base_iri, resolve_place)
        return out

    def prepare(
        self, bindings: Mapping[str, Term], strategy: str | None = None, *, store: object = None
    ) -> tuple[str, dict[str, Term] | None]:
        """The text to run and the substitutions to pass, for the query's binding strategy
        (or ``strategy``); every strategy gives the same rows (tests/test_named_query_bindings).

        The header's strategy was measured on the embedded engine's planner: for another
        ``store`` (a remote engine) the parameters stay substitutions, which the remote store
        turns into ``VALUES`` with its dialect's adaptations (e.g. Virtuoso's ``STR()``)."""
        if strategy is None and store is not None and not isinstance(store, OxigraphStore):
            strategy = "substitution"
        strategy = strategy or self.binding
        if not bindings:
            return self.text, None
        if strategy == "substitution":
            return self.text, dict(bindings)
        if strategy == "values":
            return inject_values(self.text, bindings, _shape(self.text)), None
        if strategy == "inline":
            return inline_terms(self.text, bindings), None
        raise QueryError(f"unknown binding strategy {strategy!r}; one of {', '.join(BINDINGS)}")

    def describe(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "parameters": [
                {"name": p.name, "type": p.type, "default": p.default} for p in self.parameters
            ],
            "binding": self.binding,
            "order": self.order,
            "query": self.text,
        }


def parse_named_query(name: str, text: str) -> NamedQuery:
    title, description, params, binding, order = name, "", [], DEFAULT_BINDING, ORDERS[0]
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "title":
            title = value
        elif key == "description":
            description = (description + " " + value).strip()
        elif key == "binding":
            if value not in BINDINGS:
                raise ValueError(
                    f"{name}.rq: bad binding line {line!r}; expected one of {', '.join(BINDINGS)}"
                )
            binding = value
        elif key == "order":
            if value not in ORDERS:
                raise ValueError(
                    f"{name}.rq: bad order line {line!r}; expected one of {', '.join(ORDERS)}"
                )
            order = value
        else:
            pm = _PARAM.match(value)
            if not pm or pm.group(2) not in PARAM_TYPES:
                raise ValueError(
                    f"{name}.rq: bad param line {line!r}; expected 'NAME TYPE = DEFAULT' "
                    f"with TYPE one of {', '.join(PARAM_TYPES)}"
                )
            if pm.group(1) in RESERVED:
                raise ValueError(
                    f"{name}.rq: parameter name {pm.group(1)!r} is reserved for the service "
                    f"({', '.join(RESERVED)})"
                )
            params.append(Parameter(pm.group(1), pm.group(2), pm.group(3)))
    if binding == "inline" and params:
        try:  # refused at load time, not on the first request
            inline_plan(text, frozenset(p.name for p in params))
        except QueryError as err:
            raise ValueError(f"{name}.rq: binding inline does not fit this query: {err}") from None
    return NamedQuery(name, title, description, text, tuple(params), binding, order)


def engine_orders(text: str) -> bool:
    """Whether a query's text (as a worker gets it: the file, header included) asks the engine
    to sort its pages: ``# order: engine`` among its leading comment lines."""
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            return False
        if _ENGINE_ORDER.match(line):
            return True
    return False


def load_named_queries(folder: Path) -> dict[str, NamedQuery]:
    """All queries of the folder, keyed by file stem, sorted by name."""
    if not folder.is_dir():
        return {}
    return {
        file.stem: parse_named_query(file.stem, file.read_text(encoding="utf-8"))
        for file in sorted(folder.glob("*.rq"))
        if _NAME.match(file.stem)
    }
