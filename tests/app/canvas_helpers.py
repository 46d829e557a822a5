"""Shared steps of the canvas tests: the studio with the sample open, what the canvas shows, the View menu."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QAction, QImage

from app.main_window import StudioWindow


def sample_window(qtbot, sample_files) -> StudioWindow:  # noqa: ANN001
    """A shown studio window with the sample portrait and speech open and its GL context made."""
    window = StudioWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_portrait(str(sample_files[0])) and window.open_audio(str(sample_files[1]))
    qtbot.waitUntil(lambda: window.canvas.ctx is not None)
    return window


def canvas_pixels(qtbot, window: StudioWindow) -> np.ndarray:  # noqa: ANN001
    """What the canvas shows (the GL frame with the overlay widget on top), H×W×4 BGRA."""
    canvas = window.canvas
    canvas.update()
    qtbot.wait(50)
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4).copy()


def view_action(window: StudioWindow, text: str) -> QAction:
    """The View menu entry called ``text``."""
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    return next(a for a in view.actions() if a.text() == text)
