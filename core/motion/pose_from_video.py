"""Head pose (and normalized face) tracked through a reference video.

``poses_from_video(path, fps) -> T×7`` gives the head motion of a video as deltas
relative to its first tracked frame: yaw, pitch, roll in degrees, tx, ty in
units of the first frame's face scale (half the ear-to-ear distance), tz in the
normalized units of the engine's weak perspective (it carries the zoom), and the
scale ratio.

Tracks come from ``core.landmarks.video_face_track.load_or_extract`` (cached per video).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.ndimage import gaussian_filter1d

from core.errors import NoFaceError, VideoError
from core.landmarks.normalized_space import CAMERA_DISTANCE
from core.timebase import resample_series


SMOOTH_SIGMA_S = 0.05  # Gaussian smoothing in seconds: removes tracker jitter, keeps nods.


@dataclass(frozen=True)
class Track:
    """Per-frame face geometry of one video (subset of face_tracks.FaceTrack).

    points68: T×68×3 normalized; lids: T×2×2×7×2 (upper, lower) normalized;
    iris: T×2×2 normalized; poses: T×7 absolute (yaw, pitch, roll deg, tx, ty px,
    tz px, scale px per unit); valid: T bool.
    """

    fps: float
    points68: np.ndarray
    lids: np.ndarray
    iris: np.ndarray
    poses: np.ndarray
    valid: np.ndarray
    image_size: tuple[int, int]


def load_track(path: str | Path, cache_dir: Path | None = None) -> Track:
    """The video's face track (tracked once, then cached by core.landmarks.video_face_track)."""
    from core.landmarks.video_face_track import load_or_extract

    path = Path(path)
    if not path.is_file():
        raise VideoError(f"Reference video not found: {path}")
    ft = load_or_extract(path, cache_dir)
    return Track(float(ft.fps), np.asarray(ft.points68, np.float32), np.asarray(ft.lids, np.float32),
                 np.asarray(ft.iris, np.float32), np.asarray(ft.poses, np.float32),
                 np.asarray(ft.valid, bool), tuple(ft.image_size))


def fill_gaps(values: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Linearly interpolate rows where ``valid`` is False (T×D); ends are held."""
    t = np.arange(len(values))
    out = values.astype(np.float64).copy()
    for d in range(values.shape[1]):
        out[:, d] = np.interp(t, t[valid], values[valid, d])
    return out


def relative_poses(poses: np.ndarray) -> np.ndarray:
    """Absolute T×7 poses → deltas from frame 0.

    tx, ty become face-scale units; tz is derived from the scale ratio through
    the engine's weak perspective (scale ratio = D / (D − tz)), so posing with
    the result reproduces the video's zoom.
    """
    rel = poses.astype(np.float64).copy()
    rel[:, :3] -= poses[0, :3]
    scale0 = poses[0, 6]
    rel[:, 3:5] = (poses[:, 3:5] - poses[0, 3:5]) / scale0
    rel[:, 6] = poses[:, 6] / scale0
    rel[:, 5] = CAMERA_DISTANCE * (1.0 - 1.0 / rel[:, 6])
    return rel


def poses_from_video(path: str | Path, fps: float, cache_dir: Path | None = None) -> np.ndarray:
    """Head motion of a video as T×7 deltas from its first frame at ``fps``.

    Columns: yaw, pitch, roll (degrees), tx, ty (face-scale units), tz (weak
    perspective, normalized units), scale ratio. Frames where the face is lost
    are interpolated; raises VideoError for an unreadable video and NoFaceError
    when no frame has a face.
    """
    track = load_track(path, cache_dir)
    if track.valid.mean() < 0.5:
        raise NoFaceError(f"A face was found in only {track.valid.mean():.0%} of {Path(path).name}")
    poses = fill_gaps(track.poses, track.valid)
    first = int(np.argmax(track.valid))
    poses = relative_poses(poses[first:])
    poses = gaussian_filter1d(poses, SMOOTH_SIGMA_S * track.fps, axis=0, mode="nearest")
    return resample_series(poses, track.fps, fps).astype(np.float32)
