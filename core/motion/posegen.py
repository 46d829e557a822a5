"""PoseGen: SPACE's conditional VAE for head motion from speech.

Encoder: 2-layer bidirectional LSTM over (audio feature, pose) → mean-pooled →
mu, logvar of a latent z. Decoder: 2-layer LSTM over (audio feature, z) →
per-frame pose. At inference z ~ N(0, I) from a seed, so one clip has many
valid head motions. Poses are deltas from the first frame: yaw, pitch, roll in
degrees, tx, ty in face-scale units (half the ear-to-ear distance), tz in the
normalized units of the engine's weak perspective (see pose_from_video).

Audio features are the 40 MFCCs of core.audio.features, standardized per clip,
plus an "audio present" flag (1 for speech, 0 for silent training clips).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from scipy.ndimage import gaussian_filter1d
from torch import nn

from core.export.atomic_output import atomic_file
from core.weights_file import load_checked_model, write_sha256_sidecar
from core.timebase import stretch_frames
from core.weights_location import shipped_weights

POSE_DIMS = 6
DECODE_BLOCK_FRAMES = 4096  # frames the decoder LSTM runs at once (state carried between blocks)
DEFAULT_PATH = shipped_weights("posegen", "posegen_small.pt")
SHA256_FILE = "posegen_small.pt.sha256"


@dataclass(frozen=True)
class PoseGenConfig:
    """Network sizes and the frame rate it was trained at (paper: hidden 256, latent 64)."""

    audio_dims: int = 40
    hidden: int = 64
    layers: int = 2
    latent: int = 64
    fps: float = 25.0
    smooth_sigma_frames: float = 1.0  # output smoothing: keeps LSTM step noise off the head
    recenter_sigma_s: float = 3.0  # slow drift removed so long clips sway around a rest pose
    warmup_s: float = 1.0  # mirrored audio run through first, so frame 0 is not an LSTM transient


class PoseGenNet(nn.Module):
    """audio: B×T×(A+1), pose: B×T×6 (normalized) → reconstruction, mu, logvar."""

    def __init__(self, config: PoseGenConfig) -> None:
        super().__init__()
        self.config = config
        audio_in = config.audio_dims + 1
        self.encoder = nn.LSTM(audio_in + POSE_DIMS, config.hidden, config.layers, batch_first=True,
                               bidirectional=True)
        self.to_latent = nn.Linear(2 * config.hidden, 2 * config.latent)
        self.decoder = nn.LSTM(audio_in + config.latent, config.hidden, config.layers, batch_first=True)
        # Learned initial state from z (as SPACE's S2L): the first frames start in
        # steady state instead of jumping while the LSTM warms up.
        self.initial_state = nn.Linear(config.latent, 2 * config.layers * config.hidden)
        self.to_pose = nn.Linear(config.hidden, POSE_DIMS)

    def encode(self, audio: torch.Tensor, pose: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """B×T×(A+1), B×T×6 → mu, logvar: B×latent."""
        hidden, _ = self.encoder(torch.cat([audio, pose], dim=-1))
        mu, logvar = self.to_latent(hidden.mean(dim=1)).chunk(2, dim=-1)
        return mu, logvar.clamp(-8.0, 8.0)

    def decode(self, audio: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """B×T×(A+1), B×latent → B×T×6 poses relative to the first frame.

        Absolute (not integrated) outputs keep long clips from drifting away.
        """
        state = torch.tanh(self.initial_state(z)).view(len(z), 2, self.config.layers, self.config.hidden)
        carried = (state[:, 0].transpose(0, 1).contiguous(), state[:, 1].transpose(0, 1).contiguous())
        poses = []
        # Blocks of frames with the LSTM state carried over equal one pass, but the hidden
        # sequence of hours of speech never sits in memory at once (2 h: about 570 MB).
        for start in range(0, audio.shape[1], DECODE_BLOCK_FRAMES):
            block = audio[:, start:start + DECODE_BLOCK_FRAMES]
            z_seq = z[:, None, :].expand(-1, block.shape[1], -1)
            hidden, carried = self.decoder(torch.cat([block, z_seq], dim=-1), carried)
            poses.append(self.to_pose(hidden))
        pose = torch.cat(poses, dim=1)
        return pose - pose[:, :1]

    def forward(self, audio: torch.Tensor, pose: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Reconstruct ``pose`` through a sampled z (training)."""
        mu, logvar = self.encode(audio, pose)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decode(audio, z), mu, logvar


def audio_input(mfcc: np.ndarray | None, frames: int) -> np.ndarray:
    """T×41 network input: per-clip standardized MFCCs + audio-present flag.

    ``mfcc`` None (a silent clip) gives zeros with the flag off.
    """
    out = np.zeros((frames, 41), np.float32)
    if mfcc is None:
        return out
    mfcc = np.asarray(mfcc, np.float32)[:frames]
    out[: len(mfcc), :40] = (mfcc - mfcc.mean(0)) / (mfcc.std(0) + 1e-5)
    out[:, 40] = 1.0
    return out


class PoseGenerator:
    """Trained PoseGen with normalization statistics; samples head motion for audio."""

    def __init__(self, net: PoseGenNet, pose_std: np.ndarray) -> None:
        self.net = net.eval()
        self.config = net.config
        self.pose_std = np.asarray(pose_std, np.float32)

    @classmethod
    def load(cls, path: str | Path = DEFAULT_PATH) -> PoseGenerator:
        """Load weights saved by train_posegen; checks the recorded sha256."""
        net, state = load_checked_model(Path(path), "PoseGen weights", "train them: space-studio train posegen",
                                        lambda c: PoseGenNet(PoseGenConfig(**c["config"])), state_key="model")
        return cls(net, state["pose_std"].numpy())

    def save(self, path: str | Path) -> str:
        """Write a weights_only-loadable checkpoint and its sha256 file; returns the hash."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(path) as temp:
            torch.save({"model": self.net.state_dict(), "config": asdict(self.config),
                        "pose_std": torch.from_numpy(self.pose_std)}, temp)
        return write_sha256_sidecar(path)

    def generate(self, mfcc: np.ndarray | None, seed: int, amplitude: float = 1.0, fps: float | None = None,
                 frames: int | None = None) -> np.ndarray:
        """mfcc: T×40 at ``fps`` (default the model's) → T×6 pose deltas.

        Deterministic for a seed; ``amplitude`` scales the motion. ``mfcc`` None
        generates idle motion for ``frames`` frames.
        """
        fps = fps or self.config.fps
        n_out = len(mfcc) if mfcc is not None else int(frames or 0)
        if n_out == 0:
            return np.zeros((0, POSE_DIMS), np.float32)
        n_model = max(2, round(n_out * self.config.fps / fps))
        feats = None if mfcc is None else stretch_frames(np.asarray(mfcc, np.float32), n_model)
        audio = audio_input(feats, n_model)
        warmup = min(n_model - 1, int(round(self.config.warmup_s * self.config.fps)))
        audio = np.concatenate([audio[1:warmup + 1][::-1], audio])
        z = torch.randn(1, self.config.latent, generator=torch.Generator().manual_seed(int(seed)))
        with torch.no_grad():
            pose = self.net.decode(torch.from_numpy(audio)[None], z)[0, warmup:].numpy() * self.pose_std
        pose = gaussian_filter1d(pose, self.config.smooth_sigma_frames, axis=0, mode="nearest")
        pose = self._recentered(pose)
        pose = stretch_frames(pose - pose[:1], n_out) if n_model != n_out else pose - pose[:1]
        return (pose * amplitude).astype(np.float32)

    def _recentered(self, pose: np.ndarray) -> np.ndarray:
        """Remove drift slower than a few seconds: long clips sway around a rest pose."""
        sigma = self.config.recenter_sigma_s * self.config.fps
        if len(pose) <= 2 * sigma:
            return pose
        return pose - gaussian_filter1d(pose, sigma, axis=0, mode="nearest")
