"""Trainer records: a checked, weights_only-loadable checkpoint and a metrics.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from core.audio.features import FeatureStats
from core.training.model_record import save_checkpoint, write_metrics
from core.weights_file import load_checked_model


@dataclass(frozen=True)
class _Config:
    out: Path
    steps: int = 3


def test_checkpoint_loads_back_checked_with_its_extra_data(tmp_path):
    model = torch.nn.Linear(4, 2)
    stats = FeatureStats(np.zeros(40, np.float32), np.ones(40, np.float32))
    path = tmp_path / "sub" / "net.pt"
    digest = save_checkpoint(path, model, {"inp": 4}, stats, 30.0, phones=["SIL", "AA"])
    assert (tmp_path / "sub" / "net.pt.sha256").read_text().startswith(digest)
    loaded, ckpt = load_checked_model(path, "test net", "train it", lambda c: torch.nn.Linear(c["config"]["inp"], 2))
    assert torch.equal(loaded.weight, model.weight)
    assert ckpt["fps"] == 30.0 and ckpt["phones"] == ["SIL", "AA"]
    assert FeatureStats.from_dict(ckpt["feature_stats"]).std.shape == (40,)


def test_metrics_record_keeps_metrics_extras_and_config_as_text(tmp_path):
    write_metrics(tmp_path, {"r": 0.5}, _Config(tmp_path), train=["a", "b"])
    record = json.loads((tmp_path / "metrics.json").read_text())
    assert record == {"metrics": {"r": 0.5}, "train": ["a", "b"], "config": {"out": str(tmp_path), "steps": "3"}}
