import pytest

from core.animation.events import EventedList, Signal


def test_signal_calls_in_order_and_disconnects() -> None:
    signal: Signal[int] = Signal()
    seen: list[tuple[str, int]] = []
    first = signal.connect(lambda v: seen.append(("a", v)))
    signal.connect(lambda v: seen.append(("b", v)))
    signal.emit(1)
    signal.disconnect(first)
    signal.emit(2)
    assert seen == [("a", 1), ("b", 1), ("b", 2)]


def test_blocked_suppresses_and_nests() -> None:
    signal: Signal[int] = Signal()
    seen: list[int] = []
    signal.connect(seen.append)
    with signal.blocked():
        with signal.blocked():
            signal.emit(1)
        signal.emit(2)
    signal.emit(3)
    assert seen == [3]


def test_callback_may_disconnect_itself() -> None:
    signal: Signal[None] = Signal()
    calls: list[str] = []

    def once(_: None) -> None:
        calls.append("once")
        signal.disconnect(once)

    signal.connect(once)
    signal.emit(None)
    signal.emit(None)
    assert calls == ["once"]


def test_evented_list_reports_each_mutation() -> None:
    items: EventedList[str] = EventedList(["a"])
    changes = []
    items.changed.connect(changes.append)
    items.append("b")
    items[0] = "z"
    del items[1]
    items.reset(["q", "r"])
    assert [c.kind for c in changes] == ["inserted", "replaced", "removed", "reset"]
    assert changes[1].old == "a" and changes[1].item == "z"
    assert changes[2].old == "b"
    assert list(items) == ["q", "r"]


def test_evented_list_rejects_slice_assignment() -> None:
    items: EventedList[int] = EventedList([1, 2])
    with pytest.raises(TypeError):
        items[0:1] = [3]  # type: ignore[call-overload]
