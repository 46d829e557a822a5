"""View ▸ overlay toggles (landmarks, irises, Delaunay mesh) and the canvas header's frame rates."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from app.main_window import StudioWindow


def _window(qtbot, sample_files) -> StudioWindow:  # noqa: ANN001
    window = StudioWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_portrait(str(sample_files[0])) and window.open_audio(str(sample_files[1]))
    qtbot.waitUntil(lambda: window.canvas.ctx is not None)
    return window


def _pixels(qtbot, window: StudioWindow) -> np.ndarray:  # noqa: ANN001
    """What the canvas shows: the GL frame with the overlay widget on top."""
    canvas = window.canvas
    canvas.update()
    qtbot.wait(50)
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4).copy()


def _menu_action(window: StudioWindow, text: str):  # noqa: ANN202
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    return next(a for a in view.actions() if a.text() == text)


def test_view_menu_overlays_change_the_canvas(qtbot, sample_files) -> None:  # noqa: ANN001
    window = _window(qtbot, sample_files)
    for text in ("Landmarks", "Irises"):
        _menu_action(window, text).setChecked(False)
    plain = _pixels(qtbot, window)
    mesh = _menu_action(window, "Delaunay Mesh")
    mesh.setChecked(True)
    assert window.canvas.show_mesh
    with_mesh = _pixels(qtbot, window)
    changed = np.abs(with_mesh.astype(int) - plain).max(axis=2) > 30
    renderer = window.canvas._renderer
    assert changed.mean() > 0.01  # lines across the face, not a stray pixel
    assert len(renderer.mesh.triangles) > 100
    mesh.setChecked(False)
    assert np.array_equal(_pixels(qtbot, window), plain)
    _menu_action(window, "Irises").setChecked(True)
    assert not np.array_equal(_pixels(qtbot, window), plain)
    _menu_action(window, "Irises").setChecked(False)
    _menu_action(window, "Landmarks").setChecked(True)
    assert window.overlay_box.isChecked()  # toolbar box follows the menu
    assert not np.array_equal(_pixels(qtbot, window), plain)


def test_header_shows_frame_rate_and_measured_playback_fps(qtbot, sample_files) -> None:  # noqa: ANN001
    window = _window(qtbot, sample_files)
    canvas, session = window.canvas, window.session
    session.set_frame(12)
    caption = canvas._caption()
    assert f"frame 12 / {session.project.frame_count} · 30 fps" in caption and "playing" not in caption
    window.playback.play()
    qtbot.waitUntil(lambda: canvas.fps_meter.fps is not None, timeout=3000)
    caption = canvas._caption()
    assert "playing" in caption and caption.rstrip().endswith("fps")
    assert 0 < canvas.fps_meter.fps < 200
    window.playback.pause()
    assert "playing" not in canvas._caption()
