"""The studio side of the fitting tool: the refusal banner, Save/Load Landmarks and the soft-selection radius.

When detection refuses a portrait's face (``ImplausibleFaceError``, with its reason) or finds
none, the window opens the portrait in fitting mode and this banner, above the canvas, says
why and what to do. "Save Landmarks…" writes the documented landmark JSON
(``core.landmarks.landmark_json``, docs/landmark_format.md) that
``space-studio render --landmarks FILE`` and batch manifests reuse; beside the image as
``<name>.landmarks.json`` the studio itself reads it the next time the portrait is opened.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (QFileDialog, QFrame, QHBoxLayout, QLabel, QMainWindow, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from app.studio_session import StudioSession
from core.animation.commands import SetRestLandmarks
from core.errors import ImplausibleFaceError, NoFaceError, SpaceStudioError
from core.landmarks.face_landmarks import FaceLandmarks

LANDMARK_FILTER = "Landmark JSON (*.json)"
SIDECAR_SUFFIX = ".landmarks.json"  # app.media.sidecar_landmarks picks this up beside the image
SOFT_RADIUS_MAX = 400  # image pixels
SOFT_RADIUS_STEP_FROM = 5.0  # a wheel notch scales the radius by 1.2 from here; below, it turns on or off


@dataclass(frozen=True)
class Refusal:
    """Why detection gave no usable face, and where the template face may start instead."""

    error: NoFaceError
    start: FaceLandmarks | None = None  # the template placed where the refused face was


def detect_or_refusal(rgba: np.ndarray) -> FaceLandmarks | Refusal:
    """The portrait's checked face, or a Refusal saying why not (call from a worker thread)."""
    from app.media import detect_rest_face

    try:
        return detect_rest_face(rgba)
    except ImplausibleFaceError as refused:
        return Refusal(refused, template_on_refused_face(rgba))
    except NoFaceError as none:
        return Refusal(none)


def template_on_refused_face(rgba: np.ndarray) -> FaceLandmarks | None:
    """The template face, upright, centred on the face the checks refused and as large as it.

    Only the refused face's centre and size are used, not its eyes, mouth or tilt: those are what
    the checks found wrong (a mesh completing painted-out eyes comes back tilted), while where the
    face is and how big it is are usually right, so the user starts dragging on the face rather
    than at the image's middle. None when no face at all was found."""
    from app.media import template_face
    from core.landmarks.detector import detect_largest_face
    from core.landmarks.face_template import fit_template

    try:
        refused, _count = detect_largest_face(np.ascontiguousarray(rgba[..., :3]), accept_low_confidence=True)
    except SpaceStudioError:
        return None
    size = (int(rgba.shape[1]), int(rgba.shape[0]))
    template = template_face(*size).points68[:, :2].astype(np.float64)
    found = refused.points68[:, :2].astype(np.float64)
    scale = _spread(found) / _spread(template)
    anchors = {i: tuple((template[i] - template.mean(0)) * scale + found.mean(0)) for i in (36, 45)}
    return fit_template(anchors, size)


def _spread(points: np.ndarray) -> float:
    """Root-mean-square distance of N×2 points from their centre (a face's size)."""
    return float(np.sqrt(((points - points.mean(0)) ** 2).sum(1).mean()))


def _untouched_template(face: FaceLandmarks) -> bool:
    """True for the template face where opening a portrait puts it (nobody has fitted it yet)."""
    from app.media import template_face

    if face.source != "template":
        return False
    return bool(np.allclose(face.points68, template_face(*face.image_size).points68, atol=1e-3))


def refusal_text(image_name: str, error: NoFaceError | None) -> str:
    """Why the portrait is in fitting mode, and the steps out of it (one paragraph)."""
    if isinstance(error, ImplausibleFaceError) and error.reason:
        why = f"The face found in {image_name} looks wrong ({error.reason}), so it was not used."
    else:
        why = f"No face was found in {image_name}."
    return (f"{why} The template face is placed instead, in Rest landmarks mode with Fit face to anchors on: "
            "drag the orange anchors (eye corners, pupils, mouth corners, chin) onto the portrait's — the whole "
            "face follows, and a 4× magnifier shows the pixels while you drag. Then File ▸ Save Landmarks… "
            "writes a landmark file that the command line and batch reuse with --landmarks.")


def saved_text(landmarks: Path, image: Path) -> str:
    """What a saved landmark file is good for, with the command that reuses it."""
    return (f"Saved {landmarks.name}. Render with: space-studio render --image {image.name} "
            f"--landmarks {landmarks.name} --audio LINE.wav --out LINE.mp4"
            + (" (the studio also reads it when this portrait is opened again)."
               if landmarks == image.with_suffix(SIDECAR_SUFFIX) else "."))


def in_file_pixels(face: FaceLandmarks, image: Path) -> FaceLandmarks:
    """``face`` in the pixels of the image file: a huge portrait is reduced on load, and a landmark
    file names the size of the image its points belong to (the command line scales them back)."""
    from core.image_io import image_dimensions
    from core.landmarks.landmark_json import scale_face

    declared, shown = image_dimensions(image), face.image_size
    if declared is None or tuple(declared) == tuple(shown) or min(shown) < 1:
        return face
    factor = declared[0] / shown[0]
    if abs(declared[1] - shown[1] * factor) > max(2.0, 0.02 * declared[1]):
        return face  # not the same proportions (e.g. an EXIF turn): keep the pixels the studio shows
    return scale_face(face, factor, (int(declared[0]), int(declared[1])))


class FittingBanner(QFrame):
    """A strip above the canvas with a message, a Save Landmarks… button and a close button."""

    save_requested = Signal()

    def __init__(self) -> None:
        super().__init__(objectName="fittingBanner")
        self.setStyleSheet("#fittingBanner { background: #5a4414; border-bottom: 2px solid #ffb74d; }"
                           "#fittingBanner QLabel { color: #fff3d6; }")
        self.label = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText,
                            textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        save = QPushButton("Save Landmarks…")
        save.clicked.connect(self.save_requested)
        close = QPushButton("✕", flat=True, toolTip="Hide this message")
        close.setFixedWidth(28)
        close.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 6, 6)
        row.addWidget(self.label, 1)
        row.addWidget(save, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def say(self, text: str) -> None:
        self.label.setText(text)
        self.show()

    def text(self) -> str:
        return self.label.text()


class FaceFitting(QObject):
    """Owns the banner (in ``central``, above ``canvas``), the landmark files and the soft radius box."""

    def __init__(self, session: StudioSession, canvas: QWidget, window: QMainWindow) -> None:
        super().__init__(window)
        self.session, self.canvas, self.window = session, canvas, window
        self.banner = FittingBanner()
        self.banner.save_requested.connect(self.save_dialog)
        self.central = QWidget()
        column = QVBoxLayout(self.central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(canvas, 1)
        self.soft_radius_box = QSpinBox(minimum=0, maximum=SOFT_RADIUS_MAX, suffix=" px", prefix="Soft radius ",
                                        specialValueText="Soft radius off")
        self.soft_radius_box.setToolTip("Landmark drags: neighbouring points within this many image pixels "
                                        "follow with a smooth falloff (0 = only the selected points); "
                                        "turn the mouse wheel while dragging to change it")
        self.soft_radius_box.valueChanged.connect(canvas.editor.set_soft_radius)
        canvas.installEventFilter(self)  # the wheel sets the radius while a point is dragged
        self._banner_portrait: str | None = None
        session.media_changed.connect(self._media_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """A wheel turn during a landmark drag grows or shrinks the soft radius (as in Blender),
        instead of zooming the view under the moving point."""
        editor = self.canvas.editor
        if event.type() == QEvent.Type.Wheel and editor.dragging and editor.fit_anchor is None:
            grow, radius = event.angleDelta().y() > 0, editor.soft_radius
            if radius >= SOFT_RADIUS_STEP_FROM:
                radius *= 1.2 if grow else 1 / 1.2
            else:  # from off (or nearly): one notch up starts at a useful size, one down turns it off
                radius = SOFT_RADIUS_STEP_FROM if grow else 0.0
            self.soft_radius_box.setValue(round(radius))
            self.canvas.update()
            return True
        return super().eventFilter(watched, event)

    # --- the banner ------------------------------------------------------------------
    def refused(self, refusal: Refusal) -> None:
        """Detection refused the open portrait's face (or found none): start the template where the
        refused face was, if there was one, and say why above the canvas."""
        portrait = self.session.portrait
        if portrait is None:
            return
        self._banner_portrait = portrait.path
        start = refusal.start
        # Never over a user's fit, nor from another portrait opened while detection ran.
        if start is not None and start.image_size == portrait.rest_face.image_size and _untouched_template(portrait.rest_face):
            command = SetRestLandmarks(self.session.project, start)
            command.label = "Place Template Face"
            self.session.push(command)
        self.banner.say(refusal_text(Path(portrait.path).name, refusal.error))

    def _media_changed(self) -> None:
        """Another portrait (or none): the banner was about the previous one."""
        portrait = self.session.portrait
        if portrait is None or portrait.path != self._banner_portrait:
            self.banner.hide()

    # --- landmark files --------------------------------------------------------------
    def default_path(self) -> Path | None:
        """``<portrait>.landmarks.json`` beside the image: where the studio looks for it on open."""
        portrait = self.session.portrait
        return None if portrait is None else Path(portrait.path).with_suffix(SIDECAR_SUFFIX)

    def save_dialog(self) -> None:
        if self.session.portrait is None:
            self.window.statusBar().showMessage("Open a portrait first.", 5000)
            return
        path, _f = QFileDialog.getSaveFileName(self.window, "Save landmarks", str(self.default_path()), LANDMARK_FILTER)
        if path:
            self.save_to(Path(path if path.endswith(".json") else path + ".json"))

    def save_to(self, path: Path) -> None:
        """Write the portrait's rest face as a landmark file (atomic); raises SpaceStudioError."""
        from core.landmarks.landmark_json import save_landmarks

        portrait = self.session.portrait
        # Fitted by hand: "user", so nothing treats the file as an unplaced template to detect again.
        face = portrait.rest_face if portrait.rest_face.source != "template" else replace(portrait.rest_face, source="user")
        save_landmarks(in_file_pixels(face, Path(portrait.path)), path)
        text = saved_text(Path(path), Path(portrait.path))
        self.window.statusBar().showMessage(text, 15000)
        if not self.banner.isHidden():
            self.banner.say(text)

    def load_dialog(self) -> None:
        if self.session.portrait is None:
            self.window.statusBar().showMessage("Open a portrait first.", 5000)
            return
        start = str(Path(self.session.portrait.path).parent)
        path, _f = QFileDialog.getOpenFileName(self.window, "Load landmarks", start, LANDMARK_FILTER)
        if path:
            self.load_from(Path(path))

    def load_from(self, path: Path) -> None:
        """Use a landmark file as the portrait's rest face (one undo step); raises SpaceStudioError."""
        from core.image_io import Portrait as CorePortrait
        from core.portrait_setup import find_face

        portrait = self.session.portrait
        # find_face checks the file and scales it to the portrait as loaded (a huge image is reduced).
        face, _notes = find_face(CorePortrait(portrait.rgba, False, Path(portrait.path)), path)
        command = SetRestLandmarks(self.session.project, face)
        command.label = "Load Landmarks"
        self.session.push(command)
        self.banner.hide()
