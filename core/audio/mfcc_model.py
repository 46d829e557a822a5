"""What PhoneNet and APC share: weights checked and loaded with their MFCC statistics, and
the standardized, clipped input they read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from core.audio.features import FeatureStats
from core.weights_file import load_checked_model

INPUT_CLIP = 4.0  # standardized MFCCs beyond ±4 σ (digital silence) are clipped


def load_mfcc_model(path: str | Path | None, default: Path, what: str, train_hint: str,
                    build: Callable[[dict], torch.nn.Module]) -> tuple[torch.nn.Module, FeatureStats]:
    """The checksum-verified model at ``path`` (None: ``default``) in eval mode, and its feature stats."""
    model, ckpt = load_checked_model(Path(path) if path is not None else default, what, train_hint, build)
    return model.eval(), FeatureStats.from_dict(ckpt["feature_stats"])


def standardized_input(stats: FeatureStats, mfcc: np.ndarray) -> np.ndarray:
    """T×40 MFCCs standardized by ``stats`` and clipped to ±INPUT_CLIP."""
    return np.clip(stats.apply(np.asarray(mfcc, np.float32)), -INPUT_CLIP, INPUT_CLIP)
