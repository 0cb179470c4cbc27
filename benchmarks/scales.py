"""What a scale means to ``benchmarks/run.py`` and the settings that may differ per scale.

Issue 19's check is one interleaved run at the bundled graph, 10× and 100×. The three sizes need
different handling to fit one run into minutes: the bundled graph (the shipped ``ontology/`` and
``graph_data/``, no synthetic file) is small and cheap to repeat; at 100× one heavy query takes
tens of seconds and building the store takes many minutes, so an existing store (a copy of the
shared one) is reused and only a few repetitions are taken. Hence ``--scales bundled,10,100``,
per-scale ``--reps``/``--budget``/``--warmup`` (``bundled=30,10=5,100=2``) and
``--store SCALE=DIR`` / ``--data SCALE=FILE``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

#: The shipped graph only. Stored as scale 0 in the results JSON (a float, like the others).
BUNDLED = 0.0
BUNDLED_NAME = "bundled"

T = TypeVar("T")


def parse_scale(text: str) -> float:
    """``bundled`` or a positive scale factor; a clear error otherwise."""
    text = text.strip()
    if text.lower() == BUNDLED_NAME:
        return BUNDLED
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"not a scale: {text!r} (a number or {BUNDLED_NAME!r})") from None
    if value <= 0:
        raise ValueError(f"not a scale: {text!r} (must be > 0, or {BUNDLED_NAME!r})")
    return value


def parse_scales(text: str) -> list[float]:
    """Comma-separated scales, smallest first, each once."""
    return sorted({parse_scale(part) for part in text.split(",") if part.strip()})


def label(scale: float) -> str:
    """How a scale is named in tables and file names: ``bundled``, ``10x``."""
    return BUNDLED_NAME if scale == BUNDLED else f"{scale:g}x"


def per_scale(spec: str | int | float, cast: Callable[[str], T]) -> dict[float | None, T]:
    """``"30"`` (every scale) or ``"bundled=30,10=5,100=2"`` (a bare value is the default for the
    scales not named): the mapping ``pick`` reads."""
    table: dict[float | None, T] = {}
    for part in str(spec).split(","):
        if not part.strip():
            continue
        if "=" in part:
            scale, value = part.split("=", 1)
            table[parse_scale(scale)] = cast(value.strip())
        else:
            table[None] = cast(part.strip())
    return table


def pick(table: dict[float | None, T], scale: float, default: T) -> T:
    """The value for ``scale``: its own, else the bare one, else ``default``."""
    return table.get(scale, table.get(None, default))


def paths(specs: list[str] | None) -> dict[float, Path]:
    """``["100=/tmp/me/store"]`` → ``{100.0: Path(...)}`` (``--store``/``--data``, repeatable)."""
    out: dict[float, Path] = {}
    for spec in specs or []:
        if "=" not in spec:
            raise ValueError(f"expected SCALE=PATH, got {spec!r}")
        scale, path = spec.split("=", 1)
        target = Path(path).expanduser()
        if not target.exists():
            raise ValueError(f"{path} does not exist (for scale {scale})")
        out[parse_scale(scale)] = target
    return out
