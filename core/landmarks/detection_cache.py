"""Detected faces kept on disk, so a portrait is detected once, not at every start.

Detecting a portrait costs every command ~1.5 s (importing mediapipe, building its
face-mesh graph, running it) although a character's portrait is animated again and
again. The largest face found in an image is stored under the user's cache folder
(``core.user_dirs.user_cache_dir() / faces``, e.g. ``~/.cache/space-studio/faces``), keyed by a hash of the image's pixels, the
detector backend and settings, the mediapipe version and our landmark code, as an .npz of the
FaceLandmarks arrays (exact float32 values, no pickles): a hit returns exactly what
the detector returned. Only landmarks are stored, never pixels. A missing, damaged or
unwritable cache only costs the speed-up.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.errors import OutputError
from core.export.atomic_output import atomic_file
from core.landmarks.face_landmarks import FaceLandmarks, HeadPose
from core.user_dirs import user_cache_dir

FACE_CACHE = user_cache_dir() / "faces"
CACHE_VERSION = 1
_ARRAYS = ("points68", "upper_lids", "lower_lids", "iris", "iris_radius")
_POSE = ("yaw", "pitch", "roll", "tx", "ty", "tz", "scale")


@lru_cache(maxsize=1)
def _detector_version() -> str:
    """The mediapipe version and a hash of our landmark code: changing how faces are
    found or checked (any core/landmarks module) makes every stored face stale."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        library = version("mediapipe")
    except PackageNotFoundError:
        library = "none"
    code = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        code.update(path.read_bytes())
    return f"{CACHE_VERSION}|{library}|{code.hexdigest()[:16]}"


def cache_key(image_rgb: np.ndarray, settings: str) -> str:
    """Hash of the pixels, their layout, the detector settings and its version."""
    image = np.ascontiguousarray(image_rgb)
    digest = hashlib.sha256(f"{_detector_version()}|{settings}|{image.shape}|{image.dtype}".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()[:32]


def load_face(key: str, cache: Path | None = FACE_CACHE) -> tuple[FaceLandmarks, int] | None:
    """The stored (largest face, face count) for ``key``, or None."""
    path = None if cache is None else cache / f"{key}.npz"
    if path is None or not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            pose = HeadPose(*(float(v) for v in data["pose"]))
            face = FaceLandmarks(*(data[name] for name in _ARRAYS), pose=pose,
                                 image_size=tuple(int(v) for v in data["image_size"]), source=str(data["source"]))
            return face, int(data["count"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # damaged: detected again and rewritten


def store_face(key: str, face: FaceLandmarks, count: int, cache: Path | None = FACE_CACHE) -> None:
    """Keep the detection (atomically: temp file + rename)."""
    if cache is None:
        return
    arrays = {name: getattr(face, name) for name in _ARRAYS}
    try:
        cache.mkdir(parents=True, exist_ok=True)
        with atomic_file(cache / f"{key}.npz") as temp, open(temp, "wb") as handle:
            np.savez(handle, **arrays, pose=np.array([getattr(face.pose, f) for f in _POSE], np.float64),
                     image_size=np.array(face.image_size, np.int64), source=np.array(face.source),
                     count=np.array(count))
    except (OSError, OutputError):
        pass  # a cache that cannot be written only means detecting again next time
