"""Screenshot of the fitting tool: docs/fitting_tool.png.

Run: .venv/bin/python packaging/make_fitting_screenshot.py [--image PORTRAIT]
(starts its own Xvfb when DISPLAY is unset). Without --image it paints the eyes and brows of
the bundled sample out (as tests/core/landmarks/drawn_faces.py does), so detection refuses
the face; the studio then opens it in fitting mode with the banner. The script drags the
anchors as a user would — six placed, the mouth corner held mid-drag so the 4× magnifier
shows — and grabs the X screen (GL content included).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from screenshot_session import studio_application, under_xvfb, wait

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "resources" / "sample"
PLACED = (36, 39, 42, 45, 48, 8)  # anchors dragged onto the sample's own points before the held drag
HELD = 54  # the anchor held mid-drag (a mouth corner)
ZOOM = 1.8  # the view zoomed onto the face, as a user fitting it would






def eyeless_sample(folder: Path) -> Path:
    """The sample portrait with its eyes and brows painted over in skin colour."""
    import cv2

    from core.landmarks.landmark_json import load_landmarks
    from tests.core.landmarks.drawn_faces import paint_over_eyes_and_brows

    rgb = cv2.cvtColor(cv2.imread(str(SAMPLE / "portrait.png")), cv2.COLOR_BGR2RGB)
    eyeless = paint_over_eyes_and_brows(rgb, load_landmarks(SAMPLE / "portrait_landmarks.json"))
    path = folder / "portrait_eyes_painted_out.png"
    cv2.imwrite(str(path), cv2.cvtColor(eyeless, cv2.COLOR_RGB2BGR))
    return path


def zoom_to(canvas, centre, zoom: float) -> None:  # noqa: ANN001
    """Zoom the view ``zoom``× with image point ``centre`` in the middle (what a user does with the wheel)."""
    from PySide6.QtCore import QPointF

    height, width = canvas.session.portrait.rgba.shape[:2]
    canvas.zoom = zoom
    scale = canvas.image_rect().width() / width
    canvas.pan = QPointF((width / 2 - centre[0]) * scale, (height / 2 - centre[1]) * scale)
    canvas.update()


def drag(canvas, index: int, target, release: bool = True) -> None:  # noqa: ANN001
    """Press on rig point ``index``, move in steps to ``target`` (image pixels), release unless told not to."""
    import numpy as np
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    def widget(xy) -> QPoint:  # noqa: ANN001
        x, y = canvas.to_widget(np.asarray(xy, np.float64)[None])[0]
        return QPoint(round(x), round(y))

    start, end = widget(canvas.editor.display_rig()[index]), widget(target)
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 6):
        QTest.mouseMove(canvas, start + (end - start) * step / 5)
    if release:
        QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", type=Path, help="a portrait whose face detection refuses (default: eyeless sample)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "fitting_tool.png")
    args = parser.parse_args()
    exit_code = under_xvfb(1600, 1000)
    if exit_code is not None:
        return exit_code
    app = studio_application()
    from app.main_window import StudioWindow
    from core.landmarks.landmark_json import load_landmarks

    with tempfile.TemporaryDirectory() as folder:
        image = args.image or eyeless_sample(Path(folder))
        window = StudioWindow(untitled_path=Path(folder) / "untitled.space.json")
        window.resize(1560, 960)
        window.show()
        window.open_portrait(str(image))
        window.detect_face()
        wait(app, 60.0, until=window.fitting.banner.isVisible)
        wait(app, 1.0)
        canvas = window.canvas
        if args.image is None:  # the anchors a user would reach for first, placed on the sample's face
            truth = load_landmarks(SAMPLE / "portrait_landmarks.json").points68[:, :2]
            zoom_to(canvas, truth.mean(axis=0), ZOOM)
            wait(app, 0.5)
            for index in PLACED:
                drag(canvas, index, truth[index])
                wait(app, 0.2)
            drag(canvas, HELD, truth[HELD] + (-3.0, 2.0), release=False)
        wait(app, 1.0)
        app.primaryScreen().grabWindow(0).copy(window.frameGeometry()).save(str(args.out))
        print(f"wrote {args.out}")
        window.session.project.undo_stack.set_clean()  # no unsaved-changes prompt on close
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
