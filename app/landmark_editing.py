"""Mouse gestures on the canvas → landmark edits: rest-pose or per-frame keyframe offsets."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt

from app.landmark_mirror import mirror_table
from app.studio_session import StudioSession
from core.animation.commands import AddLandmarkKeyframe, SetAttribute, SetRestLandmarks, UpdateLandmarkKeyframe
from core.animation.landmark_track import LandmarkKeyframe
from core.landmarks.face_template import ANCHOR_POINTS, fit_template

if TYPE_CHECKING:
    from app.preview_canvas import PreviewCanvas

PICK_RADIUS = 8.0
ANCHOR_PICK_RADIUS = 11.0  # anchors are drawn bigger while fitting, so they are easier to grab


class LandmarkEditor:
    """Pick, box-select and drag rig points; one undo step per drag."""

    def __init__(self, session: StudioSession, canvas: PreviewCanvas) -> None:
        self.session, self.canvas = session, canvas
        self.mode = "keyframe"  # or "rest"
        self.mirror = False
        self.fit_face: bool | None = None  # re-fit the template from the anchors; None = when the face is a template
        self.selected: set[int] = set()
        self._drag_from: np.ndarray | None = None
        self._drag_rig: np.ndarray | None = None
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

    def band_rect(self) -> QRectF | None:
        return None if self._band is None else QRectF(*self._band).normalized()

    def _pick(self, pos: QPointF) -> int | None:
        rig = self.display_rig()
        d = np.linalg.norm(self.canvas.to_widget(rig) - np.array([pos.x(), pos.y()]), axis=1)
        if self.fitting:
            anchors = list(ANCHOR_POINTS)
            j = int(np.argmin(d[anchors]))
            if d[anchors[j]] <= ANCHOR_PICK_RADIUS:
                return anchors[j]
        i = int(np.argmin(d))
        return i if d[i] <= PICK_RADIUS else None

    def press(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        hit = self._pick(pos)
        if hit is None:
            self._band = (pos, pos)
            return
        self._fit_anchor = hit if self.fitting and hit in ANCHOR_POINTS else None
        if self._fit_anchor is not None:
            self.selected = {hit}
        elif modifiers & Qt.KeyboardModifier.ShiftModifier:
            self.selected ^= {hit}
        elif hit not in self.selected:
            self.selected = {hit}
        self._drag_from = self.canvas.to_image(pos)
        self._drag_rig = self.display_rig()
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
            self._apply(self.canvas.to_image(pos) - self._drag_from)

    def release(self, pos: QPointF) -> None:
        if self._band is not None:
            rect = self.band_rect()
            pts = self.canvas.to_widget(self.display_rig())
            self.selected = {i for i, (x, y) in enumerate(pts) if rect.contains(QPointF(x, y))}
        elif self._drag_from is not None:
            self.session.undo_stack.end_macro()
        self._band, self._drag_from, self._token = None, None, None

    def _delta(self, d: np.ndarray) -> np.ndarray:
        delta = np.zeros_like(self._drag_rig)
        for i in self.selected:
            delta[i] = d
            if self.mirror and self._mirror[i] not in self.selected:
                delta[self._mirror[i]] = (-d[0], d[1])
        return delta

    def _keyframe_at_frame(self) -> LandmarkKeyframe | None:
        t = self.session.frame / self.session.project.fps
        for kf in self.session.project.tracks.landmarks.keyframes:
            if abs(kf.time - t) < 0.5 / self.session.project.fps:
                return kf
        return None

    def _fit(self, d: np.ndarray) -> None:
        """Re-place the template on all anchors, the dragged one moved by ``d`` (image pixels)."""
        anchors = {i: tuple(self._drag_rig[i]) for i in ANCHOR_POINTS}
        anchors[self._fit_anchor] = tuple(self._drag_rig[self._fit_anchor] + d)
        face = fit_template(anchors, self.session.portrait.rest_face.image_size)
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
        rest = self.session.portrait.rest_face.points68
        scale = float(np.linalg.norm(rest[16, :2] - rest[0, :2]) / 2)
        offsets = dict(self._base)
        for i in np.nonzero(np.abs(delta[:68]).sum(1))[0]:
            bx, by = self._base.get(int(i), (0.0, 0.0))
            offsets[int(i)] = (bx + delta[i, 0] / scale, by + delta[i, 1] / scale)
        t = project.snap(self.session.frame / project.fps)
        new = LandmarkKeyframe(t, offsets)
        track = project.tracks.landmarks
        command = AddLandmarkKeyframe(track, new) if self._keyframe is None else UpdateLandmarkKeyframe(track, self._keyframe, new)
        self.session.push(command)
        self._keyframe = new
