"""The generated motion under a lane's keys, per frame: what the user's keys add to (or scale).

Head lanes show the base pose (PoseGen or a video, in degrees). The lips lane shows the
mouth opening the speech model (and the mouth-shape lane) makes *before* the lip-opening
curve, in the curve's own units: the opening beyond the portrait's own mouth over the
model's widest (its 95th percentile), so 1 is where the model's wide-open frames reach and
a key of gain g makes the drawn opening g times as high (core.animation.lip_opening).
Gaze and emotion have no generated base.
"""

from __future__ import annotations

import numpy as np

from app.studio_session import StudioSession

POSE_COLUMNS = {"pose.yaw": 0, "pose.pitch": 1, "pose.roll": 2}
LIP_OPENNESS = "lips.openness"
WIDEST_PERCENTILE = 95
MIN_WIDEST = 0.02  # a line that barely opens the mouth is not blown up to full height

_lips_cache: dict[str, object] = {}
_pose_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}


def base_values(session: StudioSession, lane: str) -> np.ndarray | None:
    """Per-frame base values of ``lane`` (frame i at i / fps), or None when it has none yet."""
    if lane in POSE_COLUMNS:
        deltas = session.poses.get(session.pose_request())
        if deltas is None:
            return None
        cached = _pose_cache.get(lane)
        if cached is None or cached[0] is not deltas:  # the same array for the same deltas: views cache their drawing
            _pose_cache[lane] = cached = deltas, np.asarray(deltas, np.float64)[:, POSE_COLUMNS[lane]]
        return cached[1]
    if lane == LIP_OPENNESS:
        return model_opening(session)
    return None


def model_opening(session: StudioSession) -> np.ndarray | None:
    """The lips' generated opening in lip-curve units (see the module docstring); cached until
    the speech motion, the portrait, the mouth shapes or the timing change — not on a curve key edit."""
    if session.portrait is None:
        return None
    project = session.project
    frames = max(project.frame_count, 1)
    inputs = (session.portrait.rest_face, session.speech_base, session.mouth, project.tracks.mouth_shapes.blocks,
              project.fps, frames)
    cached = _lips_cache.get("inputs")
    if cached is not None and all(a is b or (type(a) in (float, int) and a == b) for a, b in zip(cached, inputs)):
        return _lips_cache["values"]
    values = _relative_opening(session, frames)
    _lips_cache.update(inputs=inputs, values=values)
    return values


def _relative_opening(session: StudioSession, frames: int) -> np.ndarray:
    from app.rig_preview import loudness_base
    from core.animation.compose import opening_before_curve
    from core.landmarks.face_geometry import mouth_openness
    from core.landmarks.normalized_space import normalize

    rest = normalize(session.portrait.rest_face)
    base = session.speech_base
    if base is None:  # the loudness stand-in the preview shows until S2L has run
        base = loudness_base(rest, np.resize(session.mouth, frames))
    base = np.concatenate([base, np.repeat(base[-1:], max(0, frames - len(base)), 0)])[:frames]
    opening = opening_before_curve(base, rest, session.project.tracks, session.project.fps)
    beyond_own = opening - mouth_openness(rest.points68)
    beyond_own = np.maximum(beyond_own, 0.0)
    return beyond_own / max(float(np.percentile(beyond_own, WIDEST_PERCENTILE)), MIN_WIDEST)
