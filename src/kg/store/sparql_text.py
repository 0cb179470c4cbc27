"""Reading and rewriting SPARQL text by tokens, never by splicing user input.

Two users: the remote store (prologue, ``VALUES`` for SEP-0007 substitutions, engine quirks)
and named queries, whose parameters can be bound three ways (``kg.store.named_queries``): pyoxigraph
substitution, a ``VALUES`` block, or the terms written into the text. The query planner sees a
different query in each case, and which one gets the fast plan depends on the query, so all
three exist and produce the same rows. Terms enter the text only as pyoxigraph's N-Triples
serialisation of a validated ``NamedNode``/``Literal`` (``str(term)``, escaped by pyoxigraph).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from kg.store.base import QueryError, Term

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?:
               (?:[\w\-.:%\\\u00B7\u00C0-\uFFFF]*[\w\-:%\u00B7\u00C0-\uFFFF])?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int

    @property
    def upper(self) -> str:
        return self.text.upper()


def tokenize(text: str) -> list[Token]:
    """Significant tokens (no whitespace or comments), with their offsets in ``text``."""
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            tokens.append(Token(kind, match.group(), match.start()))
    return tokens


@dataclass
class QueryShape:
    """What the rewriting needs to know about a query's text."""

    declared_prefixes: set[str]
    has_base: bool
    has_from: bool
    #: (offset just after ``{``, offset of the matching ``}``) of every group graph pattern
    #: that is not a sub-select wrapper, outermost first.
    groups: list[tuple[int, int, int]]  # (inner start, inner end, depth)
    variables: list[Token]


def analyse(text: str) -> QueryShape:
    tokens = tokenize(text)
    prefixes: set[str] = set()
    has_base = has_from = False
    groups: list[tuple[int, int, int]] = []
    stack: list[tuple[str, int]] = []  # (kind, inner start)
    pending_values = False
    variables = []
    for i, tok in enumerate(tokens):
        word = tok.upper if tok.kind == "word" else ""
        if word == "PREFIX" and i + 1 < len(tokens) and tokens[i + 1].kind == "pname":
            prefixes.add(tokens[i + 1].text.split(":", 1)[0])
        elif word == "BASE" and not stack:
            has_base = True
        elif word == "FROM" and not stack:
            has_from = True
        elif word == "VALUES":
            pending_values = True
        elif tok.kind == "var":
            variables.append(tok)
        elif tok.text == "{":
            prev = tokens[i - 1].upper if i else ""
            nxt = tokens[i + 1].upper if i + 1 < len(tokens) else ""
            if pending_values:
                kind, pending_values = "data", False
            elif prev == "CONSTRUCT":
                kind = "template"
            elif nxt == "SELECT":
                kind = "subselect"
            else:
                kind = "group"
            stack.append((kind, tok.start + 1))
        elif tok.text == "}" and stack:
            kind, start = stack.pop()
            if kind == "group":
                depth = sum(1 for k, _ in stack if k == "group")
                groups.append((start, tok.start, depth))
    groups.sort(key=lambda g: (g[2], g[0]))
    return QueryShape(prefixes, has_base, has_from, groups, variables)


def values_block(bindings: Mapping[str, Term]) -> str:
    """``VALUES (?a ?b) { (<x> "y") }`` from pyoxigraph terms (``str()`` is N-Triples)."""
    names, terms = [], []
    for name, term in bindings.items():
        if not re.fullmatch(r"[A-Za-z0-9_]+", name):
            raise QueryError(f"invalid variable name for a substitution: {name!r}")
        if not isinstance(term, ox.NamedNode | ox.Literal):
            raise QueryError(
                f"?{name}: only IRIs and literals can be substituted on a remote store"
            )
        names.append("?" + name)
        terms.append(str(term))
    return f" VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }} "


def inject_values(text: str, bindings: Mapping[str, Term], shape: QueryShape) -> str:
    """Bind variables as SEP-0007 does, in portable SPARQL.

    A ``VALUES`` block opens the query's outermost group (so the projection and templates see
    the value) and every group that mentions one of the variables (so ``FILTER``, ``BIND`` and
    sub-selects inside nested groups see it too). Groups that never mention them (e.g. a
    ``MINUS`` on other variables) are left alone, as a substitution would leave them.
    """
    if not bindings:
        return text
    if not shape.groups:
        raise QueryError("substitutions need a query with a WHERE clause")
    names = {"?" + n for n in bindings} | {"$" + n for n in bindings}
    mentions = [v.start for v in shape.variables if v.text in names]
    outer_depth = shape.groups[0][2]
    inserts = []
    for start, end, depth in shape.groups:
        if depth == outer_depth or any(start <= pos < end for pos in mentions):
            inserts.append(start)
    block = values_block(bindings)
    for pos in sorted(inserts, reverse=True):
        text = text[:pos] + block + text[pos:]
    return text


def term_text(name: str, term: Term) -> str:
    """The N-Triples text of a term that may be written into a query (IRIs and literals)."""
    if not isinstance(term, ox.NamedNode | ox.Literal):
        raise QueryError(f"?{name}: only IRIs and literals can be written into a query")
    return str(term)


def inline_terms(text: str, bindings: Mapping[str, Term]) -> str:
    """Write the bound terms into the query in place of their variables.

    The planner then sees constants, as if the query had been written for that value. The
    variables stay in the result: in the projection ``?v`` becomes ``(TERM AS ?v)``. Inside
    a triple pattern (braces) a variable becomes the bare term; inside parentheses (``FILTER``,
    ``BIND``, function calls) and in solution modifiers (``GROUP BY``, ``ORDER BY``) it becomes
    ``(TERM)``, a bracketted expression that is valid wherever an expression is.

    Raises ``QueryError`` where a variable cannot become a constant: ``SELECT *``, a ``BIND``
    or aggregate target (``AS ?v``), a ``VALUES`` data block or a sub-select naming it.
    """
    if not bindings:
        return text
    terms = {name: term_text(name, term) for name, term in bindings.items()}
    parts, done = [], 0
    for start, end, name, form in inline_plan(text, frozenset(terms)):
        parts += [text[done:start], form.format(term=terms[name], var=text[start:end])]
        done = end
    parts.append(text[done:])
    return "".join(parts)


@lru_cache(maxsize=512)
def inline_plan(text: str, names: frozenset[str]) -> tuple[tuple[int, int, str, str], ...]:
    """Where each variable of ``names`` sits in ``text`` and the form its term takes there
    (``{term}``, ``({term})`` or ``({term} AS {var})``); cached, since named queries repeat."""
    tokens = tokenize(text)
    edits: list[tuple[int, int, str, str]] = []
    stack: list[str] = []  # "{" / "(" / "[" / "values"
    projection = False  # between a top-level SELECT and the WHERE group
    pending_values = False
    # depth of the group that holds the outermost sub-select we are in (its variables are its
    # own: a term written in there would not be the outer variable's value); None: not in one
    sub_select: int | None = None
    for i, tok in enumerate(tokens):
        word = tok.upper if tok.kind == "word" else ""
        bracket = tok.text if tok.kind == "other" else ""
        if sub_select is not None and len(stack) < sub_select:
            sub_select = None
        if word == "SELECT":
            if stack:
                sub_select = len(stack) if sub_select is None else sub_select
            else:
                projection = True
        elif word == "VALUES":
            pending_values = True
        elif bracket == "{":
            projection = False
            stack.append("values" if pending_values else "{")
            pending_values = False
        elif bracket in ("(", "["):
            stack.append(bracket)
        elif bracket in ("}", ")", "]"):
            if stack:
                stack.pop()
        elif tok.kind == "var" and tok.text[1:] in names:
            name = tok.text[1:]
            if sub_select is not None:
                raise QueryError("a sub-select cannot have its variables written in")
            if i and tokens[i - 1].upper == "AS":
                raise QueryError(f"?{name} is assigned (AS ?{name}); it cannot be written in")
            if pending_values or "values" in stack:
                raise QueryError(f"?{name} appears in a VALUES block; it cannot be written in")
            if projection and not stack:
                form = "({term} AS {var})"
            elif stack and stack[-1] in ("{", "["):
                form = "{term}"
            else:
                form = "({term})"
            edits.append((tok.start, tok.start + len(tok.text), name, form))
        elif bracket == "*" and projection and not stack:
            raise QueryError(
                "SELECT * hides which variables are bound; name them to write terms in"
            )
    return tuple(edits)


#: Texts up to this length have their analysis memoised (``with_page``).
MEMO_MAX_CHARS = 16_384


def with_page(text: str, limit: int, offset: int) -> str | None:
    """The SELECT query ``text`` limited to ``limit`` solutions from ``offset``, or ``None``
    when it cannot be paged that way (not a SELECT, or it has its own ``LIMIT``/``OFFSET``).

    The clause goes after the solution modifiers and before a trailing ``VALUES`` block, on a
    line of its own (the text may end with a comment)."""
    short = len(text) <= MEMO_MAX_CHARS  # long texts are not kept (bounded memory)
    insert_at = _page_position(text) if short else _page_position.__wrapped__(text)
    if insert_at is None:
        return None
    clause = f"\nLIMIT {int(limit)} OFFSET {int(offset)}\n"
    return text[:insert_at] + clause + text[insert_at:]


@lru_cache(maxsize=512)
def _page_position(text: str) -> int | None:
    """Where ``with_page`` inserts its clause, or ``None`` if the text cannot be paged.

    Memoised: every request for a named query pages the same text, and tokenising it in Python
    cost about 0.3 ms a request (more than the whole query on small answers)."""
    depth, form, insert_at = 0, "", len(text)
    for tok in tokenize(text):
        bracket = tok.text if tok.kind == "other" else ""
        word = tok.upper if tok.kind == "word" else ""
        if bracket == "{":
            depth += 1
        elif bracket == "}":
            depth -= 1
        elif depth == 0 and word in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE") and not form:
            form = word
        elif depth == 0 and word in ("LIMIT", "OFFSET"):
            return None
        elif depth == 0 and word == "VALUES" and form:
            insert_at = tok.start
            break
    return insert_at if form == "SELECT" else None
