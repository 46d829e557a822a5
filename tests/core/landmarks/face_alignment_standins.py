"""Stand-in weights for the face-alignment package: real file names and formats, no download.

face-alignment looks its weights up in <torch hub>/checkpoints under the names of its
own URL tables (core.landmarks.face_alignment_detector.required_weight_files). This
module writes files with those exact names in the format the installed release loads:

* 1.4 (``*.zip``): the stand-in modules scripted and saved with torch.jit.save, which
  the package ``torch.jit.load``s and runs as they are;
* 1.5 (``*.pth.tar`` / ``*.pth``): state dicts with every key and shape of the
  package's own FAN / ResNetDepth / s3fd classes (loaded strictly by the package).
  Their values are one constant held in a one-element storage, so the files weigh
  kilobytes; ``wire_standins`` then checks that the package loaded exactly these
  values and swaps the loaded networks' computation for the stand-in modules.

The stand-in FAN reads where it is looking: the test image encodes its own pixel
coordinates (R = x, G = y), so for every heatmap cell it knows which image pixel the
package's crop put there, and it draws landmark j's heatmap peak on the cell showing
target j. The points therefore land on the targets only if the package's crop and
its heatmap-to-image mapping are both right. The stand-in depth net returns fixed z.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

STATE_DICT_MARKER = 0.25  # every float in the 1.5 stand-in FAN / depth state dicts


def coordinate_image(size: int = 256) -> np.ndarray:
    """size×size×3 uint8 RGB whose R is the column and G the row of each pixel (size ≤ 256)."""
    ys, xs = np.mgrid[0:size, 0:size]
    return np.stack([xs, ys, np.full_like(xs, 128)], -1).astype(np.uint8)


class CoordinateReadingFAN(nn.Module):
    """B×3×256×256 crop in [0, 1] → B×68×64×64 heatmaps peaking on the cells that show ``targets``."""

    def __init__(self, targets_xy: np.ndarray, sigma_px: float = 3.0) -> None:
        super().__init__()
        self.register_buffer("targets", torch.as_tensor(np.asarray(targets_xy, np.float32)))
        self.sigma = float(sigma_px)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xy = F.avg_pool2d(x[:, :2] * 255.0, 4)  # B×2×64×64: mean image (x, y) shown in each cell
        dx = xy[:, None, 0] - self.targets[None, :, 0, None, None]
        dy = xy[:, None, 1] - self.targets[None, :, 1, None, None]
        return torch.exp(-(dx * dx + dy * dy) / (2.0 * self.sigma * self.sigma))


class FixedDepth(nn.Module):
    """B×(3+68)×256×256 → B×68: the given depths, whatever the input."""

    def __init__(self, depth: np.ndarray) -> None:
        super().__init__()
        self.register_buffer("depth", torch.as_tensor(np.asarray(depth, np.float32)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.depth[None].repeat(x.shape[0], 1) + 0.0 * x.mean()


def _constant_state_dict(module_class, value: float) -> dict[str, torch.Tensor]:
    """Every key and shape of ``module_class()``'s state dict, each float a stride-0 view of one value."""
    with torch.device("meta"):
        shapes = {k: (v.shape, v.dtype) for k, v in module_class().state_dict().items()}
    return {
        k: (torch.full((), value, dtype=dtype) if dtype.is_floating_point else torch.zeros((), dtype=dtype)).expand(
            shape
        )
        for k, (shape, dtype) in shapes.items()
    }


def write_standin_weights(
    checkpoint_dir: Path, required: dict[str, str], targets_xy: np.ndarray, depth: np.ndarray
) -> dict[str, nn.Module]:
    """Write the three weight files named by ``required``; return the FAN and depth stand-in modules."""
    checkpoint_dir.mkdir(parents=True, exist_ok=True)
    fan, depth_net = CoordinateReadingFAN(targets_xy).eval(), FixedDepth(depth).eval()
    fan_file, depth_file = required["3D landmark network"], required["depth network"]
    if fan_file.endswith(".zip") and depth_file.endswith(".zip"):  # 1.4: TorchScript archives
        with warnings.catch_warnings():  # recent torch deprecates TorchScript, which 1.4 still loads
            warnings.simplefilter("ignore", DeprecationWarning)
            torch.jit.save(torch.jit.script(fan), str(checkpoint_dir / fan_file))
            torch.jit.save(torch.jit.script(depth_net), str(checkpoint_dir / depth_file))
    else:  # 1.5: state dicts of the package's own classes
        from face_alignment.models import FAN, ResNetDepth

        torch.save(_constant_state_dict(lambda: FAN(4), STATE_DICT_MARKER), checkpoint_dir / fan_file)
        depth_state = _constant_state_dict(ResNetDepth, STATE_DICT_MARKER)
        torch.save({"state_dict": {"module." + k: v for k, v in depth_state.items()}}, checkpoint_dir / depth_file)
    from face_alignment.detection.sfd.net_s3fd import s3fd

    torch.save(_constant_state_dict(s3fd, 0.0), checkpoint_dir / required["S3FD face detector"])
    return {"fan": fan, "depth": depth_net}


def wire_standins(model, standins: dict[str, nn.Module]) -> None:
    """After face_alignment.FaceAlignment loaded the stand-in files, make it compute with the stand-ins.

    1.4 already runs the TorchScript stand-ins. 1.5 built its own FAN / ResNetDepth and
    loaded the constant state dicts: check that (every float is the marker, so the files
    written here are what it loaded), then swap the computation.
    """
    if isinstance(model.face_alignment_net, torch.jit.ScriptModule):
        return
    for name, key in (("face_alignment_net", "fan"), ("depth_prediciton_net", "depth")):
        net = getattr(model, name)
        floats = [t for t in net.state_dict().values() if t.dtype.is_floating_point]
        assert floats and all(bool((t == STATE_DICT_MARKER).all()) for t in floats), f"{name} did not load the stand-in"
        setattr(model, name, standins[key])


def interpret_numba_kernels(monkeypatch) -> None:
    """Run face-alignment's numba-jitted helpers as the plain Python they are written in.

    Same source, same numpy semantics; it only spares each test process the ~7 s of
    numba compilation (the package does not cache it) that would dominate the test.
    """
    import face_alignment.api
    import face_alignment.utils

    for module in (face_alignment.utils, face_alignment.api):
        for name, value in list(vars(module).items()):
            if callable(getattr(value, "py_func", None)):
                monkeypatch.setattr(module, name, value.py_func)
