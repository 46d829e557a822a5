"""The blink track: hand-placed and generated blinks on the timeline."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.animation.events import EventedList, ListChange, Signal
from core.motion.blink import DEFAULT_BLINK_DURATION, closure_curve, poisson_blink_times


@dataclass(frozen=True)
class BlinkEvent:
    """One blink starting at ``time`` (s); ``generated`` blinks are replaced on regenerate."""

    time: float
    duration: float = DEFAULT_BLINK_DURATION
    generated: bool = False

    def __post_init__(self) -> None:
        if self.duration <= 0:
            raise ValueError(f"blink duration must be positive, got {self.duration}")


class BlinkTrack:
    """Blink events (an EventedList, value-addressed); ``changed`` fires with the track."""

    def __init__(self, events: list[BlinkEvent] | None = None) -> None:
        self.events: EventedList[BlinkEvent] = EventedList(sorted(events or [], key=_time))
        self.changed: Signal[BlinkTrack] = Signal()
        self.events.changed.connect(self._on_list_changed)

    def _on_list_changed(self, _change: ListChange[BlinkEvent]) -> None:
        self.changed.emit(self)

    def add(self, event: BlinkEvent) -> None:
        """Insert ``event`` keeping time order."""
        index = int(np.searchsorted([e.time for e in self.events], event.time, side="right"))
        self.events.insert(index, event)

    def remove(self, event: BlinkEvent) -> None:
        """Remove the event equal to ``event``; ValueError if absent."""
        del self.events[self.events.index(event)]

    def replace(self, old: BlinkEvent, new: BlinkEvent) -> None:
        """Swap ``old`` for ``new`` (move or resize), keeping time order."""
        items = list(self.events)
        items[items.index(old)] = new
        self.events.reset(sorted(items, key=_time))

    def set_events(self, events: list[BlinkEvent]) -> None:
        """Replace every event (one event)."""
        self.events.reset(sorted(events, key=_time))

    def regenerated(self, rate_per_minute: float, seed: int, duration: float) -> list[BlinkEvent]:
        """The event list a regenerate would produce: hand-placed kept, generated resampled."""
        manual = [e for e in self.events if not e.generated]
        times = poisson_blink_times(rate_per_minute, duration, seed, avoid=[e.time for e in manual])
        generated = [BlinkEvent(float(t), generated=True) for t in times]
        return sorted(manual + generated, key=_time)

    def regenerate(self, rate_per_minute: float, seed: int, duration: float) -> None:
        """Replace only generated blinks by a Poisson process (use RegenerateBlinks for undo)."""
        self.set_events(self.regenerated(rate_per_minute, seed, duration))

    def closure(self, times: np.ndarray) -> np.ndarray:
        """Lid closure 0..1 at ``times`` (T)."""
        starts = np.array([e.time for e in self.events], np.float64)
        durations = np.array([e.duration for e in self.events], np.float64)
        return closure_curve(starts, durations, times)


def _time(event: BlinkEvent) -> float:
    return event.time
