"""Train APC on unlabelled speech: ``python -m core.training.train_apc --data ../shared/data``.

Self-supervised (see core.audio.apc): the GRU predicts the MFCCs ``shift`` frames
ahead from everything it has heard. Only speech/ is used (12+ languages, some
singing), clean and augmented (noise, EQ, pitch), never talking-video audio, so
the S2L evaluation's held-out people stay unheard. Every 7th file is held out;
the card compares the held-out error with the trivial guess "the next frames
repeat this one", which is what APC has to beat to have learned anything.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from core.export.atomic_output import write_text_atomic
from core.audio.apc import APC, APCConfig, apc_loss
from core.audio.mfcc_model import standardized_input
from core.audio.audio_io import load_audio
from core.audio.features import FeatureStats
from core.training.phone_labels import audio_files
from core.training.train_phone_net import augmented_mfccs
from core.training.model_record import save_checkpoint, write_metrics


@dataclass(frozen=True)
class APCTrainConfig:
    """Everything an APC training run depends on."""

    data: Path = Path("../shared/data")
    out: Path = Path("weights/apc")
    model: APCConfig = field(default_factory=APCConfig)
    steps: int = 1500
    window: int = 128  # frames (4.3 s) per training sequence
    batch: int = 32
    lr: float = 1e-3
    val_every: int = 7
    seed: int = 0


@dataclass
class SpeechFile:
    name: str
    variants: list[np.ndarray]  # T×40 MFCCs: clean first, then augmented


def load_speech(data: Path, rng: np.random.Generator) -> list[SpeechFile]:
    """Every speech/ file's MFCCs, clean and augmented; unreadable files are reported and skipped."""
    out = []
    for path in audio_files([data / "speech"]):
        try:
            audio = load_audio(path)
        except Exception as err:  # one bad file must not stop a long run
            print(f"skip {path}: {err}", flush=True)
            continue
        out.append(SpeechFile(str(path.relative_to(data)), augmented_mfccs(audio, rng, pitch_shift=True)))
    return out


def sample_batch(files: list[SpeechFile], cfg: APCTrainConfig, stats: FeatureStats, rng: np.random.Generator):
    """B random windows of standardized MFCCs (longer files drawn more often) and their lengths."""
    weights = np.array([len(f.variants[0]) for f in files], float)
    xs, lengths = [], []
    for i in rng.choice(len(files), cfg.batch, p=weights / weights.sum()):
        variant = files[i].variants[rng.integers(len(files[i].variants))]
        t = min(cfg.window, len(variant))
        s = rng.integers(0, len(variant) - t + 1)
        x = standardized_input(stats, variant[s:s + t])
        xs.append(np.pad(x, ((0, cfg.window - t), (0, 0)), mode="edge"))
        lengths.append(t)
    return torch.from_numpy(np.stack(xs).astype(np.float32)), torch.tensor(lengths)


def held_out_error(model: APC, files: list[SpeechFile], stats: FeatureStats) -> dict[str, float]:
    """Mean L1 of APC's prediction of frame t + shift on clean held-out audio, and of repeating frame t."""
    shift = model.cfg.shift
    model.eval()
    apc_sum = copy_sum = frames = 0.0
    with torch.inference_mode():
        for f in files:
            x = torch.from_numpy(standardized_input(stats, f.variants[0]).astype(np.float32))[None]
            if x.shape[1] <= shift:
                continue
            pred, _ = model(x)
            n = x.shape[1] - shift
            apc_sum += float((pred[:, :-shift] - x[:, shift:]).abs().mean(-1).sum())
            copy_sum += float((x[:, :-shift] - x[:, shift:]).abs().mean(-1).sum())
            frames += n
    frames = max(frames, 1.0)
    return {"apc_l1": apc_sum / frames, "repeat_frame_l1": copy_sum / frames, "frames": frames}


def train(cfg: APCTrainConfig, progress: Callable[[int, int, dict], None] | None = None) -> dict:
    """Train, measure on held-out files, save weights and card; returns metrics."""
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    files = load_speech(cfg.data, rng)
    if len(files) < 2:
        raise SystemExit(f"APC needs speech files under {cfg.data / 'speech'}; found {len(files)}")
    val = files[:: cfg.val_every]
    train_files = [f for i, f in enumerate(files) if i % cfg.val_every]
    stats = FeatureStats.fit(np.concatenate([v for f in train_files for v in f.variants]))
    model = APC(cfg.model)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)
    start, losses = time.monotonic(), []
    for step in range(cfg.steps):
        for g in opt.param_groups:
            g["lr"] = cfg.lr * 0.5 * (1 + np.cos(np.pi * step / cfg.steps))
        model.train()
        loss = apc_loss(model, *sample_batch(train_files, cfg, stats, rng))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(float(loss.detach()))
        if progress and (step + 1) % 100 == 0:
            progress(step + 1, cfg.steps, {"loss": float(np.mean(losses[-100:]))})
    metrics = {"held_out": held_out_error(model, val, stats), "train_loss": float(np.mean(losses[-100:])),
               "train_minutes": sum(len(f.variants[0]) for f in train_files) / 30.0 / 60,
               "seconds": time.monotonic() - start, "val_files": [f.name for f in val]}
    save(model, stats, cfg, metrics)
    return metrics


def save(model: APC, stats: FeatureStats, cfg: APCTrainConfig, metrics: dict) -> Path:
    """apc.pt (weights_only-loadable), its .sha256 sidecar, metrics.json and MODEL_CARD.md."""
    path = cfg.out / "apc.pt"
    digest = save_checkpoint(path, model, cfg.model.to_dict(), stats, 30.0)
    write_metrics(cfg.out, metrics, cfg)
    held = metrics["held_out"]
    write_text_atomic(cfg.out / "MODEL_CARD.md", "\n".join([
        "# APC (self-supervised speech codes for S2L)", "",
        f"apc.pt sha256: {digest}", "",
        f"Command: `python -m core.training.train_apc --data ../shared/data --steps {cfg.steps}{_size_options(cfg.model)}` "
        f"(CPU, 1 thread, "
        f"{metrics['seconds'] / 60:.0f} min).", "",
        f"Model config: `{cfg.model.to_dict()}`; {sum(p.numel() for p in model.parameters())} parameters; "
        f"window {cfg.window} frames, batch {cfg.batch}, lr {cfg.lr} cosine.", "",
        "Task: from the 40 MFCCs of every 30 fps frame up to t, predict the MFCCs of frame "
        f"t + {cfg.model.shift} (L1 on standardized values). No labels.", "",
        f"Data: ../shared/data/speech ({metrics['train_minutes']:.1f} min in training, 12+ languages and some "
        "singing), every 7th file held out; each file clean, with 10–25 dB noise, bright and dull EQ, and "
        "pitch-shifted ±1–3 semitones. No talking-video audio.", "",
        "| held-out files | L1 per standardized MFCC |", "|---|---|",
        f"| APC | {held['apc_l1']:.3f} |",
        f"| repeat frame t (no model) | {held['repeat_frame_l1']:.3f} |", "",
        "Licence: trained by us from the files listed in ../shared/data/MANIFEST.tsv (speech/).", "",
    ]))
    return path


def _size_options(model: APCConfig) -> str:
    """The command-line options that give ``model`` its size (the defaults are left out)."""
    default = APCConfig()
    return "".join(f" --{name} {getattr(model, name)}" for name in ("hidden", "layers", "shift")
                   if getattr(model, name) != getattr(default, name))


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=APCTrainConfig.data)
    parser.add_argument("--out", type=Path, default=APCTrainConfig.out)
    parser.add_argument("--steps", type=int, default=APCTrainConfig.steps)
    parser.add_argument("--hidden", type=int, default=APCConfig.hidden)
    parser.add_argument("--layers", type=int, default=APCConfig.layers)
    parser.add_argument("--shift", type=int, default=APCConfig.shift, help="frames ahead to predict")
    parser.add_argument("--seed", type=int, default=APCTrainConfig.seed)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    cfg = APCTrainConfig(data=args.data, out=args.out, steps=args.steps, seed=args.seed,
                         model=APCConfig(hidden=args.hidden, layers=args.layers, shift=args.shift))
    metrics = train(cfg, lambda s, n, info: print(f"step {s}/{n} {info}", flush=True))
    print(json.dumps(metrics["held_out"], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
