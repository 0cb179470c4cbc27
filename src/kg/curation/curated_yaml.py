"""Read a curated fact file (YAML) keeping the line of every mapping and value.

A curator who breaks a fact must be told *where* (``file:line``), and PyYAML's composed nodes
carry their start marks, so every mapping loaded here remembers the line it starts on and the
line of each of its keys. Only the YAML safe subset is accepted (no tags that build objects).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml


class Located(dict):
    """A mapping from a curated file that knows where it (and each key's value) was written."""

    file: str = ""
    line: int = 0
    key_lines: dict[str, int]

    def where(self, key: str | None = None) -> str:
        line = self.key_lines.get(key, self.line) if key else self.line
        return f"{self.file}:{line}"


class LocatedList(list):
    """A sequence that remembers the line of each item (for quotes and parties)."""

    file: str = ""
    item_lines: list[int]

    def where(self, index: int) -> str:
        return f"{self.file}:{self.item_lines[index]}"


class CuratedFileError(ValueError):
    """A curated file is not readable YAML (the message already names file:line)."""


def _loader(file: str) -> type[yaml.SafeLoader]:
    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Located:
        out = Located()
        out.file = file
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in out:
                line = key_node.start_mark.line + 1
                raise CuratedFileError(f"{file}:{line}: duplicate key {key!r}")
            out[key] = loader.construct_object(value_node, deep=True)
            out.key_lines[str(key)] = value_node.start_mark.line + 1
        return out

    def sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LocatedList:
        out = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
        out.file = file
        out.item_lines = [child.start_mark.line + 1 for child in node.value]
        return out

    def timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
        # dates stay text ("2023-02-22"): the build types them, YAML must not guess time zones
        return str(loader.construct_scalar(node))

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, sequence)
    Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    return Loader


def load(path: Path, display: str | None = None) -> Any:
    """Parse ``path``; errors name ``display`` (default: the path) and the line."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise CuratedFileError(f"{name}: cannot read: {err}") from None
    return loads(text, name)


def loads(text: str, name: str) -> Any:
    try:
        return yaml.load(text, Loader=_loader(name))  # noqa: S506 (SafeLoader subclass)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 0
        raise CuratedFileError(f"{name}:{line}: not valid YAML: {err.problem}") from None
    except yaml.YAMLError as err:
        raise CuratedFileError(f"{name}: not valid YAML: {err}") from None


def time_literal(value: object) -> tuple[str, str] | None:
    """A year (2023), year-month ("2023-04") or date ("2023-04-07") as (lexical form, datatype):
    the precision the article gives is kept (xsd:gYear, xsd:gYearMonth, xsd:date)."""
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
        return str(value), "xsd:gYear"
    if isinstance(value, dt.date):
        return value.isoformat(), "xsd:date"
    if not isinstance(value, str):
        return None
    if len(value) == 4 and value.isdigit():
        return value, "xsd:gYear"
    if len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit():
        return (value, "xsd:gYearMonth") if 1 <= int(value[5:]) <= 12 else None
    return (value, "xsd:date") if is_date(value) else None


def is_date(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True
