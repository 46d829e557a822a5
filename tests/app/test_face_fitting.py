"""Rest landmarks on a portrait with no detectable face: anchor drags re-fit the template (one undo step)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from app.main_window import StudioWindow


def _grey_portrait(tmp_path: Path) -> str:
    image = QImage(400, 480, QImage.Format.Format_RGB32)
    image.fill(QColor(128, 128, 128))
    path = str(tmp_path / "grey.png")
    assert image.save(path)
    return path


def _window(qtbot, tmp_path: Path) -> StudioWindow:  # noqa: ANN001
    window = StudioWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_portrait(_grey_portrait(tmp_path))
    qtbot.waitUntil(lambda: window.canvas.ctx is not None)
    window.mode_box.setCurrentIndex(1)  # Rest landmarks
    return window


def _drag(qtbot, canvas, index: int, by: QPoint) -> None:  # noqa: ANN001
    x, y = canvas.to_widget(canvas.editor.display_rig()[index : index + 1])[0]
    start = QPoint(int(round(x)), int(round(y)))
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    for step in (1, 2, 3):
        qtbot.mouseMove(canvas, start + by * step / 3)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + by)


def test_template_face_refits_from_a_dragged_mouth_corner(qtbot, tmp_path) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path)
    session, canvas = window.session, window.canvas
    assert session.portrait.rest_face.source == "template"
    assert window.fit_box.isChecked() and canvas.editor.fitting
    before = session.portrait.rest_face.points68[:, :2].copy()
    _drag(qtbot, canvas, 48, QPoint(-24, 0))  # left mouth corner, 24 widget px further left
    after = session.portrait.rest_face.points68[:, :2]
    scale = canvas.image_rect().width() / session.portrait.rgba.shape[1]
    assert after[48, 0] - before[48, 0] < -20 / scale  # the corner followed the mouse
    lips = [i for i in range(49, 68) if i not in (54, 60, 64)]
    assert np.abs(after[lips] - before[lips]).max() > 1.0  # the lips came along
    assert np.allclose(after[54], before[54])  # the other anchors stay where they were
    assert not np.allclose(after[:17], before[:17])  # the whole face re-fit, jaw included
    assert session.undo_stack.undo_label == "Fit Face"
    assert window.undo_action.text() == "Undo Fit Face"
    session.undo()
    assert np.allclose(session.portrait.rest_face.points68[:, :2], before)


def test_fit_off_moves_only_the_dragged_point(qtbot, tmp_path) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path)
    session, canvas = window.session, window.canvas
    window.fit_box.setChecked(False)
    before = session.portrait.rest_face.points68[:, :2].copy()
    _drag(qtbot, canvas, 48, QPoint(-24, 0))
    after = session.portrait.rest_face.points68[:, :2]
    moved = np.nonzero(np.abs(after - before).sum(1) > 1e-6)[0]
    assert list(moved) == [48]
    assert session.undo_stack.undo_label == "Move Portrait Landmarks"
