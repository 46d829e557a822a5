"""The timeline's view of core tracks: lanes by name, items (keys/events) and the commands that edit them.

Core keys and events are immutable values addressed by value, so an ``Item`` is a
snapshot; after an edit the view re-reads the lanes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.animation.blink_track import BlinkEvent, BlinkTrack
from core.animation.commands import (AddBlink, AddKey, AddLandmarkKeyframe, Command, Macro, MoveBlink, RemoveBlink,
                                     RemoveKey, RemoveLandmarkKeyframe, ReplaceKey, UpdateLandmarkKeyframe)
from core.animation.keyframes import Curve, Key
from core.animation.landmark_track import LandmarkKeyframe, LandmarkKeyframeTrack
from core.animation.tracks import Tracks

Target = Curve | BlinkTrack | LandmarkKeyframeTrack


@dataclass(frozen=True)
class Item:
    """One key or event as the timeline shows it; ``obj`` is the core value."""

    lane: str
    time: float
    value: float
    duration: float = 0.0
    generated: bool = False
    obj: object = None


def lane_target(tracks: Tracks, lane: str) -> Target:
    """'blinks', 'landmarks', 'emotion.happy', 'gaze.left_x', 'pose.yaw', 'lips.openness' → the core object."""
    if lane == "blinks":
        return tracks.blinks
    if lane == "landmarks":
        return tracks.landmarks
    group, channel = lane.split(".", 1)
    owner = {"emotion": tracks.emotion, "gaze": tracks.gaze, "pose": tracks.pose, "lips": tracks.lips}[group]
    return owner.curves[channel]


def noun(lane: str) -> str:
    """What the undo label calls an item of ``lane``."""
    if lane in ("blinks", "landmarks"):
        return {"blinks": "Blink", "landmarks": "Landmark Keyframe"}[lane]
    nouns = {"emotion": "Emotion Key", "gaze": "Gaze Key", "pose": "Pose Key", "lips": "Lip Opening Key"}
    return nouns[lane.split(".")[0]]


def items(tracks: Tracks, lane: str) -> list[Item]:
    """All items of one lane, in time order."""
    target = lane_target(tracks, lane)
    if isinstance(target, BlinkTrack):
        out = [Item(lane, e.time, 1.0, e.duration, e.generated, e) for e in target.events]
    elif isinstance(target, LandmarkKeyframeTrack):
        out = [Item(lane, k.time, 1.0, 0.0, False, k) for k in target.keyframes]
    else:
        out = [Item(lane, k.time, k.value, obj=k) for k in target.keys]
    return sorted(out, key=lambda i: i.time)


def exists(tracks: Tracks, item: Item) -> bool:
    return any(i.obj == item.obj for i in items(tracks, item.lane))


def add_command(tracks: Tracks, lane: str, time: float, value: float, duration: float = 0.2) -> tuple[Command, Item]:
    """The command adding an item, and the item it adds."""
    target = lane_target(tracks, lane)
    if isinstance(target, BlinkTrack):
        event = BlinkEvent(time, duration)
        return AddBlink(target, event), Item(lane, time, 1.0, duration, False, event)
    if isinstance(target, LandmarkKeyframeTrack):
        keyframe = LandmarkKeyframe(time)
        return AddLandmarkKeyframe(target, keyframe), Item(lane, time, 1.0, obj=keyframe)
    key = Key(time, value, "ease_in_out")
    command = AddKey(target, key)
    command.label = f"Add {noun(lane)}"
    return command, Item(lane, time, value, obj=key)


def remove_command(tracks: Tracks, selection: list[Item]) -> Command:
    """One step removing every selected item."""
    parts = [_remove_one(tracks, item) for item in selection]
    if len(parts) == 1:
        return parts[0]
    macro = Macro(f"Delete {len(parts)} Keys")
    macro.commands.extend(parts)
    return macro


def _remove_one(tracks: Tracks, item: Item) -> Command:
    target = lane_target(tracks, item.lane)
    if isinstance(target, BlinkTrack):
        command: Command = RemoveBlink(target, item.obj)
    elif isinstance(target, LandmarkKeyframeTrack):
        command = RemoveLandmarkKeyframe(target, item.obj)
    else:
        command = RemoveKey(target, item.time)
    command.label = f"Delete {noun(item.lane)}"
    return command


def edit_command(tracks: Tracks, item: Item, label: str, **changes: float | str) -> tuple[Command, Item]:
    """Change time/value/duration/easing (landmark keyframes: also ease_in / ease_out spans) of one item.

    Returns the command and the item afterwards."""
    target = lane_target(tracks, item.lane)
    if isinstance(target, BlinkTrack):
        new_event = replace(item.obj, **{k: v for k, v in changes.items() if k in ("time", "duration")})
        command: Command = MoveBlink(target, item.obj, new_event.time)
        command.new = replace(new_event, generated=False)
        command.label = label
        return command, Item(item.lane, new_event.time, 1.0, new_event.duration, False, command.new)
    if isinstance(target, LandmarkKeyframeTrack):
        allowed = {k: v for k, v in changes.items() if k in ("time", "easing", "ease_in", "ease_out")}
        new_kf = replace(item.obj, **allowed)
        command = UpdateLandmarkKeyframe(target, item.obj, new_kf)
        command.label = label
        return command, Item(item.lane, new_kf.time, 1.0, obj=new_kf)
    new_key = replace(item.obj, **{k: v for k, v in changes.items() if k in ("time", "value", "easing")})
    return ReplaceKey(target, item.time, new_key, label), Item(item.lane, new_key.time, new_key.value, obj=new_key)
