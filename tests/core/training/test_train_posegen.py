"""PoseGen training pieces on synthetic head motion (no data needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from core.motion.posegen import PoseGenConfig, PoseGenNet, audio_input
from core.training.train_posegen import Clip, PoseGenTrainConfig, _loss, make_windows


def _clip(frames: int = 200, talking: bool = True) -> Clip:
    t = np.arange(frames) / 25.0
    poses = np.stack([5 * np.sin(t), 3 * np.sin(1.7 * t), 2 * np.cos(t), 0.1 * t, 0 * t, 0 * t], axis=1)
    mfcc = np.random.default_rng(0).normal(size=(frames, 40)) if talking else None
    return Clip("synthetic", poses.astype(np.float32), audio_input(mfcc, frames))


def _config() -> PoseGenTrainConfig:
    return PoseGenTrainConfig(Path("."), Path("."), model=PoseGenConfig(hidden=16, latent=8), window_s=2.0,
                              stride_s=1.0, batch=8)


def test_windows_start_at_zero_and_are_mirrored() -> None:
    poses, audio = make_windows([_clip(), _clip(talking=False)], _config())
    assert poses.shape[1:] == (50, 6) and audio.shape[1:] == (50, 41)
    np.testing.assert_allclose(poses[:, 0], 0.0)
    half = len(poses) // 2
    np.testing.assert_allclose(poses[half:, :, 0], -poses[:half, :, 0])  # yaw flips
    np.testing.assert_allclose(poses[half:, :, 1], poses[:half, :, 1])  # pitch does not
    assert set(np.unique(audio[:, 0, 40])) == {0.0, 1.0}  # audio flag on and off


def test_loss_decreases_over_a_few_steps() -> None:
    torch.manual_seed(0)
    torch.set_num_threads(1)
    config = _config()
    poses, audio = make_windows([_clip()], config)
    net = PoseGenNet(config.model)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-2)
    batch_audio, batch_poses = torch.from_numpy(audio), torch.from_numpy(poses / poses.std())
    first = _loss(net, batch_audio, batch_poses, config, 1.0).item()
    for _ in range(30):
        loss = _loss(net, batch_audio, batch_poses, config, 1.0)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.8 * first
