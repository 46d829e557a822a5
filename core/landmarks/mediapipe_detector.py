"""Face landmarks from mediapipe's face mesh (478 points with iris), as FaceLandmarks.

The mesh is mapped to the 68 iBUG points with the published correspondence of
Peizhi Yan's Mediapipe_2_Dlib_Landmarks (some iBUG points are the mean of two
mesh points), the interior eyelid points come from the mesh's eye contours and
the iris centres from the refined iris points 468 and 473.

Images of any size are downscaled for detection (mediapipe works at 192² per
face anyway) and the points scaled back, so a 6000-pixel photo costs as much as
a 1280-pixel one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import cv2
import numpy as np

from core.landmarks.face_landmarks import LID_POINTS, FaceLandmarks
from core.landmarks.pose_estimation import estimate_pose

# One tuple per iBUG point: the mesh points whose mean is that point.
MESH_TO_IBUG68: tuple[tuple[int, ...], ...] = (
    # jaw 0-16, image left to right
    (127,), (234,), (93,), (132, 58), (58, 172), (136,), (150,), (176,), (152,),
    (400,), (379,), (365,), (397, 288), (361,), (323,), (454,), (356,),
    # brows 17-26
    (70,), (63,), (105,), (66,), (107,), (336,), (296,), (334,), (293,), (300,),
    # nose 27-35
    (168, 6), (197, 195), (5,), (4,), (75,), (97,), (2,), (326,), (305,),
    # eyes 36-47
    (33,), (160,), (158,), (133,), (153,), (144,),
    (362,), (385,), (387,), (263,), (373,), (380,),
    # outer lips 48-59
    (61,), (39,), (37,), (0,), (267,), (269,), (291,), (405,), (314,), (17,), (84,), (181,),
    # inner lips 60-67
    (78,), (82,), (13,), (312,), (308,), (317,), (14,), (87,),
)

# Interior lid contour points, ordered left→right in the image (eye 0 is the
# eye on the image's left, the subject's right eye).
UPPER_LID_MESH = (
    (246, 161, 160, 159, 158, 157, 173),
    (398, 384, 385, 386, 387, 388, 466),
)
LOWER_LID_MESH = (
    (7, 163, 144, 145, 153, 154, 155),
    (382, 381, 380, 374, 373, 390, 249),
)
# Iris centre and its four rim points; 468 is the iris of the image-left eye.
IRIS_MESH = ((468, 469, 470, 471, 472), (473, 474, 475, 476, 477))
MESH_POINT_COUNT = 478
CROP_PER_BOX = 2.2  # crop side / detector box side: the box covers eyes to mouth only
CROP_SIDE = 512  # pixels the mesh sees of a small-face crop


@dataclass(frozen=True)
class MediapipeConfig:
    """How the face mesh runs.

    ``static_image_mode`` runs full detection on every image (stills); False
    tracks faces from frame to frame (video: faster and steadier).
    """

    static_image_mode: bool = True
    max_faces: int = 4
    min_detection_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    max_detection_side: int = 1280
    # Faces smaller than about a fifth of the image (full-body shots) escape the
    # mesh's own short-range detector; the full-range detector finds them and the
    # mesh then runs on a crop around each.
    small_face_fallback: bool = True


def mesh_to_face(mesh: np.ndarray, image_size: tuple[int, int]) -> FaceLandmarks:
    """Turn a 478×3 face mesh in pixels (z towards the viewer) into FaceLandmarks."""
    mesh = np.asarray(mesh, np.float64)
    if mesh.shape != (MESH_POINT_COUNT, 3):
        raise ValueError(f"mesh must be {MESH_POINT_COUNT}×3, got {mesh.shape}")
    points68 = np.stack([mesh[list(ids)].mean(axis=0) for ids in MESH_TO_IBUG68])
    upper = np.stack([mesh[list(ids), :2] for ids in UPPER_LID_MESH])
    lower = np.stack([mesh[list(ids), :2] for ids in LOWER_LID_MESH])
    iris = np.stack([mesh[ids[0], :2] for ids in IRIS_MESH])
    # The four rim points sit on the iris circle; their mean distance is the radius.
    radius = np.array(
        [np.linalg.norm(mesh[list(ids[1:]), :2] - mesh[ids[0], :2], axis=1).mean() for ids in IRIS_MESH]
    )
    assert upper.shape == (2, LID_POINTS, 2)
    return FaceLandmarks(
        points68=points68,
        upper_lids=upper,
        lower_lids=lower,
        iris=iris,
        iris_radius=radius,
        pose=estimate_pose(points68),
        image_size=image_size,
        source="mediapipe",
    )


def _detection_scale(width: int, height: int, max_side: int) -> float:
    """Factor (≤ 1) that brings the longer image side down to ``max_side``."""
    return min(1.0, max_side / max(width, height))


class MediapipeDetector:
    """Runs mediapipe's face mesh; reuse one instance for the frames of a video.

    Use as a context manager (or call ``close``) to free the graph.
    """

    def __init__(self, config: MediapipeConfig | None = None) -> None:
        self.config = config or MediapipeConfig()
        self._mesh = None
        self._crop_mesh = None
        self._finder = None

    def _face_mesh(self):
        # Imported lazily: mediapipe takes a second to import and not every
        # caller (user JSON, templates) needs it.
        if self._mesh is None:
            from mediapipe.python.solutions import face_mesh

            self._mesh = face_mesh.FaceMesh(
                static_image_mode=self.config.static_image_mode,
                max_num_faces=self.config.max_faces,
                refine_landmarks=True,
                min_detection_confidence=self.config.min_detection_confidence,
                min_tracking_confidence=self.config.min_tracking_confidence,
            )
        return self._mesh

    def detect_meshes(self, image_rgb: np.ndarray) -> list[np.ndarray]:
        """All face meshes as 478×3 arrays in pixels of ``image_rgb`` (z towards the viewer)."""
        with _quiet_native_stderr():
            return self._detect_meshes(image_rgb)

    def _detect_meshes(self, image_rgb: np.ndarray) -> list[np.ndarray]:
        image = _as_rgb_uint8(image_rgb)
        height, width = image.shape[:2]
        factor = _detection_scale(width, height, self.config.max_detection_side)
        meshes = _run_mesh(self._face_mesh(), _resized(image, factor), (0.0, 0.0), (width, height))
        if self.config.small_face_fallback:
            # The mesh's own detector is short-range: it misses small or distant faces,
            # also beside a big one, so the full-range finder adds whatever it missed.
            meshes += [m for m in self._meshes_in_crops(image, factor) if not _inside_any(m, meshes)]
        return meshes

    def _meshes_in_crops(self, image: np.ndarray, factor: float) -> list[np.ndarray]:
        """Find faces with the full-range detector, then run a static mesh on a crop around each."""
        from mediapipe.python.solutions import face_detection, face_mesh

        if self._finder is None:
            self._finder = face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.5)
            self._crop_mesh = face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1, refine_landmarks=True)
        height, width = image.shape[:2]
        found = self._finder.process(np.ascontiguousarray(_resized(image, factor)))
        meshes = []
        for detection in found.detections or []:
            box = detection.location_data.relative_bounding_box
            side = CROP_PER_BOX * max(box.width * width, box.height * height)
            cx, cy = (box.xmin + box.width / 2) * width, (box.ymin + box.height / 2) * height
            x0, y0 = int(max(0, cx - side / 2)), int(max(0, cy - side / 2))
            x1, y1 = int(min(width, cx + side / 2)), int(min(height, cy + side / 2))
            if x1 - x0 < 8 or y1 - y0 < 8:
                continue
            crop = image[y0:y1, x0:x1]
            crop_factor = _detection_scale(x1 - x0, y1 - y0, CROP_SIDE)
            # Upscaling a tiny face helps the mesh (it works at 192² internally).
            crop_factor = CROP_SIDE / max(x1 - x0, y1 - y0) if crop_factor == 1.0 else crop_factor
            meshes += _run_mesh(self._crop_mesh, _resized(crop, crop_factor), (x0, y0), (x1 - x0, y1 - y0))
        return meshes

    def detect(self, image_rgb: np.ndarray) -> list[FaceLandmarks]:
        """All faces in ``image_rgb`` (H×W×3 RGB, or RGBA), in mediapipe's order."""
        height, width = np.asarray(image_rgb).shape[:2]
        return [mesh_to_face(mesh, (width, height)) for mesh in self.detect_meshes(image_rgb)]

    def close(self) -> None:
        """Free the mediapipe graphs."""
        for graph in (self._mesh, self._crop_mesh, self._finder):
            if graph is not None:
                graph.close()
        self._mesh = self._crop_mesh = self._finder = None

    def __enter__(self) -> MediapipeDetector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _as_rgb_uint8(image: np.ndarray) -> np.ndarray:
    """H×W×3 uint8 RGB from grey, RGB or RGBA input (alpha dropped)."""
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(f"image must be uint8, got {image.dtype}")
    if image.ndim == 2:
        return np.repeat(image[:, :, None], 3, axis=2)
    if image.ndim == 3 and image.shape[2] in (3, 4):
        return image[:, :, :3]
    raise ValueError(f"image must be H×W, H×W×3 or H×W×4, got shape {image.shape}")


def _resized(image: np.ndarray, factor: float) -> np.ndarray:
    """``image`` scaled by ``factor`` (area filter down, cubic up); itself when factor is 1."""
    if factor == 1.0:
        return image
    height, width = image.shape[:2]
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)


def _run_mesh(mesh_graph, image: np.ndarray, origin: tuple[float, float], size: tuple[int, int]) -> list[np.ndarray]:
    """Meshes found in ``image``, in pixels of a region of ``size`` at ``origin`` of the full image."""
    result = mesh_graph.process(np.ascontiguousarray(image))
    meshes = []
    for landmarks in result.multi_face_landmarks or []:
        coords = np.array([(p.x, p.y, p.z) for p in landmarks.landmark], np.float64)
        # mediapipe: x, y in [0, 1] of the image; z in units of the image
        # width, smaller = nearer. Flip z to point towards the viewer.
        mesh = np.empty_like(coords)
        mesh[:, 0] = origin[0] + coords[:, 0] * size[0]
        mesh[:, 1] = origin[1] + coords[:, 1] * size[1]
        mesh[:, 2] = -coords[:, 2] * size[0]
        meshes.append(mesh)
    return meshes


def _inside_any(mesh: np.ndarray, others: list[np.ndarray]) -> bool:
    """Whether ``mesh``'s centre lies inside the bounding box of one of ``others``."""
    centre = mesh[:, :2].mean(axis=0)
    for other in others:
        low, high = other[:, :2].min(axis=0), other[:, :2].max(axis=0)
        if np.all(centre >= low) and np.all(centre <= high):
            return True
    return False


@contextmanager
def _quiet_native_stderr() -> Iterator[None]:
    """Silence stderr at the file-descriptor level while mediapipe runs.

    Its C++ core logs informational lines (TFLite delegates, calculator notes)
    straight to fd 2 before absl logging is set up, so neither Python logging nor
    environment variables reach them; users should only see our own messages.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no usable stderr: nothing to silence
        yield
        return
    with open(os.devnull, "w") as devnull:
        sys.stderr.flush()
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
