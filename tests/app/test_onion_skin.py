"""View ▸ Onion Skin: the face outlines at the key poses before and after the playhead."""

from __future__ import annotations

import numpy as np

from app.onion_skin import neighbour_key_frames
from app.timeline_items import add_command
from tests.app.canvas_helpers import canvas_pixels, sample_window, view_action


def _bgr(qtbot, window) -> np.ndarray:  # noqa: ANN001
    return canvas_pixels(qtbot, window)[..., :3].astype(int)


def test_onion_skin_outlines_the_neighbouring_key_poses(qtbot, sample_files) -> None:  # noqa: ANN001
    window = sample_window(qtbot, sample_files)
    session = window.session
    fps = session.project.fps
    for lane, frame, value in (("lips.openness", 15, 2.0), ("pose.yaw", 15, -12.0), ("pose.yaw", 90, 14.0),
                               ("emotion.happy", 90, 1.0)):
        command, _item = add_command(session.project.tracks, lane, frame / fps, value)
        session.push(command)
    session.set_frame(50)
    assert neighbour_key_frames(session) == (15, 90)
    for text in ("Landmarks", "Irises"):
        view_action(window, text).setChecked(False)
    plain = _bgr(qtbot, window)
    view_action(window, "Onion Skin (Neighbouring Key Poses)").setChecked(True)
    assert window.canvas.show_onion_skin
    onion = _bgr(qtbot, window)
    changed = np.abs(onion - plain).max(axis=2) > 40
    blue, red = onion[..., 0] - plain[..., 0], onion[..., 2] - plain[..., 2]  # BGRA in memory
    cyan = changed & (blue > 10)  # the pose before: cyan lines raise the blue
    warm = changed & (blue < -20) & (red > -10)  # the pose after: orange lines take blue, keep red
    assert cyan.sum() > 200 and warm.sum() > 200
    session.set_frame(session.project.frame_count - 1)  # after the last key: only the pose before
    assert neighbour_key_frames(session) == (90, None)
    view_action(window, "Onion Skin (Neighbouring Key Poses)").setChecked(False)
    session.set_frame(50)
    assert np.array_equal(_bgr(qtbot, window), plain)  # off: the canvas as before
    session.undo_stack.set_clean()
    window.close()
