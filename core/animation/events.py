"""A tiny Qt-free signal and an evented list.

The GUI is a thin Qt view over core objects: it connects to these signals and
writes back only through the model's API or undo commands. Keeping the emitter
here (not Qt's) lets ``core`` run and be tested without PySide6.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, MutableSequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar, overload

T = TypeVar("T")


class Signal(Generic[T]):
    """Callbacks called with one payload on ``emit``; order of connection is kept.

    Callbacks are held strongly: a view must ``disconnect`` when it closes.
    """

    def __init__(self) -> None:
        self._callbacks: list[Callable[[T], object]] = []
        self._blocked = 0

    def connect(self, callback: Callable[[T], object]) -> Callable[[T], object]:
        """Subscribe ``callback`` (returned, so this works as a decorator)."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[[T], object]) -> None:
        """Unsubscribe; unknown callbacks are ignored so views can tear down freely."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, payload: T) -> None:
        """Call every callback with ``payload`` unless blocked."""
        if self._blocked:
            return
        for callback in list(self._callbacks):  # a callback may disconnect itself
            callback(payload)

    @contextmanager
    def blocked(self) -> Iterator[None]:
        """Suppress emissions inside the block (nestable)."""
        self._blocked += 1
        try:
            yield
        finally:
            self._blocked -= 1

    def __len__(self) -> int:
        return len(self._callbacks)


@dataclass(frozen=True)
class ListChange(Generic[T]):
    """What happened to an EventedList: one item inserted, removed or replaced, or reset."""

    kind: Literal["inserted", "removed", "replaced", "reset"]
    index: int
    item: T | None = None
    old: T | None = None


class EventedList(MutableSequence[T]):
    """A list that emits ``changed`` (a ListChange) after every mutation."""

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._items: list[T] = list(items)
        self.changed: Signal[ListChange[T]] = Signal()

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self._items[index]

    def __setitem__(self, index, value) -> None:  # type: ignore[no-untyped-def]
        if isinstance(index, slice):
            raise TypeError("EventedList does not support slice assignment; use reset()")
        index = range(len(self._items))[index]
        old = self._items[index]
        self._items[index] = value
        self.changed.emit(ListChange("replaced", index, value, old))

    def __delitem__(self, index) -> None:  # type: ignore[no-untyped-def]
        if isinstance(index, slice):
            raise TypeError("EventedList does not support slice deletion; use reset()")
        index = range(len(self._items))[index]
        old = self._items.pop(index)
        self.changed.emit(ListChange("removed", index, None, old))

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items))

    def insert(self, index: int, value: T) -> None:
        """Insert ``value`` before ``index``."""
        index = min(max(index if index >= 0 else len(self._items) + index, 0), len(self._items))
        self._items.insert(index, value)
        self.changed.emit(ListChange("inserted", index, value))

    def reset(self, items: Iterable[T]) -> None:
        """Replace the whole content with one ``reset`` event."""
        self._items = list(items)
        self.changed.emit(ListChange("reset", -1))

    def __repr__(self) -> str:
        return f"EventedList({self._items!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EventedList):
            return self._items == other._items
        return isinstance(other, list) and self._items == other
