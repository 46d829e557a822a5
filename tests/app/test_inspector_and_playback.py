"""Inspector edits and blink regeneration as undoable commands; wall-clock playback and its shortcuts."""

from __future__ import annotations

from app.inspector import Inspector
from app.playback import Playback
from app.studio_session import StudioSession
from app.timeline_items import add_command, items


def _session_with_keys() -> StudioSession:
    session = StudioSession()
    for lane, t, v in (("blinks", 1.0, 1.0), ("emotion.happy", 0.8, 0.5)):
        command, item = add_command(session.project.tracks, lane, t, v)
        session.push(command)
    return session


def test_inspector_sets_value_and_easing(qtbot) -> None:  # noqa: ANN001
    session = _session_with_keys()
    inspector = Inspector(session)
    qtbot.addWidget(inspector)
    session.select(items(session.project.tracks, "emotion.happy"))
    assert inspector.title.text() == "emotion.happy" and inspector.value.value() == 0.5
    inspector.value.setValue(0.9)
    inspector.value.editingFinished.emit()
    assert items(session.project.tracks, "emotion.happy")[0].value == 0.9
    assert session.undo_stack.undo_label == "Set Emotion Key"
    inspector.easing.setCurrentText("step")
    inspector.easing.activated.emit(inspector.easing.currentIndex())
    assert items(session.project.tracks, "emotion.happy")[0].obj.easing == "step"
    session.undo()
    session.undo()
    assert items(session.project.tracks, "emotion.happy")[0].value == 0.5


def test_blink_duration_and_regenerate_keeps_hand_placed(qtbot) -> None:  # noqa: ANN001
    session = _session_with_keys()
    session.project.duration = 20.0
    inspector = Inspector(session)
    qtbot.addWidget(inspector)
    session.select(items(session.project.tracks, "blinks"))
    inspector.duration.setValue(0.3)
    inspector.duration.editingFinished.emit()
    assert items(session.project.tracks, "blinks")[0].duration == 0.3
    inspector.rate.setValue(30.0)
    inspector.regenerate()
    blinks = items(session.project.tracks, "blinks")
    assert len(blinks) > 3 and any(b.time == 1.0 and not b.generated for b in blinks)
    assert session.undo_stack.undo_label == "Regenerate Blinks"
    session.undo()
    assert len(items(session.project.tracks, "blinks")) == 1


def test_playback_follows_wall_clock_and_loops(qtbot) -> None:  # noqa: ANN001
    session = StudioSession()
    playback = Playback(session)
    playback.play()
    qtbot.wait(400)
    playback.pause()
    assert 6 <= session.frame <= 14  # 25 fps × 0.4 s, frames dropped rather than drifting
    session.set_frame(0)
    playback.loop_range = (0, 5)
    playback.play()
    qtbot.wait(500)
    assert playback.playing and 0 <= session.frame <= 5
    playback.pause()


def test_pose_mode_and_gaze_link_are_undoable(qtbot) -> None:  # noqa: ANN001
    session = StudioSession()
    inspector = Inspector(session)
    qtbot.addWidget(inspector)
    inspector.pose_mode.setCurrentText("override")
    inspector.pose_mode.activated.emit(1)
    assert session.project.tracks.pose.mode == "override"
    inspector.linked.click()
    assert not session.project.tracks.gaze.linked
    assert session.undo_stack.undo_label == "Unlink Eyes"
    session.undo()
    session.undo()
    assert session.project.tracks.pose.mode == "add" and session.project.tracks.gaze.linked
    assert inspector.linked.isChecked()


def test_landmark_keyframe_spans_and_easing_from_the_inspector(qtbot) -> None:  # noqa: ANN001
    import numpy as np

    from core.animation.commands import AddLandmarkKeyframe
    from core.animation.landmark_track import LandmarkKeyframe

    session = StudioSession()
    track = session.project.tracks.landmarks
    session.push(AddLandmarkKeyframe(track, LandmarkKeyframe(2.0, {48: (0.0, -0.1)}, 0.25, 0.25, "linear")))
    inspector = Inspector(session)
    qtbot.addWidget(inspector)
    session.select(items(session.project.tracks, "landmarks"))
    assert inspector.ease_in.isEnabled() and inspector.ease_in.value() == 0.25
    inspector.ease_in.setValue(1.0)
    inspector.ease_in.editingFinished.emit()
    inspector.ease_out.setValue(0.0)
    inspector.ease_out.editingFinished.emit()
    inspector.easing.setCurrentText("ease_in")
    inspector.easing.activated.emit(inspector.easing.currentIndex())
    keyframe = track.keyframes[0]
    assert (keyframe.ease_in, keyframe.ease_out, keyframe.easing) == (1.0, 0.0, "ease_in")
    dy = track.offsets(np.array([1.5, 2.0, 2.01]))[:, 48, 1]
    assert -0.1 < dy[0] < 0.0 and dy[1] == -0.1 and dy[2] == 0.0  # blends in over 1 s, cuts out
    assert session.undo_stack.undo_label == "Edit Landmark Keyframe"
    session.undo()
    session.undo()  # each inspector edit is its own step
    assert (track.keyframes[0].ease_in, track.keyframes[0].ease_out) == (1.0, 0.25)
    assert inspector.ease_out.value() == 0.25  # the inspector shows the undone value
    session.select(items(session.project.tracks, "blinks")[:0])
    assert not inspector.ease_in.isEnabled()


def test_transcript_is_an_undoable_setting_that_asks_for_new_lips(qtbot) -> None:  # noqa: ANN001
    session = _session_with_keys()
    inspector = Inspector(session)
    qtbot.addWidget(inspector)
    inspector.transcript.setPlainText("  Welcome to the studio.\n")
    inspector.apply_transcript()
    assert session.project.settings.transcript == "Welcome to the studio."
    assert session.undo_stack.undo_label == "Change Settings"
    session.undo()
    assert session.project.settings.transcript == ""
    assert inspector.transcript.toPlainText() == ""  # the view follows the model
    with qtbot.waitSignal(inspector.transcript_applied, timeout=1000):
        inspector.apply_transcript()  # unchanged: asks for the lips to be made again
