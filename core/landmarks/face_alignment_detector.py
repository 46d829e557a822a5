"""Optional detector backend: the face-alignment package (FAN 3D landmarks).

It is used only when the package is installed AND its weights are already in
the torch hub cache: the package would otherwise download them on first use,
which SPACE Studio never lets happen. Everything is imported lazily, so this
module costs nothing when the backend is absent. Lids and iris come from the
68 eye points (FAN has no dense eye contours).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import ModelWeightsError
from core.landmarks.face_landmarks import FaceLandmarks
from core.landmarks.landmark_json import derive_eye_details
from core.landmarks.pose_estimation import estimate_pose

# Files face-alignment (1.3–1.4) loads from <torch hub>/checkpoints; any of the
# versions named by each pattern will do.
REQUIRED_WEIGHTS = {
    "3D landmark network": "3DFAN4*.zip",
    "depth network": "depth*.zip",
    "S3FD face detector": "s3fd-*.pth",
}


def hub_checkpoint_dir() -> Path:
    """Where torch hub keeps downloaded weights ($TORCH_HOME/hub/checkpoints)."""
    import torch

    return Path(torch.hub.get_dir()) / "checkpoints"


def missing_weights(checkpoint_dir: Path) -> list[str]:
    """Descriptions of the required weight files absent from ``checkpoint_dir``."""
    return [name for name, pattern in REQUIRED_WEIGHTS.items() if not any(checkpoint_dir.glob(pattern))]


def fan_points_to_face(points68: np.ndarray, image_size: tuple[int, int]) -> FaceLandmarks:
    """FaceLandmarks from FAN's 68×3 output (x, y, z in pixels)."""
    points = np.array(points68, np.float64)
    # Our z points towards the viewer: the nose tip must be nearer than the jaw ends,
    # whichever sign convention the network version uses.
    if points[30, 2] < (points[0, 2] + points[16, 2]) / 2:
        points[:, 2] *= -1
    upper, lower, iris, radius = derive_eye_details(points)
    return FaceLandmarks(points, upper, lower, iris, radius, estimate_pose(points), image_size, "face_alignment")


@dataclass
class FaceAlignmentDetector:
    """FAN-3D on CPU. Raises ModelWeightsError at construction when it cannot run offline."""

    device: str = "cpu"

    def __post_init__(self) -> None:
        try:
            import face_alignment
        except ImportError:
            raise ModelWeightsError(
                "The face-alignment backend is not installed; install the 'face-alignment' extra or use mediapipe."
            ) from None
        folder = hub_checkpoint_dir()
        missing = missing_weights(folder)
        if missing:
            raise ModelWeightsError(
                f"face-alignment weights missing from {folder}: {', '.join(missing)}; place them there (no download is attempted)."
            )
        self._model = face_alignment.FaceAlignment(
            face_alignment.LandmarksType.THREE_D, device=self.device, flip_input=False
        )

    def detect(self, image_rgb: np.ndarray) -> list[FaceLandmarks]:
        """All faces in an H×W×3 uint8 RGB image."""
        image = np.ascontiguousarray(np.asarray(image_rgb)[:, :, :3])
        found = self._model.get_landmarks_from_image(image) or []
        height, width = image.shape[:2]
        return [fan_points_to_face(p, (width, height)) for p in found]
