"""Admission control (kg.web.admission): bounded waits, a bounded queue, per-client caps.

Unit tests on the gate itself (no server): every refusal must come *at once* when the queue or
the client's share is full, and after at most the configured wait otherwise.
"""

from __future__ import annotations

import threading
import time

import pytest

from kg.config import Config
from kg.web.admission import Gate, Limits, Refused, render_limits
from kg.web.executor import query_limits


def gate(**kw: float) -> Gate:
    limits = dict(slots=2, queue_limit=2, wait_s=0.3, per_client=1, per_client_waiting=1)
    limits.update(kw)
    return Gate(Limits(**limits))  # type: ignore[arg-type]


def test_a_free_slot_is_granted_and_given_back() -> None:
    g = gate()
    with g.acquire("a"):
        assert g.snapshot() == {"held": 1, "waiting": 0}
    assert g.snapshot() == {"held": 0, "waiting": 0}


def test_one_client_cannot_hold_every_slot_but_another_client_gets_the_rest() -> None:
    g = gate(slots=2, per_client=1, wait_s=0.2)
    first = g.acquire("flood")
    with pytest.raises(Refused) as refused:
        g.acquire("flood")  # waits for its own query, then 429: the slot stays free for others
    assert refused.value.status == 429 and refused.value.retry_after >= 1
    assert "per client" in refused.value.message
    other = g.acquire("normal")  # at once
    first.release()
    other.release()


def test_a_clients_excess_waiters_are_refused_at_once_with_429() -> None:
    g = gate(slots=1, per_client=1, per_client_waiting=1, wait_s=5)
    held = g.acquire("flood")
    got: list[object] = []
    waiter = threading.Thread(target=lambda: got.append(g.acquire("flood")))
    waiter.start()
    while g.snapshot()["waiting"] == 0:
        time.sleep(0.01)
    started = time.monotonic()
    with pytest.raises(Refused) as refused:
        g.acquire("flood")
    assert refused.value.status == 429
    assert time.monotonic() - started < 1  # at once, not after the 5 s wait
    assert "per client" in refused.value.message
    held.release()  # the one waiter it may have gets the slot
    waiter.join(timeout=5)
    got[0].release()  # type: ignore[attr-defined]


def test_a_full_queue_refuses_at_once_with_503_and_retry_after() -> None:
    g = gate(slots=1, queue_limit=1, per_client=1, per_client_waiting=1, wait_s=5)
    held = g.acquire("a")
    got: list[object] = []
    waiter = threading.Thread(target=lambda: got.append(g.acquire("b")))
    waiter.start()
    while g.snapshot()["waiting"] == 0:
        time.sleep(0.01)
    started = time.monotonic()
    with pytest.raises(Refused) as refused:
        g.acquire("c")
    assert refused.value.status == 503 and refused.value.retry_after == 5
    assert "already waiting" in refused.value.message
    assert time.monotonic() - started < 1
    held.release()  # the waiter gets the slot
    waiter.join(timeout=5)
    assert len(got) == 1
    got[0].release()  # type: ignore[attr-defined]


def test_waiters_are_served_in_arrival_order_among_eligible_clients() -> None:
    g = gate(slots=1, queue_limit=4, per_client=1, per_client_waiting=2, wait_s=5)
    held = g.acquire("x")
    order: list[str] = []

    def wait(client: str) -> None:
        ticket = g.acquire(client)
        order.append(client)
        time.sleep(0.02)
        ticket.release()

    threads = []
    for client in ("b", "c", "d"):
        threads.append(threading.Thread(target=wait, args=(client,)))
        threads[-1].start()
        while g.snapshot()["waiting"] < len(threads):
            time.sleep(0.01)
    held.release()
    for t in threads:
        t.join(timeout=5)
    assert order == ["b", "c", "d"]


def test_release_is_idempotent() -> None:
    g = gate()
    ticket = g.acquire("a")
    ticket.release()
    ticket.release()
    assert g.snapshot()["held"] == 0


def test_limits_follow_the_configuration() -> None:
    limits = query_limits(Config(store=":memory:", query_workers=3, query_queue=8))
    assert (limits.slots, limits.per_client, limits.queue_limit) == (3, 2, 8)
    assert query_limits(Config(store=":memory:", query_workers=1)).per_client == 1
    assert query_limits(Config(store=":memory:", queries_per_client=3)).per_client == 3
    assert render_limits(1, 2).slots == 1 and render_limits(1, 2).queue_limit == 2


def test_load_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_QUERY_QUEUE", "3")
    monkeypatch.setenv("KG_HEADER_TIMEOUT", "2.5")
    monkeypatch.setenv("KG_MAX_LITERAL_CHARS", "100")
    monkeypatch.setenv("KG_QUERY_DEMOTE_AFTER", "0")
    config = Config.from_env()
    assert (config.query_queue, config.header_timeout_s, config.max_literal_chars) == (3, 2.5, 100)
    assert config.query_demote_after_s == 0
