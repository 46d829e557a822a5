"""Timeline gestures become core commands: add, drag (one undo step), delete, box select, copy/paste."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent

from app.studio_session import StudioSession
from app.timeline_items import items
from app.timeline_panel import TimelinePanel
from app.timeline_view import TimelineView


def _timeline(qtbot) -> tuple[StudioSession, TimelineView]:  # noqa: ANN001
    session = StudioSession()
    view = TimelineView(session)
    view.resize(1000, view.minimumHeight())
    qtbot.addWidget(view)
    view.show()
    return session, view


def _panel(qtbot, size: tuple[int, int] = (1000, 420)) -> tuple[StudioSession, TimelinePanel]:  # noqa: ANN001
    session = StudioSession()
    panel = TimelinePanel(session)
    panel.resize(*size)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return session, panel


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


def test_ctrl_wheel_zooms_plain_wheel_scrolls_and_ruler_scrubs(qtbot) -> None:  # noqa: ANN001
    session, panel = _panel(qtbot)
    view, ruler = panel.view, panel.ruler
    qtbot.mouseClick(ruler, Qt.MouseButton.LeftButton, pos=QPoint(int(view.x_of(1.0)), 10))
    assert session.frame == round(session.project.fps)  # 1.0 s
    before = view.px_per_s
    view.wheelEvent(_wheel(Qt.KeyboardModifier.NoModifier))
    assert view.px_per_s == before  # a plain wheel is the scroll area's
    view.wheelEvent(_wheel(Qt.KeyboardModifier.ControlModifier))
    assert view.px_per_s > before
    assert ruler.mapping is view.mapping  # the ruler follows the zoom


def _wheel(modifiers: Qt.KeyboardModifier) -> QWheelEvent:
    return QWheelEvent(QPointF(400, 100), QPointF(400, 100), QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
                       modifiers, Qt.ScrollPhase.NoScrollPhase, False)


def test_double_click_sets_value_from_click_height_and_undoes(qtbot) -> None:  # noqa: ANN001
    session, view = _timeline(qtbot)
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=_lane_point(view, "emotion.happy", 1.0, 0.3))
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=_lane_point(view, "pose.yaw", 1.0, -15.0))
    happy = items(session.project.tracks, "emotion.happy")
    yaw = items(session.project.tracks, "pose.yaw")
    lane_px = view.lanes[[ln.name for ln in view.lanes].index("emotion.happy")].height - 6
    assert abs(happy[0].value - 0.3) <= 1.0 / lane_px + 0.01  # one pixel of the lane, not 1.0
    assert abs(yaw[0].value + 15.0) <= 60.0 / 26 + 0.01
    # a double-click above an existing key's frame (off its marker) sets that key's value
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=_lane_point(view, "emotion.happy", 1.0, 0.9))
    assert len(items(session.project.tracks, "emotion.happy")) == 1
    assert items(session.project.tracks, "emotion.happy")[0].value > 0.8
    assert session.undo_stack.undo_label == "Set Emotion Key"
    session.undo()
    assert abs(items(session.project.tracks, "emotion.happy")[0].value - happy[0].value) < 1e-9


def test_groups_collapse_and_lanes_resize(qtbot) -> None:  # noqa: ANN001
    session, view = _timeline(qtbot)
    names = [lane.name for lane in view.lanes]
    assert {"lips.openness", "blinks", "gaze.left_x", "emotion.happy", "pose.yaw", "landmarks"} <= set(names)
    assert min(lane.height for lane in view.lanes) >= 24
    emotion_top = dict(view.group_rows)["Emotion"]
    full = view.minimumHeight()
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(40, emotion_top + 5))
    assert "Emotion" in view.collapsed
    assert not any(lane.group == "Emotion" for lane in view.lanes)
    assert view.minimumHeight() < full - 8 * 24
    head_top = view.tops[[ln.name for ln in view.lanes].index("pose.yaw")]
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=_lane_point(view, "pose.yaw", 0.5, 10.0))
    assert len(items(session.project.tracks, "pose.yaw")) == 1  # lanes below a folded group still work
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(40, emotion_top + 5))
    assert "Emotion" not in view.collapsed and view.minimumHeight() == full
    # drag the lower edge of a lane in the label column: the lane grows, lanes below move down
    i = [ln.name for ln in view.lanes].index("gaze.left_x")
    edge = QPoint(40, view.tops[i] + view.lanes[i].height)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=edge)
    qtbot.mouseMove(view, edge + QPoint(0, 30))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=edge + QPoint(0, 30))
    assert view.lanes[i].height == 26 + 30
    assert view.tops[[ln.name for ln in view.lanes].index("pose.yaw")] == head_top + 8 * 26 + 30


def test_ruler_ends_with_the_line_and_stays_while_lanes_scroll(qtbot, sample_files) -> None:  # noqa: ANN001
    session, panel = _panel(qtbot, (1000, 300))
    session.open_audio(str(sample_files[1]))
    qtbot.wait(50)
    ruler, scroll = panel.ruler, panel.scroll
    end = ruler.end_x()
    assert abs(end - panel.view.x_of(session.project.duration)) < 1e-6
    assert end <= panel.view.width() + 1  # fitted: the whole line shows, the ruler ends at its end
    panel.mapping.set_view(0.0, panel.mapping.px_per_s / 2)  # zoomed out: half the strip lies past the end
    end = ruler.end_x()
    assert end < ruler.width() / 2 + 100
    image = ruler.grab().toImage()
    tick_row = 20  # inside the ruler's tick area
    lit_after_end = [x for x in range(int(end) + 3, ruler.width()) if image.pixelColor(x, tick_row).lightness() > 60]
    assert not lit_after_end  # no ticks or labels past the line's end
    ruler_y = ruler.mapTo(panel, QPoint(0, 0)).y()
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    assert scroll.verticalScrollBar().value() > 100  # the lanes do scroll at this height
    assert ruler.mapTo(panel, QPoint(0, 0)).y() == ruler_y and ruler.isVisible()


def test_head_lanes_show_the_generated_pose(qtbot) -> None:  # noqa: ANN001
    import numpy as np

    session, view = _timeline(qtbot)
    i = [ln.name for ln in view.lanes].index("pose.yaw")
    top, height = view.tops[i], view.lanes[i].height
    empty = view.grab().toImage()
    frames = session.project.frame_count
    deltas = np.zeros((frames, 6))
    deltas[:, 0] = 20.0 * np.sin(np.linspace(0, 6, frames))
    session.set_pose_motion(session.pose_request(), deltas)
    drawn = view.grab().toImage()
    changed = sum(empty.pixelColor(x, y) != drawn.pixelColor(x, y)
                  for x in range(200, 900, 7) for y in range(top + 1, top + height - 1))
    assert changed > 20  # the base pose is drawn in the yaw lane without any key
    assert view.base_of(view.lanes[i]) is not None


def test_the_generated_pose_is_redrawn_when_it_or_the_zoom_changes(qtbot) -> None:  # noqa: ANN001
    """The faint base is drawn once per lane and reused while keys move; new motion or a zoom redraws it."""
    import numpy as np

    session, view = _timeline(qtbot)
    i = [ln.name for ln in view.lanes].index("pose.yaw")
    rows = range(view.tops[i] + 1, view.tops[i] + view.lanes[i].height - 1)

    def lane_pixels() -> list:
        image = view.grab().toImage()
        return [image.pixelColor(x, y).rgb() for x in range(200, 900, 5) for y in rows]

    frames = session.project.frame_count
    deltas = np.zeros((frames, 6))
    deltas[:, 0] = 20.0 * np.sin(np.linspace(0, 6, frames))
    session.set_pose_motion(session.pose_request(), deltas)
    first = lane_pixels()
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=_lane_point(view, "gaze.left_x", 1.0, 0.5))
    assert lane_pixels() == first  # an edit elsewhere: the same base
    session.set_pose_motion(session.pose_request(), -deltas)
    flipped = lane_pixels()
    assert flipped != first
    view.mapping.zoom_at(500, 2.0)
    assert lane_pixels() != flipped
