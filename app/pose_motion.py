"""The base head pose under the pose track: PoseGen (seeded) or a reference video, through core.

Computing it is slow (torch / mediapipe), so it runs in a background task and the result is kept
in core's derived-motion cache under its ``PoseKey`` (source, speech file, fps, weights); the
source itself lives in the project (``PoseTrack.source``) and is changed only by undoable
commands, so undo/redo flips between cached results and keyed curves are never touched.
"""

from __future__ import annotations

import numpy as np

from core.derived_motion import PoseKey, compute_pose

PoseRequest = PoseKey  # what the deltas depend on (the cache key)


def pose_deltas(request: PoseRequest) -> np.ndarray | None:
    """T×6 pose deltas (yaw, pitch, roll deg; tx, ty, tz face units) or None for a still head,
    from the speech at one loudness as ``render-project`` hears it.

    Call from a worker thread: imports torch (PoseGen) or mediapipe (video) lazily. Raises core's
    SpaceStudioError subclasses (missing weights, unreadable video, no face in the video)."""
    return compute_pose(request)
