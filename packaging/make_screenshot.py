"""Screenshot of the real studio window with the sample: docs/screenshot.png.

Run: .venv/bin/python packaging/make_screenshot.py   (starts its own Xvfb when DISPLAY is unset)
Opens the bundled portrait and speech, waits for the speech model, keys a few
tracks through the same timeline calls a user's double-clicks make, moves the
playhead to an open-mouthed frame and grabs the X screen (GL content included).
"""

from __future__ import annotations

import sys
from pathlib import Path

from screenshot_session import studio_application, under_xvfb, wait

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "resources" / "sample"


# (lane, time s, value): what a user would key by double-clicking the lanes.
KEYS = (("emotion.happy", 0.5, 0.0), ("emotion.happy", 2.0, 0.8), ("emotion.happy", 4.5, 0.2),
        ("emotion.surprised", 5.0, 0.0), ("emotion.surprised", 6.0, 0.7), ("gaze.left_x", 1.0, 0.0),
        ("gaze.left_x", 3.0, 0.5), ("gaze.left_x", 5.5, -0.4), ("blinks", 3.6, 0.0))
SHOWN_FRAME = 116  # mid-word: the mouth is open






def main() -> int:
    exit_code = under_xvfb(1400, 900)
    if exit_code is not None:
        return exit_code
    app = studio_application()
    from app.main_window import StudioWindow

    window = StudioWindow(untitled_path=Path("/tmp/space-studio-screenshot.space.json"))
    window.auto_generate = True
    window.resize(1400, 900)
    window.show()
    window.open_portrait(str(SAMPLE / "portrait.png"))
    window.open_audio(str(SAMPLE / "speech.wav"))
    wait(app, 12.0)  # speech model and pose run in the background
    view = window.timeline
    lanes = {lane.name: lane for lane in view.lanes}
    for name, t, value in KEYS:
        view.add_item(lanes[name], t, value)
    window.session.set_frame(SHOWN_FRAME)
    wait(app, 2.0)
    out = REPO / "docs" / "screenshot.png"
    app.primaryScreen().grabWindow(0).copy(window.frameGeometry()).save(str(out))
    print(f"wrote {out}")
    window.session.project.undo_stack.set_clean()  # no unsaved-changes prompt on close
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
