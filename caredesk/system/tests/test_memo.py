"""caredesk.system.memo: a value read once for a block of work, every time outside one."""

from caredesk.system import memo


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def test_inside_a_scope_a_key_is_computed_once():
    calls, compute = _counter()
    with memo.scope():
        assert [memo.memo(("k",), compute) for _ in range(3)] == [1, 1, 1]
        assert memo.memo(("other",), compute) == 2
    assert len(calls) == 2


def test_outside_a_scope_every_call_computes():
    calls, compute = _counter()
    assert [memo.memo(("k",), compute) for _ in range(3)] == [1, 2, 3]


def test_a_nested_scope_shares_the_outer_one_and_the_next_scope_starts_empty():
    calls, compute = _counter()
    with memo.scope():
        memo.memo(("k",), compute)
        with memo.scope():
            assert memo.memo(("k",), compute) == 1
    with memo.scope():
        assert memo.memo(("k",), compute) == 2
