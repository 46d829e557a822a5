"""Every studio edit as an undoable Command (push them on ``Project.undo_stack``).

Commands hold the objects they edit and address items by value (a key by its
time, a blink or landmark keyframe by equality), so they stay valid however
the lists are re-sorted. Drags: push one command per mouse move with the same
``merge_id``; the stack merges them, and ``UndoStack.end_merge()`` on release.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from core.animation.blink_track import BlinkEvent, BlinkTrack
from core.animation.keyframes import Curve, Key
from core.animation.landmark_track import LandmarkKeyframe, LandmarkKeyframeTrack
from core.animation.mouth_shapes import MouthShapeBlock, MouthShapeTrack, merged, split, with_edge, with_shape, with_strength, without
from core.animation.tracks import PoseMode, PoseTrack
from core.pose_source import PoseSource
from core.animation.undo_stack import Command, Macro, UndoStack, UndoState

if TYPE_CHECKING:
    from core.animation.project import GenerationSettings, Project, RenderSettings
    from core.landmarks.face_landmarks import FaceLandmarks

__all__ = [
    "AddBlink", "AddKey", "AddLandmarkKeyframe", "Command", "EditMouthShapes", "FollowModelMouth", "Macro",
    "MergeMouthShapes", "MoveBlink", "MoveKey", "MoveMouthShapeEdge", "SetMouthShape", "SetMouthShapeStrength", "SplitMouthShape",
    "RegenerateBlinks", "RemoveBlink", "RemoveKey", "RemoveLandmarkKeyframe", "ReplaceKey",
    "ResizeBlink", "SetAttribute", "SetGenerationSettings", "SetRenderSettings", "SetKeyEasing", "SetKeyValue",
    "SetGazeLinked", "SetPoseAmplitude", "SetPoseMode", "SetPoseSeed", "SetPoseSource",
    "SetRestLandmarks", "UndoStack", "UndoState", "UpdateLandmarkKeyframe",
]


# --- curves ------------------------------------------------------------------
class AddKey(Command):
    """Add ``key`` to ``curve``."""

    label = "Add Key"

    def __init__(self, curve: Curve, key: Key) -> None:
        self.curve, self.key = curve, key

    def do(self) -> None:
        self.curve.add(self.key)

    def undo(self) -> None:
        self.curve.remove(self.key.time)


class RemoveKey(Command):
    """Remove the key at ``time``."""

    label = "Remove Key"

    def __init__(self, curve: Curve, time: float) -> None:
        self.curve, self.key = curve, curve.key_at(time)

    def do(self) -> None:
        self.curve.remove(self.key.time)

    def undo(self) -> None:
        self.curve.add(self.key)


class ReplaceKey(Command):
    """Swap the key at ``time`` for ``new`` (value, easing, and/or time). Mergeable by key."""

    def __init__(self, curve: Curve, time: float, new: Key, label: str = "Edit Key") -> None:
        self.curve, self.old, self.new, self.label = curve, curve.key_at(time), new, label
        self.merge_id = ("key", id(curve), label)

    def do(self) -> None:
        self.curve.replace(self.old.time, self.new)

    def undo(self) -> None:
        self.curve.replace(self.new.time, self.old)

    def merge_with(self, other: Command) -> bool:
        if not isinstance(other, ReplaceKey) or other.old != self.new:
            return False  # another key of the same curve
        self.new = other.new
        return True


def MoveKey(curve: Curve, time: float, new_time: float) -> ReplaceKey:  # noqa: N802 - reads as a class
    """'Move Key': the key at ``time`` to ``new_time``."""
    return ReplaceKey(curve, time, replace(curve.key_at(time), time=new_time), "Move Key")


def SetKeyValue(curve: Curve, time: float, value: float) -> ReplaceKey:  # noqa: N802
    """'Set Key Value'."""
    return ReplaceKey(curve, time, replace(curve.key_at(time), value=value), "Set Key Value")


def SetKeyEasing(curve: Curve, time: float, easing: str) -> ReplaceKey:  # noqa: N802
    """'Set Key Easing'."""
    return ReplaceKey(curve, time, Key(time, curve.key_at(time).value, easing), "Set Key Easing")


# --- blinks ------------------------------------------------------------------
class AddBlink(Command):
    """Add a (hand-placed) blink."""

    label = "Add Blink"

    def __init__(self, track: BlinkTrack, event: BlinkEvent) -> None:
        self.track, self.event = track, event

    def do(self) -> None:
        self.track.add(self.event)

    def undo(self) -> None:
        self.track.remove(self.event)


class RemoveBlink(Command):
    """Remove a blink."""

    label = "Remove Blink"

    def __init__(self, track: BlinkTrack, event: BlinkEvent) -> None:
        self.track, self.event = track, event

    def do(self) -> None:
        self.track.remove(self.event)

    def undo(self) -> None:
        self.track.add(self.event)


class _ReplaceBlink(Command):
    """Swap one blink for another; a drag of the same blink merges into one step."""

    def __init__(self, track: BlinkTrack, old: BlinkEvent, new: BlinkEvent) -> None:
        # An edited generated blink becomes hand-placed so regenerate keeps it.
        self.track, self.old, self.new = track, old, replace(new, generated=False)
        self.merge_id = ("blink", id(track), type(self).__name__)

    def do(self) -> None:
        self.track.replace(self.old, self.new)

    def undo(self) -> None:
        self.track.replace(self.new, self.old)

    def merge_with(self, other: Command) -> bool:
        if not isinstance(other, type(self)) or other.old != self.new:
            return False
        self.new = other.new
        return True


class MoveBlink(_ReplaceBlink):
    """'Move Blink' to ``time``."""

    label = "Move Blink"

    def __init__(self, track: BlinkTrack, event: BlinkEvent, time: float) -> None:
        super().__init__(track, event, replace(event, time=float(time)))


class ResizeBlink(_ReplaceBlink):
    """'Resize Blink' to ``duration`` seconds."""

    label = "Resize Blink"

    def __init__(self, track: BlinkTrack, event: BlinkEvent, duration: float) -> None:
        super().__init__(track, event, replace(event, duration=float(duration)))


class RegenerateBlinks(Command):
    """Resample generated blinks (hand-placed ones stay)."""

    label = "Regenerate Blinks"

    def __init__(self, track: BlinkTrack, rate_per_minute: float, seed: int, duration: float) -> None:
        self.track = track
        self.old = list(track.events)
        self.new = track.regenerated(rate_per_minute, seed, duration)

    def do(self) -> None:
        self.track.set_events(self.new)

    def undo(self) -> None:
        self.track.set_events(self.old)


# --- landmark keyframes ------------------------------------------------------
class AddLandmarkKeyframe(Command):
    """Add a landmark keyframe."""

    label = "Add Landmark Keyframe"

    def __init__(self, track: LandmarkKeyframeTrack, keyframe: LandmarkKeyframe) -> None:
        self.track, self.keyframe = track, keyframe

    def do(self) -> None:
        self.track.add(self.keyframe)

    def undo(self) -> None:
        self.track.remove(self.keyframe)


class RemoveLandmarkKeyframe(Command):
    """Remove a landmark keyframe (undo puts it back at the same place)."""

    label = "Remove Landmark Keyframe"

    def __init__(self, track: LandmarkKeyframeTrack, keyframe: LandmarkKeyframe) -> None:
        self.track, self.keyframe = track, keyframe
        self.index = list(track.keyframes).index(keyframe)

    def do(self) -> None:
        self.track.remove(self.keyframe)

    def undo(self) -> None:
        self.track.keyframes.insert(self.index, self.keyframe)


class UpdateLandmarkKeyframe(Command):
    """Replace a landmark keyframe (points dragged, time or spans edited); drags merge."""

    label = "Edit Landmark Keyframe"

    def __init__(self, track: LandmarkKeyframeTrack, old: LandmarkKeyframe, new: LandmarkKeyframe) -> None:
        self.track, self.old, self.new = track, old, new
        self.merge_id = ("landmark-keyframe", id(track))

    def do(self) -> None:
        self.track.replace(self.old, self.new)

    def undo(self) -> None:
        self.track.replace(self.new, self.old)

    def merge_with(self, other: Command) -> bool:
        if not isinstance(other, UpdateLandmarkKeyframe) or other.old != self.new:
            return False
        self.new = other.new
        return True


# --- attributes, pose, project -----------------------------------------------
class SetAttribute(Command):
    """Set ``obj.name = value`` (a property that emits).

    With ``merge=True`` (slider drags) consecutive sets of the same attribute
    merge into one step until ``UndoStack.end_merge()``.
    """

    def __init__(self, obj: object, name: str, value: Any, label: str, merge: bool = False) -> None:
        self.obj, self.name, self.value, self.label = obj, name, value, label
        self.old = getattr(obj, name)
        self.merge_id = ("attribute", id(obj), name) if merge else None

    def do(self) -> None:
        setattr(self.obj, self.name, self.value)

    def undo(self) -> None:
        setattr(self.obj, self.name, self.old)

    def merge_with(self, other: Command) -> bool:
        if not isinstance(other, SetAttribute):
            return False
        self.value = other.value
        return True


def SetPoseMode(track: PoseTrack, mode: PoseMode) -> SetAttribute:  # noqa: N802
    """'Set Pose Mode' ('override' | 'add')."""
    return SetAttribute(track, "mode", mode, "Set Pose Mode")


def SetPoseSource(  # noqa: N802
    track: PoseTrack, source: PoseSource, merge: bool = False
) -> SetAttribute:
    """'Set Pose Source' (kind, seed, amplitude, video path — all in one value)."""
    return SetAttribute(track, "source", source, "Set Pose Source", merge)


def SetPoseSeed(track: PoseTrack, seed: int) -> SetAttribute:  # noqa: N802
    """'Set Pose Seed': a new PoseGen sample."""
    return SetAttribute(track, "source", replace(track.source, seed=int(seed)), "Set Pose Seed")


def SetPoseAmplitude(track: PoseTrack, amplitude: float, merge: bool = True) -> SetAttribute:  # noqa: N802
    """'Set Pose Amplitude' (slider: merges until ``end_merge``)."""
    return SetAttribute(track, "source", replace(track.source, amplitude=float(amplitude)), "Set Pose Amplitude", merge)


def SetGazeLinked(track: object, linked: bool) -> SetAttribute:  # noqa: N802
    """'Link Eyes' / 'Unlink Eyes'."""
    return SetAttribute(track, "linked", linked, "Link Eyes" if linked else "Unlink Eyes")


def SetRestLandmarks(project: Project, face: FaceLandmarks | None) -> SetAttribute:  # noqa: N802
    """'Edit Portrait Landmarks': the portrait's own landmarks (None = detect again)."""
    return SetAttribute(project, "rest_landmarks", face, "Edit Portrait Landmarks")


def SetGenerationSettings(  # noqa: N802
    project: Project, settings: GenerationSettings, merge: bool = False
) -> SetAttribute:
    """'Change Settings': blink rate and seed, emotion defaults, look-ahead."""
    return SetAttribute(project, "settings", settings, "Change Settings", merge)


# --- mouth shapes ------------------------------------------------------------
class EditMouthShapes(Command):
    """Replace the mouth-shape overrides with ``blocks`` (an edit from core.animation.mouth_shapes).

    With ``merge=True`` (an edge or strength drag, each move computed from the state the
    drag began with) consecutive edits of one label merge until ``UndoStack.end_merge()``."""

    def __init__(self, track: MouthShapeTrack, blocks: tuple[MouthShapeBlock, ...], label: str,
                 merge: bool = False) -> None:
        self.track, self.old, self.new, self.label = track, track.blocks, tuple(blocks), label
        self.merge_id = ("mouth-shapes", id(track), label) if merge else None

    def do(self) -> None:
        self.track.set_blocks(self.new)

    def undo(self) -> None:
        self.track.set_blocks(self.old)

    def merge_with(self, other: Command) -> bool:
        if not isinstance(other, EditMouthShapes) or other.old != self.new:
            return False
        self.new = other.new
        return True


def SetMouthShape(track: MouthShapeTrack, block: MouthShapeBlock, shape: str) -> EditMouthShapes:  # noqa: N802
    """'Change Mouth Shape' of a shown block (derived or override)."""
    return EditMouthShapes(track, with_shape(track.blocks, block, shape), "Change Mouth Shape")


def SetMouthShapeStrength(track: MouthShapeTrack, block: MouthShapeBlock, strength: float,  # noqa: N802
                          merge: bool = False) -> EditMouthShapes:
    """'Set Mouth Shape Strength' (0..1)."""
    return EditMouthShapes(track, with_strength(track.blocks, block, strength), "Set Mouth Shape Strength", merge)


def MoveMouthShapeEdge(track: MouthShapeTrack, began: tuple[MouthShapeBlock, ...], left: MouthShapeBlock,  # noqa: N802
                       right: MouthShapeBlock, time: float) -> EditMouthShapes:
    """'Move Mouth Shape Edge' between ``left`` and ``right`` to ``time``, computed from the
    overrides the drag ``began`` with; drag moves merge into one step."""
    return EditMouthShapes(track, with_edge(began, left, right, time), "Move Mouth Shape Edge", merge=True)


def SplitMouthShape(track: MouthShapeTrack, block: MouthShapeBlock, time: float) -> EditMouthShapes:  # noqa: N802
    """'Split Mouth Shape' at ``time`` (ValueError too near an edge)."""
    return EditMouthShapes(track, split(track.blocks, block, time), "Split Mouth Shape")


def MergeMouthShapes(track: MouthShapeTrack, left: MouthShapeBlock, right: MouthShapeBlock) -> EditMouthShapes:  # noqa: N802
    """'Merge Mouth Shapes': ``right`` joins ``left`` (its shape and strength)."""
    return EditMouthShapes(track, merged(track.blocks, left, right), "Merge Mouth Shapes")


def FollowModelMouth(track: MouthShapeTrack, block: MouthShapeBlock) -> EditMouthShapes:  # noqa: N802
    """'Follow the Model': drop an override; the lips there are the model's again."""
    return EditMouthShapes(track, without(track.blocks, block), "Follow the Model")


# --- render settings ----------------------------------------------------------
def SetRenderSettings(project: Project, render: RenderSettings) -> SetAttribute:  # noqa: N802
    """'Change Render Style': renderer, mouth set and background together (one undo step)."""
    return SetAttribute(project, "render", render, "Change Render Style")
