"""What a motion predictor under evaluation receives and returns.

A predictor is any callable ``(PredictionInput) -> T×68×2`` normalized
landmarks, so the baselines, our S2L model and any extra method a caller
passes in are scored by the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class PredictionInput:
    """One clip's speech and portrait, as a predictor sees them.

    ``samples`` are 16 kHz mono float32; ``face0`` is the portrait's normalized
    68×3 face (the clip's first valid frame); the prediction must have
    ``n_frames`` frames at ``fps``.
    """

    samples: np.ndarray
    sample_rate: int
    fps: float
    n_frames: int
    face0: np.ndarray


Predictor = Callable[[PredictionInput], np.ndarray]
