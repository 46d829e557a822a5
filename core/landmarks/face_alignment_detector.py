"""Optional detector backend: the face-alignment package (FAN 3D landmarks).

It is used only when the package is installed AND its weights are already in
the torch hub cache: the package would otherwise download them on first use,
which SPACE Studio never lets happen. Everything is imported lazily, so this
module costs nothing when the backend is absent. Lids and iris come from the
68 eye points (FAN has no dense eye contours).
"""

from __future__ import annotations

import inspect
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from core.errors import ModelWeightsError
from core.landmarks.face_landmarks import FaceLandmarks
from core.landmarks.landmark_json import derive_eye_details
from core.landmarks.pose_estimation import estimate_pose

# What each weight file is for, keyed by the name face-alignment's URL tables use.
WEIGHT_ROLES = {"3DFAN-4": "3D landmark network", "depth": "depth network", "s3fd": "S3FD face detector"}


def hub_checkpoint_dir() -> Path:
    """Where torch hub keeps downloaded weights ($TORCH_HOME/hub/checkpoints)."""
    import torch

    return Path(torch.hub.get_dir()) / "checkpoints"


def required_weight_files() -> dict[str, str]:
    """Role -> exact file name the installed face-alignment looks up in the hub cache.

    The names change between releases (1.4: TorchScript ``*.zip`` chosen by torch
    version, 1.5: ``*.pth.tar`` state dicts), so they are read from the package's own
    URL tables, exactly as its ``load_file_from_url`` names the cached files. Raises
    ModelWeightsError when the package's layout is unknown (refusing beats downloading).
    """
    try:
        import torch
        from face_alignment import api
        from face_alignment.detection.sfd import sfd_detector
    except ImportError:
        raise ModelWeightsError(
            "The face-alignment backend is not installed; install the 'face-alignment' extra or use mediapipe."
        ) from None
    urls = getattr(api, "models_urls", {})
    if "3DFAN-4" not in urls:  # 1.4: one table per torch "major.minor", else the default table
        key = torch.__version__.rsplit(".", 2 if "dev" in torch.__version__ else 1)[0]
        urls = urls.get(key, getattr(api, "default_model_urls", {}))
    urls = {**urls, **getattr(sfd_detector, "models_urls", {})}
    if any(not isinstance(urls.get(name), str) for name in WEIGHT_ROLES):
        raise ModelWeightsError("This face-alignment version names its weights in an unknown way; use mediapipe.")
    return {role: os.path.basename(urlparse(urls[name]).path) for name, role in WEIGHT_ROLES.items()}


def missing_weights(checkpoint_dir: Path, required: dict[str, str]) -> list[str]:
    """'role (file name)' for each required weight file absent from ``checkpoint_dir``."""
    return [f"{role} ({name})" for role, name in required.items() if not (checkpoint_dir / name).is_file()]


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
        required = required_weight_files()  # raises when the package is absent
        import face_alignment

        folder = hub_checkpoint_dir()
        missing = missing_weights(folder, required)
        if missing:
            raise ModelWeightsError(
                f"face-alignment weights missing from {folder}: {', '.join(missing)}; "
                "place them there (no download is attempted)."
            )
        options = {
            "device": self.device,
            "flip_input": False,
            "face_detector": "sfd",
            # The detector is handed its file: the package would otherwise fetch it by URL.
            "face_detector_kwargs": {"path_to_detector": str(folder / required["S3FD face detector"])},
        }
        if "compile" in inspect.signature(face_alignment.FaceAlignment).parameters:
            options["compile"] = False  # 1.5+: torch.compile warm-up, a warning and a cache under ~/.cache
        with warnings.catch_warnings():  # 1.4 loads TorchScript, which recent torch deprecates
            warnings.filterwarnings("ignore", message="`torch.jit.load` is deprecated", category=DeprecationWarning)
            self._model = face_alignment.FaceAlignment(face_alignment.LandmarksType.THREE_D, **options)

    def detect(self, image_rgb: np.ndarray, face_boxes: list | None = None) -> list[FaceLandmarks]:
        """All faces in an H×W×3 uint8 RGB image.

        ``face_boxes`` (x0, y0, x1, y1[, score] in pixels) skips the S3FD detector and
        fits landmarks in those boxes.
        """
        image = np.ascontiguousarray(np.asarray(image_rgb)[:, :, :3])
        boxes = None if face_boxes is None else [np.asarray(b, np.float64) for b in face_boxes]
        if boxes is not None and not boxes:
            return []
        with warnings.catch_warnings():  # "No faces were detected." is our empty list, not a warning
            warnings.filterwarnings("ignore", message="No faces were detected")
            found = self._model.get_landmarks_from_image(image, detected_faces=boxes) or []
        height, width = image.shape[:2]
        return [fan_points_to_face(np.asarray(p), (width, height)) for p in found]
