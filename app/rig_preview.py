"""The preview's stand-in lip motion and the emotion expressions it composes with.

The rigs themselves are composed by core (``core.derived_motion.DerivedMotion.composed``,
the export's own composition) from the S2L prediction when one has been generated; until
then (or without weights) the stand-in base here opens the jaw with the audio's loudness,
so the portrait talks at once.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from core.errors import SpaceStudioError
from core.landmarks.normalized_space import NormalizedFace

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
