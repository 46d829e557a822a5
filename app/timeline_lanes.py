"""Layout of the timeline: which lanes exist, their labels, heights and value ranges."""

from __future__ import annotations

from dataclasses import dataclass

from core.animation.tracks import EMOTIONS, GAZE_CHANNELS

RULER_H = 26
WAVE_H = 40
HEADER_W = 132


@dataclass(frozen=True)
class Lane:
    """One row: ``name`` is the project lane; values map vmin..vmax to bottom..top."""

    name: str
    label: str
    height: int
    vmin: float = 0.0
    vmax: float = 1.0
    default: float = 0.0
    events: bool = False


def standard_lanes() -> list[Lane]:
    lanes = [Lane("blinks", "Blinks", 20, events=True, default=1.0)]
    lanes += [Lane(f"emotion.{e}", f"Emotion · {e}", 16, 0.0, 1.0, 1.0) for e in EMOTIONS]
    lanes += [Lane(f"gaze.{c}", "Gaze " + c.replace("_", " "), 20, -1.0, 1.0) for c in GAZE_CHANNELS]
    lanes += [Lane(f"pose.{c}", f"Head {c}", 20, -30.0, 30.0) for c in ("yaw", "pitch", "roll")]
    lanes.append(Lane("landmarks", "Landmark keys", 18))
    return lanes


def lane_tops(lanes: list[Lane]) -> list[int]:
    """Top y of each lane (below ruler and waveform)."""
    tops, y = [], RULER_H + WAVE_H
    for lane in lanes:
        tops.append(y)
        y += lane.height
    return tops
