"""SPACE Speech2Landmarks (S2L): speech → normalized 68×2 landmarks per frame.

face_t = face_0 + LSTM(landmarks_{t-1}, eyes_{t-1}, audio_t): an autoregressive
regressor whose identity comes from face_0 (MakeItTalk) while speech drives the
motion. Shapes: audio features B×T×F (40 MFCCs, + 40 phone posteriors when
``phone_features``, + APC codes when ``apc_features``), face0 B×68×2, emotion B×T×8 → B×T×68×2.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from core.audio.phone_net import N_PHONES
from core.emotion_spec import EMOTIONS

N_MFCC = 40
N_POINTS = 68
N_EMOTIONS = len(EMOTIONS)
EYES = slice(36, 48)


@dataclass(frozen=True)
class S2LConfig:
    """Network size. ``lookahead`` = future audio frames the encoder may see."""

    width: int = 128
    conv_layers: int = 6
    symmetric_layers: int = 2
    lookahead: int = 2
    landmark_mlp_layers: int = 2
    eye_mlp_layers: int = 1
    init_mlp_layers: int = 2
    lstm_layers: int = 2
    lstm_hidden: int = 128
    # Phone posteriors from core.audio.phone_net appended to the 40 MFCCs.
    phone_features: bool = False
    # How many leading MFCCs the encoder reads (40 = all; 1 = loudness only, so that
    # with phones the speaker's timbre never reaches the model).
    mfcc_dims: int = N_MFCC
    # Width of the APC codes (core.audio.apc) appended after the phones; 0 = none.
    apc_features: int = 0

    @property
    def n_features(self) -> int:
        """Audio features per frame the encoder reads."""
        return self.mfcc_dims + (N_PHONES if self.phone_features else 0) + self.apc_features

    @classmethod
    def paper(cls) -> S2LConfig:
        """The size used in SPACE: 1024 wide, 12 conv layers, MLPs 8 and 4 deep."""
        return cls(width=1024, conv_layers=12, symmetric_layers=4, lookahead=4,
                   landmark_mlp_layers=8, eye_mlp_layers=4, init_mlp_layers=4,
                   lstm_layers=2, lstm_hidden=1024)

    def to_dict(self) -> dict[str, int | bool]:
        """Plain dict for checkpoints."""
        return asdict(self)


def _mlp(inp: int, width: int, layers: int) -> nn.Sequential:
    mods: list[nn.Module] = []
    for i in range(layers):
        mods += [nn.Linear(inp if i == 0 else width, width), nn.LeakyReLU(0.2)]
    return nn.Sequential(*mods)


class AudioEncoder(nn.Module):
    """Conv1d stack: first layers kernel 3, later causal kernel 5; B×T×F → B×T×W.

    Of the first ``symmetric_layers`` layers, the first ``lookahead`` are centred
    (one future frame each); the rest of the stack is causal, so the total
    look-ahead is exactly ``lookahead`` frames (0 = fully causal, live use).
    """

    def __init__(self, cfg: S2LConfig) -> None:
        super().__init__()
        if cfg.lookahead > cfg.symmetric_layers:
            raise ValueError("lookahead cannot exceed symmetric_layers")
        self.pads: list[tuple[int, int]] = []
        self.mfcc_dims = cfg.mfcc_dims
        layers = []
        for i in range(cfg.conv_layers):
            kernel = 3 if i < cfg.symmetric_layers else 5
            future = 1 if i < cfg.lookahead else 0
            self.pads.append((kernel - 1 - future, future))
            layers.append(nn.Conv1d(cfg.n_features if i == 0 else cfg.width, cfg.width, kernel))
        self.convs = nn.ModuleList(layers)
        self.norms = nn.ModuleList(nn.BatchNorm1d(cfg.width) for _ in layers)
        self.act = nn.LeakyReLU(0.2)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        if self.mfcc_dims < N_MFCC:  # drop the MFCCs it does not read, keep any phones and APC codes
            features = torch.cat([features[..., : self.mfcc_dims], features[..., N_MFCC:]], dim=-1)
        x = features.transpose(1, 2)
        for conv, norm, pad in zip(self.convs, self.norms, self.pads, strict=True):
            y = self.act(norm(conv(nn.functional.pad(x, pad, mode="replicate"))))
            x = y + x if y.shape == x.shape else y  # residual keeps a deep stack trainable
        return x.transpose(1, 2)


class FiLM(nn.Module):
    """Emotion → per-channel scale and shift; starts as the identity."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.proj = nn.Linear(N_EMOTIONS, 2 * width)
        nn.init.zeros_(self.proj.weight)
        nn.init.zeros_(self.proj.bias)

    def params(self, emotion: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(1 + gamma, beta) for an emotion tensor ...×8."""
        gamma, beta = self.proj(emotion).chunk(2, dim=-1)
        return 1.0 + gamma, beta


class Speech2Landmarks(nn.Module):
    """The S2L network (see module docstring)."""

    def __init__(self, cfg: S2LConfig | None = None) -> None:
        super().__init__()
        self.cfg = cfg = cfg or S2LConfig()
        w, h = cfg.width, cfg.lstm_hidden
        self.audio = AudioEncoder(cfg)
        self.landmarks = _mlp(N_POINTS * 2, w, cfg.landmark_mlp_layers)
        self.eyes = _mlp(12 * 2, w // 2, cfg.eye_mlp_layers)
        self.film_audio, self.film_face = FiLM(w), FiLM(w)
        self.init = nn.Sequential(_mlp(N_POINTS * 2 + w, w, cfg.init_mlp_layers),
                                  nn.Linear(w, 2 * cfg.lstm_layers * h))
        self.lstm = nn.LSTM(w + w + w // 2, h, num_layers=cfg.lstm_layers, batch_first=True)
        self.head = nn.Linear(h, N_POINTS * 2)
        nn.init.zeros_(self.head.weight)  # start by predicting face_0 (no motion)
        nn.init.zeros_(self.head.bias)

    def encode_audio(self, mfcc: torch.Tensor, emotion: torch.Tensor) -> torch.Tensor:
        """B×T×F, B×T×8 → FiLM-modulated audio codes B×T×W."""
        gamma, beta = self.film_audio.params(emotion)
        return self.audio(mfcc) * gamma + beta

    def encode_face(self, prev: torch.Tensor, face0: torch.Tensor,
                    emotion: torch.Tensor) -> torch.Tensor:
        """Previous frames ...×68×2 (relative to face0) → landmark+eye codes."""
        rel = prev - face0
        gamma, beta = self.film_face.params(emotion)
        lm = self.landmarks(rel.flatten(-2)) * gamma + beta
        return torch.cat([lm, self.eyes(rel[..., EYES, :].flatten(-2))], dim=-1)

    def initial_state(self, face0: torch.Tensor, audio0: torch.Tensor):
        """Learned LSTM (h, c) from face_0 and the first audio code."""
        s = self.init(torch.cat([face0.flatten(-2), audio0], dim=-1))
        s = s.view(-1, 2, self.cfg.lstm_layers, self.cfg.lstm_hidden).permute(1, 2, 0, 3)
        return s[0].tanh().contiguous(), s[1].contiguous()

    def forward(self, mfcc: torch.Tensor, face0: torch.Tensor, emotion: torch.Tensor,
                prev: torch.Tensor) -> torch.Tensor:
        """Teacher-forced pass: ``prev`` B×T×68×2 are the frames fed back (t-1)."""
        audio = self.encode_audio(mfcc, emotion)
        f0 = face0[:, None]
        x = torch.cat([audio, self.encode_face(prev, f0, emotion)], dim=-1)
        out, _ = self.lstm(x, self.initial_state(face0, audio[:, 0]))
        return f0 + self.head(out).view(*out.shape[:2], N_POINTS, 2)

    @torch.inference_mode()
    def generate(self, mfcc: torch.Tensor, face0: torch.Tensor,
                 emotion: torch.Tensor) -> torch.Tensor:
        """Autoregressive inference feeding back its own output; B×T×68×2."""
        audio = self.encode_audio(mfcc, emotion)
        state = self.initial_state(face0, audio[:, 0])
        prev, outs = face0, []
        for t in range(audio.shape[1]):
            x = torch.cat([audio[:, t], self.encode_face(prev, face0, emotion[:, t])], dim=-1)
            y, state = self.lstm(x[:, None], state)
            prev = face0 + self.head(y[:, 0]).view(-1, N_POINTS, 2)
            outs.append(prev)
        return torch.stack(outs, dim=1)


def s2l_loss(pred: torch.Tensor, target: torch.Tensor, y_weight: float = 2.0,
             velocity_weight: float = 1.0, mouth_weight: float = 3.0) -> torch.Tensor:
    """L1 on positions with extra weight on y, plus L1 on first differences.

    The mouth (points 48–67) is weighted up: it is what speech determines, while
    the rest of the face mostly carries tracking noise the audio cannot explain.
    """
    weight = pred.new_ones(N_POINTS, 2)
    weight[:, 1] = y_weight
    weight[48:68] *= mouth_weight
    pos = ((pred - target).abs() * weight).mean()
    vel = ((pred.diff(dim=1) - target.diff(dim=1)).abs() * weight).mean()
    return pos + velocity_weight * vel


# Point pairs whose separation is the mouth's shape: the inner and outer lip gaps
# (openness) and the inner and outer corner distances (width, rounding).
MOUTH_SHAPE_PAIRS = ((61, 67), (62, 66), (63, 65), (50, 58), (51, 57), (52, 56), (48, 54), (60, 64))


def amplitude_loss(pred: torch.Tensor, target: torch.Tensor, y_weight: float = 2.0) -> torch.Tensor:
    """|std over time of the predicted − of the real lip gaps and mouth widths| in each
    B×T×68×2 window (the x and y of MOUTH_SHAPE_PAIRS' separations, y weighted up as in s2l_loss).

    L1 puts an opening the audio only half explains at the median, so with more people
    the mouth moves less (cross-validated amplitude ratio 0.60); this term asks each
    window's mouth to open, close and round as far as the real one, while L1 keeps the
    timing. Separations, not points: moving the whole mouth would not open it.
    """
    upper = [a for a, _ in MOUTH_SHAPE_PAIRS]
    lower = [b for _, b in MOUTH_SHAPE_PAIRS]
    weight = pred.new_tensor([1.0, y_weight])

    def spread(p: torch.Tensor) -> torch.Tensor:  # B×pairs×2
        return (p[:, :, lower] - p[:, :, upper]).std(dim=1)

    return ((spread(pred) - spread(target)).abs() * weight).mean()


def openness_correlation_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """1 − Pearson r of mouth openness over each B×T×68×2 window, windows weighted by
    how much the real mouth moves in them.

    L1 regresses an uncertain mouth towards its median shape, which flattens the
    openings the audio only half explains; correlation is blind to that scale and
    rewards following every opening and closing in time (what lip-sync r measures).
    """
    def length(v: torch.Tensor) -> torch.Tensor:
        # sqrt(x + eps): a sealed mouth's gap is exactly 0, where norm()'s gradient is NaN
        return (v.square().sum(-1) + 1e-8).sqrt()

    def openness(p: torch.Tensor) -> torch.Tensor:
        return length(p[..., 66, :] - p[..., 62, :]) / length(p[..., 54, :] - p[..., 48, :]).clamp(min=1e-3)

    o_pred, o_real = openness(pred), openness(target)
    o_pred = o_pred - o_pred.mean(dim=1, keepdim=True)
    o_real = o_real - o_real.mean(dim=1, keepdim=True)
    # eps inside the root: an untrained model's mouth does not move (zero variance)
    r = (o_pred * o_real).sum(1) / (o_pred.square().sum(1) * o_real.square().sum(1) + 1e-10).sqrt()
    spread = o_real.square().mean(1).sqrt()
    return ((1 - r) * spread).sum() / spread.sum().clamp(min=1e-6)
