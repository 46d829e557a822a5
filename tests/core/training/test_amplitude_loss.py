"""The mouth-amplitude loss (core.motion.speech2landmarks.amplitude_loss) on a real face track."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from core.evaluation.metrics import amplitude_ratio
from core.landmarks.face_geometry import mouth_openness
from core.motion.speech2landmarks import amplitude_loss, s2l_loss
from core.training import s2l_dataset as ds

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
WINDOW = 30
NOISE = 1.0

pytestmark = pytest.mark.skipif(not (DATA / "talking").is_dir(), reason="../shared/data absent")


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> torch.Tensor:
    """A GRID speaker's normalized landmarks (tracked here), cut into B×WINDOW×68×2 windows."""
    clip = ds.build_clip(DATA / "talking/rizkiarm__LipNet/bbaf2n.mpg", tmp_path_factory.mktemp("tracks"),
                         require_sync=False)
    assert clip is not None
    points = torch.from_numpy(clip.points.astype(np.float32))
    count = len(points) // WINDOW
    return points[: count * WINDOW].reshape(count, WINDOW, 68, 2)


def _damped(windows: torch.Tensor, gain: float) -> torch.Tensor:
    """Each window's motion scaled by ``gain`` about its own mean face."""
    mean = windows.mean(dim=1, keepdim=True)
    return mean + gain * (windows - mean)


def test_the_loss_is_zero_for_the_real_mouth_and_grows_as_its_motion_is_damped(real):
    assert float(amplitude_loss(real, real)) == 0.0
    shifted = real + torch.tensor([0.05, -0.02])  # a constant offset moves nothing
    assert float(amplitude_loss(shifted, real)) < 1e-6
    losses = [float(amplitude_loss(_damped(real, gain), real)) for gain in (1.0, 0.75, 0.5, 0.25)]
    assert losses[0] < 1e-6 and all(a < b for a, b in zip(losses, losses[1:]))


def _fitted_openness(real: torch.Tensor, amplitude_weight: float) -> np.ndarray:
    """Openness of a per-coordinate gain on a noisy cue of the real mouth motion, fitted by
    s2l_loss (+ ``amplitude_weight`` × amplitude_loss): a model that half knows the mouth, as S2L
    half knows it from the audio."""
    generator = torch.Generator().manual_seed(0)
    mean = real.mean(dim=(0, 1), keepdim=True)
    motion = real - mean
    # The cue mixes each frame's motion with another real frame's: plausible mouths, half of them wrong.
    other = motion.reshape(-1, 68, 2)[torch.randperm(motion.shape[0] * motion.shape[1], generator=generator)]
    cue = motion + NOISE * other.reshape(motion.shape)
    gain = torch.ones(68, 2, requires_grad=True)
    opt = torch.optim.Adam([gain], lr=0.02)
    for _ in range(300):
        pred = mean + gain * cue
        loss = s2l_loss(pred, real) + amplitude_weight * amplitude_loss(pred, real)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        return mouth_openness((mean + gain * cue).reshape(-1, 68, 2).numpy())


def test_the_amplitude_term_undoes_the_shrinking_l1_gives_an_uncertain_mouth(real):
    real_open = mouth_openness(real.reshape(-1, 68, 2).numpy())
    l1_only = amplitude_ratio(_fitted_openness(real, 0.0), real_open)
    with_term = amplitude_ratio(_fitted_openness(real, 1.0), real_open)
    assert l1_only < 0.3  # L1 shrinks the openings the cue only half explains (0.16)
    assert l1_only + 0.3 < with_term <= 1.2  # the amplitude term brings most of them back (0.71)
