"""Train the learned photo renderer (RefineNet) on self-supervised warp → real pairs.

    python -m core.training.train_renderer --data ../shared/data --out weights/renderer --minutes 60

Pairs come from core.training.renderer_dataset (cached under build/renderer/pairs).
People named in core.training.s2l_dataset.VALIDATION_SPEAKERS never enter training:
their clips give the validation loss (the learning curve in the checkpoint).
Loss on the face crop, weighted towards mouth and eyes and faded at the feathered
border: L1 + (1 − SSIM) + L1 of image gradients, plus (``--detail-weight``) a detail-energy
term on the mouth: the local energy of the Laplacian, at the crop scale and at half of it,
must match the real frame's (L1 of the square roots over 8×8 windows). Per-pixel losses
alone make the invented mouth interior a blur (the mean of every possible set of teeth);
this term asks for as much detail as the real mouth has, wherever the net puts it, while
L1, SSIM and the gradient term keep it in place. No pretrained perceptual network
(nothing can be downloaded here).
A checkpoint (weights, config, learning curve, training clips) and its sha256
sidecar are written every ``--checkpoint-minutes`` and at the end.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from core.render.neural_face_crop import feather_window
from core.render.neural_net import RefineNet, RefineNetConfig, refine
from core.training.renderer_dataset import PairSet
from core.weights_file import write_sha256_sidecar

CHECKPOINT_NAME = "renderer.pt"
MOUTH_WEIGHT = 4.0
EYE_WEIGHT = 2.0


@dataclass(frozen=True)
class RendererTrainConfig:
    """Optimisation settings of one training run."""

    model: RefineNetConfig = field(default_factory=RefineNetConfig)
    batch: int = 16
    learning_rate: float = 2e-3
    max_samples: int = 200_000
    minutes: float = 60.0
    validate_every: int = 4_000  # samples
    checkpoint_minutes: float = 4.0
    seed: int = 0
    ssim_weight: float = 0.5
    gradient_weight: float = 1.0
    detail_weight: float = 0.0  # mouth detail-energy term (see module doc); 0 = off


def batch_tensors(pairs: PairSet, index: np.ndarray, rng: np.random.Generator | None = None
                  ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(network input B×9×n×n, warped B×3, real B×3, loss weight B×1) in 0..1; ``rng`` adds
    flips and a shared colour gain (augmentation) when given."""
    warped = torch.from_numpy(pairs.warped[index]).float()
    real = torch.from_numpy(pairs.real[index]).float()
    portrait = torch.from_numpy(pairs.portrait[pairs.portrait_index[index]]).float()
    drawing = torch.from_numpy(pairs.drawing[index]).float()
    stacked = torch.cat([warped, portrait, drawing, real], dim=-1).permute(0, 3, 1, 2) / 255.0
    if rng is not None:
        flip = torch.from_numpy(rng.random(len(index)) < 0.5)
        stacked[flip] = stacked[flip].flip(-1)
        gain = torch.from_numpy(rng.uniform(0.8, 1.2, (len(index), 3, 1, 1)).astype(np.float32))
        for start in (0, 3, 9):  # same colour change on the warped, portrait and real crops
            stacked[:, start:start + 3] = (stacked[:, start:start + 3] * gain).clamp(0, 1)
    x = stacked[:, :9].contiguous()
    return x, x[:, :3], stacked[:, 9:12].contiguous(), loss_weight(x[:, 6:9])


def loss_weight(drawing: torch.Tensor) -> torch.Tensor:
    """B×1×n×n: 1 on the face, more on and around the mouth and eyes, fading at the crop border."""
    n = drawing.shape[-1]
    mouth = F.max_pool2d((drawing[:, 0:1] > 0).float(), 11, stride=1, padding=5)
    eyes = F.max_pool2d((drawing[:, 1:2] > 0).float(), 7, stride=1, padding=3)
    border = torch.from_numpy(feather_window(n))[None, None]
    return border * (1.0 + MOUTH_WEIGHT * mouth + EYE_WEIGHT * eyes)


def _ssim_map(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    mu_a, mu_b = F.avg_pool2d(a, 7, 1, 3), F.avg_pool2d(b, 7, 1, 3)
    var_a = F.avg_pool2d(a * a, 7, 1, 3) - mu_a ** 2
    var_b = F.avg_pool2d(b * b, 7, 1, 3) - mu_b ** 2
    cov = F.avg_pool2d(a * b, 7, 1, 3) - mu_a * mu_b
    return ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2))


def _gradients(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return x[..., :, 1:] - x[..., :, :-1], x[..., 1:, :] - x[..., :-1, :]


_LAPLACIAN = torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]).view(1, 1, 3, 3)
DETAIL_WINDOW = 8


def detail_energy(grey: torch.Tensor) -> torch.Tensor:
    """B×1×(n/4)×(n/4): root mean square of the Laplacian over 8×8 windows (stride 4)."""
    lap = F.conv2d(F.pad(grey, (1, 1, 1, 1), mode="replicate"), _LAPLACIAN.to(grey))
    return (F.avg_pool2d(lap * lap, DETAIL_WINDOW, DETAIL_WINDOW // 2, DETAIL_WINDOW // 2 - 1) + 1e-6).sqrt()


def detail_loss(out: torch.Tensor, real: torch.Tensor, mouth: torch.Tensor) -> torch.Tensor:
    """Mouth-weighted L1 between the detail energies of ``out`` and ``real`` at scales 1 and ½."""
    total = out.new_zeros(())
    a, b, m = out.mean(1, keepdim=True), real.mean(1, keepdim=True), mouth
    for _ in range(2):
        ea, eb = detail_energy(a), detail_energy(b)
        w = F.adaptive_avg_pool2d(m, ea.shape[-2:])
        total = total + (w * (ea - eb).abs()).sum() / w.sum().clamp_min(1e-6)
        a, b, m = F.avg_pool2d(a, 2), F.avg_pool2d(b, 2), F.avg_pool2d(m, 2)
    return total


def refine_loss(out: torch.Tensor, real: torch.Tensor, weight: torch.Tensor, config: RendererTrainConfig,
                mouth: torch.Tensor | None = None) -> torch.Tensor:
    """Weighted L1 + (1 − SSIM) + gradient L1, + the mouth detail term when ``mouth`` is given (see module doc)."""
    norm = weight.mean()
    l1 = (weight * (out - real).abs()).mean() / norm
    ssim = (weight * (1 - _ssim_map(out, real))).mean() / norm
    (ox, oy), (rx, ry) = _gradients(out), _gradients(real)
    grad = ((weight[..., :, 1:] * (ox - rx).abs()).mean() + (weight[..., 1:, :] * (oy - ry).abs()).mean()) / norm
    loss = l1 + config.ssim_weight * ssim + config.gradient_weight * grad
    if config.detail_weight > 0 and mouth is not None:
        loss = loss + config.detail_weight * detail_loss(out, real, mouth)
    return loss


def mouth_region(drawing: torch.Tensor) -> torch.Tensor:
    """B×1×n×n: the lips and opening of the landmark drawing, grown by a few pixels."""
    return F.max_pool2d((drawing[:, 0:1] > 0).float(), 7, stride=1, padding=3)


@torch.no_grad()
def validation_loss(model: RefineNet, pairs: PairSet, config: RendererTrainConfig, identity: bool = False) -> float:
    """Mean loss over ``pairs`` (``identity``: of the warp alone, the baseline)."""
    model.eval()
    total, count = 0.0, 0
    for start in range(0, len(pairs), 32):
        index = np.arange(start, min(start + 32, len(pairs)))
        x, warped, real, weight = batch_tensors(pairs, index)
        out = warped if identity else refine(warped, *model(x))
        total += float(refine_loss(out, real, weight, config, mouth_region(x[:, 6:9]))) * len(index)
        count += len(index)
    model.train()
    return total / max(count, 1)


@dataclass
class TrainingRecord:
    """What the checkpoint keeps about its run."""

    training_clips: list[str]
    validation_clips: list[str]
    validation_people: list[str]
    learning_curve: list[list[float]] = field(default_factory=list)  # [samples, train loss, val loss]
    warp_validation_loss: float = float("nan")
    samples_seen: int = 0
    seconds: float = 0.0


def save_renderer_checkpoint(path: Path, model: RefineNet, crop_size: int, record: TrainingRecord,
                             config: RendererTrainConfig) -> str:
    """Write the checkpoint atomically and its sha256 sidecar; returns the digest."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    torch.save({"state_dict": model.state_dict(), "config": model.config.to_dict(), "crop_size": crop_size,
                "record": asdict(record),
                "train_config": {k: str(v) for k, v in asdict(config).items()}}, tmp)
    os.replace(tmp, path)
    return write_sha256_sidecar(path)


def train(train_pairs: PairSet, val_pairs: PairSet, config: RendererTrainConfig, out: Path, record: TrainingRecord,
          say: Callable[[str], None] = print, initial_state: dict | None = None) -> RefineNet:
    """Train until ``max_samples`` or ``minutes`` run out; checkpoints to ``out``/renderer.pt.
    ``initial_state`` (a state_dict) continues an earlier run; ``record`` then carries its curve."""
    torch.manual_seed(config.seed + record.samples_seen)
    rng = np.random.default_rng(config.seed + record.samples_seen)
    model = RefineNet(config.model)
    if initial_state is not None:
        model.load_state_dict(initial_state)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    crop_size = train_pairs.warped.shape[1]
    record.warp_validation_loss = validation_loss(model, val_pairs, config, identity=True)
    say(f"{len(train_pairs)} training pairs, {len(val_pairs)} validation pairs; warp alone: val loss {record.warp_validation_loss:.4f}")
    start = last_checkpoint = time.monotonic()
    first_sample, earlier_seconds = record.samples_seen, record.seconds
    running, next_validation = None, record.samples_seen + config.validate_every
    while record.samples_seen - first_sample < config.max_samples and time.monotonic() - start < config.minutes * 60:
        progress = max((record.samples_seen - first_sample) / config.max_samples,
                       (time.monotonic() - start) / (config.minutes * 60))
        for group in optimiser.param_groups:  # cosine decay over whichever budget ends first
            group["lr"] = config.learning_rate * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))
        x, warped, real, weight = batch_tensors(train_pairs, rng.integers(0, len(train_pairs), config.batch), rng)
        loss = refine_loss(refine(warped, *model(x)), real, weight, config, mouth_region(x[:, 6:9]))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        record.samples_seen += config.batch
        value = loss.item()
        running = value if running is None else 0.98 * running + 0.02 * value
        if record.samples_seen >= next_validation:
            next_validation += config.validate_every
            val = validation_loss(model, val_pairs, config)
            record.learning_curve.append([record.samples_seen, running, val])
            say(f"samples {record.samples_seen}  train {running:.4f}  val {val:.4f} (warp {record.warp_validation_loss:.4f})"
                f"  {time.monotonic() - start:.0f}s")
        if time.monotonic() - last_checkpoint > config.checkpoint_minutes * 60:
            last_checkpoint = time.monotonic()
            record.seconds = earlier_seconds + last_checkpoint - start
            save_renderer_checkpoint(out / CHECKPOINT_NAME, model, crop_size, record, config)
    record.seconds = earlier_seconds + time.monotonic() - start
    val = validation_loss(model, val_pairs, config)
    record.learning_curve.append([record.samples_seen, running or float("nan"), val])
    save_renderer_checkpoint(out / CHECKPOINT_NAME, model, crop_size, record, config)
    say(f"done: {record.samples_seen} samples in {record.seconds:.0f}s, val {val:.4f} (warp {record.warp_validation_loss:.4f})")
    return model


def split_videos(data: Path) -> tuple[list[Path], list[Path]]:
    """(training videos, validation videos): whole people held out as in the S2L validation."""
    from core.evaluation.crossval import speaker_of
    from core.training.face_tracks import dataset_videos
    from core.training.s2l_dataset import VALIDATION_SPEAKERS

    videos = dataset_videos(data)
    val = [v for v in videos if speaker_of(v) in VALIDATION_SPEAKERS]
    return [v for v in videos if v not in val], val


def renderer_training_parser(description: str, defaults, out: Path, cache: Path) -> argparse.ArgumentParser:  # noqa: ANN001
    """The options both renderer trainers share (data, output, pair cache, time and sample budget,
    batch, learning rate, threads, continuing); ``defaults``: the trainer's config dataclass."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder (talking/, faces_silent/)")
    parser.add_argument("--out", type=Path, default=out)
    parser.add_argument("--cache", type=Path, default=cache)
    parser.add_argument("--minutes", type=float, default=defaults.minutes)
    parser.add_argument("--max-samples", type=int, default=defaults.max_samples)
    parser.add_argument("--batch", type=int, default=defaults.batch)
    parser.add_argument("--learning-rate", type=float, default=defaults.learning_rate)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--init", type=Path, help="continue from this checkpoint (its weights and learning curve)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: build or reuse the pair cache, train, checkpoint."""
    from core.evaluation.crossval import speaker_of
    from core.training.renderer_dataset import PairConfig, build_pair_cache, load_pairs
    from core.training.s2l_dataset import VALIDATION_SPEAKERS

    parser = renderer_training_parser(__doc__.splitlines()[0], RendererTrainConfig(), Path("weights/renderer"),
                                      Path("build/renderer/pairs"))
    parser.add_argument("--targets-per-clip", type=int, default=PairConfig.targets_per_clip)
    parser.add_argument("--detail-weight", type=float, default=RendererTrainConfig.detail_weight,
                        help="weight of the mouth detail-energy term (0: off)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    pair_config = PairConfig(targets_per_clip=args.targets_per_clip)
    train_videos, val_videos = split_videos(args.data)
    train_files = build_pair_cache(train_videos, args.cache, pair_config, speaker_of)
    val_files = build_pair_cache(val_videos, args.cache, pair_config, speaker_of)
    train_pairs, val_pairs = load_pairs(train_files), load_pairs(val_files)
    leaked = set(train_pairs.person) & set(VALIDATION_SPEAKERS)
    if leaked:
        raise RuntimeError(f"validation people in the training pairs: {sorted(leaked)}")
    record = TrainingRecord([str(c) for c in train_pairs.clips], [str(c) for c in val_pairs.clips],
                            sorted({str(p) for p in val_pairs.person}))
    initial_state = None
    if args.init:
        earlier = torch.load(args.init, map_location="cpu", weights_only=True)
        initial_state = earlier["state_dict"]
        record.learning_curve = list(earlier["record"]["learning_curve"])
        record.samples_seen, record.seconds = int(earlier["record"]["samples_seen"]), float(earlier["record"]["seconds"])
    config = RendererTrainConfig(minutes=args.minutes, max_samples=args.max_samples, batch=args.batch,
                                 learning_rate=args.learning_rate, detail_weight=args.detail_weight)
    train(train_pairs, val_pairs, config, args.out, record, say=lambda m: print(m, flush=True),
          initial_state=initial_state)
    print(json.dumps({"samples": record.samples_seen, "curve": record.learning_curve[-3:]}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def data_table(clips: list[str], manifest: Path) -> str:
    """Markdown table of the clips (folder/file keys) with their licence and source from MANIFEST.tsv."""
    rows: dict[str, tuple[str, str]] = {}
    if Path(manifest).is_file():
        lines = Path(manifest).read_text(encoding="utf-8").splitlines()
        header = lines[0].split("\t")
        for line in lines[1:]:
            cells = dict(zip(header, line.split("\t")))
            path = Path(cells.get("path", ""))
            rows[f"{path.parent.name}/{path.name}"] = (cells.get("license", "?"), cells.get("source", "?"))
    out = ["| clip | licence | source |", "|---|---|---|"]
    out += [f"| {clip} | {rows.get(clip, ('?', '?'))[0]} | {rows.get(clip, ('?', '?'))[1]} |" for clip in sorted(clips)]
    return "\n".join(out)
