"""Keys and curves: one animated scalar channel.

Times are seconds (float) so a project survives an fps change; the UI snaps
them to frames. A key's ``easing`` shapes the segment that *starts* at it.
Keys are unique by time within a curve: commands address a key by its time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np

from core.animation.easing import canonical_name, get_easing
from core.animation.events import Signal

# Two keys closer than this are the same key (well below one frame at 240 fps).
TIME_EPSILON = 1e-6


@dataclass(frozen=True)
class Key:
    """A value at a time (seconds) and the easing towards the next key."""

    time: float
    value: float
    easing: str = "linear"

    def __post_init__(self) -> None:
        object.__setattr__(self, "time", float(self.time))
        object.__setattr__(self, "value", float(self.value))
        object.__setattr__(self, "easing", canonical_name(self.easing))


@dataclass
class _Compiled:
    """Arrays derived from the keys, rebuilt lazily after a change."""

    times: np.ndarray
    values: np.ndarray
    easings: list[str]
    last_query: bytes = b""
    last_result: np.ndarray = field(default_factory=lambda: np.zeros(0))


class Curve:
    """Sorted keys → a value at any time; ``changed`` fires with the curve after each edit.

    Before the first key the curve holds the first value, after the last the
    last value; with no keys it returns ``default``.
    """

    def __init__(self, keys: Iterable[Key] = (), default: float = 0.0) -> None:
        self.default = float(default)
        self._keys: list[Key] = sorted(keys, key=lambda k: k.time)
        self._compiled: _Compiled | None = None
        self.changed: Signal[Curve] = Signal()

    # --- reading -----------------------------------------------------------
    @property
    def keys(self) -> tuple[Key, ...]:
        """The keys in time order (read only; edit through the methods)."""
        return tuple(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def find(self, time: float) -> int | None:
        """Index of the key at ``time`` (within TIME_EPSILON), or None."""
        for i, key in enumerate(self._keys):
            if abs(key.time - time) <= TIME_EPSILON:
                return i
        return None

    def key_at(self, time: float) -> Key:
        """The key at ``time``; KeyError if none."""
        index = self.find(time)
        if index is None:
            raise KeyError(f"no key at {time:.4f} s")
        return self._keys[index]

    def evaluate(self, time: float) -> float:
        """The value at one time (seconds); bypasses the cache so it keeps a whole-clip query."""
        return float(_interpolate(self._compile(), np.array([time], np.float64), self.default)[0])

    def evaluate_many(self, times: np.ndarray) -> np.ndarray:
        """Values at many times (float64 array of the same shape); cached per query."""
        times = np.asarray(times, np.float64)
        compiled = self._compile()
        query = times.tobytes() + str(times.shape).encode()
        if query != compiled.last_query:
            compiled.last_result = _interpolate(compiled, times, self.default)
            compiled.last_query = query
        return compiled.last_result.copy()

    # --- editing -----------------------------------------------------------
    def add(self, key: Key) -> None:
        """Insert ``key``; ValueError if a key already sits at its time."""
        if self.find(key.time) is not None:
            raise ValueError(f"a key already exists at {key.time:.4f} s")
        self._keys.append(key)
        self._keys.sort(key=lambda k: k.time)
        self._touch()

    def remove(self, time: float) -> Key:
        """Remove and return the key at ``time``."""
        key = self.key_at(time)
        self._keys.remove(key)
        self._touch()
        return key

    def replace(self, time: float, new: Key) -> Key:
        """Swap the key at ``time`` for ``new`` (which may have another time); returns the old one."""
        old = self.key_at(time)
        clash = self.find(new.time)
        if clash is not None and self._keys[clash] is not old:
            raise ValueError(f"a key already exists at {new.time:.4f} s")
        self._keys[self._keys.index(old)] = new
        self._keys.sort(key=lambda k: k.time)
        self._touch()
        return old

    def move(self, time: float, new_time: float) -> None:
        """Move the key at ``time`` to ``new_time``."""
        self.replace(time, replace(self.key_at(time), time=new_time))

    def set_keys(self, keys: Iterable[Key]) -> None:
        """Replace all keys at once (one event)."""
        self._keys = sorted(keys, key=lambda k: k.time)
        self._touch()

    def _touch(self) -> None:
        self._compiled = None  # the cache is derived from the keys
        self.changed.emit(self)

    def _compile(self) -> _Compiled:
        if self._compiled is None:
            self._compiled = _Compiled(
                times=np.array([k.time for k in self._keys], np.float64),
                values=np.array([k.value for k in self._keys], np.float64),
                easings=[k.easing for k in self._keys],
            )
        return self._compiled

    def __repr__(self) -> str:
        return f"Curve(keys={self._keys!r}, default={self.default})"


def _interpolate(compiled: _Compiled, times: np.ndarray, default: float) -> np.ndarray:
    """Piecewise eased interpolation, vectorised per easing kind."""
    key_times, values = compiled.times, compiled.values
    if key_times.size == 0:
        return np.full(times.shape, default, np.float64)
    if key_times.size == 1:
        return np.full(times.shape, values[0], np.float64)
    seg = np.clip(np.searchsorted(key_times, times, side="right") - 1, 0, key_times.size - 2)
    span = key_times[seg + 1] - key_times[seg]
    u = np.clip((times - key_times[seg]) / span, 0.0, 1.0)
    eased = np.empty_like(u)
    easing_of_segment = np.array(compiled.easings[:-1])[seg]
    for name in set(compiled.easings[:-1]):
        mask = easing_of_segment == name
        eased[mask] = get_easing(name)(u[mask])
    return values[seg] + (values[seg + 1] - values[seg]) * eased
