"""A 'filmed' open mouth with separable teeth, drawn on the bundled sample portrait (teeth plate tests)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.image_io import load_portrait
from core.landmarks.face_landmarks import FaceLandmarks
from core.landmarks.landmark_json import load_landmarks
from core.render.neural_face_crop import opening_weight
from core.render.teeth_plate import LipFrame, cut_plate

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample"
TOOTH_PERIOD = 6  # image pixels from one filmed tooth to the next
UPPER_TEETH_PX, LOWER_TEETH_PX = 6, 8
INTERIOR = (30, 12, 12)
FILM_DROP = 14.0  # pixels the filmed lower lip is lowered from the sample's closed mouth


def sample_portrait() -> tuple[np.ndarray, FaceLandmarks]:
    return load_portrait(SAMPLE / "portrait.png").rgba, load_landmarks(SAMPLE / "portrait_landmarks.json")


def opened(rig: np.ndarray, drop: float) -> np.ndarray:
    """The rig with the jaw, lower lip and lower inner lip lowered by ``drop`` pixels."""
    rig = rig.copy()
    for part in (slice(5, 12), slice(55, 60), slice(65, 68)):
        rig[part, 1] += drop
    return rig


def film(rgba: np.ndarray, rig: np.ndarray) -> np.ndarray:
    """An RGB 'filmed' frame: a dark mouth with separate white upper teeth under the upper lip
    and a lower row above the lower lip (every TOOTH_PERIOD-th column a dark gap)."""
    image = np.ascontiguousarray(rgba[:, :, :3]).copy()
    ys, xs = np.mgrid[0:image.shape[0], 0:image.shape[1]].astype(np.float64)
    inside = opening_weight(rig[60:68], (0, 0, image.shape[1], image.shape[0]), softness=0.0, grow=0.0) > 0.5
    lips = LipFrame.of(rig)
    a, b = lips.to_lips(xs, ys)
    upper = inside & (b - lips.upper_b(a) < UPPER_TEETH_PX)
    lower = inside & (lips.lower_b(a) - b < LOWER_TEETH_PX)
    gaps = (xs.astype(int) % TOOTH_PERIOD) == 0
    image[inside] = INTERIOR
    image[(upper | lower) & ~gaps] = (238, 236, 226)
    return image


def target_frame(rgba: np.ndarray, face: FaceLandmarks, drop: float) -> tuple[np.ndarray, np.ndarray]:
    """A frame whose opening (lower lip down by ``drop``) is a flat grey the plate paints over, and its rig."""
    rig = opened(face.rig_points(), drop)
    frame = rgba.copy()
    inside = opening_weight(rig[60:68], (0, 0, frame.shape[1], frame.shape[0]), softness=0.0, grow=2.0) > 0
    frame[inside, :3] = 50
    return frame, rig


def filmed_plate(rgba: np.ndarray, face: FaceLandmarks) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(filmed frame, its open rig, the plate cut from it)."""
    rig = opened(face.rig_points(), FILM_DROP)
    image = film(rgba, rig)
    return image, rig, cut_plate(image, rig)


def renderer_with_plate(folder: Path, plate: np.ndarray) -> Path:
    """A folder with a small (untrained) face refiner and ``plate`` beside it as the teeth plate; its weights path."""
    from core.render.neural_net import RefineNet, RefineNetConfig
    from core.render.teeth_plate import TEETH_PLATE_NAME
    from core.training.cut_teeth_plate import write_plate
    from core.training.train_renderer import RendererTrainConfig, TrainingRecord, save_renderer_checkpoint

    folder.mkdir(parents=True, exist_ok=True)
    small = RefineNetConfig(widths=(8, 16, 16), blocks=(1, 1, 1))
    weights = folder / "renderer.pt"
    save_renderer_checkpoint(weights, RefineNet(small), 64, TrainingRecord([], [], []), RendererTrainConfig(model=small))
    write_plate(plate, {"clip": "drawn", "frame": 0, "licence": "test", "interocular_px": 140.0}, folder / TEETH_PLATE_NAME)
    return weights
