"""PhoneNet: per-video-frame phone posteriors from MFCCs, for S2L to listen through.

A small convolutional phone classifier distilled from pocketsphinx's English
phone recognizer (``core.training.train_phone_net``). It turns the 40 MFCCs of
each 30 fps frame into a probability over the 40 classes of
``PHONES`` (silence first). S2L learns mouth motion
from 90 s of paired video; PhoneNet carries what ~50 min of speech in a dozen
languages says about *which sound* is being made, which is what the lips
follow (bilabials close, open vowels open) and what loudness alone misses.

Runs in a few milliseconds per second of speech (a 1-D conv stack), so S2L
keeps its real-time budget. ``lookahead`` frames of future audio are seen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from core.audio.features import N_MFCC, FeatureStats
from core.audio.mfcc_model import load_mfcc_model, standardized_input
from core.weights_location import shipped_weights

# CMU phone set as pocketsphinx's en-us model writes it; 0 is silence and noise.
PHONES = ("SIL", "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G",
          "HH", "IH", "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T", "TH",
          "UH", "UW", "V", "W", "Y", "Z", "ZH")
N_PHONES = len(PHONES)
# Jaw opening per phone, 0 (lips sealed) … 1 (widest vowel), from articulatory
# phonetics: bilabials close, labiodentals nearly close, open vowels open most.
PHONE_OPENNESS = {
    "SIL": 0.0, "M": 0.0, "B": 0.0, "P": 0.0, "F": 0.1, "V": 0.1, "W": 0.15, "R": 0.25,
    "S": 0.25, "Z": 0.25, "TH": 0.3, "DH": 0.3, "SH": 0.3, "ZH": 0.3, "CH": 0.3, "JH": 0.3,
    "T": 0.3, "D": 0.3, "N": 0.3, "NG": 0.3, "Y": 0.3, "L": 0.35, "K": 0.35, "G": 0.35, "HH": 0.5,
    "UW": 0.3, "IY": 0.4, "ER": 0.45, "UH": 0.45, "IH": 0.5, "EY": 0.6, "OW": 0.6, "AH": 0.7,
    "EH": 0.7, "OY": 0.7, "AO": 0.8, "AW": 0.85, "AY": 0.85, "AE": 0.9, "AA": 1.0,
}
DEFAULT_WEIGHTS = shipped_weights("phones", "phone_net.pt")
STREAM_FRAMES = 9000  # frames per forward pass (5 min at 30 fps): bounds the conv activations


@dataclass(frozen=True)
class PhoneNetConfig:
    """Conv stack size; the receptive field is ±(kernel // 2) × layers frames."""

    width: int = 192
    layers: int = 4
    kernel: int = 3
    lookahead: int = 4  # frames of future audio (≤ layers × (kernel // 2))
    dropout: float = 0.0  # between conv layers, training only

    def to_dict(self) -> dict[str, int | float]:
        """Plain dict for checkpoints."""
        return asdict(self)


class PhoneNet(nn.Module):
    """B×T×40 standardized MFCCs → B×T×40 phone logits."""

    def __init__(self, cfg: PhoneNetConfig | None = None) -> None:
        super().__init__()
        self.cfg = cfg = cfg or PhoneNetConfig()
        half = cfg.kernel // 2
        if cfg.lookahead > cfg.layers * half:
            raise ValueError("lookahead exceeds the receptive field")
        # Future context is spent in the first layers, the rest of the stack is causal.
        futures = [min(half, max(0, cfg.lookahead - i * half)) for i in range(cfg.layers)]
        self.pads = [(cfg.kernel - 1 - f, f) for f in futures]
        self.convs = nn.ModuleList(
            nn.Conv1d(N_MFCC if i == 0 else cfg.width, cfg.width, cfg.kernel) for i in range(cfg.layers))
        self.norms = nn.ModuleList(nn.BatchNorm1d(cfg.width) for _ in range(cfg.layers))
        self.head = nn.Conv1d(cfg.width, N_PHONES, 1)
        self.drop = nn.Dropout(cfg.dropout)

    @property
    def context(self) -> tuple[int, int]:
        """Frames of input before and after a frame that its output depends on."""
        return sum(left for left, _right in self.pads), sum(right for _left, right in self.pads)

    def forward(self, mfcc: torch.Tensor) -> torch.Tensor:
        x = mfcc.transpose(1, 2)
        for conv, norm, pad in zip(self.convs, self.norms, self.pads, strict=True):
            y = self.drop(nn.functional.gelu(norm(conv(nn.functional.pad(x, pad, mode="replicate")))))
            x = y + x if y.shape == x.shape else y
        return self.head(x).transpose(1, 2)


class PhonePosteriors:
    """A loaded, checksum-verified PhoneNet: ``__call__(mfcc T×40) → T×40`` probabilities."""

    def __init__(self, model: PhoneNet, stats: FeatureStats) -> None:
        self.model = model.eval()
        self.stats = stats

    @classmethod
    def load(cls, path: str | Path | None = None) -> PhonePosteriors:
        """Load weights (default: the shipped weights/phones/phone_net.pt)."""
        return cls(*load_mfcc_model(path, DEFAULT_WEIGHTS, "PhoneNet weights", "train them: space-studio train phones",
                                    lambda c: PhoneNet(PhoneNetConfig(**c["config"]))))

    def __call__(self, mfcc: np.ndarray, progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """T×40 MFCCs → T×40 phone probabilities, a block of frames at a time
        (``progress(done, total)`` after each).

        Each block is run with the network's receptive field of real neighbours on both
        sides, so the result equals one pass over the whole line (up to float rounding)
        while the conv activations stay a block long (a 2 h line would need ~0.2 GB each)."""
        out = np.empty((len(mfcc), N_PHONES), np.float32)
        before, after = self.model.context
        for start in range(0, len(mfcc), STREAM_FRAMES):
            stop = min(len(mfcc), start + STREAM_FRAMES)
            lo, hi = max(0, start - before), min(len(mfcc), stop + after)
            out[start:stop] = self._posteriors(mfcc[lo:hi])[start - lo: stop - lo]
            if progress is not None:
                progress(stop, len(mfcc))
        return out

    def _posteriors(self, mfcc: np.ndarray) -> np.ndarray:
        feats = standardized_input(self.stats, mfcc)
        with torch.inference_mode():
            logits = self.model(torch.from_numpy(feats)[None])[0]
            return torch.softmax(logits, dim=-1).numpy()
