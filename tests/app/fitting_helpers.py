"""Shared steps of the fitting tests: a drawn portrait on disk, the window, and mouse drags on the canvas."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt

from app.main_window import StudioWindow
from core.landmarks.face_landmarks import FaceLandmarks
from tests.drawn_face import draw_portrait


def drawn_portrait_file(folder: Path, name: str = "drawn.png") -> tuple[Path, FaceLandmarks]:
    """The test cartoon saved as a PNG with no landmark file beside it, and its true landmarks."""
    rgba, face = draw_portrait(512)
    path = folder / name
    assert cv2.imwrite(str(path), cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGRA))
    return path, face


def open_window(qtbot, image: Path) -> StudioWindow:  # noqa: ANN001
    """The studio showing ``image`` with its GL context up."""
    window = StudioWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_portrait(str(image))
    qtbot.waitUntil(lambda: window.canvas.ctx is not None)
    return window


def widget_point(canvas, image_xy: np.ndarray) -> QPoint:  # noqa: ANN001
    x, y = canvas.to_widget(np.asarray(image_xy, np.float64)[None])[0]
    return QPoint(int(round(x)), int(round(y)))


def drag_to(qtbot, canvas, index: int, image_target: np.ndarray) -> None:  # noqa: ANN001
    """Press on rig point ``index`` and release at ``image_target`` (image pixels), in three moves."""
    start = widget_point(canvas, canvas.editor.display_rig()[index])
    end = widget_point(canvas, image_target)
    press(qtbot, canvas, start)
    for step in (1, 2, 3):
        qtbot.mouseMove(canvas, start + (end - start) * step / 3)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)


def drag_by(qtbot, canvas, index: int, by: QPoint) -> None:  # noqa: ANN001
    """Press on rig point ``index`` and release ``by`` widget pixels further."""
    start = widget_point(canvas, canvas.editor.display_rig()[index])
    press(qtbot, canvas, start)
    for step in (1, 2, 3):
        qtbot.mouseMove(canvas, start + by * step / 3)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + by)


def press(qtbot, canvas, at: QPoint) -> None:  # noqa: ANN001
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=at)


def image_scale(canvas) -> float:  # noqa: ANN001
    """Widget pixels per image pixel at the canvas's current view."""
    return canvas.image_rect().width() / canvas.session.portrait.rgba.shape[1]


def cursor_image_xy(canvas, at: QPoint) -> np.ndarray:  # noqa: ANN001
    return canvas.to_image(QPointF(at))
