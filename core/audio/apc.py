"""APC: a self-supervised speech representation for S2L to listen through.

Autoregressive Predictive Coding (Chung et al. 2019), as Live Speech Portraits
uses it: a causal GRU reads the MFCCs of each 30 fps frame and is trained to
predict the MFCCs ``shift`` frames ahead (``core.training.train_apc``, on
../shared/data/speech only). To do that it has to track which sound is being
made and where it is going, so its hidden state carries phonetic content learned
from ~50 min of speech in a dozen languages, with no labels; S2L, which has
only ~90 s of paired video, reads that state beside the MFCCs.

Causal: frame t's code depends on audio up to frame t only, so APC adds no
latency (S2L's own look-ahead decides that).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from core.audio.features import N_MFCC, FeatureStats
from core.audio.mfcc_model import load_mfcc_model, standardized_input
from core.weights_location import shipped_weights

DEFAULT_WEIGHTS = shipped_weights("apc", "apc.pt")
STREAM_FRAMES = 9000  # frames per GRU call (5 min at 30 fps): bounds torch's working memory


@dataclass(frozen=True)
class APCConfig:
    """GRU size and how far ahead it predicts (2 frames = 67 ms: windows no longer overlap).

    One layer of 128 runs in ~6 ms per 10 s of speech; 2 layers (~13 ms) and 256 × 3
    (~35 ms) lifted S2L's cross-validated r0 no more (model card) and cost the 200×
    real-time budget."""

    hidden: int = 128
    layers: int = 1
    shift: int = 2

    def to_dict(self) -> dict[str, int]:
        """Plain dict for checkpoints."""
        return asdict(self)


class APC(nn.Module):
    """B×T×40 standardized MFCCs → (B×T×40 predictions of frame t + shift, B×T×H codes)."""

    def __init__(self, cfg: APCConfig | None = None) -> None:
        super().__init__()
        self.cfg = cfg = cfg or APCConfig()
        self.gru = nn.GRU(N_MFCC, cfg.hidden, num_layers=cfg.layers, batch_first=True)
        self.head = nn.Linear(cfg.hidden, N_MFCC)

    def forward(self, mfcc: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        codes, _ = self.gru(mfcc)
        return self.head(codes), codes


def apc_loss(model: APC, mfcc: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
    """L1 between the predictions at t and the input at t + shift (padding excluded)."""
    shift = model.cfg.shift
    pred, _ = model(mfcc)
    err = (pred[:, :-shift] - mfcc[:, shift:]).abs().mean(-1)
    if lengths is None:
        return err.mean()
    valid = torch.arange(err.shape[1])[None] < (lengths[:, None] - shift)
    return (err * valid).sum() / valid.sum().clamp(min=1)


class APCFeatures:
    """A loaded, checksum-verified APC: ``__call__(mfcc T×40) → T×H`` codes."""

    def __init__(self, model: APC, stats: FeatureStats) -> None:
        self.model = model.eval()
        self.stats = stats

    @property
    def dims(self) -> int:
        """Width of the codes."""
        return self.model.cfg.hidden

    @classmethod
    def load(cls, path: str | Path | None = None) -> APCFeatures:
        """Load weights (default: the shipped weights/apc/apc.pt)."""
        return cls(*load_mfcc_model(path, DEFAULT_WEIGHTS, "APC weights", "train them: python -m core.training.train_apc",
                                    lambda c: APC(APCConfig(**c["config"]))))

    def __call__(self, mfcc: np.ndarray) -> np.ndarray:
        """T×40 MFCCs → T×H codes, computed a block at a time with the GRU state carried over."""
        out = np.empty((len(mfcc), self.dims), np.float32)
        state = None
        for start in range(0, len(mfcc), STREAM_FRAMES):
            out[start: start + STREAM_FRAMES], state = self.stream(mfcc[start: start + STREAM_FRAMES], state)
        return out

    def stream(self, mfcc: np.ndarray, state: torch.Tensor | None = None) -> tuple[np.ndarray, torch.Tensor | None]:
        """Codes of the next T×40 MFCCs of a line, given the state after the frames before them
        (None at the start); returns (T×H codes, the state after these frames). Causal, so the
        codes equal those of the whole line at once (up to float rounding)."""
        if len(mfcc) == 0:
            return np.zeros((0, self.dims), np.float32), state
        feats = standardized_input(self.stats, mfcc)
        with torch.inference_mode():
            codes, state = self.model.gru(torch.from_numpy(feats)[None], state)
            return codes[0].numpy(), state
