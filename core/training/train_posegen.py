"""Train PoseGen (conditional VAE head motion) on the head poses of real videos.

Every video under ``talking/`` and ``faces_silent/`` is tracked; its head poses
(deltas from the window's first frame) are cut into windows of a few seconds.
Talking clips bring their MFCCs with the audio flag on; silent clips (and the
music-like tracks of faces_silent) train with zero audio and the flag off, so
they teach natural idle motion without teaching a wrong audio mapping.

    python -m core.training.train_posegen --data ../shared/data --out weights/posegen/
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from core.export.atomic_output import atomic_file, write_text_atomic
from core.audio.audio_io import load_audio
from core.audio.features import mfcc_per_frame
from core.errors import SpaceStudioError
from core.motion.pose_from_video import poses_from_video
from core.motion.posegen import POSE_DIMS, PoseGenConfig, PoseGenerator, PoseGenNet, audio_input

LOG = logging.getLogger(__name__)
VIDEO_SUFFIXES = (".mp4", ".mpg", ".mov", ".avi")
MAX_ANGLE = 45.0  # windows turning further than this are tracking failures or cuts
Progress = Callable[[int, int, float], None]


@dataclass(frozen=True)
class PoseGenTrainConfig:
    """Data, optimisation and output settings of a PoseGen training run."""

    data_dir: Path
    out_dir: Path
    model: PoseGenConfig = field(default_factory=PoseGenConfig)
    window_s: float = 4.0
    stride_s: float = 0.8
    steps: int = 3000
    batch: int = 32
    lr: float = 2e-3
    kl_weight: float = 0.003
    velocity_weight: float = 2.0
    audio_dropout: float = 0.2
    seed: int = 0
    # Prior samples of a small CVAE move less than real heads; rescale the output
    # per dimension so generated std matches the real one (ratio clipped).
    calibrate_amplitude: bool = True
    cache_dir: Path = Path.home() / ".cache" / "space-studio" / "posegen"


@dataclass(frozen=True)
class Clip:
    """One tracked clip at the model's fps: poses T×6 and network audio input T×41."""

    name: str
    poses: np.ndarray
    audio: np.ndarray


def find_videos(data_dir: Path) -> list[Path]:
    """Videos of real faces: talking/ (with speech) and faces_silent/."""
    found = [p for sub in ("talking", "faces_silent") for p in sorted((data_dir / sub).rglob("*"))
             if p.suffix.lower() in VIDEO_SUFFIXES]
    if not found:
        raise FileNotFoundError(f"No videos under {data_dir}/talking or {data_dir}/faces_silent")
    return found


def _cached_arrays(path: Path, config: PoseGenTrainConfig) -> dict[str, np.ndarray]:
    """Poses (and MFCCs for talking clips) at the model fps, cached as .npz."""
    key = hashlib.sha1(f"{path.resolve()}:{path.stat().st_size}:{config.model.fps}".encode()).hexdigest()[:16]
    cache = config.cache_dir / f"{path.stem}-{key}.npz"
    if cache.is_file():
        with np.load(cache, allow_pickle=False) as data:
            return dict(data)
    arrays = {"poses": poses_from_video(path, config.model.fps)[:, :POSE_DIMS]}
    if "talking" in path.parts:
        arrays["mfcc"] = mfcc_per_frame(load_audio(path), config.model.fps)
    config.cache_dir.mkdir(parents=True, exist_ok=True)
    with atomic_file(cache) as temp, open(temp, "wb") as handle:
        np.savez(handle, **arrays)
    return arrays


def load_clips(config: PoseGenTrainConfig) -> list[Clip]:
    """Track every video (cached); clips that fail to track are skipped and logged."""
    clips = []
    for path in find_videos(config.data_dir):
        try:
            arrays = _cached_arrays(path, config)
        except SpaceStudioError as err:
            LOG.warning("skipping %s: %s", path.name, err)
            continue
        poses = arrays["poses"]
        n = len(poses) if "mfcc" not in arrays else min(len(poses), len(arrays["mfcc"]))
        clips.append(Clip(path.name, poses[:n], audio_input(arrays.get("mfcc"), n)))
    return clips


def make_windows(clips: list[Clip], config: PoseGenTrainConfig) -> tuple[np.ndarray, np.ndarray]:
    """Cut clips into windows re-referenced to their first frame, plus mirrored copies.

    Returns poses N×W×6 and audio N×W×41.
    """
    width = int(round(config.window_s * config.model.fps))
    stride = max(1, int(round(config.stride_s * config.model.fps)))
    poses, audio = [], []
    for clip in clips:
        for start in range(0, len(clip.poses) - width + 1, stride):
            window = clip.poses[start:start + width] - clip.poses[start]
            if np.abs(window[:, :3]).max() <= MAX_ANGLE:
                poses.append(window)
                audio.append(clip.audio[start:start + width])
    if not poses:
        raise ValueError("No training windows: clips are shorter than the window or lost the face")
    poses_arr, audio_arr = np.stack(poses), np.stack(audio)
    mirrored = poses_arr * np.array([-1, 1, -1, -1, 1, 1], np.float32)  # yaw, roll, tx flip
    return np.concatenate([poses_arr, mirrored]).astype(np.float32), np.concatenate([audio_arr, audio_arr])


def _loss(net: PoseGenNet, audio: torch.Tensor, poses: torch.Tensor, config: PoseGenTrainConfig,
          kl_scale: float) -> torch.Tensor:
    recon, mu, logvar = net(audio, poses)
    position = (recon - poses).abs().mean()
    velocity = (recon.diff(dim=1) - poses.diff(dim=1)).abs().mean()
    kl = (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp())).sum(dim=1).mean()
    return position + config.velocity_weight * velocity + kl_scale * config.kl_weight * kl


def _batch(poses: np.ndarray, audio: np.ndarray, rng: np.random.Generator,
           config: PoseGenTrainConfig) -> tuple[torch.Tensor, torch.Tensor]:
    index = rng.integers(0, len(poses), config.batch)
    batch_audio = audio[index].copy()
    # Audio dropout: the model must also move naturally without speech.
    batch_audio[rng.random(config.batch) < config.audio_dropout] = 0.0
    return torch.from_numpy(batch_audio), torch.from_numpy(poses[index])


def train(config: PoseGenTrainConfig, progress: Progress | None = None) -> tuple[PoseGenerator, dict]:
    """Train PoseGen; ``progress(step, total, loss)`` is called every 50 steps."""
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    clips = load_clips(config)
    poses, audio = make_windows(clips, config)
    pose_std = poses.reshape(-1, POSE_DIMS).std(0) + 1e-6
    normalized = (poses / pose_std).astype(np.float32)
    net = PoseGenNet(config.model)
    optimizer = torch.optim.Adam(net.parameters(), lr=config.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, config.steps)
    started = time.monotonic()
    for step in range(1, config.steps + 1):
        batch_audio, batch_poses = _batch(normalized, audio, rng, config)
        kl_scale = min(1.0, step / (0.3 * config.steps))  # KL warm-up avoids early collapse
        loss = _loss(net, batch_audio, batch_poses, config, kl_scale)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        if progress is not None and (step % 50 == 0 or step == config.steps):
            progress(step, config.steps, loss.item())
    generator = PoseGenerator(net, pose_std)
    metrics = evaluate(generator, poses, audio, clips)
    if config.calibrate_amplitude:
        generator, metrics = _calibrated(generator, metrics, poses, audio, clips)
    metrics["train_seconds"] = round(time.monotonic() - started, 1)
    return generator, metrics


def _calibrated(generator: PoseGenerator, metrics: dict, poses: np.ndarray, audio: np.ndarray,
                clips: list[Clip]) -> tuple[PoseGenerator, dict]:
    """Rescale the output statistics so generated std matches real std per dimension."""
    real = np.array(list(metrics["real_window_std"].values()))
    fake = np.array(list(metrics["generated_window_std"].values()))
    ratio = np.clip(real / np.maximum(fake, 1e-6), 0.5, 3.0).astype(np.float32)
    calibrated = PoseGenerator(generator.net, generator.pose_std * ratio)
    new_metrics = evaluate(calibrated, poses, audio, clips)
    new_metrics["uncalibrated_generated_window_std"] = metrics["generated_window_std"]
    new_metrics["calibration_ratio"] = np.round(ratio, 3).tolist()
    return calibrated, new_metrics


def evaluate(generator: PoseGenerator, poses: np.ndarray, audio: np.ndarray, clips: list[Clip]) -> dict:
    """Generated vs real motion statistics over the training windows (un-mirrored half)."""
    real = poses[: len(poses) // 2]
    real_audio = audio[: len(audio) // 2]
    pick = np.linspace(0, len(real) - 1, min(64, len(real))).astype(int)
    fake = []
    for i, index in enumerate(pick):
        mfcc = real_audio[index, :, :40] if real_audio[index, 0, 40] > 0 else None
        # Seeds differ from any used by tests or calibration checks elsewhere.
        fake.append(generator.generate(mfcc, seed=10_000 + i, frames=real.shape[1]))
    fake_arr = np.stack(fake)
    names = ["yaw", "pitch", "roll", "tx", "ty", "tz"]
    return {
        "clips": len(clips),
        "windows": int(len(real)),
        # window std: motion inside each 4 s window, averaged over windows (what a viewer sees)
        "real_window_std": dict(zip(names, np.round(real[pick].std(axis=1).mean(0), 4).tolist())),
        "generated_window_std": dict(zip(names, np.round(fake_arr.std(axis=1).mean(0), 4).tolist())),
        "real_pooled_std": dict(zip(names, np.round(real[pick].std(axis=(0, 1)), 4).tolist())),
        "generated_pooled_std": dict(zip(names, np.round(fake_arr.std(axis=(0, 1)), 4).tolist())),
        "real_jitter_deg": round(float(np.abs(np.diff(real[pick, :, :3], 2, axis=1)).mean()), 4),
        "generated_jitter_deg": round(float(np.abs(np.diff(fake_arr[:, :, :3], 2, axis=1)).mean()), 4),
    }


def write_model_card(config: PoseGenTrainConfig, metrics: dict, digest: str) -> Path:
    """MODEL_CARD.md next to the weights: data, command, config, metrics."""
    card = config.out_dir / "MODEL_CARD.md"
    write_text_atomic(card, f"""# PoseGen (small)

Conditional VAE (SPACE / Greenwood et al.): encoder 2-layer bidirectional LSTM over
(standardized MFCC + audio flag, pose) → mu, logvar; decoder 2-layer LSTM over (audio, z)
→ yaw, pitch, roll (deg), tx, ty (face-scale units), tz (weak perspective), relative to
the first frame.

Data: every video in `talking/` (speech MFCCs) and `faces_silent/` (audio flag off) of
the shared data, tracked by `core.training.face_tracks` (MediaPipe face mesh); windows of {config.window_s} s every
{config.stride_s} s, mirrored copies added, windows turning > {MAX_ANGLE}° dropped.

Command: `python -m core.training.train_posegen --data ../shared/data --out weights/posegen/`

Model config: `{json.dumps(asdict(config.model))}`
Training: steps {config.steps}, batch {config.batch}, Adam lr {config.lr} cosine, KL weight
{config.kl_weight} (warm-up 30 %), velocity weight {config.velocity_weight}, audio dropout
{config.audio_dropout}, seed {config.seed}.

Weights: `posegen_small.pt` sha256 `{digest}`

Inference: z ~ N(0, I) from the seed; 1 s of mirrored audio warms the LSTM up; Gaussian
smoothing σ = {config.model.smooth_sigma_frames} frame; drift slower than {config.model.recenter_sigma_s} s removed
on clips longer than twice that. Output amplitude is calibrated per dimension so the
mean within-window std of prior samples matches the real one (`calibration_ratio`,
clipped to [0.5, 3]; 3 = the model alone moves ≤ 1/3 as much as real heads).

Metrics (training windows; generated = prior samples, one seed per window, same audio;
window std = std inside each 4 s window averaged over windows; jitter = mean |2nd
difference| of angles in degrees per frame²):

```
{json.dumps(metrics, indent=2)}
```

Limits: ~{metrics['clips']} short clips, few speakers; the audio → pose link is weak with this
little speech, so motion is mostly plausible idle/talking sway rather than prosody-timed.
""", encoding="utf-8")
    return card


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: train, save weights + model card, print metrics."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("weights/posegen"))
    parser.add_argument("--steps", type=int, default=PoseGenTrainConfig.steps)
    parser.add_argument("--hidden", type=int, default=PoseGenConfig.hidden)
    parser.add_argument("--kl-weight", type=float, default=PoseGenTrainConfig.kl_weight)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    torch.set_num_threads(1)
    config = PoseGenTrainConfig(args.data, args.out, model=PoseGenConfig(hidden=args.hidden), steps=args.steps,
                                kl_weight=args.kl_weight)
    generator, metrics = train(config, progress=lambda s, n, loss: LOG.info("step %d/%d loss %.4f", s, n, loss))
    digest = generator.save(config.out_dir / "posegen_small.pt")
    write_model_card(config, metrics, digest)
    LOG.info("%s", json.dumps(metrics, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
