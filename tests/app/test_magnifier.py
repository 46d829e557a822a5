"""The 4× loupe while a landmark is dragged: the pixels under the cursor, enlarged, in a canvas corner."""

from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage

from tests.app.fitting_helpers import drawn_portrait_file, image_scale, open_window, press, widget_point


def _grab(qtbot, canvas) -> np.ndarray:  # noqa: ANN001
    """What the canvas shows (GL frame and overlay), RGB."""
    canvas.update()
    qtbot.wait(50)
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def _loupe(pixels: np.ndarray, canvas) -> np.ndarray:  # noqa: ANN001
    r = canvas.magnifier.rect().toRect()
    return pixels[r.top() + 4 : r.bottom() - 4, r.left() + 4 : r.right() - 4]


def _enlarged(region: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    return cv2.resize(region, (shape[1], shape[0]), interpolation=cv2.INTER_NEAREST)


def test_rest_mode_loupe_shows_the_portrait_four_times_larger(qtbot, tmp_path) -> None:  # noqa: ANN001
    image, truth = drawn_portrait_file(tmp_path)
    window = open_window(qtbot, image)
    window.mode_box.setCurrentIndex(1)  # Rest landmarks, fitting the template face
    canvas = window.canvas
    assert not canvas.magnifier.active
    at = widget_point(canvas, canvas.editor.display_rig()[36])
    press(qtbot, canvas, at)
    target = at + QPoint(8, -6)
    qtbot.mouseMove(canvas, target)
    assert canvas.magnifier.active and canvas.magnifier.caption() == "4× · eye corner"
    pixels = _grab(qtbot, canvas)
    loupe = _loupe(pixels, canvas)
    # The portrait around the cursor, enlarged 4× relative to the canvas's own view.
    half = canvas.magnifier.source_side() / 2 / image_scale(canvas)
    x, y = canvas.to_image(QPointF(target))
    rgb = np.ascontiguousarray(window.session.portrait.rgba[..., :3])
    region = rgb[int(round(y - half)) + 1 : int(round(y + half)) - 1, int(round(x - half)) + 1 : int(round(x + half)) - 1]
    expected = _enlarged(region, loupe.shape[:2])
    assert np.median(np.abs(loupe.astype(int) - expected)) < 12  # points and crosshair cover little of it
    assert np.abs(loupe.astype(int) - expected).mean() < np.abs(loupe.astype(int) - loupe.mean((0, 1))).mean()
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=target)
    assert not canvas.magnifier.active


def test_keyframe_loupe_enlarges_the_rendered_frame_and_can_be_switched_off(qtbot, sample_files) -> None:  # noqa: ANN001
    window = open_window(qtbot, sample_files[0])
    canvas = window.canvas
    at = widget_point(canvas, canvas.editor.display_rig()[48])
    press(qtbot, canvas, at)
    pixels = _grab(qtbot, canvas)
    loupe = _loupe(pixels, canvas)
    side = canvas.magnifier.source_side()
    around = pixels[int(at.y() - side / 2) + 1 : int(at.y() + side / 2) - 1,
                    int(at.x() - side / 2) + 1 : int(at.x() + side / 2) - 1]
    difference = np.abs(loupe.astype(int) - _enlarged(around, loupe.shape[:2]))
    assert np.median(difference) < 12
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=at)
    # View ▸ Magnifier While Dragging off: the corner shows the frame, not a loupe.
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    next(a for a in view.actions() if a.text() == "Magnifier While Dragging").setChecked(False)
    press(qtbot, canvas, at)
    plain = _loupe(_grab(qtbot, canvas), canvas)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=at)
    assert not canvas.magnifier.enabled
    assert np.abs(plain.astype(int) - loupe).max(axis=2).mean() > 20


def test_loupe_moves_out_of_the_cursors_way(qtbot, tmp_path) -> None:  # noqa: ANN001
    image, _truth = drawn_portrait_file(tmp_path)
    canvas = open_window(qtbot, image).canvas
    canvas.editor.cursor = QPointF(canvas.width() / 2, canvas.height() / 2)
    right = canvas.magnifier.rect()
    assert right.right() > canvas.width() - 20 and right.top() >= 20  # top right, under the caption
    canvas.editor.cursor = right.center()
    assert canvas.magnifier.rect().left() < 20  # the cursor is there: top left instead
