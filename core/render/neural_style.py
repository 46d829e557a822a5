"""Which renderer ``--renderer auto`` picks for a portrait: photos → neural, drawings → warp.

The learned renderer was trained on filmed faces; on flat-shaded drawings
(cartoons, anime, vector art, 3D cartoon renders) it would paint photographic
texture over clean colour areas, while the mesh warp keeps every drawn edge.
The decision reads the grey face crop (the crop the neural renderer refines,
128², inner 96²) through its high-pass ``h = grey − GaussianBlur(grey, σ = 1)``:

- ``fine_texture``: median |h| over the smoother half of the crop, in grey levels.
  Skin in photos, film grain and paint strokes give ≥ ~0.5; flat drawn colour ~0.
- ``edge_contrast``: 99th percentile of |h| over its median. Drawn outlines on flat
  colour give a few strong edges over nothing (the bundled cartoon: ~1000; a 3D
  cartoon render: 42); photos and photographic paintings stay at 7–20.

A portrait is *drawn* when fine_texture < 0.3 or edge_contrast > 24. The thresholds
were set on resources/sample/portrait.png and 26 portraits of ../shared/data (table
in weights/renderer/MODEL_CARD.md); the user can always override with --renderer.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.render.neural_face_crop import crop_box, extract_crop

FINE_TEXTURE_DRAWN = 0.3
EDGE_CONTRAST_DRAWN = 24.0
ANALYSIS_SIZE = 128


@dataclass(frozen=True)
class StyleReading:
    """The two measurements and the decision."""

    fine_texture: float
    edge_contrast: float

    @property
    def is_photographic(self) -> bool:
        return self.fine_texture >= FINE_TEXTURE_DRAWN and self.edge_contrast <= EDGE_CONTRAST_DRAWN


def read_style(image_rgb: np.ndarray, rig: np.ndarray) -> StyleReading:
    """Measure the face crop of ``image_rgb`` (H×W×3|4 uint8) placed by the 98×2 ``rig``."""
    crop = extract_crop(np.ascontiguousarray(image_rgb[:, :, :3]), crop_box(rig), ANALYSIS_SIZE)
    margin = ANALYSIS_SIZE // 8
    grey = cv2.cvtColor(crop[margin:-margin, margin:-margin], cv2.COLOR_RGB2GRAY).astype(np.float32)
    high_pass = np.abs(grey - cv2.GaussianBlur(grey, (0, 0), 1.0))
    smoothed = cv2.GaussianBlur(grey, (0, 0), 2.0)
    gradient = np.hypot(cv2.Sobel(smoothed, cv2.CV_32F, 1, 0), cv2.Sobel(smoothed, cv2.CV_32F, 0, 1))
    smoother_half = gradient < np.median(gradient)
    fine = float(np.median(high_pass[smoother_half]))
    contrast = float(np.percentile(high_pass, 99) / (np.median(high_pass) + 1e-3))
    return StyleReading(fine, contrast)


def resolve_renderer(choice: str, image_rgb: np.ndarray, rig: np.ndarray) -> str:
    """``auto`` → ``neural`` for photographic portraits, ``warp`` for drawn ones; others unchanged."""
    if choice != "auto":
        return choice
    return "neural" if read_style(image_rgb, rig).is_photographic else "warp"
