"""What every trainer leaves beside its weights: the checkpoint with its sha256 sidecar, and metrics.json.

Checkpoints hold only tensors and plain data, so ``torch.load(..., weights_only=True)``
reads them; the sidecar is what core.weights_file checks before anything loads.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch

from core.audio.features import FeatureStats
from core.export.atomic_output import atomic_file, write_text_atomic
from core.weights_file import write_sha256_sidecar


def save_checkpoint(path: Path, model: torch.nn.Module, model_config: dict, stats: FeatureStats,
                    fps: float, **extra: Any) -> str:
    """Write the model's weights, config, feature stats, frame rate and ``extra`` plain data to
    ``path``, and its sha256 sidecar; returns the digest."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path) as temp:
        torch.save({"state_dict": model.state_dict(), "config": model_config, "feature_stats": stats.to_dict(),
                    "fps": fps, **extra}, temp)
    return write_sha256_sidecar(path)


def write_metrics(out: Path, metrics: dict, config: Any, **extra: Any) -> None:
    """``out/metrics.json``: the run's metrics, ``extra`` records and its config dataclass (as text)."""
    record = {"metrics": metrics, **extra, "config": {k: str(v) for k, v in asdict(config).items()}}
    write_text_atomic(Path(out) / "metrics.json", json.dumps(record, indent=1))
