"""The lip-opening curve in the Curves dock and the timeline, driven like a user: a double-click
at a height makes a key, a drag moves it, undo/redo and save/reopen keep it, and the rendered
mouth (the lip gap in the composed landmarks, not a mock) opens and closes with it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from app.base_motion import LIP_OPENNESS, base_values
from app.curve_editor import CurveEditor
from app.inspector import Inspector
from app.studio_session import StudioSession
from app.timeline_items import items
from app.timeline_view import TimelineView
from core.landmarks.face_geometry import mouth_openness


@pytest.fixture
def talking(qtbot, sample_files, tmp_path: Path) -> Iterator[StudioSession]:  # noqa: ANN001
    """The sample portrait and speech (copied into a project folder) with the speech model's lips."""
    from app.speech_motion import predict_base

    for source in (*sample_files, sample_files[0].with_name("portrait_landmarks.json")):
        if source.exists():
            shutil.copy(source, tmp_path / source.name)
    session = StudioSession()
    session.open_portrait(str(tmp_path / "portrait.png"))
    session.open_audio(str(tmp_path / "speech.wav"))
    session.set_speech_base(predict_base(session.portrait.rest_face, tmp_path / "speech.wav", session.project.fps))
    yield session


def _editor(qtbot, session: StudioSession) -> CurveEditor:  # noqa: ANN001
    editor = CurveEditor(session)
    editor.resize(1000, 460)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.show_channels((LIP_OPENNESS,))
    editor.frame_all()
    return editor


def _widget_point(editor: CurveEditor, t: float, value: float) -> QPoint:
    return editor.plot.mapFromScene(editor.plot.getViewBox().mapViewToScene(QPointF(t, value)))


def _rendered_openness(session: StudioSession) -> np.ndarray:
    """Per frame, the inner-lip gap over the mouth width of the composed pixel landmarks."""
    rigs = session.all_rigs()
    assert rigs is not None
    return mouth_openness(np.asarray(rigs[0][:, :68], np.float64))


def _wide_open_frame(session: StudioSession) -> int:
    """A frame in the middle of the line where the model opens the mouth wide."""
    generated = base_values(session, LIP_OPENNESS)
    frames = len(generated)
    middle = generated[frames // 4: 3 * frames // 4]
    return frames // 4 + int(np.argmax(middle))


def test_keys_added_dragged_undone_and_reopened_change_the_rendered_mouth(qtbot, talking: StudioSession,  # noqa: ANN001
                                                                           tmp_path: Path) -> None:
    session = talking
    editor = _editor(qtbot, session)
    inspector = Inspector(session)
    qtbot.addWidget(inspector)
    model = _rendered_openness(session)
    own = float(mouth_openness(session.portrait.rest_face.points68))
    frame = _wide_open_frame(session)
    t = frame / session.project.fps
    assert model[frame] > own + 0.05  # the model opens the mouth there

    # a double-click at height 1.6 keys the lips 1.6 times as open as the model made them
    qtbot.mouseDClick(editor.plot.viewport(), Qt.MouseButton.LeftButton, pos=_widget_point(editor, t, 1.6))
    (key,) = items(session.project.tracks, LIP_OPENNESS)
    assert abs(key.time - t) <= 1 / session.project.fps and abs(key.value - 1.6) < 0.05
    assert session.undo_stack.undo_label == "Add Lip Opening Key"
    assert session.selection == [key] and inspector.title.text() == LIP_OPENNESS
    assert inspector.value.value() == pytest.approx(key.value, abs=1e-3)  # the Inspector shows the new key
    opened = _rendered_openness(session)
    assert opened[frame] - own == pytest.approx(key.value * (model[frame] - own), rel=0.1)
    shut = np.flatnonzero(model <= own + 1e-4)
    assert shut.size and np.allclose(opened[shut], model[shut], atol=1e-4)  # closures and pauses stay
    result = editor._results[LIP_OPENNESS].getData()[1]
    assert result[frame] == pytest.approx(key.value * base_values(session, LIP_OPENNESS)[frame], rel=1e-6)

    # dragging the key down to 0.4 is one undo step, and the mouth opens less than the model's
    start = _widget_point(editor, key.time, key.value)
    end = _widget_point(editor, key.time, 0.4)
    viewport = editor.plot.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for k in range(1, 9):
        qtbot.mouseMove(viewport, start + (end - start) * k / 8)
        qtbot.wait(5)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    (moved,) = items(session.project.tracks, LIP_OPENNESS)
    assert abs(moved.value - 0.4) < 0.05 and moved.time == key.time
    assert session.undo_stack.undo_label == "Move Lip Opening Key"
    assert inspector.value.value() == pytest.approx(moved.value, abs=1e-3)
    lowered = _rendered_openness(session)
    assert lowered[frame] - own == pytest.approx(moved.value * (model[frame] - own), rel=0.1)

    session.undo()  # the drag
    assert items(session.project.tracks, LIP_OPENNESS)[0].value == key.value
    np.testing.assert_allclose(_rendered_openness(session), opened, atol=1e-6)
    session.undo()  # the key: the model's own lips, exactly
    assert not items(session.project.tracks, LIP_OPENNESS)
    np.testing.assert_array_equal(_rendered_openness(session), model)
    session.redo()
    session.redo()
    np.testing.assert_allclose(_rendered_openness(session), lowered, atol=1e-6)

    session.save(tmp_path / "line.space.json")
    session.new_project()
    session.load(str(tmp_path / "line.space.json"))
    assert [(k.time, k.value) for k in items(session.project.tracks, LIP_OPENNESS)] == [(moved.time, moved.value)]
    from app.speech_motion import predict_base

    session.set_speech_base(predict_base(session.portrait.rest_face, tmp_path / "speech.wav", session.project.fps))
    np.testing.assert_allclose(_rendered_openness(session), lowered, atol=1e-5)
    editor.close()
    inspector.close()


def test_timeline_double_click_on_the_lips_lane_keys_the_gain_from_its_height(qtbot, talking) -> None:  # noqa: ANN001
    session = talking
    view = TimelineView(session)
    view.resize(1000, view.minimumHeight())
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.mapping.fit(session.project.duration, view.width())
    i = [lane.name for lane in view.lanes].index(LIP_OPENNESS)
    at = QPoint(int(round(view.x_of(1.0))), int(round(view.y_of(i, 1.5))))
    model = _rendered_openness(session)
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=at)
    (key,) = items(session.project.tracks, LIP_OPENNESS)
    assert key.value == pytest.approx(1.5, abs=0.1) and session.undo_stack.undo_label == "Add Lip Opening Key"
    opened = _rendered_openness(session)
    assert (opened >= model - 1e-6).all() and opened.max() > model.max()  # a gain above 1 opens, never shuts
    inspector = Inspector(session)
    qtbot.addWidget(inspector)
    inspector.value.setValue(5.0)  # typed past the range: held at what the project file reads back
    inspector.value.editingFinished.emit()
    assert items(session.project.tracks, LIP_OPENNESS)[0].value == 2.0
    assert session.undo_stack.undo_label == "Set Lip Opening Key"
    session.undo()
    session.undo()
    np.testing.assert_array_equal(_rendered_openness(session), model)


def test_while_edits_come_in_the_shown_frame_is_composed_as_the_clip_does(qtbot, talking) -> None:  # noqa: ANN001
    from app.frame_draft import FrameDraft
    from core.animation.keyframes import Key
    from core.animation.tracks import BlinkEvent

    session = talking
    draft = FrameDraft(session)
    frames = session.project.frame_count
    deltas = np.zeros((frames, 6))
    deltas[:, 0] = 6.0 * np.sin(np.linspace(0, 5, frames))  # a moving head under the tracks
    session.set_pose_motion(session.pose_request(), deltas)
    tracks = session.project.tracks
    tracks.lips.curves["openness"].add(Key(1.0, 1.8))
    tracks.emotion.curves["happy"].add(Key(2.0, 0.7))
    tracks.blinks.add(BlinkEvent(1.5, 0.2))
    assert draft.pending  # edits arrived: the next frames are composed alone
    drafts = {f: draft.rig_at(f) for f in (0, 31, 45, frames // 2, frames - 1)}
    qtbot.waitUntil(lambda: not draft.pending, timeout=5000)  # the edits paused: the clip is composed
    for f, (rig, mouth) in drafts.items():
        full_rig, full_mouth = session.rig_at(f)
        np.testing.assert_allclose(rig, full_rig, atol=1e-3)  # pixels
        assert mouth == pytest.approx(full_mouth, abs=1e-6)
    assert np.shares_memory(draft.rig_at(31)[0], session.all_rigs()[0])  # settled: frames come from the clip again


def test_the_mouth_shape_lane_shows_the_shapes_of_the_lips_the_curve_makes(qtbot, talking) -> None:  # noqa: ANN001
    """Shut for the first half by the curve, the lane's derived blocks there close too (as the cue
    export's do); the second half keeps its open shapes; undo brings the model's blocks back."""
    from app.timeline_panel import TimelinePanel
    from core.animation.commands import AddKey
    from core.animation.keyframes import Key

    session = talking
    panel = TimelinePanel(session)
    panel.resize(1400, 420)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    lane = panel.mouth_lane
    qtbot.waitUntil(lambda: len(lane.marks.derived) > 0, timeout=30000)
    half = session.project.duration / 2

    def open_shapes(blocks, first: bool) -> set[str]:
        return {b.shape for b in blocks if (b.end <= half) == first} & set("CD")  # how far open, not phone shapes

    model = lane.blocks()
    assert open_shapes(model, True) and open_shapes(model, False)
    curve = session.project.tracks.lips.curves["openness"]
    with session.undo_stack.macro("Shut the First Half"):
        session.push(AddKey(curve, Key(0.0, 0.0, "step")))
        session.push(AddKey(curve, Key(half, 1.0)))
    shut = lane.blocks()
    assert not open_shapes(shut, True) and open_shapes(shut, False)
    session.undo()
    assert lane.blocks() == model
    lane.wait_for_marks()
    panel.close()
