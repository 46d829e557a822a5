"""Layout of the timeline: lanes in collapsible groups, their labels, heights and value ranges."""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.animation.lip_opening import MAX_OPENING_GAIN
from core.animation.tracks import EMOTIONS, GAZE_CHANNELS

RULER_H = 26
WAVE_H = 40
HEADER_W = 132
GROUP_H = 20  # a group's title row (click to fold)
LANE_H = 26  # default lane height (at least 24 px: room for a value to be read and clicked)
MIN_LANE_H, MAX_LANE_H = 18, 160
GROUPS = ("Lips", "Eyes", "Emotion", "Head", "Landmarks")


@dataclass(frozen=True)
class Lane:
    """One row: ``name`` is the project lane; values map vmin..vmax to bottom..top.

    ``keyed`` is False for a lane that only shows generated motion (no keys to add)."""

    name: str
    label: str
    height: int
    vmin: float = 0.0
    vmax: float = 1.0
    default: float = 0.0
    events: bool = False
    group: str = "Eyes"
    keyed: bool = True

    @property
    def valued(self) -> bool:
        """Keys of this lane carry a value set by their height (not blinks, not landmark keys)."""
        return self.keyed and not self.events and self.name != "landmarks"


def standard_lanes() -> list[Lane]:
    """Every lane, in group order."""
    # lip opening: keys are a gain on the model's opening (1 = as generated; core.animation.lip_opening)
    lanes = [Lane("lips.openness", "Lips · opening", LANE_H + 6, 0.0, MAX_OPENING_GAIN, 1.0, group="Lips")]
    lanes.append(Lane("blinks", "Blinks", LANE_H, events=True, default=1.0, group="Eyes"))
    lanes += [Lane(f"gaze.{c}", "Gaze " + c.replace("_", " "), LANE_H, -1.0, 1.0, group="Eyes") for c in GAZE_CHANNELS]
    lanes += [Lane(f"emotion.{e}", f"Emotion · {e}", LANE_H, 0.0, 1.0, 1.0, group="Emotion") for e in EMOTIONS]
    lanes += [Lane(f"pose.{c}", f"Head {c}", LANE_H + 6, -30.0, 30.0, group="Head") for c in ("yaw", "pitch", "roll")]
    lanes.append(Lane("landmarks", "Landmark keys", LANE_H, group="Landmarks"))
    return lanes


@dataclass(frozen=True)
class Layout:
    """Where each visible lane and each group title lies, top to bottom."""

    lanes: list[Lane]
    tops: list[int]
    group_rows: list[tuple[str, int]]
    height: int


def layout(all_lanes: list[Lane], collapsed: set[str], heights: dict[str, int]) -> Layout:
    """Group titles, then the lanes of each open group, from y = 0."""
    lanes, tops, rows, y = [], [], [], 0
    for group in GROUPS:
        members = [lane for lane in all_lanes if lane.group == group]
        if not members:
            continue
        rows.append((group, y))
        y += GROUP_H
        if group in collapsed:
            continue
        for lane in members:
            lane = replace(lane, height=heights.get(lane.name, lane.height))
            lanes.append(lane)
            tops.append(y)
            y += lane.height
    return Layout(lanes, tops, rows, y)
