"""The memo the request path's stateful memos share (``kg.web.bounded_memo``): what it forgets,
and when — a change of its state forgets everything, a full memo forgets all or keeps its
first entries — is what keeps those memos from answering with something stale."""

from __future__ import annotations

from kg.web.bounded_memo import BoundedMemo


def test_a_memo_forgets_everything_when_its_state_is_another_object() -> None:
    memo: BoundedMemo[str, int] = BoundedMemo(4)
    first, same_text = (
        "Mon, 30 Nov 2026 00:00:00 GMT",
        "".join(["Mon, 30 Nov 2026 ", "00:00:00 GMT"]),
    )
    memo.under(first).remember("a", 1)
    assert memo.under(first) is memo and memo == {"a": 1}
    assert memo.under(same_text) == {}  # another object: identity, not equality, decides
    memo.remember("b", 2)
    assert memo.under(same_text) == {"b": 2}


def test_a_full_memo_forgets_all_then_remembers_the_new_entry() -> None:
    memo: BoundedMemo[int, int] = BoundedMemo(3)
    for key in range(3):
        assert memo.remember(key, key * 10) == key * 10
    assert memo.remember(3, 30) == 30 and memo == {3: 30}


def test_a_full_memo_that_keeps_its_first_entries_does_not_remember_more() -> None:
    memo: BoundedMemo[int, int] = BoundedMemo(2, keep_first=True)
    for key in range(4):
        assert memo.remember(key, key) == key
    assert memo == {0: 0, 1: 1}
