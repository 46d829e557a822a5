"""APC training end to end on a tiny folder of real (synthesised) speech."""

from __future__ import annotations

import json

import numpy as np
import torch

from core.audio.apc import APCConfig, APCFeatures
from core.audio.audio_io import load_audio
from core.audio.features import mfcc_per_frame
from core.training.train_apc import APCTrainConfig, train
from tests.core.audio.speech_fixture import espeak_wav

torch.set_num_threads(1)


def test_trains_and_writes_loadable_weights_metrics_and_card(tmp_path):
    speech = tmp_path / "data" / "speech"
    speech.mkdir(parents=True)
    lines = ["The quick brown fox jumps over the lazy dog.", "Please put the big blue book on the table."]
    for i, line in enumerate(lines):
        espeak_wav(speech / f"line{i}.wav", line)
    out = tmp_path / "apc"
    cfg = APCTrainConfig(data=tmp_path / "data", out=out, steps=4, batch=4, window=32, val_every=2,
                         model=APCConfig(hidden=8, layers=1))
    metrics = train(cfg)
    held = metrics["held_out"]
    assert held["frames"] > 0 and np.isfinite(held["apc_l1"]) and held["repeat_frame_l1"] > 0
    codes = APCFeatures.load(out / "apc.pt")
    mfcc = mfcc_per_frame(load_audio(speech / "line0.wav"), 30.0)
    assert codes(mfcc).shape == (len(mfcc), 8)
    card = (out / "MODEL_CARD.md").read_text()
    assert "apc.pt sha256" in card and f"{held['apc_l1']:.3f}" in card
    assert json.loads((out / "metrics.json").read_text())["metrics"]["val_files"] == ["speech/line0.wav"]
