"""Per-frame normalized face tracks of a video, cached on disk: the head motion of a
reference video (core.motion.pose_from_video), training and evaluation all read them.

``extract_face_track`` runs the mediapipe tracker over a video and stores every
frame in SPACE's normalized space (``core.landmarks.normalized_space``) with
the pose that puts it back. ``load_or_extract`` caches the result as an .npz
(no pickle) keyed by the video's name, size and modification time.

Frames without a face have ``valid`` False and hold the nearest valid frame's
values (zeros when no frame has a face), so interpolation and masking never
meet NaNs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np

from core.errors import VideoError
from core.export.atomic_output import atomic_file
from core.landmarks.face_landmarks import LID_POINTS
from core.landmarks.mediapipe_detector import MediapipeConfig, MediapipeDetector
from core.landmarks.normalized_space import NormalizedFace, normalize

CACHE_VERSION = 1  # bump when extraction changes: old cache files are then ignored
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "space-studio" / "tracks"
POSE_FIELDS = ("yaw", "pitch", "roll", "tx", "ty", "tz", "scale")


@dataclass(frozen=True)
class FaceTrack:
    """Normalized face geometry of the frames of one video.

    T = number of sampled frames (every ``every_n``-th frame of the video).
    points68: T×68×3, upper_lids/lower_lids: T×2×7×2, iris: T×2×2,
    iris_radius: T×2 — normalized units. poses: T×7 (yaw, pitch, roll degrees;
    tx, ty pixels; tz; scale pixels per unit). rig_z: T×98 normalized depth of
    the rig points. valid: T bool. frame_indices: T video frame numbers.
    fps is the rate of the sampled frames (video fps / every_n).
    image_size: (width, height).
    """

    fps: float
    points68: np.ndarray
    upper_lids: np.ndarray
    lower_lids: np.ndarray
    iris: np.ndarray
    iris_radius: np.ndarray
    poses: np.ndarray
    rig_z: np.ndarray
    valid: np.ndarray
    frame_indices: np.ndarray
    image_size: tuple[int, int]

    @property
    def lids(self) -> np.ndarray:
        """T×2×2×7×2: (upper, lower) lids of both eyes."""
        return np.stack([self.upper_lids, self.lower_lids], axis=1)

    def __len__(self) -> int:
        return len(self.valid)


def _pose_row(face: NormalizedFace) -> np.ndarray:
    return np.array([getattr(face.pose, name) for name in POSE_FIELDS], np.float32)


def _read_frames(video_path: Path, every_n: int):
    """Yield (frame index, RGB frame) of every ``every_n``-th frame."""
    capture = cv2.VideoCapture(str(video_path))
    try:
        index = 0
        while True:
            ok = capture.grab()
            if not ok:
                break
            if index % every_n == 0:
                ok, frame = capture.retrieve()
                if ok and frame is not None:
                    yield index, np.ascontiguousarray(frame[:, :, ::-1])
            index += 1
    finally:
        capture.release()


def _video_info(video_path: Path) -> tuple[float, tuple[int, int]]:
    """fps and (width, height) of a video; raises VideoError when it cannot be opened."""
    if not video_path.is_file():
        raise VideoError(f"Cannot read video '{video_path}': file not found.")
    capture = cv2.VideoCapture(str(video_path))
    try:
        if not capture.isOpened():
            raise VideoError(f"Cannot read video '{video_path.name}': not a video OpenCV can decode.")
        fps = float(capture.get(cv2.CAP_PROP_FPS))
        size = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    finally:
        capture.release()
    if not fps > 0 or min(size) <= 0:
        raise VideoError(f"Cannot read video '{video_path.name}': no frame rate or frame size.")
    return fps, size


def _hold_nearest_valid(values: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Copy each invalid row from the nearest valid row (zeros if none is valid)."""
    if not valid.any():
        return np.zeros_like(values)
    valid_idx = np.flatnonzero(valid)
    nearest = valid_idx[np.abs(np.arange(len(valid))[:, None] - valid_idx[None, :]).argmin(axis=1)]
    return values[nearest]


def extract_face_track(video_path: str | Path, every_n: int = 1) -> FaceTrack:
    """Track the largest face through a video and normalize every sampled frame."""
    video_path = Path(video_path)
    if every_n < 1:
        raise ValueError(f"every_n must be ≥ 1, got {every_n}")
    fps, size = _video_info(video_path)
    faces: list[NormalizedFace | None] = []
    indices: list[int] = []
    config = MediapipeConfig(static_image_mode=False, max_faces=1)
    with MediapipeDetector(config) as detector:
        for index, frame in _read_frames(video_path, every_n):
            found = detector.detect(frame)
            faces.append(normalize(found[0]) if found else None)
            indices.append(index)
    if not faces:
        raise VideoError(f"Cannot read video '{video_path.name}': no frame could be decoded.")
    return _assemble(faces, indices, fps / every_n, size)


def _assemble(faces: list[NormalizedFace | None], indices: list[int], fps: float, size: tuple[int, int]) -> FaceTrack:
    """Stack per-frame normalized faces (None = no face) into a FaceTrack."""
    valid = np.array([f is not None for f in faces])

    def stacked(get, shape) -> np.ndarray:
        rows = [get(f) if f is not None else np.zeros(shape, np.float32) for f in faces]
        return _hold_nearest_valid(np.stack(rows).astype(np.float32), valid)

    return FaceTrack(
        fps=float(fps),
        points68=stacked(lambda f: f.points68, (68, 3)),
        upper_lids=stacked(lambda f: f.upper_lids, (2, LID_POINTS, 2)),
        lower_lids=stacked(lambda f: f.lower_lids, (2, LID_POINTS, 2)),
        iris=stacked(lambda f: f.iris, (2, 2)),
        iris_radius=stacked(lambda f: f.iris_radius, (2,)),
        poses=stacked(_pose_row, (len(POSE_FIELDS),)),
        rig_z=stacked(lambda f: f.rig_z, (68 + 4 * LID_POINTS + 2,)),
        valid=valid,
        frame_indices=np.asarray(indices, np.int64),
        image_size=(int(size[0]), int(size[1])),
    )


def cache_path(video_path: str | Path, cache_dir: str | Path, every_n: int = 1) -> Path:
    """Where the track of ``video_path`` is cached: name + size + mtime (+ version, every_n)."""
    video_path = Path(video_path)
    stat = video_path.stat()
    key = f"{video_path.stem}-{video_path.suffix.lstrip('.')}-{stat.st_size}-{stat.st_mtime_ns}-n{every_n}-v{CACHE_VERSION}"
    return Path(cache_dir) / f"{key}.npz"


def save_track(track: FaceTrack, path: Path) -> None:
    """Write a FaceTrack as .npz atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {k: np.asarray(v) for k, v in asdict(track).items()}
    with atomic_file(path) as temp, open(temp, "wb") as handle:
        np.savez(handle, **arrays)


def load_track(path: Path) -> FaceTrack:
    """Read a FaceTrack written by ``save_track``."""
    with np.load(path, allow_pickle=False) as data:
        values = {name: data[name] for name in data.files}
    values["fps"] = float(values["fps"])
    values["image_size"] = tuple(int(v) for v in values["image_size"])
    return FaceTrack(**values)


def load_or_extract(video_path: str | Path, cache_dir: str | Path | None = None, every_n: int = 1) -> FaceTrack:
    """The cached track of ``video_path``, extracting and caching it on first use."""
    path = cache_path(video_path, cache_dir or DEFAULT_CACHE_DIR, every_n)
    if path.exists():
        try:
            return load_track(path)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged or outdated cache file is simply rebuilt
    track = extract_face_track(video_path, every_n)
    save_track(track, path)
    return track
