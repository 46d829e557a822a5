"""View ▸ Onion Skin: the face outlines at the key poses before and after the playhead."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from app.main_window import StudioWindow
from app.onion_skin import neighbour_key_frames
from app.timeline_items import add_command


def _pixels(qtbot, window: StudioWindow) -> np.ndarray:  # noqa: ANN001
    canvas = window.canvas
    canvas.update()
    qtbot.wait(50)
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return pixels[..., :3].astype(int)


def _view_action(window: StudioWindow, text: str):  # noqa: ANN202
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    return next(a for a in view.actions() if a.text() == text)


def test_onion_skin_outlines_the_neighbouring_key_poses(qtbot, sample_files) -> None:  # noqa: ANN001
    window = StudioWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_portrait(str(sample_files[0])) and window.open_audio(str(sample_files[1]))
    qtbot.waitUntil(lambda: window.canvas.ctx is not None)
    session = window.session
    fps = session.project.fps
    for lane, frame, value in (("lips.openness", 15, 2.0), ("pose.yaw", 15, -12.0), ("pose.yaw", 90, 14.0),
                               ("emotion.happy", 90, 1.0)):
        command, _item = add_command(session.project.tracks, lane, frame / fps, value)
        session.push(command)
    session.set_frame(50)
    assert neighbour_key_frames(session) == (15, 90)
    for text in ("Landmarks", "Irises"):
        _view_action(window, text).setChecked(False)
    plain = _pixels(qtbot, window)
    _view_action(window, "Onion Skin (Neighbouring Key Poses)").setChecked(True)
    assert window.canvas.show_onion_skin
    onion = _pixels(qtbot, window)
    changed = np.abs(onion - plain).max(axis=2) > 40
    blue, red = onion[..., 0] - plain[..., 0], onion[..., 2] - plain[..., 2]  # BGRA in memory
    cyan = changed & (blue > 10)  # the pose before: cyan lines raise the blue
    warm = changed & (blue < -20) & (red > -10)  # the pose after: orange lines take blue, keep red
    assert cyan.sum() > 200 and warm.sum() > 200
    session.set_frame(session.project.frame_count - 1)  # after the last key: only the pose before
    assert neighbour_key_frames(session) == (90, None)
    _view_action(window, "Onion Skin (Neighbouring Key Poses)").setChecked(False)
    assert np.array_equal(_pixels(qtbot, window), _pixels(qtbot, window))
    session.set_frame(50)
    assert np.array_equal(_pixels(qtbot, window), plain)  # off: the canvas as before
    session.undo_stack.set_clean()
    window.close()
