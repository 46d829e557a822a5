"""Screenshots of the studio at two window sizes: docs/studio_1560x960.png and docs/studio_1920x1080.png.

Run: .venv/bin/python packaging/make_studio_screenshots.py   (starts its own Xvfb when DISPLAY is unset)
Opens the bundled portrait and speech, waits for the face, lip and head models, keys the lip opening,
emotion, gaze and head channels through the same calls a user's double-clicks and curve edits make,
shows the lip opening in the curve editor (the model's opening faint under the keys, the opening the
keys make over it) and grabs the X screen.
"""

from __future__ import annotations

import sys
from pathlib import Path

from screenshot_session import studio_application, under_xvfb, wait

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "resources" / "sample"
SIZES = ((1560, 960), (1920, 1080))

# (lane, time s, value): what a user keys by double-clicking lanes at a height.
KEYS = (("lips.openness", 0.8, 1.0), ("lips.openness", 2.0, 1.6), ("lips.openness", 4.2, 0.5),
        ("lips.openness", 6.3, 1.3),
        ("emotion.happy", 0.4, 0.0), ("emotion.happy", 1.6, 0.8), ("emotion.happy", 3.4, 0.3),
        ("gaze.left_x", 0.8, 0.0), ("gaze.left_x", 2.2, 0.5), ("pose.yaw", 1.0, 0.0),
        ("pose.yaw", 2.0, 8.0), ("pose.yaw", 3.2, -4.0), ("pose.pitch", 2.6, 3.0))
SHOWN_FRAME = 64  # mid-word: the mouth is open






def shoot(app, size: tuple[int, int]) -> Path:  # noqa: ANN001
    from app.main_window import StudioWindow
    from app.window_panels import size_docks

    window = StudioWindow(untitled_path=Path(f"/tmp/space-studio-shot-{size[0]}.space.json"))
    window.auto_generate = True
    window.setGeometry(0, 0, *size)
    window.show()
    wait(app, 0.5)
    size_docks(window, window.docks)
    window.open_portrait(str(SAMPLE / "portrait.png"))
    window.open_audio(str(SAMPLE / "speech.wav"))
    wait(app, 90.0, lambda: not window.activity.busy and window.session.pose_ready())
    lanes = {lane.name: lane for lane in window.timeline.all_lanes}
    for name, t, value in KEYS:
        window.timeline.set_value_at(lanes[name], window.session.project.snap(t), value)
    if size[1] < 1000:  # the smaller screen folds the emotions: every group, ruler on top
        window.timeline.set_collapsed("Emotion", True)
    else:  # the larger one scrolls the lanes down to the head: the ruler stays
        wait(app, 0.3)
        bar = window.timeline_panel.scroll.verticalScrollBar()
        bar.setValue(bar.maximum())
    window.curves.show_channels(("lips.openness",))
    window.curves.frame_all()
    window.session.select([])
    window.session.set_frame(SHOWN_FRAME)
    wait(app, 2.0)
    out = REPO / "docs" / f"studio_{size[0]}x{size[1]}.png"
    app.primaryScreen().grabWindow(0).copy(window.frameGeometry()).save(str(out))
    window.session.project.undo_stack.set_clean()  # no unsaved-changes prompt on close
    window.close()
    return out


def main() -> int:
    exit_code = under_xvfb(1920, 1080)
    if exit_code is not None:
        return exit_code
    app = studio_application()

    for size in SIZES:
        print(f"wrote {shoot(app, size)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
