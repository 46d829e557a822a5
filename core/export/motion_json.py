"""The motion JSON: per-frame landmarks, iris centres and head pose in image pixels.

Format (one JSON object)::

    {"format": "space-studio-motion", "version": 1, "fps": 25.0,
     "landmarks68": T×68×2, "iris": T×2×2, "pose": T×6 (yaw, pitch, roll, tx, ty, tz),
     ...optional extra keys, e.g. "image_size": [w, h]}

Written atomically; reading checks shapes and raises MotionFileError with what is wrong.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import LandmarkFileError
from core.export.atomic_output import atomic_file

FORMAT = "space-studio-motion"
VERSION = 1
_DECIMALS = 3  # a thousandth of a pixel: far below visible, keeps files small


class MotionFileError(LandmarkFileError):
    """A motion JSON file that is missing, malformed or of the wrong shape."""


@dataclass(frozen=True)
class MotionData:
    """Per-frame motion in image pixels; ``extra`` holds any additional keys."""

    fps: float
    landmarks68: np.ndarray  # T×68×2
    iris: np.ndarray  # T×2×2
    pose: np.ndarray  # T×6
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        frames = len(self.landmarks68)
        for name, tail in (("landmarks68", (68, 2)), ("iris", (2, 2)), ("pose", (6,))):
            value = np.asarray(getattr(self, name), np.float32)
            if value.shape != (frames, *tail):
                raise MotionFileError(f"motion {name} must be {frames}×{'×'.join(map(str, tail))}, got {value.shape}")
            object.__setattr__(self, name, value)
        if not (math.isfinite(self.fps) and self.fps > 0):
            raise MotionFileError(f"motion fps must be a positive number, got {self.fps}")


def write_motion_json(path: str | os.PathLike, motion: MotionData) -> Path:
    """Write ``motion`` to ``path`` atomically; returns the path."""
    reserved = {"format", "version", "fps", "landmarks68", "iris", "pose"}
    clash = reserved & set(motion.extra)
    if clash:
        raise ValueError(f"extra keys clash with the format: {sorted(clash)}")
    document = {
        "format": FORMAT,
        "version": VERSION,
        "fps": motion.fps,
        "landmarks68": np.round(motion.landmarks68.astype(np.float64), _DECIMALS).tolist(),
        "iris": np.round(motion.iris.astype(np.float64), _DECIMALS).tolist(),
        "pose": np.round(motion.pose.astype(np.float64), _DECIMALS).tolist(),
        **motion.extra,
    }
    path = Path(path)
    with atomic_file(path) as temp:
        temp.write_text(json.dumps(document, separators=(",", ":")))
    return path


def read_motion_json(path: str | os.PathLike) -> MotionData:
    """Read a motion JSON written by ``write_motion_json`` (or by hand in the same format)."""
    path = Path(path)
    try:
        document = json.loads(path.read_text())
    except FileNotFoundError as err:
        raise MotionFileError(f"motion file not found: {path}") from err
    except (OSError, ValueError) as err:
        raise MotionFileError(f"motion file {path} is not readable JSON: {err}") from err
    if not isinstance(document, dict) or document.get("format", FORMAT) != FORMAT:
        raise MotionFileError(f"{path} is not a SPACE Studio motion file (format must be '{FORMAT}')")
    if document.get("version", VERSION) != VERSION:
        raise MotionFileError(f"{path} has motion format version {document.get('version')}, expected {VERSION}")
    missing = [key for key in ("fps", "landmarks68", "iris", "pose") if key not in document]
    if missing:
        raise MotionFileError(f"motion file {path} lacks {', '.join(missing)}")
    extra = {k: v for k, v in document.items() if k not in {"format", "version", "fps", "landmarks68", "iris", "pose"}}
    try:
        arrays = {key: np.asarray(document[key], np.float32) for key in ("landmarks68", "iris", "pose")}
        fps = float(document["fps"])
    except (TypeError, ValueError) as err:
        raise MotionFileError(f"motion file {path} has non-numeric values: {err}") from err
    return MotionData(fps=fps, extra=extra, **arrays)
