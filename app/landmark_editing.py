"""Mouse gestures on the canvas → landmark edits: rest-pose or per-frame keyframe offsets.

A drag moves the selection, the points linked to it (both halves of a mouth corner) and,
within ``soft_radius`` image pixels, their neighbours with a smooth falloff
(``app.soft_selection``). While fitting, the anchors of ``app.face_fitting_anchors`` re-fit
the whole face. A keyframe drag ends with its keyframe selected (the Inspector shows it).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt

from app.face_fitting_anchors import FIT_ANCHORS, refit
from app.landmark_mirror import mirror_table
from app.soft_selection import drag_weights, mirrored_delta
from app.studio_session import StudioSession
from app.timeline_items import items
from core.animation.commands import AddLandmarkKeyframe, SetAttribute, SetRestLandmarks, UpdateLandmarkKeyframe
from core.animation.landmark_track import LandmarkKeyframe
from core.landmarks.face_landmarks import FaceLandmarks
from core.landmarks.normalized_space import effective_scale, normalize
from core.landmarks.pose_estimation import pose_rotation

if TYPE_CHECKING:
    from app.preview_canvas import PreviewCanvas

PICK_RADIUS = 8.0
ANCHOR_PICK_RADIUS = 11.0  # anchors are drawn bigger while fitting, so they are easier to grab


def pixels_to_offsets(rest_face: FaceLandmarks) -> np.ndarray:
    """2×2 map from an image-pixel drag to keyframe offsets (normalized units, before posing).

    Keyframe offsets are added in the frontalized face and then posed (turned, scaled) into
    the image, so a drag is posed back the other way: the point then lands under the cursor
    on a turned or tilted head too, not only on a frontal one."""
    pose = normalize(rest_face).pose
    return np.linalg.inv(pose_rotation(pose)[:2, :2]) / effective_scale(pose)


class LandmarkEditor:
    """Pick, box-select and drag rig points; one undo step per drag."""

    def __init__(self, session: StudioSession, canvas: PreviewCanvas) -> None:
        self.session, self.canvas = session, canvas
        self.mode = "keyframe"  # or "rest"
        self.mirror = False
        self.fit_face: bool | None = None  # re-fit the template from the anchors; None = when the face is a template
        self.soft_radius = 0.0  # image pixels within which neighbours follow a drag (0 = off)
        self.selected: set[int] = set()
        self.cursor: QPointF | None = None  # where the pointer is while a point is dragged (the magnifier's centre)
        self._drag_from: np.ndarray | None = None
        self._weights: np.ndarray | None = None
        self._drag_rig: np.ndarray | None = None
        self._drag_face: FaceLandmarks | None = None  # the rest face when the drag began (fitting starts from it)
        self._pixels_to_offsets = np.eye(2)
        self._keyframe: LandmarkKeyframe | None = None  # the keyframe this drag adds or edits
        self._base: dict[int, tuple[float, float]] = {}  # its offsets before the drag
        self._band: tuple[QPointF, QPointF] | None = None
        self._token: object | None = None
        self._fit_anchor: int | None = None  # the anchor a "Fit Face" drag moves
        self._mirror = mirror_table()

    def display_rig(self) -> np.ndarray | None:
        if self.session.portrait is None:
            return None
        if self.mode == "rest":
            return self.session.portrait.rest_face.rig_points()
        rig = self.session.rig_at(self.session.frame)
        return None if rig is None else rig[0]

    @property
    def fitting(self) -> bool:
        """True when a rest-mode drag of an anchor re-fits the whole face (cartoons, paintings)."""
        portrait = self.session.portrait
        if self.mode != "rest" or portrait is None:
            return False
        return portrait.rest_face.source == "template" if self.fit_face is None else self.fit_face

    @property
    def dragging(self) -> bool:
        """True while a point (not a selection band) is being dragged."""
        return self._drag_from is not None

    @property
    def fit_anchor(self) -> int | None:
        """The fitting anchor being dragged, if any."""
        return self._fit_anchor

    def set_soft_radius(self, radius: float) -> None:
        """Change the soft-selection radius (image pixels); mid-drag, the neighbours follow at once."""
        self.soft_radius = max(0.0, float(radius))
        if self.dragging and self._fit_anchor is None and self.cursor is not None:
            self._weights = drag_weights(self._drag_rig, self.selected, self.soft_radius)
            self._apply(self.canvas.to_image(self.cursor) - self._drag_from)

    def band_rect(self) -> QRectF | None:
        return None if self._band is None else QRectF(*self._band).normalized()

    def pick(self, pos: QPointF) -> int | None:
        """The rig point a press at ``pos`` (widget pixels) grabs: an anchor first while fitting."""
        rig = self.display_rig()
        d = np.linalg.norm(self.canvas.to_widget(rig) - np.array([pos.x(), pos.y()]), axis=1)
        if self.fitting:
            anchors = list(FIT_ANCHORS)
            j = int(np.argmin(d[anchors]))
            if d[anchors[j]] <= ANCHOR_PICK_RADIUS:
                return anchors[j]
        i = int(np.argmin(d))
        return i if d[i] <= PICK_RADIUS else None

    def press(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        hit = self.pick(pos)
        if hit is None:
            self._band = (pos, pos)
            return
        self._fit_anchor = hit if self.fitting and hit in FIT_ANCHORS else None
        if self._fit_anchor is not None:
            self.selected = {hit}
        elif modifiers & Qt.KeyboardModifier.ShiftModifier:
            self.selected ^= {hit}
        elif hit not in self.selected:
            self.selected = {hit}
        self._drag_from, self.cursor = self.canvas.to_image(pos), QPointF(pos)
        self._drag_rig = self.display_rig()
        self._drag_face = self.session.portrait.rest_face
        self._weights = drag_weights(self._drag_rig, self.selected, self.soft_radius)
        if self.mode == "keyframe":
            self._pixels_to_offsets = pixels_to_offsets(self.session.portrait.rest_face)
        self._keyframe = self._keyframe_at_frame()
        self._base = dict(self._keyframe.offsets) if self._keyframe else {}
        label = "Move Portrait Landmarks" if self.mode == "rest" else "Move Landmarks"
        label = "Fit Face" if self._fit_anchor is not None else label
        self.session.undo_stack.begin_macro(label)
        self._token = object()

    def move(self, pos: QPointF) -> None:
        if self._band is not None:
            self._band = (self._band[0], pos)
        elif self._drag_from is not None and self.selected:
            self.cursor = QPointF(pos)
            self._apply(self.canvas.to_image(pos) - self._drag_from)

    def release(self, pos: QPointF) -> None:
        if self._band is not None:
            rect = self.band_rect()
            pts = self.canvas.to_widget(self.display_rig())
            self.selected = {i for i, (x, y) in enumerate(pts) if rect.contains(QPointF(x, y))}
        elif self._drag_from is not None:
            self.session.undo_stack.end_macro()
            if self.mode == "keyframe":
                self._select_keyframe()
        self._band, self._drag_from, self._token, self.cursor = None, None, None, None

    def _select_keyframe(self) -> None:
        """Show the keyframe this drag made or changed in the Inspector (and the timeline)."""
        item = next((i for i in items(self.session.project.tracks, "landmarks") if i.obj == self._keyframe), None)
        if item is not None:
            self.session.select([item])

    def _delta(self, d: np.ndarray) -> np.ndarray:
        """Per-point displacement: the drag ``d`` times each point's weight (mirrored when asked)."""
        if self.mirror:
            return mirrored_delta(self._weights, self._mirror, d)
        return self._weights[:, None] * d

    def _keyframe_at_frame(self) -> LandmarkKeyframe | None:
        t = self.session.frame / self.session.project.fps
        for kf in self.session.project.tracks.landmarks.keyframes:
            if abs(kf.time - t) < 0.5 / self.session.project.fps:
                return kf
        return None

    def _fit(self, d: np.ndarray) -> None:
        """Re-fit the face with the dragged anchor moved by ``d`` (image pixels)."""
        face = refit(self._drag_face, self._fit_anchor, self._drag_rig[self._fit_anchor] + d)
        self.session.push(SetRestLandmarks(self.session.project, face))

    def _apply(self, d: np.ndarray) -> None:
        if self._fit_anchor is not None:
            self._fit(d)
            return
        delta = self._delta(d)
        project = self.session.project
        if self.mode == "rest":
            face = self.session.portrait.rest_face.with_rig_points(self._drag_rig + delta)
            self.session.push(SetAttribute(project, "rest_landmarks", face, "Move Portrait Landmarks", merge=True))
            return
        self._apply_keyframe(delta[:68] @ self._pixels_to_offsets.T)

    def _apply_keyframe(self, offsets68: np.ndarray) -> None:
        """Add ``offsets68`` (normalized units) to the drag's keyframe at this frame, or make one."""
        project = self.session.project
        offsets = dict(self._base)
        for i in np.nonzero(np.abs(offsets68).sum(1))[0]:
            bx, by = self._base.get(int(i), (0.0, 0.0))
            offsets[int(i)] = (bx + float(offsets68[i, 0]), by + float(offsets68[i, 1]))
        t = project.snap(self.session.frame / project.fps)
        # An existing keyframe keeps its blend spans and easing; only its offsets change.
        new = LandmarkKeyframe(t, offsets) if self._keyframe is None else replace(self._keyframe, offsets=offsets)
        track = project.tracks.landmarks
        command = AddLandmarkKeyframe(track, new) if self._keyframe is None else UpdateLandmarkKeyframe(track, self._keyframe, new)
        self.session.push(command)
        self._keyframe = new
