"""Per-frame rig points for preview and export, evaluated from the core tracks.

Interim composition until core.pipeline provides the speech-driven base motion:
mouth opening follows the audio's loudness; blinks, gaze, emotion (happy/sad
mouth corners), head roll and landmark keyframes come from the project's tracks.
"""

from __future__ import annotations

import numpy as np

from core.animation.project import Project
from core.landmarks.face_landmarks import RIG_IRIS, RIG_LOWER_LIDS, RIG_UPPER_LIDS, FaceLandmarks

JAW_AND_LOWER_LIP = [5, 6, 7, 8, 9, 10, 11, 55, 56, 57, 58, 59, 65, 66, 67]


def mouth_envelope(samples: np.ndarray | None, rate: int, fps: float, frames: int) -> np.ndarray:
    """Per-frame mouth opening 0..1 from the audio's RMS."""
    frames = max(frames, 1)
    if samples is None or len(samples) == 0:
        return np.zeros(frames, np.float32)
    hop = rate / fps
    rms = np.array([np.sqrt(np.mean(samples[int(i * hop):int((i + 1) * hop) + 1] ** 2)) for i in range(frames)])
    return np.clip(rms / (np.percentile(rms, 95) + 1e-6), 0, 1).astype(np.float32)


def compose_frames(project: Project, rest: FaceLandmarks, mouth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """T×98×2 pixel rigs and T mouth openings."""
    times = project.frame_times()
    if times.size == 0:
        times = np.zeros(1)
    n = times.size
    tracks = project.tracks
    rig = np.repeat(rest.rig_points()[None], n, 0).astype(np.float64)
    m = np.resize(mouth, n).astype(np.float64)
    scale = float(np.linalg.norm(rest.points68[16, :2] - rest.points68[0, :2]) / 2)
    rig[:, JAW_AND_LOWER_LIP, 1] += m[:, None] * 0.12 * scale
    w = tracks.emotion.weights(times)
    rig[:, [48, 54], 1] -= ((w[:, 1] - w[:, 2]) * 0.08 * scale)[:, None]
    close = tracks.blinks.closure(times).reshape(n, 1, 1)
    rig[:, RIG_UPPER_LIDS] += (rig[:, RIG_LOWER_LIDS] - rig[:, RIG_UPPER_LIDS]) * close
    rig[:, RIG_IRIS] += tracks.gaze.offsets(times) * rest.iris_radius.reshape(1, 2, 1)
    rig[:, :68] += tracks.landmarks.offsets(times) * scale
    roll = tracks.pose.evaluate(times, None)[:, 2]
    return _roll(rig, roll).astype(np.float32), m.astype(np.float32)


def _roll(rig: np.ndarray, degrees: np.ndarray) -> np.ndarray:
    a = np.radians(degrees)
    c = rig[:, :68].mean(1, keepdims=True)
    cos, sin = np.cos(a)[:, None], np.sin(a)[:, None]
    d = rig - c
    return np.stack([d[..., 0] * cos - d[..., 1] * sin, d[..., 0] * sin + d[..., 1] * cos], -1) + c
