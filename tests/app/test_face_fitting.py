"""The fitting tool: anchors re-fit the whole face, pupils are anchors, the fit is saved as landmark
JSON that the command line reuses, and a refused face opens in fitting mode with a banner."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QFileDialog

from app.face_fitting_anchors import PUPILS
from core.landmarks.face_template import ANCHOR_POINTS
from core.landmarks.landmark_json import load_landmarks
from tests.app.fitting_helpers import drag_by, drag_to, drawn_portrait_file, image_scale, open_window
from tests.core.landmarks.drawn_faces import paint_over_eyes_and_brows

REPO = Path(__file__).resolve().parents[2]


def _fitting_window(qtbot, tmp_path: Path):  # noqa: ANN001, ANN202
    image, truth = drawn_portrait_file(tmp_path)
    window = open_window(qtbot, image)
    window.mode_box.setCurrentIndex(1)  # Rest landmarks
    return window, image, truth


def test_template_face_refits_from_a_dragged_mouth_corner(qtbot, tmp_path) -> None:  # noqa: ANN001
    window, _image, _truth = _fitting_window(qtbot, tmp_path)
    session, canvas = window.session, window.canvas
    assert session.portrait.rest_face.source == "template"
    assert window.fit_box.isChecked() and canvas.editor.fitting
    before = session.portrait.rest_face.points68[:, :2].copy()
    drag_by(qtbot, canvas, 48, QPoint(-24, 0))  # left mouth corner, 24 widget px further left
    after = session.portrait.rest_face.points68[:, :2]
    assert after[48, 0] - before[48, 0] < -20 / image_scale(canvas)  # the corner followed the mouse
    lips = [i for i in range(49, 68) if i not in (54, 60, 64)]
    assert np.abs(after[lips] - before[lips]).max() > 1.0  # the lips came along
    assert np.allclose(after[54], before[54])  # the other anchors stay where they were
    assert not np.allclose(after[:17], before[:17])  # the whole face re-fit, jaw included
    assert session.undo_stack.undo_label == "Fit Face"
    assert window.undo_action.text() == "Undo Fit Face"
    session.undo()
    assert np.allclose(session.portrait.rest_face.points68[:, :2], before)


def test_fit_off_moves_only_the_dragged_mouth_corner(qtbot, tmp_path) -> None:  # noqa: ANN001
    window, _image, _truth = _fitting_window(qtbot, tmp_path)
    session, canvas = window.session, window.canvas
    window.fit_box.setChecked(False)
    before = session.portrait.rest_face.points68[:, :2].copy()
    drag_by(qtbot, canvas, 48, QPoint(-24, 0))
    after = session.portrait.rest_face.points68[:, :2]
    moved = np.nonzero(np.abs(after - before).sum(1) > 1e-6)[0]
    assert list(moved) == [48, 60]  # the outer and inner lip corner: one visible corner
    assert np.allclose(after[60] - before[60], after[48] - before[48])
    assert session.undo_stack.undo_label == "Move Portrait Landmarks"


def test_pupils_are_anchors_and_stay_in_their_eye_when_the_face_refits(qtbot, tmp_path) -> None:  # noqa: ANN001
    window, _image, _truth = _fitting_window(qtbot, tmp_path)
    session, canvas = window.session, window.canvas
    face = session.portrait.rest_face
    pupil = face.iris[0].copy()
    drag_to(qtbot, canvas, PUPILS[0], pupil + (5.0, 3.0))
    moved = session.portrait.rest_face
    assert np.abs(moved.iris[0] - (pupil + (5.0, 3.0))).max() < 1.5
    assert np.allclose(moved.iris[1], face.iris[1]) and np.allclose(moved.points68, face.points68)
    assert session.undo_stack.undo_label == "Fit Face"
    # Move the whole eye (both corners) 12 px right: the hand-placed pupil goes along.
    for corner in (39, 36):
        drag_to(qtbot, canvas, corner, session.portrait.rest_face.points68[corner, :2] + (12.0, 0.0))
    refit = session.portrait.rest_face
    shift = refit.points68[[36, 39], :2].mean(0) - moved.points68[[36, 39], :2].mean(0)
    assert abs(shift[0] - 12) < 1.5
    assert np.abs(refit.iris[0] - (moved.iris[0] + shift)).max() < 1.5


def _fit_by_hand(qtbot, canvas, truth) -> None:  # noqa: ANN001
    """What a user does: drag each anchor, then each pupil, onto the drawing's own."""
    for index in ANCHOR_POINTS:
        drag_to(qtbot, canvas, index, truth.points68[index, :2])
    for eye, index in enumerate(PUPILS):
        drag_to(qtbot, canvas, index, truth.iris[eye])


def _speech(folder: Path) -> Path:
    """A short English line spoken by espeak-ng."""
    path = folder / "line.wav"
    try:
        subprocess.run(["espeak-ng", "-w", str(path), "Hello there, nice to meet you."], check=True,
                       capture_output=True, timeout=60)
    except (FileNotFoundError, subprocess.CalledProcessError):
        pytest.skip("espeak-ng is not available to speak the test line")
    return path


def test_fit_save_landmarks_and_the_command_line_reuses_them(qtbot, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    window, image, truth = _fitting_window(qtbot, tmp_path)
    canvas, session = window.canvas, window.session
    error_before = np.linalg.norm(session.portrait.rest_face.points68[:, :2] - truth.points68[:, :2], axis=1)
    _fit_by_hand(qtbot, canvas, truth)
    fitted = session.portrait.rest_face
    error = np.linalg.norm(fitted.points68[:, :2] - truth.points68[:, :2], axis=1)
    eye_distance = float(np.linalg.norm(truth.iris[1] - truth.iris[0]))
    assert np.abs(fitted.points68[list(ANCHOR_POINTS), :2] - truth.points68[list(ANCHOR_POINTS), :2]).max() < 1.5
    assert np.abs(fitted.iris - truth.iris).max() < 1.5
    # The whole face followed the anchors: eyes and mouth within a tenth of the eye distance (the
    # template's proportions, not the cartoon's, set the rest), everything much closer than before.
    assert error[36:].mean() < 0.1 * eye_distance < error_before[36:].mean()
    assert error.mean() < 0.6 * error_before.mean()
    # File ▸ Save Landmarks… proposes <image>.landmarks.json beside the portrait.
    proposed: list[str] = []

    def save_dialog(_parent, _title, start, _filter):  # noqa: ANN001, ANN202
        proposed.append(start)
        return start, _filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    next(a for a in file_menu.actions() if a.text() == "Save Landmarks…").trigger()
    saved = image.with_suffix(".landmarks.json")
    assert proposed == [str(saved)] and saved.exists()
    data = json.loads(saved.read_text())
    assert data["format"] == "space-studio-landmarks" and data["source"] == "user"
    reread = load_landmarks(saved)
    assert np.abs(reread.rig_points() - fitted.rig_points()).max() < 1e-3
    assert "--landmarks drawn.landmarks.json" in window.statusBar().currentMessage()
    # The command line animates the portrait on the saved face.
    out = tmp_path / "motion.json"
    command = [str(Path(sys.executable).with_name("space-studio")), "motion", "--image", str(image), "--landmarks", str(saved),
               "--audio", str(_speech(tmp_path)), "--pose", "still", "--blinks-per-minute", "0", "--out", str(out)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    first = np.asarray(json.loads(out.read_text())["landmarks68"][0])
    corners = [36, 39, 42, 45]
    assert np.abs(first[corners] - fitted.points68[corners, :2]).max() < 1.0  # the eyes sit where they were fitted
    # Reopened in the studio, the portrait reads the saved file beside it.
    assert window.open_portrait(str(image))
    assert np.abs(session.portrait.rest_face.rig_points() - fitted.rig_points()).max() < 1e-3


def test_load_landmarks_replaces_the_face_in_one_undo_step(qtbot, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    window, image, truth = _fitting_window(qtbot, tmp_path)
    from core.landmarks.landmark_json import save_landmarks

    elsewhere = tmp_path / "hand.json"
    save_landmarks(truth, elsewhere)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(elsewhere), ""))
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    next(a for a in file_menu.actions() if a.text() == "Load Landmarks…").trigger()
    session = window.session
    assert np.abs(session.portrait.rest_face.points68 - truth.points68).max() < 1e-3
    assert session.undo_stack.undo_label == "Load Landmarks"
    session.undo()
    assert session.portrait.rest_face.source == "template"


def test_refused_face_opens_in_fitting_mode_with_a_banner(qtbot, tmp_path, sample_files, no_modal_boxes) -> None:  # noqa: ANN001
    portrait, _speech_file = sample_files
    rgb = cv2.cvtColor(cv2.imread(str(portrait), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    truth = load_landmarks(portrait.with_name("portrait_landmarks.json"))
    # The eyes painted out, and the portrait set off-centre on a wider canvas (as in a full scene).
    offset = np.array([470.0, 60.0])
    scene = np.full((640, 1000, 3), 205, np.uint8)
    scene[60:60 + rgb.shape[0], 470:470 + rgb.shape[1]] = paint_over_eyes_and_brows(rgb, truth)
    corners = truth.points68[[36, 45], :2] + offset
    image = tmp_path / "eyeless.png"
    assert cv2.imwrite(str(image), cv2.cvtColor(scene, cv2.COLOR_RGB2BGR))
    window = open_window(qtbot, image)
    banner = window.fitting.banner
    assert not banner.isVisible()
    default = window.session.portrait.rest_face.points68[[36, 45], :2].copy()
    window.detect_face()
    qtbot.waitUntil(banner.isVisible, timeout=60000)
    text = banner.text()
    assert text.startswith("The face found in eyeless.png looks wrong (there is no eye under the")
    for step in ("drag the orange anchors", "Save Landmarks…", "--landmarks"):
        assert step in text
    assert no_modal_boxes == []  # a banner, not a dialog to click away
    assert window.canvas.editor.mode == "rest" and window.canvas.editor.fitting
    # The template starts where the refused face was (upright, its size), not in the image's middle.
    face = window.session.portrait.rest_face
    assert face.source == "template" and window.session.undo_stack.undo_label == "Place Template Face"
    eye_distance = float(np.linalg.norm(truth.iris[1] - truth.iris[0]))
    start_error = np.linalg.norm(face.points68[[36, 45], :2] - corners, axis=1).max()
    default_error = np.linalg.norm(default - corners, axis=1).max()
    assert start_error < 0.4 * eye_distance and default_error > 1.5 * eye_distance
    # The strip lies above the canvas, not over it.
    assert banner.geometry().bottom() < window.canvas.geometry().top()
    # Detecting again after a fit drag says it again but keeps the user's fit.
    drag_by(qtbot, window.canvas, 8, QPoint(0, 10))
    fitted = window.session.portrait.rest_face.points68.copy()
    banner.hide()
    window.detect_face()
    qtbot.waitUntil(banner.isVisible, timeout=60000)
    assert np.array_equal(window.session.portrait.rest_face.points68, fitted)
    assert window.session.undo_stack.undo_label == "Fit Face"
    # Opening another portrait clears it.
    other, _truth = drawn_portrait_file(tmp_path, "other.png")
    assert window.open_portrait(str(other))
    assert not banner.isVisible()


def test_landmarks_are_saved_in_the_image_files_pixels(tmp_path) -> None:  # noqa: ANN001
    from app.face_fitting import in_file_pixels
    from core.landmarks.landmark_json import scale_face

    image, truth = drawn_portrait_file(tmp_path)  # a 512×512 file
    shown = scale_face(truth, 0.5, (256, 256))  # as the studio holds a portrait it reduced on load
    saved = in_file_pixels(shown, image)
    assert saved.image_size == (512, 512)
    assert np.abs(saved.points68 - truth.points68).max() < 1e-3 and np.abs(saved.iris_radius - truth.iris_radius).max() < 1e-3
    assert in_file_pixels(truth, image) is truth  # already in the file's pixels
    squeezed = scale_face(truth, 0.5, (256, 200))  # other proportions: not this file's reduction
    assert in_file_pixels(squeezed, image) is squeezed


def test_hovering_a_point_shows_a_hand_without_repainting(qtbot, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt

    from tests.app.fitting_helpers import widget_point

    window, _image, _truth = _fitting_window(qtbot, tmp_path)
    canvas = window.canvas
    anchor = widget_point(canvas, canvas.editor.display_rig()[PUPILS[1]])
    repaints: list[int] = []
    monkeypatch.setattr(canvas, "update", lambda *_a: repaints.append(1))  # what a mouse event would ask for
    qtbot.mouseMove(canvas, anchor + QPoint(3, 2))
    assert canvas.cursor().shape() == Qt.CursorShape.PointingHandCursor
    assert canvas.editor.pick(anchor + QPoint(3, 2)) == PUPILS[1]  # while fitting the pupil anchor wins over lids
    qtbot.mouseMove(canvas, QPoint(5, canvas.height() - 5))  # a corner of the canvas, far from the face
    assert canvas.cursor().shape() == Qt.CursorShape.ArrowCursor
    assert repaints == []  # hovering changes the cursor; it does not redraw the frame
