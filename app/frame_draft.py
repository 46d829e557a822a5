"""The preview's frame while edits come in: the shown frame composed alone, the clip later.

A key drag pushes an edit on every mouse move, and each edit drops the session's composed
clip. Composing the whole clip again for every move (and keying it in core's cache) costs
more than the frame the user is looking at needs, so while edits arrive the preview composes
only the shown frame — with the same inputs and the same core steps as the clip (compose
evaluates every track per frame, so a frame composed alone equals that frame of the clip:
tests/app/test_lip_opening_curve.py checks it) — and the whole clip is composed once the
edits pause for ``SETTLE_MS`` (a drag's release), ready for scrubbing and playback.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QTimer

from app.studio_session import StudioSession

SETTLE_MS = 200  # edits this far apart are separate gestures: compose the clip in between


class FrameDraft(QObject):
    """``rig_at(frame)``: the session's rig at ``frame``, composed alone while edits are pending."""

    def __init__(self, session: StudioSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.pending = False  # an edit since the clip was last composed
        self._frames: dict[int, tuple[np.ndarray, float]] = {}  # frames composed since the last edit
        self._rest: tuple[object, object] | None = None  # (face, its NormalizedFace)
        self._pose: tuple[tuple, np.ndarray] | None = None  # (inputs, T×7 base pose)
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self.settle)
        session.project_changed.connect(self._edited)
        session.media_changed.connect(self._edited)

    def _edited(self) -> None:
        self.pending = True
        self._frames.clear()
        self._settle.start()

    def settle(self) -> None:
        """Compose the whole clip now (the session keeps it); later frames come from it."""
        self._settle.stop()
        self.pending = False
        self._frames.clear()
        self.session.all_rigs()

    def rig_at(self, frame: int) -> tuple[np.ndarray, float] | None:
        """Rig points (98×2 pixels) and mouth opening at ``frame``, as ``session.rig_at`` gives them."""
        session = self.session
        if not self.pending or session.portrait is None:
            return session.rig_at(frame)
        frame = int(np.clip(frame, 0, max(session.project.frame_count, 1) - 1))
        if frame not in self._frames:  # the canvas and its overlay (and the onion skin) ask in one paint
            self._frames[frame] = self._compose(frame)
        return self._frames[frame]

    def _compose(self, frame: int) -> tuple[np.ndarray, float]:
        """One frame through core's steps, from the inputs the session composes the clip from."""
        from app.rig_preview import emotion_displacements, loudness_base
        from core.animation.compose import compose
        from core.animation.composer import to_motion_frames

        session, project = self.session, self.session.project
        frames = max(project.frame_count, 1)
        rest = self._rest_face()
        speech = session.speech_base
        if speech is not None:
            row = speech[min(frame, len(speech) - 1)][None]
        else:  # the loudness stand-in, as the session makes it until S2L has run
            row = loudness_base(rest, np.resize(session.mouth, frames)[frame:frame + 1])
        pose = self._base_pose(frames)[frame:frame + 1]
        part = compose(row, rest, project.tracks, emotion_displacements(), pose, project.fps, first_frame=frame)
        motion = to_motion_frames(part, rest.rig_z)
        return np.asarray(motion.rig[0], np.float32), float(np.float32(motion.mouth_open[0]))

    def _rest_face(self):  # noqa: ANN202 - core NormalizedFace
        from core.landmarks.normalized_space import normalize

        face = self.session.portrait.rest_face
        if self._rest is None or self._rest[0] is not face:
            self._rest = face, normalize(face)
        return self._rest[1]

    def _base_pose(self, frames: int) -> np.ndarray:
        from core.derived_motion import base_pose

        face = self.session.portrait.rest_face
        deltas = self.session.poses.get(self.session.pose_request())
        inputs = (face, deltas, frames)
        if self._pose is None or any(a is not b for a, b in zip(self._pose[0][:2], inputs[:2])) \
                or self._pose[0][2] != frames:
            self._pose = inputs, base_pose(face, deltas, frames)
        return self._pose[1]
