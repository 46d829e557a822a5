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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from core.errors import LandmarkFileError
from core.export.atomic_output import atomic_file

FORMAT = "space-studio-motion"
VERSION = 1
_DECIMALS = 3  # a thousandth of a pixel: far below visible, keeps files small
_ARRAYS = ("landmarks68", "iris", "pose")
WRITE_FRAMES = 1024  # frames formatted at once when writing (~4 MB of Python floats)


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
            with np.errstate(over="ignore"):  # beyond float32 becomes inf, refused when written
                value = np.asarray(getattr(self, name), np.float32)
            if value.size == 0 and frames == 0:
                value = value.reshape(0, *tail)  # an empty JSON list reads back as shape (0,)
            if value.shape != (frames, *tail):
                raise MotionFileError(f"motion {name} must be {frames}×{'×'.join(map(str, tail))}, got {value.shape}")
            object.__setattr__(self, name, value)
        if not (math.isfinite(self.fps) and self.fps > 0):
            raise MotionFileError(f"motion fps must be a positive number, got {self.fps}")


def write_motion_json(path: str | os.PathLike, motion: MotionData,
                      progress: Callable[[int, int], None] | None = None) -> Path:
    """Write ``motion`` to ``path`` atomically, WRITE_FRAMES frames at a time; returns the path.
    ``progress(frames done, frames)`` follows the landmarks, the bulk of the file.

    Streaming keeps memory flat: the whole document as Python floats and one string
    would take ~30 bytes a number (1.5 GB for two hours at 30 fps). NaN or infinity
    anywhere raises MotionFileError before ``path`` is touched: they are not JSON."""
    reserved = {"format", "version", "fps", *_ARRAYS}
    clash = reserved & set(motion.extra)
    if clash:
        raise ValueError(f"extra keys clash with the format: {sorted(clash)}")
    for name in _ARRAYS:
        _check_finite(name, getattr(motion, name))
    header = _dumps({"format": FORMAT, "version": VERSION, "fps": motion.fps})
    extra = _dumps(motion.extra, "extra keys")
    path = Path(path)
    with atomic_file(path) as temp, temp.open("w", encoding="utf-8") as out:
        out.write(header[:-1])
        for name in _ARRAYS:
            out.write(f',"{name}":[')
            _write_rows(out, getattr(motion, name), progress if name == "landmarks68" else None)
            out.write("]")
        out.write("," + extra[1:] if len(extra) > 2 else "}")
    return path


def _dumps(value: Any, what: str = "motion") -> str:
    try:
        return json.dumps(value, separators=(",", ":"), allow_nan=False)
    except ValueError as err:
        raise MotionFileError(f"{what} contain NaN or infinity, which JSON cannot hold; nothing was written") from err


def _check_finite(name: str, values: np.ndarray) -> None:
    """One-line refusal naming the first frame with NaN or infinity."""
    for start in range(0, len(values), WRITE_FRAMES):
        bad = ~np.isfinite(values[start: start + WRITE_FRAMES].reshape(-1, int(np.prod(values.shape[1:]))))
        if bad.any():
            frame = start + int(np.argmax(bad.any(axis=1)))
            raise MotionFileError(f"motion {name} is NaN or infinite at frame {frame}; nothing was written")


def _write_rows(out: TextIO, values: np.ndarray, progress: Callable[[int, int], None] | None) -> None:
    """``values`` as comma-separated JSON rows (rounded to _DECIMALS), a block of frames at a time."""
    for start in range(0, len(values), WRITE_FRAMES):
        block = np.round(values[start: start + WRITE_FRAMES].astype(np.float64), _DECIMALS).tolist()
        out.write(("," if start else "") + json.dumps(block, separators=(",", ":"), allow_nan=False)[1:-1])
        if progress is not None:
            progress(min(start + WRITE_FRAMES, len(values)), len(values))


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
