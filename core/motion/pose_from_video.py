"""Head pose (and normalized face) tracked through a reference video.

``poses_from_video(path, fps) -> T×7`` gives the head motion of a video as deltas
relative to its first tracked frame: yaw, pitch, roll in degrees, tx, ty in
units of the first frame's face scale (half the ear-to-ear distance), tz in the
normalized units of the engine's weak perspective (it carries the zoom), and the
scale ratio.

Tracks come from ``core.training.face_tracks.load_or_extract`` when that module
is installed; otherwise a minimal MediaPipe face-mesh tracker here does the same
job (``load_track``), so pose transfer and the motion trainers work either way.
The fallback frontalizes with a face frame built from rigid points (ears for x,
nose bridge→nose base for y), origin at the midpoint of iBUG 0 and 16, scaled so
those points are 2 apart; angles follow core.landmarks.pose_estimation.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from scipy.ndimage import gaussian_filter1d

from core.errors import NoFaceError, VideoError
from core.landmarks.normalized_space import CAMERA_DISTANCE
from core.landmarks.pose_estimation import euler_angles


# MediaPipe face-mesh vertex for each iBUG-68 landmark (image-left first).
MP_TO_IBUG68 = np.array(
    [127, 234, 93, 132, 58, 136, 150, 176, 152, 400, 379, 365, 288, 361, 323, 454, 356,
     70, 63, 105, 66, 107, 336, 296, 334, 293, 300,
     168, 197, 5, 4, 75, 97, 2, 326, 305,
     33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380,
     61, 39, 37, 0, 267, 269, 291, 405, 314, 17, 84, 181,
     78, 82, 13, 312, 308, 317, 14, 87]
)
# Interior eyelid contour points, each lid ordered left→right in the image.
MP_UPPER_LIDS = np.array([[246, 161, 160, 159, 158, 157, 173], [398, 384, 385, 386, 387, 388, 466]])
MP_LOWER_LIDS = np.array([[7, 163, 144, 145, 153, 154, 155], [382, 381, 380, 374, 373, 390, 249]])
MP_IRIS = np.array([468, 473])
# Rigid points that define the face frame: ear ends, nose bridge, nose base.
_EAR_L, _EAR_R, _BRIDGE, _NOSE_BASE = 234, 454, 168, 2

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


def _face_frame(mesh: np.ndarray) -> np.ndarray:
    """3×3 rotation whose columns are the face's x, y, z axes in image axes."""
    x = mesh[_EAR_R] - mesh[_EAR_L]
    x /= np.linalg.norm(x)
    y = mesh[_NOSE_BASE] - mesh[_BRIDGE]
    y -= x * np.dot(x, y)
    y /= np.linalg.norm(y)
    return np.stack([x, y, np.cross(x, y)], axis=1)


def normalize_mesh(mesh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Frontalize one face mesh (N×3 pixels, x right, y down, z towards the viewer).

    Returns the normalized mesh (N×3) and the absolute pose 7-vector (yaw,
    pitch, roll in the convention of core.landmarks.pose_estimation, tx, ty, tz,
    scale) such that ``mesh ≈ scale * R @ normalized + t``.
    """
    rot = _face_frame(mesh)
    ear0, ear16 = mesh[MP_TO_IBUG68[0]], mesh[MP_TO_IBUG68[16]]
    origin = (ear0 + ear16) / 2
    scale = float(np.linalg.norm(ear16 - ear0) / 2)
    local = (mesh - origin) @ rot / scale
    yaw, pitch, roll = euler_angles(rot)
    pose = np.array([yaw, pitch, roll, origin[0], origin[1], origin[2], scale], np.float32)
    return local.astype(np.float32), pose


def _open_video(path: Path) -> cv2.VideoCapture:
    if not path.is_file():
        raise VideoError(f"Reference video not found: {path}")
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise VideoError(f"Cannot open reference video {path.name}: unsupported or corrupt file")
    return cap


def _mediapipe_track(path: Path) -> Track:
    """Track one video with MediaPipe face mesh (the fallback extractor)."""
    import mediapipe as mp  # heavy import, only when a video is tracked

    cap = _open_video(path)
    fps = float(cap.get(cv2.CAP_PROP_FPS)) or 25.0
    frames: list[tuple[np.ndarray, np.ndarray] | None] = []
    size = (0, 0)
    with mp.solutions.face_mesh.FaceMesh(max_num_faces=1, refine_landmarks=True) as mesh_model:
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            h, w = bgr.shape[:2]
            size = (w, h)
            result = mesh_model.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            if not result.multi_face_landmarks:
                frames.append(None)
                continue
            lm = result.multi_face_landmarks[0].landmark
            # MediaPipe z grows away from the camera; the engine's z points at the viewer.
            mesh = np.array([(p.x * w, p.y * h, -p.z * w) for p in lm], np.float64)
            frames.append(normalize_mesh(mesh))
    cap.release()
    if not frames:
        raise VideoError(f"Cannot decode any frame of {path.name}")
    return _stack_track(frames, fps, size, path)


def _stack_track(frames: list, fps: float, size: tuple[int, int], path: Path) -> Track:
    valid = np.array([f is not None for f in frames])
    if not valid.any():
        raise NoFaceError(f"No face found in any frame of {path.name}")
    template = next(f for f in frames if f is not None)
    filled = [f if f is not None else template for f in frames]
    meshes = np.stack([f[0] for f in filled])
    poses = np.stack([f[1] for f in filled])
    lids = np.stack([meshes[:, MP_UPPER_LIDS, :2], meshes[:, MP_LOWER_LIDS, :2]], axis=1)
    return Track(fps, meshes[:, MP_TO_IBUG68], lids, meshes[:, MP_IRIS, :2], poses, valid, size)


def load_track(path: str | Path, cache_dir: Path | None = None) -> Track:
    """Track a video with face_tracks (cached) when installed, else with the local tracker."""
    path = Path(path)
    if not path.is_file():
        raise VideoError(f"Reference video not found: {path}")
    try:
        face_tracks = importlib.import_module("core.training.face_tracks")
    except ImportError:
        return _mediapipe_track(path)
    ft = face_tracks.load_or_extract(path, cache_dir)
    lids = np.asarray(ft.lids, np.float32)
    return Track(float(ft.fps), np.asarray(ft.points68, np.float32), lids,
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


def resample(values: np.ndarray, src_fps: float, dst_fps: float) -> np.ndarray:
    """Resample T×D values from src_fps to dst_fps by linear interpolation."""
    duration = len(values) / src_fps
    t_src = np.arange(len(values)) / src_fps
    t_dst = np.arange(int(np.ceil(duration * dst_fps - 1e-6))) / dst_fps
    return np.stack([np.interp(t_dst, t_src, values[:, d]) for d in range(values.shape[1])], axis=1)


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
    return resample(poses, track.fps, fps).astype(np.float32)
