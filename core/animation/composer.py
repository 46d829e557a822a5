"""Cached composition for the live preview, and the final step into image pixels."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from core.animation.compose import ComposedMotion, RestFace, compose
from core.animation.events import Signal
from core.animation.tracks import Tracks
from core.motion.motion_frames import MotionFrames


class Composer:
    """Composes a whole clip once and serves frames from the cache.

    Any track event (or ``set_inputs``) drops the cache; the next
    ``evaluate_frame`` recomposes the clip (vectorised, a few ms per minute of
    video), so scrubbing costs an array lookup. ``invalidated`` fires so a
    preview knows to redraw.
    """

    def __init__(
        self,
        tracks: Tracks,
        base_norm: np.ndarray,
        rest: RestFace,
        fps: float,
        emotion_displacements: Mapping[str, np.ndarray] | None = None,
        base_pose: np.ndarray | None = None,
    ) -> None:
        self.tracks = tracks
        self.invalidated: Signal[Composer] = Signal()
        self._inputs = (np.asarray(base_norm), rest, float(fps), emotion_displacements, base_pose)
        self._cache: ComposedMotion | None = None
        tracks.changed.connect(self._on_tracks_changed)

    def close(self) -> None:
        """Stop listening to the tracks."""
        self.tracks.changed.disconnect(self._on_tracks_changed)

    def set_inputs(
        self,
        base_norm: np.ndarray,
        rest: RestFace,
        fps: float,
        emotion_displacements: Mapping[str, np.ndarray] | None = None,
        base_pose: np.ndarray | None = None,
    ) -> None:
        """New speech motion, rest face or base pose (e.g. after re-running S2L or PoseGen)."""
        self._inputs = (np.asarray(base_norm), rest, float(fps), emotion_displacements, base_pose)
        self.invalidate()

    def invalidate(self) -> None:
        """Drop the cached clip."""
        self._cache = None
        self.invalidated.emit(self)

    def _on_tracks_changed(self, _track: object) -> None:
        self.invalidate()

    def composed(self) -> ComposedMotion:
        """The whole clip (cached)."""
        if self._cache is None:
            base_norm, rest, fps, displacements, base_pose = self._inputs
            self._cache = compose(base_norm, rest, self.tracks, displacements, base_pose, fps)
        return self._cache

    def evaluate_frame(self, index: int) -> tuple[np.ndarray, np.ndarray, float]:
        """Frame ``index`` (clamped): normalized rig 98×2, pose 7, mouth_open."""
        clip = self.composed()
        i = int(np.clip(index, 0, len(clip) - 1))
        return clip.rig[i], clip.pose[i], float(clip.mouth_open[i])


def to_motion_frames(composed: ComposedMotion, rest_z: np.ndarray | None) -> MotionFrames:
    """Pose every frame into image pixels (rest_z: NormalizedFace.rig_z, 98 depths)."""
    from core.landmarks.normalized_space import poses_to_image

    rig = poses_to_image(composed.rig, composed.pose, rest_z)
    return MotionFrames(composed.fps, rig, composed.pose[:, :6], composed.mouth_open)
