"""Train the renderer's mouth stage (MouthNet) on self-supervised refined → real mouth crops.

    python -m core.training.train_mouth_refiner --data ../shared/data --out build/mouth/run1 --minutes 60

Pairs come from core.training.mouth_pairs (cached under build/mouth/pairs). People named
in core.training.s2l_dataset.VALIDATION_SPEAKERS never enter training (the same split as
the face refiner, core.training.train_renderer.split_videos); their clips give the
validation numbers. The stage changes only the mouth opening, so every loss is taken
there (the opening grown by 3 crop pixels): L1 + ½(1 − SSIM) + L1 of image gradients,
plus, after ``gan_start`` samples, a small patch discriminator (hinge loss, spectral
norm, conditioned on the lips drawing) at a low weight: per-pixel losses alone average
every possible set of teeth into a pale band; the discriminator asks for edges that
look like real teeth. Its "real" images are the refined crop with the real opening
pasted in, so it can only judge the opening.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from core.render.mouth_crop import MOUTH_CROP_SIZE, crop_opening_weight, mouth_drawing
from core.render.mouth_refiner import MOUTH_WEIGHTS_NAME, MouthNet, MouthNetConfig
from core.training.mouth_pairs import MouthPairSet
from core.training.train_renderer import RendererTrainConfig, refine_loss
from core.weights_file import write_sha256_sidecar

LOSS_GROW = 3  # crop pixels the loss region reaches beyond the opening


@dataclass(frozen=True)
class MouthTrainConfig:
    """Optimisation settings of one training run."""

    model: MouthNetConfig = field(default_factory=MouthNetConfig)
    batch: int = 16
    learning_rate: float = 1e-3
    max_samples: int = 1_000_000
    minutes: float = 60.0
    validate_every: int = 4_000  # samples
    checkpoint_minutes: float = 4.0
    seed: int = 0
    gan_weight: float = 0.02
    gan_start: int = 4_000  # samples of reconstruction alone first
    min_mouth_px: float = 40.0  # training pairs whose real mouth is narrower are upsampled blur: left out


def batch_tensors(pairs: MouthPairSet, index: np.ndarray, rng: np.random.Generator | None = None
                  ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(network input B×5×h×w, real B×3×h×w, opening weight × strength B×1×h×w) in 0..1;
    ``rng`` adds horizontal flips and a colour gain shared by input and real (augmentation)."""
    drawings = np.stack([mouth_drawing(pairs.lips[i]) for i in index])
    opening = np.stack([crop_opening_weight(pairs.lips[i]) * pairs.strength[i] for i in index])
    refined = torch.from_numpy(pairs.refined[index]).float()
    real = torch.from_numpy(pairs.real[index]).float()
    stacked = torch.cat([refined, torch.from_numpy(drawings).float(), real], -1).permute(0, 3, 1, 2) / 255.0
    weight = torch.from_numpy(opening)[:, None].float()
    if rng is not None:
        flip = torch.from_numpy(rng.random(len(index)) < 0.5)
        stacked[flip], weight[flip] = stacked[flip].flip(-1), weight[flip].flip(-1)
        gain = torch.from_numpy(rng.uniform(0.8, 1.2, (len(index), 3, 1, 1)).astype(np.float32))
        for start in (0, 5):
            stacked[:, start:start + 3] = (stacked[:, start:start + 3] * gain).clamp(0, 1)
    return stacked[:, :5].contiguous(), stacked[:, 5:8].contiguous(), weight


def composite(x: torch.Tensor, residual: torch.Tensor, mask: torch.Tensor, opening: torch.Tensor) -> torch.Tensor:
    """The stage's output as the product pastes it: changed only inside the opening."""
    return (x[:, :3] + opening * mask * residual).clamp(0.0, 1.0)


def loss_region(opening: torch.Tensor) -> torch.Tensor:
    """B×1×h×w: the opening grown by LOSS_GROW pixels (where the stage can change anything)."""
    return F.max_pool2d((opening > 0).float(), 2 * LOSS_GROW + 1, stride=1, padding=LOSS_GROW)


class PatchDiscriminator(nn.Module):
    """Crop RGB + lips drawing → a 1/8-size map of "looks real" scores (hinge loss)."""

    def __init__(self, widths: tuple[int, int, int] = (32, 64, 96)):
        super().__init__()
        sn = nn.utils.parametrizations.spectral_norm
        a, b, c = widths
        self.layers = nn.Sequential(
            sn(nn.Conv2d(5, a, 4, 2, 1)), nn.LeakyReLU(0.2),
            sn(nn.Conv2d(a, b, 4, 2, 1)), nn.LeakyReLU(0.2),
            sn(nn.Conv2d(b, c, 4, 2, 1)), nn.LeakyReLU(0.2),
            sn(nn.Conv2d(c, 1, 3, 1, 1)))

    def forward(self, image: torch.Tensor, drawing: torch.Tensor) -> torch.Tensor:
        return self.layers(torch.cat([image, drawing], 1))


def _weighted_mean(values: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    return (values * weight).sum() / weight.sum().clamp_min(1e-6)


def opening_sharpness(out: torch.Tensor, real: torch.Tensor, region: torch.Tensor) -> tuple[float, float]:
    """(variance of the Laplacian of the grey output, of the real crop) inside ``region``."""
    kernel = torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]).view(1, 1, 3, 3)
    values = []
    for image in (out, real):
        lap = F.conv2d(image.mean(1, keepdim=True), kernel, padding=1)
        mean = _weighted_mean(lap, region)
        values.append(float(_weighted_mean((lap - mean) ** 2, region)))
    return values[0], values[1]


@torch.no_grad()
def validate(model: MouthNet, pairs: MouthPairSet, identity: bool = False) -> dict[str, float]:
    """Reconstruction loss, opening PSNR and sharpness ratio over ``pairs`` (``identity``: the input alone)."""
    model.eval()
    recon, squared, count, sharp_out, sharp_real = 0.0, 0.0, 0, 0.0, 0.0
    for start in range(0, len(pairs), 32):
        index = np.arange(start, min(start + 32, len(pairs)))
        x, real, opening = batch_tensors(pairs, index)
        out = x[:, :3] if identity else composite(x, *model(x), opening)
        region = loss_region(opening)
        recon += float(refine_loss(out, real, region, RendererTrainConfig())) * len(index)
        squared += float(_weighted_mean((out - real) ** 2, region.expand_as(out))) * len(index)
        a, b = opening_sharpness(out, real, (opening > 0.5).float())
        sharp_out, sharp_real, count = sharp_out + a * len(index), sharp_real + b * len(index), count + len(index)
    model.train()
    mse = squared / max(count, 1)
    return {"loss": recon / max(count, 1), "psnr_opening": 10 * math.log10(1.0 / max(mse, 1e-10)),
            "sharpness": sharp_out / max(sharp_real, 1e-10)}


@dataclass
class MouthTrainingRecord:
    """What the checkpoint keeps about its run."""

    training_clips: list[str]
    validation_clips: list[str]
    validation_people: list[str]
    learning_curve: list[list[float]] = field(default_factory=list)  # [samples, train, val loss, val psnr, sharpness]
    input_validation: dict[str, float] = field(default_factory=dict)  # the face refiner alone
    samples_seen: int = 0
    seconds: float = 0.0


def save_mouth_checkpoint(path: Path, model: MouthNet, record: MouthTrainingRecord, config: MouthTrainConfig) -> str:
    """Write the checkpoint atomically and its sha256 sidecar; returns the digest."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    torch.save({"state_dict": model.state_dict(), "config": model.config.to_dict(), "crop_size": list(MOUTH_CROP_SIZE),
                "record": asdict(record), "train_config": {k: str(v) for k, v in asdict(config).items()}}, tmp)
    os.replace(tmp, path)
    return write_sha256_sidecar(path)


@dataclass
class MouthTrainer:
    """One optimisation step of the generator (and, once the GAN is on, the discriminator)."""

    model: MouthNet
    disc: PatchDiscriminator
    config: MouthTrainConfig
    g_opt: torch.optim.Optimizer
    d_opt: torch.optim.Optimizer

    def step(self, x: torch.Tensor, real: torch.Tensor, opening: torch.Tensor, gan_on: bool) -> float:
        region = loss_region(opening)
        out = composite(x, *self.model(x), opening)
        loss = refine_loss(out, real, region, RendererTrainConfig())
        drawing = x[:, 3:5]
        if gan_on:
            d_region = F.adaptive_max_pool2d(region, self.disc(out, drawing).shape[-2:]).detach()
            real_pasted = x[:, :3] + opening * (real - x[:, :3])  # real only inside the opening
            d_loss = (_weighted_mean(F.relu(1 - self.disc(real_pasted, drawing)), d_region)
                      + _weighted_mean(F.relu(1 + self.disc(out.detach(), drawing)), d_region))
            self.d_opt.zero_grad()
            d_loss.backward()
            self.d_opt.step()
            loss = loss - self.config.gan_weight * _weighted_mean(self.disc(out, drawing), d_region)
        self.g_opt.zero_grad()
        loss.backward()
        self.g_opt.step()
        return loss.item()


def train(train_pairs: MouthPairSet, val_pairs: MouthPairSet, config: MouthTrainConfig, out: Path,
          record: MouthTrainingRecord, say: Callable[[str], None] = print, initial_state: dict | None = None) -> MouthNet:
    """Train until ``max_samples`` or ``minutes`` run out; checkpoints to ``out``/mouth_refiner.pt.
    ``initial_state`` (a state_dict) continues an earlier run (the discriminator starts afresh)."""
    torch.manual_seed(config.seed + record.samples_seen)
    rng = np.random.default_rng(config.seed + record.samples_seen)
    model, disc = MouthNet(config.model), PatchDiscriminator()
    if initial_state is not None:
        model.load_state_dict(initial_state)
    first_sample = record.samples_seen
    trainer = MouthTrainer(model, disc, config, torch.optim.Adam(model.parameters(), lr=config.learning_rate),
                       torch.optim.Adam(disc.parameters(), lr=config.learning_rate, betas=(0.5, 0.999)))
    record.input_validation = validate(model, val_pairs, identity=True)
    say(f"{len(train_pairs)} training pairs, {len(val_pairs)} validation pairs; face refiner alone: {record.input_validation}")
    start = last_checkpoint = time.monotonic()
    running, next_validation = None, first_sample + config.validate_every
    while record.samples_seen - first_sample < config.max_samples and time.monotonic() - start < config.minutes * 60:
        progress = max((record.samples_seen - first_sample) / config.max_samples,
                       (time.monotonic() - start) / (config.minutes * 60))
        for group in trainer.g_opt.param_groups:  # cosine decay over whichever budget ends first
            group["lr"] = config.learning_rate * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))
        x, real, opening = batch_tensors(train_pairs, rng.integers(0, len(train_pairs), config.batch), rng)
        value = trainer.step(x, real, opening, record.samples_seen - first_sample >= config.gan_start)
        record.samples_seen += config.batch
        running = value if running is None else 0.98 * running + 0.02 * value
        if record.samples_seen >= next_validation:
            next_validation += config.validate_every
            val = validate(model, val_pairs)
            record.learning_curve.append([record.samples_seen, running, val["loss"], val["psnr_opening"], val["sharpness"]])
            say(f"samples {record.samples_seen}  train {running:.4f}  val {val['loss']:.4f}  psnr {val['psnr_opening']:.2f}"
                f"  sharpness {val['sharpness']:.2f}  {time.monotonic() - start:.0f}s")
        if time.monotonic() - last_checkpoint > config.checkpoint_minutes * 60:
            last_checkpoint = time.monotonic()
            record.seconds = last_checkpoint - start
            save_mouth_checkpoint(out / MOUTH_WEIGHTS_NAME, model, record, config)
    record.seconds = time.monotonic() - start
    val = validate(model, val_pairs)
    record.learning_curve.append([record.samples_seen, running or float("nan"), val["loss"], val["psnr_opening"], val["sharpness"]])
    save_mouth_checkpoint(out / MOUTH_WEIGHTS_NAME, model, record, config)
    say(f"done: {record.samples_seen} samples in {record.seconds:.0f}s, val {val}")
    return model


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: build or reuse the mouth-pair cache, train, checkpoint."""
    from core.evaluation.crossval import speaker_of
    from core.training.mouth_pairs import MouthPairConfig, build_mouth_cache, load_mouth_pairs
    from core.training.s2l_dataset import VALIDATION_SPEAKERS
    from core.training.train_renderer import renderer_training_parser, split_videos

    parser = renderer_training_parser(__doc__.splitlines()[0], MouthTrainConfig(), Path("build/mouth/run"),
                                      Path("build/mouth/pairs"))
    parser.add_argument("--gan-weight", type=float, default=MouthTrainConfig.gan_weight)
    parser.add_argument("--gan-start", type=int, default=MouthTrainConfig.gan_start)
    parser.add_argument("--validate-every", type=int, default=MouthTrainConfig.validate_every)
    parser.add_argument("--max-clips", type=int, help="train on the first N training clips only (smoke runs)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    config = MouthTrainConfig(minutes=args.minutes, max_samples=args.max_samples, batch=args.batch,
                              learning_rate=args.learning_rate, gan_weight=args.gan_weight, gan_start=args.gan_start,
                              validate_every=args.validate_every)
    train_videos, val_videos = split_videos(args.data)
    pair_config = MouthPairConfig()
    train_files = build_mouth_cache(train_videos[: args.max_clips], args.cache, pair_config, speaker_of)
    val_files = build_mouth_cache(val_videos, args.cache, pair_config, speaker_of)
    train_pairs = load_mouth_pairs(train_files, config.min_mouth_px)
    val_pairs = load_mouth_pairs(val_files)  # every held-out mouth, small ones too: what the product meets
    leaked = set(train_pairs.person) & set(VALIDATION_SPEAKERS)
    if leaked:
        raise RuntimeError(f"validation people in the training pairs: {sorted(leaked)}")
    record = MouthTrainingRecord(list(train_pairs.clips), list(val_pairs.clips), sorted({str(p) for p in val_pairs.person}))
    initial_state = None
    if args.init:
        earlier = torch.load(args.init, map_location="cpu", weights_only=True)
        initial_state = earlier["state_dict"]
        record.learning_curve = [list(row) for row in earlier["record"]["learning_curve"]]
        record.samples_seen = int(earlier["record"]["samples_seen"])
    train(train_pairs, val_pairs, config, args.out, record, say=lambda m: print(m, flush=True), initial_state=initial_state)
    print(json.dumps({"samples": record.samples_seen, "curve": record.learning_curve[-3:]}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
