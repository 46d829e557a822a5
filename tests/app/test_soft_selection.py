"""Landmark drags move what you see: both halves of a mouth corner, neighbours within the soft
radius with a smooth falloff, and the keyframe the drag makes is selected in the Inspector."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint

from app.soft_selection import drag_weights, mirrored_delta, smooth_falloff
from core.animation.project import RenderSettings
from tests.app.fitting_helpers import drag_by, image_scale, open_window


def test_falloff_is_smooth_and_reaches_zero_at_the_radius() -> None:
    d = np.linspace(0, 12, 13)
    w = smooth_falloff(d, 10.0)
    assert w[0] == 1.0 and np.all(w[10:] == 0.0)
    assert np.all(np.diff(w) <= 0)  # never rises with distance
    assert abs(w[5] - 0.5) < 1e-9  # half way, half the weight
    assert np.all(smooth_falloff(d, 0.0) == 0.0)


def test_weights_link_the_lip_corners_and_mirror_flips_x() -> None:
    points = np.zeros((98, 2))
    points[:, 0] = np.arange(98) * 100.0  # far apart: only links move with the selection
    weights = drag_weights(points, {54}, radius=0.0)
    assert set(np.nonzero(weights)[0]) == {54, 64}
    mirror = np.arange(98)
    mirror[[48, 54, 60, 64]] = [54, 48, 64, 60]
    delta = mirrored_delta(weights, mirror, np.array([3.0, 2.0]))
    assert np.allclose(delta[[54, 64]], [3.0, 2.0]) and np.allclose(delta[[48, 60]], [-3.0, 2.0])


def _keyframe_window(qtbot, sample_files):  # noqa: ANN001, ANN202
    window = open_window(qtbot, sample_files[0])
    # The mesh warp moves each pixel with its own landmarks (the drawn style, which auto picks
    # for the cartoon sample, redraws the whole mouth from all its points).
    window.session.project.render = RenderSettings(renderer="warp")
    assert window.session.portrait.rest_face.source != "template"  # the sample's own landmark file
    assert window.canvas.editor.mode == "keyframe"
    return window


def test_mouth_corner_drag_with_soft_radius_moves_the_visible_corner(qtbot, sample_files) -> None:  # noqa: ANN001
    window = _keyframe_window(qtbot, sample_files)
    session, canvas = window.session, window.canvas
    window.fitting.soft_radius_box.setValue(30)  # the toolbar's "Soft radius" box
    assert canvas.editor.soft_radius == 30.0
    canvas.grabFramebuffer()  # a first paint makes the renderer
    before, frame_before = canvas.editor.display_rig().copy(), canvas.current_image()
    drag_by(qtbot, canvas, 48, QPoint(-12, 0))
    after, frame_after = canvas.editor.display_rig(), canvas.current_image()
    moved = np.linalg.norm(after - before, axis=1)
    full = 12 / image_scale(canvas)
    # Both halves of the corner follow the mouse all the way: the corner you see moves.
    assert abs(moved[48] - full) < 0.15 * full and abs(moved[60] - full) < 0.15 * full
    distance = np.linalg.norm(before[:68] - before[48], axis=1)
    near = [i for i in range(68) if 4 < distance[i] < 15 and i not in (48, 60)]
    far = [i for i in range(68) if distance[i] > 40]
    assert near and all(0.1 * full < moved[i] < full for i in near)  # neighbours follow, less
    assert np.all(moved[far] < 1e-3)  # beyond the radius nothing moves (the other corner, the chin)
    # Nearer points follow more (smooth falloff).
    order = np.argsort(distance[near])
    assert np.all(np.diff(moved[np.array(near)[order]]) <= 1e-3)
    assert session.undo_stack.undo_label == "Move Landmarks"
    # The rendered frame changes at that mouth corner, and not at the other one.
    changed = np.abs(frame_after[..., :3].astype(int) - frame_before[..., :3]).max(axis=2) > 12
    x, y = np.round(before[48]).astype(int)
    ox, oy = np.round(before[54]).astype(int)
    assert changed[y - 8 : y + 9, x - 12 : x + 9].sum() > 20
    assert changed[oy - 8 : oy + 9, ox - 8 : ox + 13].sum() == 0


def test_the_keyframe_a_drag_makes_is_selected_in_the_inspector(qtbot, sample_files) -> None:  # noqa: ANN001
    window = _keyframe_window(qtbot, sample_files)
    session, canvas = window.session, window.canvas
    session.set_frame(30)
    drag_by(qtbot, canvas, 54, QPoint(10, 0))
    [keyframe] = session.project.tracks.landmarks.keyframes
    assert [item.obj for item in session.selection] == [keyframe]
    assert abs(keyframe.time - 1.0) < 1e-9
    inspector = window.inspector
    assert inspector.title.text() == "landmarks"
    assert abs(inspector.time.value() - 1.0) < 1e-9 and inspector.ease_in.isEnabled()
    # A second drag on the same frame edits that keyframe, keeps its blend spans, and stays selected.
    inspector.ease_in.setValue(0.5)
    inspector.ease_in.editingFinished.emit()
    drag_by(qtbot, canvas, 54, QPoint(6, 0))
    [edited] = session.project.tracks.landmarks.keyframes
    assert edited.ease_in == 0.5 and edited.offsets[54][0] > keyframe.offsets[54][0]
    assert [item.obj for item in session.selection] == [edited]


def _wheel(canvas, at: QPoint, notches: int) -> None:  # noqa: ANN001
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    for _ in range(abs(notches)):
        event = QWheelEvent(QPointF(at), QPointF(canvas.mapToGlobal(at)), QPoint(0, 0), QPoint(0, 120 if notches > 0 else -120),
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(canvas, event)


def test_the_wheel_sets_the_soft_radius_while_dragging(qtbot, sample_files) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt

    from tests.app.fitting_helpers import press, widget_point

    window = _keyframe_window(qtbot, sample_files)
    window.mode_box.setCurrentIndex(1)  # rest landmarks of a detected face: no fitting, plain drags
    session, canvas = window.session, window.canvas
    assert not canvas.editor.fitting
    before = session.portrait.rest_face.rig_points().copy()
    start = widget_point(canvas, before[48])
    press(qtbot, canvas, start)
    qtbot.mouseMove(canvas, start + QPoint(-10, 0))
    moved = np.linalg.norm(session.portrait.rest_face.rig_points() - before, axis=1)
    assert set(np.nonzero(moved > 1e-4)[0]) == {48, 60}
    zoom = canvas.zoom
    _wheel(canvas, start + QPoint(-10, 0), 6)  # 5 px, then ×1.2 five times
    assert window.fitting.soft_radius_box.value() == round(5 * 1.2**5) and canvas.zoom == zoom
    moved = np.linalg.norm(session.portrait.rest_face.rig_points() - before, axis=1)
    assert len(np.nonzero(moved > 1e-4)[0]) > 2  # neighbours follow at once, mid-drag
    _wheel(canvas, start + QPoint(-10, 0), -12)
    assert window.fitting.soft_radius_box.value() == 0
    moved = np.linalg.norm(session.portrait.rest_face.rig_points() - before, axis=1)
    assert set(np.nonzero(moved > 1e-4)[0]) == {48, 60}
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + QPoint(-10, 0))
    session.undo()  # the whole drag, radius changes included, is one step
    assert np.allclose(session.portrait.rest_face.rig_points(), before)
