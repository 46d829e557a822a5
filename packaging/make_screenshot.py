"""Screenshot of the real studio window with the sample: docs/screenshot.png.

Run: .venv/bin/python packaging/make_screenshot.py   (starts its own Xvfb when DISPLAY is unset)
Opens the bundled portrait and speech, waits for the speech model, keys a few
tracks through the same timeline calls a user's double-clicks make, moves the
playhead to an open-mouthed frame and grabs the X screen (GL content included).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "resources" / "sample"


# (lane, time s, value): what a user would key by double-clicking the lanes.
KEYS = (("emotion.happy", 0.5, 0.0), ("emotion.happy", 2.0, 0.8), ("emotion.happy", 4.5, 0.2),
        ("emotion.surprised", 5.0, 0.0), ("emotion.surprised", 6.0, 0.7), ("gaze.left_x", 1.0, 0.0),
        ("gaze.left_x", 3.0, 0.5), ("gaze.left_x", 5.5, -0.4), ("blinks", 3.6, 0.0))
SHOWN_FRAME = 116  # mid-word: the mouth is open


def under_xvfb() -> int | None:
    """Re-run this script on a virtual screen when there is no display; None when there is one."""
    if os.environ.get("DISPLAY"):
        return None
    command = ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", sys.executable, *sys.argv]
    return subprocess.call(command)


def wait(app, seconds: float) -> None:  # noqa: ANN001
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    exit_code = under_xvfb()
    if exit_code is not None:
        return exit_code
    sys.path.insert(0, str(REPO))
    from PySide6.QtWidgets import QApplication

    from app.main_window import StudioWindow
    from app.studio_main import _gl_format

    _gl_format()
    app = QApplication(sys.argv[:1])
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
