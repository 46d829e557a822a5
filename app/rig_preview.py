"""Per-frame rig points for preview and export, composed by core from the project's tracks.

The base lip motion is the S2L prediction when one has been generated
(``core.pipeline.predict_speech_motion``); until then (or without weights) a
stand-in base opens the jaw with the audio's loudness, so the portrait talks at once.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from core.animation.compose import compose
from core.animation.composer import to_motion_frames
from core.animation.project import Project
from core.errors import SpaceStudioError
from core.landmarks.face_landmarks import FaceLandmarks
from core.landmarks.normalized_space import NormalizedFace, normalize

JAW_AND_LOWER_LIP = [5, 6, 7, 8, 9, 10, 11, 55, 56, 57, 58, 59, 65, 66, 67]
JAW_DROP = 0.12  # normalized units at full loudness


def mouth_envelope(samples: np.ndarray | None, rate: int, fps: float, frames: int) -> np.ndarray:
    """Per-frame mouth opening 0..1 from the audio's RMS."""
    frames = max(frames, 1)
    if samples is None or len(samples) == 0:
        return np.zeros(frames, np.float32)
    hop = rate / fps
    rms = np.array([np.sqrt(np.mean(samples[int(i * hop):int((i + 1) * hop) + 1] ** 2)) for i in range(frames)])
    return np.clip(rms / (np.percentile(rms, 95) + 1e-6), 0, 1).astype(np.float32)


def loudness_base(rest: NormalizedFace, mouth: np.ndarray) -> np.ndarray:
    """T×68×2 normalized: the rest face with the jaw dropped by loudness."""
    base = np.repeat(rest.points68[None, :, :2], len(mouth), 0).astype(np.float64)
    base[:, JAW_AND_LOWER_LIP, 1] += mouth[:, None] * JAW_DROP
    return base


@lru_cache(maxsize=1)
def emotion_displacements() -> dict[str, np.ndarray] | None:
    """The learned emotion expressions, or None when they are not shipped."""
    from core.pipeline import emotion_displacements as load

    try:
        return load()
    except SpaceStudioError:
        return None


def compose_frames(project: Project, face: FaceLandmarks, mouth: np.ndarray, speech_base: np.ndarray | None = None,
                   pose_deltas: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """T×98×2 pixel rigs and T mouth openings for every frame of the project.

    ``pose_deltas`` (T×6, PoseGen or a video) move the head under the pose track; None keeps it still."""
    from core.pose_source import absolute_pose

    frames = max(project.frame_count, 1)
    rest = normalize(face)
    base = speech_base if speech_base is not None else loudness_base(rest, np.resize(mouth, frames))
    base = np.concatenate([base, np.repeat(base[-1:], max(0, frames - len(base)), 0)])[:frames]
    base_pose = None if pose_deltas is None else absolute_pose(rest.pose, pose_deltas, frames)
    composed = compose(base, rest, project.tracks, emotion_displacements(), base_pose, project.fps)
    motion = to_motion_frames(composed, rest.rig_z)
    return np.asarray(motion.rig, np.float32), np.asarray(motion.mouth_open, np.float32)
