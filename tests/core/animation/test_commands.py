import pytest

from core.animation.commands import (
    AddBlink,
    AddKey,
    AddLandmarkKeyframe,
    MoveBlink,
    MoveKey,
    RegenerateBlinks,
    RemoveBlink,
    RemoveKey,
    RemoveLandmarkKeyframe,
    ResizeBlink,
    SetGenerationSettings,
    SetKeyEasing,
    SetKeyValue,
    SetPoseMode,
    SetPoseSource,
    SetRestLandmarks,
    UndoStack,
    UpdateLandmarkKeyframe,
)
from core.animation.keyframes import Curve, Key
from core.animation.project import GenerationSettings, Project
from core.animation.tracks import BlinkEvent, BlinkTrack, LandmarkKeyframe, PoseTrack
from core.pose_source import PoseSource


def test_push_undo_redo_with_labels() -> None:
    stack, curve = UndoStack(), Curve()
    states = []
    stack.changed.connect(states.append)
    stack.push(AddKey(curve, Key(1.0, 0.5)))
    assert stack.undo_label == "Add Key" and not stack.is_clean
    stack.undo()
    assert len(curve) == 0 and stack.redo_label == "Add Key" and stack.is_clean
    stack.redo()
    assert curve.evaluate(1.0) == 0.5
    assert [s.can_undo for s in states] == [True, False, True]


def test_drag_merges_into_one_step_until_released() -> None:
    stack, track = UndoStack(), BlinkTrack([BlinkEvent(1.0)])
    event = BlinkEvent(1.0)
    for t in (1.1, 1.2, 1.3):
        stack.push(MoveBlink(track, event, t))
        event = track.events[0]
    assert len(stack) == 1 and stack.undo_label == "Move Blink"
    stack.end_merge()
    stack.push(MoveBlink(track, event, 2.0))
    assert len(stack) == 2
    stack.undo()
    stack.undo()
    assert list(track.events) == [BlinkEvent(1.0)]


def test_key_drag_merges_and_restores_original() -> None:
    stack, curve = UndoStack(), Curve([Key(1.0, 0.0), Key(2.0, 1.0)])
    stack.push(MoveKey(curve, 1.0, 1.2))
    stack.push(MoveKey(curve, 1.2, 1.5))
    assert len(stack) == 1
    stack.undo()
    assert [k.time for k in curve.keys] == [1.0, 2.0]


def test_key_value_easing_and_remove() -> None:
    stack, curve = UndoStack(), Curve([Key(0.0, 0.0), Key(1.0, 1.0)])
    stack.push(SetKeyValue(curve, 1.0, 3.0))
    stack.end_merge()
    stack.push(SetKeyEasing(curve, 0.0, "step"))
    stack.push(RemoveKey(curve, 1.0))
    assert len(curve) == 1
    for _ in range(3):
        stack.undo()
    assert curve.keys == (Key(0.0, 0.0), Key(1.0, 1.0))


def test_blink_commands_round_trip() -> None:
    stack, track = UndoStack(), BlinkTrack()
    stack.push(AddBlink(track, BlinkEvent(1.0)))
    stack.push(ResizeBlink(track, BlinkEvent(1.0), 0.3))
    stack.push(RemoveBlink(track, BlinkEvent(1.0, 0.3)))
    stack.push(RegenerateBlinks(track, 20.0, 1, 30.0))
    assert len(track.events) > 0
    for _ in range(4):
        stack.undo()
    assert len(track.events) == 0


def test_edited_generated_blink_becomes_hand_placed() -> None:
    stack, track = UndoStack(), BlinkTrack([BlinkEvent(1.0, generated=True)])
    stack.push(MoveBlink(track, track.events[0], 2.0))
    assert track.events[0] == BlinkEvent(2.0, generated=False)


def test_macro_is_one_step_and_rolls_back_on_error() -> None:
    stack, curve = UndoStack(), Curve()
    with stack.macro("Paste Keys"):
        stack.push(AddKey(curve, Key(0.0, 1.0)))
        stack.push(AddKey(curve, Key(1.0, 2.0)))
    assert len(stack) == 1 and stack.undo_label == "Paste Keys"
    with pytest.raises(ValueError):
        with stack.macro("Bad Paste"):
            stack.push(AddKey(curve, Key(5.0, 1.0)))
            stack.push(AddKey(curve, Key(0.0, 1.0)))  # clashes
    assert len(curve) == 2 and len(stack) == 1
    stack.undo()
    assert len(curve) == 0


def test_clean_state_tracks_saves() -> None:
    stack, curve = UndoStack(), Curve()
    stack.push(AddKey(curve, Key(0.0, 1.0)))
    stack.set_clean()
    assert stack.is_clean
    stack.push(AddKey(curve, Key(1.0, 1.0)))
    assert not stack.is_clean
    stack.undo()
    assert stack.is_clean
    stack.undo()
    stack.push(AddKey(curve, Key(2.0, 1.0)))  # the saved state is now unreachable
    assert not stack.is_clean


def test_pose_and_project_commands() -> None:
    project, pose = Project(), PoseTrack()
    project.undo_stack.push(SetPoseMode(pose, "override"))
    project.undo_stack.push(SetPoseSource(pose, PoseSource("still", seed=4)))
    project.undo_stack.push(SetGenerationSettings(project, GenerationSettings(blink_rate=5.0)))
    project.undo_stack.push(SetRestLandmarks(project, None))
    assert pose.mode == "override" and pose.source.kind == "still" and project.settings.blink_rate == 5.0
    for _ in range(4):
        project.undo_stack.undo()
    assert pose.mode == "add" and pose.source.kind == "generated" and project.settings.blink_rate == 17.0


def test_landmark_keyframe_commands() -> None:
    project = Project()
    track = project.tracks.landmarks
    stack = project.undo_stack
    first = LandmarkKeyframe(1.0, {30: (0.0, 0.1)})
    stack.push(AddLandmarkKeyframe(track, first))
    moved = LandmarkKeyframe(1.0, {30: (0.0, 0.2)})
    stack.push(UpdateLandmarkKeyframe(track, first, moved))
    stack.push(UpdateLandmarkKeyframe(track, moved, LandmarkKeyframe(1.0, {30: (0.0, 0.3)})))
    assert len(stack) == 2
    stack.push(RemoveLandmarkKeyframe(track, track.keyframes[0]))
    stack.undo()
    stack.undo()
    assert list(track.keyframes) == [first]


def test_pose_seed_and_amplitude_slider() -> None:
    from core.animation.commands import SetPoseAmplitude, SetPoseSeed

    stack, pose = UndoStack(), PoseTrack()
    stack.push(SetPoseSeed(pose, 9))
    stack.end_merge()
    for amplitude in (0.6, 0.7, 0.8):
        stack.push(SetPoseAmplitude(pose, amplitude))
    assert len(stack) == 2 and pose.source == PoseSource("generated", seed=9, amplitude=0.8)
    stack.undo()
    assert pose.source == PoseSource("generated", seed=9, amplitude=1.0)
