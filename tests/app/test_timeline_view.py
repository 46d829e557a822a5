"""Timeline gestures become core commands: add, drag (one undo step), delete, box select, copy/paste."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from app.studio_session import StudioSession
from app.timeline_items import items
from app.timeline_view import TimelineView


def _timeline(qtbot) -> tuple[StudioSession, TimelineView]:  # noqa: ANN001
    session = StudioSession()
    view = TimelineView(session)
    view.resize(1000, view.minimumHeight())
    qtbot.addWidget(view)
    view.show()
    return session, view


def _lane_point(view: TimelineView, lane: str, t: float, value: float | None = None) -> QPoint:
    i = [ln.name for ln in view.lanes].index(lane)
    y = view.tops[i] + view.lanes[i].height / 2 if value is None else view.y_of(i, value)
    return QPoint(int(round(view.x_of(t))), int(round(y)))


def test_double_click_adds_blink_snapped_to_frame(qtbot) -> None:  # noqa: ANN001
    session, view = _timeline(qtbot)
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=_lane_point(view, "blinks", 1.01))
    blinks = items(session.project.tracks, "blinks")
    assert len(blinks) == 1
    assert abs(blinks[0].time * session.project.fps - round(blinks[0].time * session.project.fps)) < 1e-6
    assert session.undo_stack.undo_label == "Add Blink"


def test_drag_moves_blink_as_one_undo_step(qtbot) -> None:  # noqa: ANN001
    session, view = _timeline(qtbot)
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=_lane_point(view, "blinks", 1.0))
    start = _lane_point(view, "blinks", 1.02)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    for dx in (10, 30, 60):
        qtbot.mouseMove(view, start + QPoint(dx, 0))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=start + QPoint(60, 0))
    moved = items(session.project.tracks, "blinks")[0]
    assert abs(moved.time - (1.0 + 60 / view.px_per_s)) <= 0.5 / session.project.fps + 1e-9
    assert session.undo_stack.undo_label == "Move Blink"
    session.undo()
    assert items(session.project.tracks, "blinks")[0].time == 1.0
    session.redo()
    assert items(session.project.tracks, "blinks")[0].time == moved.time


def test_gaze_key_drag_changes_time_and_value(qtbot) -> None:  # noqa: ANN001
    session, view = _timeline(qtbot)
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=_lane_point(view, "gaze.left_x", 0.8, 0.0))
    key = items(session.project.tracks, "gaze.left_x")[0]
    start = _lane_point(view, "gaze.left_x", key.time, key.value)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view, start + QPoint(48, -6))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=start + QPoint(48, -6))
    after = items(session.project.tracks, "gaze.left_x")[0]
    assert after.time > key.time and after.value > key.value
    assert session.undo_stack.undo_label == "Move Gaze Key"


def test_delete_box_select_copy_paste(qtbot) -> None:  # noqa: ANN001
    session, view = _timeline(qtbot)
    for t in (0.4, 0.8):
        qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=_lane_point(view, "emotion.happy", t, 1.0))
    a, b = _lane_point(view, "emotion.happy", 0.3, 1.0) + QPoint(0, -8), _lane_point(view, "emotion.happy", 0.9, 0.0)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(view, b + QPoint(0, 8))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=b + QPoint(0, 8))
    assert len(session.selection) == 2
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    session.set_frame(round(2.0 * session.project.fps))  # paste at 2.0 s
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert [round(k.time, 2) for k in items(session.project.tracks, "emotion.happy")] == [0.4, 0.8, 2.0, 2.4]
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert len(items(session.project.tracks, "emotion.happy")) == 2
    session.undo()
    assert len(items(session.project.tracks, "emotion.happy")) == 4


def test_wheel_zooms_and_ruler_scrubs(qtbot) -> None:  # noqa: ANN001
    session, view = _timeline(qtbot)
    before = view.px_per_s
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(int(view.x_of(1.0)), 10))
    assert session.frame == round(session.project.fps)  # 1.0 s
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent

    event = QWheelEvent(QPointF(400, 100), QPointF(400, 100), QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    view.wheelEvent(event)
    assert view.px_per_s > before
