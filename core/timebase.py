"""The engine's one timebase: how many frames cover a duration, when each frame is, and
how a per-frame series moves to another frame rate.

Frame i of a line at ``fps`` starts at i / fps; a line of ``duration`` seconds has
ceil(duration × fps) frames, with the product rounded to 6 decimals first so float
noise never adds a frame (3.0 s × 30 fps is 90 frames, not 91). Features, voice
activity, the project, motion and export all count frames with ``frame_count``, so the
picture and the sound never disagree by a frame.
"""

from __future__ import annotations

import math

import numpy as np


def frame_count(duration: float, fps: float) -> int:
    """Frames covering ``duration`` seconds at ``fps``: ceil(duration × fps), never negative."""
    return max(0, math.ceil(round(float(duration) * float(fps), 6)))


def frame_times(frames: int, fps: float) -> np.ndarray:
    """Start time (s) of each of ``frames`` frames: i / fps."""
    return np.arange(int(frames), dtype=np.float64) / float(fps)


def resample_positions(frames: int, src_fps: float, dst_fps: float) -> np.ndarray:
    """Where each frame at ``dst_fps`` falls in a series of ``frames`` frames at ``src_fps``
    (fractional source index). Frame centres are matched, so the first and last frames
    keep their place; positions are clipped to the series."""
    count = frame_count(frames / src_fps, dst_fps)
    src = (np.arange(count) + 0.5) * src_fps / dst_fps - 0.5
    return np.clip(src, 0.0, max(frames - 1, 0))


def resample_series(values: np.ndarray, src_fps: float, dst_fps: float) -> np.ndarray:
    """T×... per-frame values at ``src_fps`` → the same span at ``dst_fps``, linearly
    interpolated between neighbouring frames (see ``resample_positions``)."""
    values = np.asarray(values)
    lo, hi, weight = _neighbours(resample_positions(len(values), src_fps, dst_fps), len(values))
    weight = weight.reshape((-1,) + (1,) * (values.ndim - 1))
    return values[lo] * (1.0 - weight) + values[hi] * weight


def resample_valid(valid: np.ndarray, src_fps: float, dst_fps: float) -> np.ndarray:
    """A resampled frame is valid only when both source frames around it are."""
    valid = np.asarray(valid, bool)
    lo, hi, _ = _neighbours(resample_positions(len(valid), src_fps, dst_fps), len(valid))
    return valid[lo] & valid[hi]


def fit_length(values: np.ndarray, frames: int) -> np.ndarray:
    """Cut the first axis to ``frames`` rows, or hold the last row to reach it (features may be a
    frame longer or shorter than the line; a reference clip may end before the speech). No rows
    at all give zeros of the same row shape."""
    values = np.asarray(values)
    if len(values) >= frames:
        return values[:frames]
    if not len(values):
        return np.zeros((frames, *values.shape[1:]), values.dtype)
    return np.concatenate([values, np.repeat(values[-1:], frames - len(values), axis=0)])


def stretch_frames(values: np.ndarray, frames: int) -> np.ndarray:
    """T×D rows linearly stretched or squeezed to ``frames`` rows over the same span
    (first row to first row, last to last): a model's output at its own rate fitted to a line."""
    values = np.asarray(values, np.float64)
    src = np.linspace(0.0, 1.0, len(values))
    dst = np.linspace(0.0, 1.0, frames)
    return np.stack([np.interp(dst, src, values[:, d]) for d in range(values.shape[1])], axis=1)


def _neighbours(positions: np.ndarray, frames: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lo = np.floor(positions).astype(np.int64)
    hi = np.minimum(lo + 1, max(frames - 1, 0))
    return lo, hi, positions - lo
