"""The GL preview: renders the portrait, zooms, and turns landmark drags into keyframes (one undo step)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt

from app.preview_canvas import PreviewCanvas
from app.studio_session import StudioSession


def _canvas(qtbot, sample_files) -> PreviewCanvas:  # noqa: ANN001
    session = StudioSession()
    session.open_portrait(str(sample_files[0]))
    session.open_audio(str(sample_files[1]))
    canvas = PreviewCanvas(session)
    canvas.resize(640, 640)
    qtbot.addWidget(canvas)
    canvas.show()
    qtbot.waitExposed(canvas)
    qtbot.waitUntil(lambda: canvas.ctx is not None)
    return canvas


def _widget_point(canvas: PreviewCanvas, index: int) -> QPoint:
    rig = canvas.editor.display_rig()
    x, y = canvas.to_widget(rig[index : index + 1])[0]
    return QPoint(int(round(x)), int(round(y)))


def test_canvas_shows_the_portrait(qtbot, sample_files) -> None:  # noqa: ANN001
    canvas = _canvas(qtbot, sample_files)
    image = canvas.grabFramebuffer()
    centre = image.pixelColor(320, 320)
    corner = image.pixelColor(2, 2)
    assert centre != corner  # the portrait, not just the clear colour
    assert canvas.ctx.error == "GL_NO_ERROR"


def test_drag_landmark_creates_keyframe_with_mirror(qtbot, sample_files) -> None:  # noqa: ANN001
    canvas = _canvas(qtbot, sample_files)
    session = canvas.session
    session.set_frame(20)
    canvas.editor.mirror = True
    start = _widget_point(canvas, 48)  # left mouth corner
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    for dy in (-3, -6, -10):
        qtbot.mouseMove(canvas, start + QPoint(0, dy))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + QPoint(0, -10))
    keyframes = list(session.project.tracks.landmarks.keyframes)
    assert len(keyframes) == 1 and abs(keyframes[0].time - 20 / session.project.fps) < 1e-9
    assert keyframes[0].offsets[48][1] < 0 and keyframes[0].offsets[54][1] < 0  # mirrored partner moved too
    assert session.undo_stack.undo_label == "Move Landmarks"
    session.undo()
    assert len(session.project.tracks.landmarks.keyframes) == 0


def test_rest_mode_moves_portrait_landmarks(qtbot, sample_files) -> None:  # noqa: ANN001
    canvas = _canvas(qtbot, sample_files)
    session = canvas.session
    canvas.editor.mode = "rest"
    before = session.portrait.rest_face.points68[30, :2].copy()
    start = _widget_point(canvas, 30)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, start + QPoint(8, 0))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + QPoint(8, 0))
    assert session.portrait.rest_face.points68[30, 0] > before[0]
    session.undo()
    assert np.allclose(session.portrait.rest_face.points68[30, :2], before)


def test_wheel_zoom_keeps_point_under_cursor(qtbot, sample_files) -> None:  # noqa: ANN001
    from PySide6.QtGui import QWheelEvent

    canvas = _canvas(qtbot, sample_files)
    pos = QPointF(200, 260)
    under = canvas.to_image(pos)
    event = QWheelEvent(pos, canvas.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    canvas.wheelEvent(event)
    assert canvas.zoom > 1.0
    assert np.allclose(canvas.to_image(pos), under, atol=0.5)


def _grab_rgb(canvas: PreviewCanvas) -> np.ndarray:
    image = canvas.grabFramebuffer().convertToFormat(canvas.grabFramebuffer().Format.Format_RGB888)
    ptr = image.constBits()
    return np.frombuffer(ptr, np.uint8).reshape(image.height(), image.bytesPerLine())[:, :image.width() * 3] \
        .reshape(image.height(), image.width(), 3).copy()


def _screen_matches_render(canvas: PreviewCanvas, shift: int = 0) -> float:
    """Mean abs difference between the on-screen image rect and the offscreen render, resized alike."""
    import cv2

    screen = _grab_rgb(canvas)
    r = canvas.image_rect()
    x0, y0, x1, y1 = (int(round(v)) + shift for v in (r.left(), r.top(), r.right(), r.bottom()))
    shown = screen[max(y0, 0):y1, max(x0, 0):x1]
    rendered = canvas.current_image()[..., :3]
    h, w = rendered.shape[:2]
    s = r.width() / w
    crop = rendered[int((max(y0, 0) - y0) / s):, int((max(x0, 0) - x0) / s):]
    crop = crop[:int(shown.shape[0] / s), :int(shown.shape[1] / s)]
    shown = cv2.resize(shown, (crop.shape[1], crop.shape[0]), interpolation=cv2.INTER_AREA)
    return float(np.abs(shown.astype(np.float32) - crop.astype(np.float32)).mean())


def test_render_to_screen_matches_the_offscreen_frame_at_any_zoom(qtbot, sample_files) -> None:  # noqa: ANN001
    canvas = _canvas(qtbot, sample_files)
    canvas.session.set_frame(30)
    assert _screen_matches_render(canvas) < 3.0 < _screen_matches_render(canvas, shift=6)  # placed to the pixel
    canvas.zoom, canvas.pan = 2.0, QPointF(60, -40)
    canvas.update()
    assert _screen_matches_render(canvas) < 3.0
    corner = _grab_rgb(canvas)[2, 2]
    assert canvas.ctx.error == "GL_NO_ERROR" and corner.tolist() != [0, 0, 0]
