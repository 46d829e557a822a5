"""The generated motion under a lane's keys, per frame: what the user's keys add to.

Head lanes show the base pose (PoseGen or a video, in degrees); the lips lane shows the mouth
opening the speech model makes (composed, 0..1). Gaze and emotion have no generated base.
"""

from __future__ import annotations

import numpy as np

from app.studio_session import StudioSession

POSE_COLUMNS = {"pose.yaw": 0, "pose.pitch": 1, "pose.roll": 2}
LIP_OPENNESS = "lips.openness"


def base_values(session: StudioSession, lane: str) -> np.ndarray | None:
    """Per-frame base values of ``lane`` (frame i at i / fps), or None when it has none yet."""
    if lane in POSE_COLUMNS:
        deltas = session.poses.get(session.pose_request())
        return None if deltas is None else np.asarray(deltas, np.float64)[:, POSE_COLUMNS[lane]]
    if lane == LIP_OPENNESS:
        rigs = session.all_rigs()
        return None if rigs is None else np.asarray(rigs[1], np.float64)
    return None
