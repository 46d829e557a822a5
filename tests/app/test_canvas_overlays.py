"""View ▸ overlay toggles (landmarks, irises, Delaunay mesh) and the canvas header's frame rates."""

from __future__ import annotations

import numpy as np

from tests.app.canvas_helpers import canvas_pixels, sample_window, view_action


def test_view_menu_overlays_change_the_canvas(qtbot, sample_files) -> None:  # noqa: ANN001
    window = sample_window(qtbot, sample_files)
    for text in ("Landmarks", "Irises"):
        view_action(window, text).setChecked(False)
    plain = canvas_pixels(qtbot, window)
    mesh = view_action(window, "Delaunay Mesh")
    mesh.setChecked(True)
    assert window.canvas.show_mesh
    with_mesh = canvas_pixels(qtbot, window)
    changed = np.abs(with_mesh.astype(int) - plain).max(axis=2) > 30
    renderer = window.canvas._renderer
    assert changed.mean() > 0.01  # lines across the face, not a stray pixel
    assert len(renderer.mesh.triangles) > 100
    mesh.setChecked(False)
    assert np.array_equal(canvas_pixels(qtbot, window), plain)
    view_action(window, "Irises").setChecked(True)
    assert not np.array_equal(canvas_pixels(qtbot, window), plain)
    view_action(window, "Irises").setChecked(False)
    view_action(window, "Landmarks").setChecked(True)
    assert window.overlay_box.isChecked()  # toolbar box follows the menu
    assert not np.array_equal(canvas_pixels(qtbot, window), plain)


def test_header_shows_frame_rate_and_measured_playback_fps(qtbot, sample_files) -> None:  # noqa: ANN001
    window = sample_window(qtbot, sample_files)
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
