"""The SPARQL 1.1 Protocol's update dataset: ``using-graph-uri`` / ``using-named-graph-uri``.

The protocol (§2.2.3) says these parameters act like ``USING <g>`` / ``USING NAMED <g>`` clauses
on every operation of the request, and that a request giving them together with ``USING``,
``USING NAMED`` or ``WITH`` in its text is an error. pyoxigraph's ``Store.update`` has no
dataset argument, so the clauses are written into the text: before the ``WHERE`` of each
``DELETE/INSERT … WHERE`` operation. ``DELETE WHERE { P }`` takes no ``USING``; it is the
shorthand of ``DELETE { P } WHERE { P }`` (its pattern is a plain quad pattern, valid as a
template), so it is written out that way first.

The text is tokenised like a SPARQL parser does (strings, IRIs, comments are single tokens;
``kg.store.guard``'s tokenizer), so a ``WHERE`` inside a literal, a comment or a nested group is
never touched; only keywords at brace depth 0 are operation keywords.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from kg.store.guard import _TOKEN  # one SPARQL tokenizer for the service


class DatasetError(ValueError):
    """The protocol dataset is malformed or conflicts with the update text (HTTP 400)."""


def _graph(iri: str, what: str) -> str:
    try:
        node = ox.NamedNode(iri)
    except ValueError as err:
        raise DatasetError(f"{what} must be an absolute IRI, got {iri!r}: {err}") from None
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", iri):
        raise DatasetError(f"{what} must be an absolute IRI, got {iri!r}")
    return str(node)


def _tokens(text: str) -> list[re.Match[str]]:
    return [m for m in _TOKEN.finditer(text) if m.lastgroup not in ("ws", "comment")]


def _group_end(tokens: list[re.Match[str]], start: int) -> int:
    """Index of the ``}`` closing the ``{`` at ``tokens[start]``."""
    depth = 0
    for i in range(start, len(tokens)):
        value = tokens[i].group()
        if value == "{":
            depth += 1
        elif value == "}":
            depth -= 1
            if depth == 0:
                return i
    raise DatasetError("unbalanced braces in the update")


def with_protocol_dataset(text: str, using: list[str], using_named: list[str]) -> str:
    """``text`` with the protocol's dataset written in as USING clauses (unchanged if none)."""
    if not using and not using_named:
        return text
    clauses = " ".join(
        [f"USING {_graph(g, 'using-graph-uri')}" for g in using]
        + [f"USING NAMED {_graph(g, 'using-named-graph-uri')}" for g in using_named]
    )
    tokens = _tokens(text)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in text offsets
    depth = 0
    for i, token in enumerate(tokens):
        value = token.group()
        if value == "{":
            depth += 1
        elif value == "}":
            depth -= 1
        elif depth == 0 and token.lastgroup == "name":
            keyword = value.upper()
            if keyword in ("USING", "WITH"):
                raise DatasetError(
                    f"the update has a {keyword} clause and the request gives "
                    "using-graph-uri/using-named-graph-uri: give the dataset one way only "
                    "(SPARQL 1.1 Protocol §2.2.3)"
                )
            if keyword != "WHERE":
                continue
            previous = tokens[i - 1].group().upper() if i else ""
            if previous == "DELETE" and i + 1 < len(tokens) and tokens[i + 1].group() == "{":
                end = _group_end(tokens, i + 1)
                pattern = text[tokens[i + 1].start() : tokens[end].end()]
                edits.append((token.start(), token.start(), f"{pattern} {clauses} "))
            else:
                edits.append((token.start(), token.start(), f"{clauses} "))
    for start, end, replacement in reversed(edits):
        text = text[:start] + replacement + text[end:]
    return text
