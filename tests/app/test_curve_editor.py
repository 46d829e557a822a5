"""The Curves dock: keys dragged with the mouse (one undo step), base motion under them, framing, easing."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt

from app.curve_editor import CurveEditor
from app.studio_session import StudioSession
from app.timeline_items import add_command, items


def _editor(qtbot, channels: tuple[str, ...] = ("gaze.left_x",)) -> tuple[StudioSession, CurveEditor]:  # noqa: ANN001
    session = StudioSession()
    editor = CurveEditor(session)
    editor.resize(900, 420)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.show_channels(channels)
    return session, editor


def _key(session: StudioSession, lane: str, t: float, value: float) -> None:
    command, _item = add_command(session.project.tracks, lane, t, value)
    session.push(command)


def _widget_point(editor: CurveEditor, t: float, value: float) -> QPoint:
    """Where (t, value) lies in the plot widget, in widget pixels."""
    scene = editor.plot.getViewBox().mapViewToScene(QPointF(t, value))
    return editor.plot.mapFromScene(scene)


def _drag(qtbot, editor: CurveEditor, start: QPoint, end: QPoint) -> None:  # noqa: ANN001
    viewport = editor.plot.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for k in range(1, 9):  # several moves: the drag must still leave one undo step
        qtbot.mouseMove(viewport, start + (end - start) * k / 8)
        qtbot.wait(5)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


def test_dragging_a_key_moves_it_in_time_and_value_as_one_undo_step(qtbot) -> None:  # noqa: ANN001
    session, editor = _editor(qtbot)
    _key(session, "gaze.left_x", 1.0, 0.0)
    _key(session, "gaze.left_x", 3.0, 0.5)
    editor.frame_all()
    steps_before = len(session.undo_stack)
    start, end = _widget_point(editor, 1.0, 0.0), _widget_point(editor, 1.5, 0.4)
    _drag(qtbot, editor, start, end)
    keys = items(session.project.tracks, "gaze.left_x")
    moved = keys[0]
    assert abs(moved.time - 1.5) <= 2 / session.project.fps and abs(moved.value - 0.4) < 0.05
    assert len(session.undo_stack) == steps_before + 1  # one undo entry for the whole drag
    assert session.undo_stack.undo_label == "Move Gaze Key"
    assert session.selection == [moved]  # the Inspector shows the dragged key
    curve = editor._items["gaze.left_x"][1]
    assert abs(np.interp(moved.time, *curve.getData()) - moved.value) < 1e-6  # the drawn curve followed
    session.undo()
    assert [(k.time, k.value) for k in items(session.project.tracks, "gaze.left_x")] == [(1.0, 0.0), (3.0, 0.5)]
    session.redo()
    assert items(session.project.tracks, "gaze.left_x")[0] == moved


def test_base_motion_is_drawn_under_the_head_keys_and_frame_all_shows_it(qtbot) -> None:  # noqa: ANN001
    session, editor = _editor(qtbot, ("pose.yaw", "pose.pitch"))
    frames = session.project.frame_count
    deltas = np.zeros((frames, 6))
    deltas[:, 0] = 12.0 * np.sin(np.linspace(0, 4, frames))
    session.set_pose_motion(session.pose_request(), deltas)
    _key(session, "pose.yaw", 2.0, 20.0)
    base, curve, keys = editor._items["pose.yaw"]
    xs, ys = base.getData()
    assert len(xs) == frames and np.allclose(ys, deltas[:, 0])
    assert len(keys.points()) == 1 and curve.getData()[1].max() == 20.0
    editor.frame_all()
    (x0, x1), (y0, y1) = editor.plot.getViewBox().viewRange()
    assert x0 <= 0.0 and x1 >= session.project.duration
    assert y0 <= deltas[:, 0].min() and y1 >= 20.0  # generated motion and key both in view


def test_frame_selection_keys_and_easing(qtbot) -> None:  # noqa: ANN001
    session, editor = _editor(qtbot, ("emotion.happy",))
    for t, v in ((0.5, 0.0), (1.0, 0.8), (3.5, 0.2)):
        _key(session, "emotion.happy", t, v)
    session.select([items(session.project.tracks, "emotion.happy")[1]])
    qtbot.keyClick(editor.plot, Qt.Key.Key_F)
    (x0, x1), _y = editor.plot.getViewBox().viewRange()
    assert x0 < 1.0 < x1 and x1 - x0 < 1.5  # the selected key, not the whole line
    qtbot.keyClick(editor.plot, Qt.Key.Key_A)
    (x0, x1), _y = editor.plot.getViewBox().viewRange()
    assert x1 - x0 >= session.project.duration
    editor.easing.setCurrentText("step")
    editor.set_easing("step")
    assert items(session.project.tracks, "emotion.happy")[1].obj.easing == "step"
    assert session.undo_stack.undo_label == "Set Easing"
    curve = session.project.tracks.emotion.curves["happy"]
    assert curve.evaluate(3.0) == 0.8  # held until the next key
    session.undo()
    assert curve.evaluate(3.0) != 0.8


def test_double_click_on_the_plot_adds_a_key(qtbot) -> None:  # noqa: ANN001
    session, editor = _editor(qtbot, ("gaze.left_y",))
    editor.frame_all()
    at = _widget_point(editor, 2.0, 0.5)
    qtbot.mouseDClick(editor.plot.viewport(), Qt.MouseButton.LeftButton, pos=at)
    keys = items(session.project.tracks, "gaze.left_y")
    assert len(keys) == 1 and abs(keys[0].time - 2.0) < 0.05 and abs(keys[0].value - 0.5) < 0.05
    assert session.undo_stack.undo_label == "Add Gaze Key"
    qtbot.keyClick(editor.plot, Qt.Key.Key_Delete)  # the new key is selected: Delete removes it
    assert not items(session.project.tracks, "gaze.left_y")
    session.undo()
    assert len(items(session.project.tracks, "gaze.left_y")) == 1
