"""The base head pose under the pose track: PoseGen (seeded) or a reference video, through core.

Computing it is slow (torch / mediapipe), so it runs in a background task and the result is kept
per source in ``PoseCache``; the source itself lives in the project (``PoseTrack.source``) and is
changed only by undoable commands, so undo/redo flips between cached results and keyed curves
are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.pose_source import PoseSource


@dataclass(frozen=True)
class PoseRequest:
    """Everything the deltas depend on (the cache key)."""

    source: PoseSource
    audio_path: str | None
    fps: float
    frames: int


def pose_deltas(request: PoseRequest) -> np.ndarray | None:
    """T×6 pose deltas (yaw, pitch, roll deg; tx, ty, tz face units) or None for a still head.

    Call from a worker thread: imports torch (PoseGen) or mediapipe (video) lazily. Raises core's
    SpaceStudioError subclasses (missing weights, unreadable video, no face in the video)."""
    from core.pose_source import pose_deltas as core_pose_deltas

    source = request.source
    if source.kind == "still":
        return None
    deltas = core_pose_deltas(source, _mfcc(request), request.fps)
    return None if deltas is None else fit_length(np.asarray(deltas, np.float64), request.frames)


def fit_length(deltas: np.ndarray, frames: int) -> np.ndarray:
    """Trim, or hold the last pose, to ``frames`` rows."""
    if len(deltas) == 0:
        return np.zeros((frames, 6))
    return np.concatenate([deltas, np.repeat(deltas[-1:], max(0, frames - len(deltas)), 0)])[:frames]


def _mfcc(request: PoseRequest) -> np.ndarray:
    """The speech's MFCC (PoseGen listens to it); zeros when there is no speech yet."""
    if request.audio_path is None or request.source.kind != "generated":
        return np.zeros((request.frames, 40), np.float32)
    from core.audio.audio_io import load_audio
    from core.audio.features import mfcc_per_frame

    return mfcc_per_frame(load_audio(request.audio_path), request.fps)


class PoseCache:
    """Deltas per request; the session asks for the current one."""

    def __init__(self) -> None:
        self._deltas: dict[PoseRequest, np.ndarray | None] = {}

    def __contains__(self, request: PoseRequest) -> bool:
        return request.source.kind == "still" or request in self._deltas

    def get(self, request: PoseRequest) -> np.ndarray | None:
        return None if request.source.kind == "still" else self._deltas.get(request)

    def put(self, request: PoseRequest, deltas: np.ndarray | None) -> None:
        self._deltas[request] = deltas
