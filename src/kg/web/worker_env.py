"""The query workers' process environment: a faster memory allocator when the system has one.

SPARQL evaluation in pyoxigraph allocates and frees millions of small objects (solution rows,
hash-join tables, sort buffers). With glibc's malloc a heavy query ran 10-25 % slower in our
worker than with mimalloc or jemalloc preloaded (``pairing-counts-per-province`` at 1x: 272 ms
with glibc, 244 ms with jemalloc, 219 ms with mimalloc, in-process; benchmarks/README.md has the
served figures). The allocator can only be chosen when a process starts, so the service starts
its query workers with ``LD_PRELOAD`` naming the library; the service's own process keeps the
system allocator.

``KG_WORKER_ALLOCATOR`` chooses: ``auto`` (default: mimalloc, else jemalloc, else the system's),
``system`` (no preload), or the path of a shared library to preload. A system without either
library (or not Linux) simply runs the workers with the system allocator: nothing is required.
The Debian packages are ``libmimalloc2.0`` and ``libjemalloc2``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import sysconfig
import threading
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path

#: Tried in this order by ``auto`` (mimalloc measured fastest on the named queries).
CANDIDATES = ("libmimalloc.so.2", "libjemalloc.so.2")
SETTING = "KG_WORKER_ALLOCATOR"
#: Held while the process environment carries a worker's variables (``spawning_environment``).
SPAWN_LOCK = threading.Lock()


def _library_dirs() -> list[Path]:
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    dirs = [f"/usr/lib/{multiarch}", f"/lib/{multiarch}"] if multiarch else []
    dirs += ["/usr/lib64", "/usr/lib", "/usr/local/lib"]
    return [Path(d) for d in dirs]


@lru_cache(maxsize=8)
def allocator_library(setting: str = "auto") -> str | None:
    """The shared library the workers preload for ``setting`` (a ``KG_WORKER_ALLOCATOR``
    value), or ``None`` for the system allocator.

    An explicit path that does not exist is ignored (the dynamic loader would only warn): the
    workers must start whatever the machine has."""
    choice = setting.strip()
    if not sys.platform.startswith("linux") or choice.lower() in ("system", "none", ""):
        return None
    if choice.lower() != "auto":
        return choice if Path(choice).is_file() else None
    for name in CANDIDATES:
        for folder in _library_dirs():
            if (folder / name).is_file():
                return str(folder / name)
    return None


def allocator_name(library: str | None) -> str:
    """``mimalloc``, ``jemalloc``, or ``system`` for the start-up log and the README."""
    if library is None:
        return "system"
    stem = Path(library).name.split(".so")[0]
    return stem[3:] if stem.startswith("lib") else stem


def worker_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables a worker starts with that the service itself does not have."""
    env = base if base is not None else os.environ
    library = allocator_library(env.get(SETTING, "auto"))
    if library is None:
        return {}
    current = env.get("LD_PRELOAD", "")
    if library in current.split():
        return {}
    return {"LD_PRELOAD": f"{library} {current}".strip()}


@contextlib.contextmanager
def spawning_environment() -> Iterator[None]:
    """While a worker is started: the process environment plus ``worker_environment()``.

    ``multiprocessing``'s spawn passes the parent's environment as it is at that moment, and
    offers no way to give one child its own; the variables are restored as soon as the child
    has been started (``SPAWN_LOCK`` serialises worker starts). A subprocess another thread
    starts in that instant would inherit the preload too, which is harmless: the allocator is a
    drop-in replacement of ``malloc``."""
    with SPAWN_LOCK:
        extra = worker_environment()
        saved = {name: os.environ.get(name) for name in extra}
        os.environ.update(extra)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
