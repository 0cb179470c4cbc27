"""CPU priority of query workers: a query that runs long gives way to everything else.

On a machine with as many busy query workers as cores, a slow-query flood takes the CPU the
service process needs for ``/api/…``, the pages and the writes: they do not wait for a worker,
but the kernel shares the cores evenly, so their latency grows with the flood. A query still
running after ``query_demote_after_s`` is therefore *demoted*: its worker process (every thread)
gets the lowest priority (nice 19), so it only uses CPU nobody else wants. Short queries never
pay anything; a slow one still finishes, only later when the machine is busy.

Raising the priority back needs privilege (``CAP_SYS_NICE`` or ``RLIMIT_NICE``); when that is
refused the executor retires the demoted worker instead (a fresh one starts at normal priority).
"""

from __future__ import annotations

import os
from pathlib import Path

#: The nice value of a demoted worker: the lowest priority there is.
DEMOTED = 19


def _threads(pid: int) -> list[int]:
    """Every thread of ``pid`` (Linux: priority is per thread), or the pid alone elsewhere."""
    try:
        return [int(tid) for tid in os.listdir(Path("/proc") / str(pid) / "task")]
    except (OSError, ValueError):
        return [pid]


def set_nice(pid: int, value: int) -> bool:
    """Give every thread of ``pid`` the nice ``value``; False if any was refused or gone."""
    ok = True
    for tid in _threads(pid):
        try:
            os.setpriority(os.PRIO_PROCESS, tid, value)
        except ProcessLookupError:
            continue  # a thread that ended meanwhile
        except (PermissionError, OSError):
            ok = False
    return ok


def nice_of(pid: int) -> int:
    """The nice value of ``pid``'s main thread (tests, the soak report)."""
    return os.getpriority(os.PRIO_PROCESS, pid)


def demote(pid: int) -> bool:
    """Lowest priority for a worker running a long query (always permitted: lowering is)."""
    return set_nice(pid, DEMOTED)


def restore(pid: int, value: int = 0) -> bool:
    """Back to ``value`` once the long query is done; False if the system refuses it."""
    return set_nice(pid, value)
