"""Landmark keyframes: hand-sculpted offsets that blend in and out around a time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from core.animation.easing import canonical_name, get_easing
from core.animation.events import EventedList, ListChange, Signal


@dataclass(frozen=True)
class LandmarkKeyframe:
    """Offsets for any subset of the 68 points, in normalized units (x right, y down).

    Full strength at ``time``; ramps up over ``ease_in`` seconds before and down
    over ``ease_out`` seconds after, shaped by ``easing``. A span of 0 is a hard cut.
    """

    time: float
    offsets: Mapping[int, tuple[float, float]] = field(default_factory=dict)
    ease_in: float = 0.25
    ease_out: float = 0.25
    easing: str = "ease_in_out"

    def __post_init__(self) -> None:
        clean = {int(i): (float(d[0]), float(d[1])) for i, d in dict(self.offsets).items()}
        bad = [i for i in clean if not 0 <= i < 68]
        if bad:
            raise ValueError(f"landmark indices must be 0..67, got {bad}")
        if self.ease_in < 0 or self.ease_out < 0:
            raise ValueError("ease_in and ease_out must not be negative")
        object.__setattr__(self, "offsets", clean)
        object.__setattr__(self, "time", float(self.time))
        object.__setattr__(self, "easing", canonical_name(self.easing))

    def dense(self) -> np.ndarray:
        """The offsets as a 68×2 array (zeros where unset)."""
        out = np.zeros((68, 2), np.float64)
        for index, (dx, dy) in self.offsets.items():
            out[index] = (dx, dy)
        return out

    def weight(self, times: np.ndarray) -> np.ndarray:
        """Blend weight 0..1 at ``times``."""
        times = np.asarray(times, np.float64)
        ease = get_easing(self.easing)
        before = _ramp(times - (self.time - self.ease_in), self.ease_in)
        after = _ramp((self.time + self.ease_out) - times, self.ease_out)
        return np.where(times <= self.time, ease(before), ease(after))


def _ramp(elapsed: np.ndarray, span: float) -> np.ndarray:
    """0..1 progress over ``span`` seconds; a zero span is a step at 0."""
    if span <= 0:
        return np.where(elapsed >= 0, 1.0, 0.0)
    return np.clip(elapsed / span, 0.0, 1.0)


class LandmarkKeyframeTrack:
    """Landmark keyframes (EventedList, value-addressed); overlapping ones add up."""

    def __init__(self, keyframes: list[LandmarkKeyframe] | None = None) -> None:
        self.keyframes: EventedList[LandmarkKeyframe] = EventedList(keyframes or [])
        self.changed: Signal[LandmarkKeyframeTrack] = Signal()
        self.keyframes.changed.connect(self._on_list_changed)

    def _on_list_changed(self, _change: ListChange[LandmarkKeyframe]) -> None:
        self.changed.emit(self)

    def add(self, keyframe: LandmarkKeyframe) -> None:
        """Append ``keyframe``."""
        self.keyframes.append(keyframe)

    def remove(self, keyframe: LandmarkKeyframe) -> None:
        """Remove the keyframe equal to ``keyframe``."""
        del self.keyframes[self.keyframes.index(keyframe)]

    def replace(self, old: LandmarkKeyframe, new: LandmarkKeyframe) -> None:
        """Swap ``old`` for ``new`` in place."""
        self.keyframes[self.keyframes.index(old)] = new

    def offsets(self, times: np.ndarray) -> np.ndarray:
        """Summed offsets at ``times``: T×68×2 normalized units."""
        times = np.asarray(times, np.float64)
        out = np.zeros((times.size, 68, 2), np.float64)
        for keyframe in self.keyframes:
            out += keyframe.weight(times).reshape(-1, 1, 1) * keyframe.dense()[None]
        return out
