"""A mean frontal face, and fitting it to a few points a user clicks (cartoons).

``template_face.json`` holds the normalized-space mean (68×3, lids, iris) of
the faces mediapipe found in frontal photos, made left/right symmetric. It was
built once by ``python -m core.landmarks.face_template PORTRAIT_DIR...``; the
numbers are averages, no image data. Pitch 0 is the average pitch of those
photos (people looking into the camera).

``fit_template`` places it on an image from anchor points: with two anchors a
similarity (move, turn, scale), with three or more a least-squares affine map
(cartoons have odd proportions), and the anchors themselves land exactly.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from core.export.atomic_output import write_text_atomic
from core.errors import LandmarkFileError
from core.landmarks.face_landmarks import FaceLandmarks, HeadPose
from core.landmarks.normalized_space import normalize
from core.landmarks.face_geometry import kabsch, mirror68, similarity_fit
from core.landmarks.pose_estimation import (
    STABLE_POINTS,
    TEMPLATE_PATH,
    estimate_pose,
    euler_angles,
    frontal_reference,
    geometric_rotation,
    rotation_matrix,
)

FRONTAL_LIMIT_DEG = 15.0  # photos turned further than this are left out of the mean
ANCHOR_POINTS = (36, 39, 42, 45, 48, 54, 8)


def symmetrize68(points: np.ndarray) -> np.ndarray:
    """Average a 68×D normalized face with its mirror image (x → −x)."""
    return (points + mirror68(points)) / 2


def symmetrize_eyes(per_eye: np.ndarray) -> np.ndarray:
    """Average 2×K×2 (lids) or 2×2 (iris) eye points with their mirror image."""
    mirrored = per_eye[::-1].copy()
    if mirrored.ndim == 3:
        mirrored = mirrored[:, ::-1]  # left→right order flips too
    mirrored[..., 0] *= -1
    return (per_eye + mirrored) / 2


def _unrotated(points68: np.ndarray, rotation: np.ndarray) -> np.ndarray:
    p = np.asarray(points68, np.float64)
    centre = (p[0] + p[16]) / 2
    return (p - centre) @ rotation / (np.linalg.norm(p[16] - p[0]) / 2)


def _fit_rotation(points68: np.ndarray, reference: np.ndarray) -> np.ndarray:
    idx = list(STABLE_POINTS)
    return kabsch(reference[idx] - reference[idx].mean(0), points68[idx] - points68[idx].mean(0))


def build_template(faces: list[FaceLandmarks]) -> dict:
    """The template JSON content from detected faces (3D points needed)."""
    points = [f.points68.astype(np.float64) for f in faces]
    mean = symmetrize68(np.mean([_unrotated(p, geometric_rotation(p)) for p in points], axis=0))
    for _ in range(3):  # the frontal subset depends on the mean; a few rounds settle it
        rotations = [_fit_rotation(p, mean) for p in points]
        keep = [i for i, r in enumerate(rotations) if max(abs(a) for a in euler_angles(r)[:2]) < FRONTAL_LIMIT_DEG]
        if not keep:
            raise ValueError("no frontal face to build a template from")
        mean = symmetrize68(np.mean([_unrotated(points[i], rotations[i]) for i in keep], axis=0))
        # Make the photos' average pitch the zero pitch.
        pitch = float(np.mean([euler_angles(_fit_rotation(points[i], mean))[1] for i in keep]))
        mean = mean @ rotation_matrix(0.0, pitch, 0.0).T
    normalized = []
    for i in keep:
        yaw, p, roll = euler_angles(_fit_rotation(points[i], mean))
        normalized.append(normalize(replace(faces[i], pose=HeadPose(yaw=yaw, pitch=p, roll=roll))))
    return {
        "note": "mean of detected frontal faces in SPACE normalized space; averages only",
        "faces": len(keep),
        "points3d": np.round(mean, 4).tolist(),
        "upper_lids": np.round(symmetrize_eyes(np.mean([n.upper_lids for n in normalized], 0)), 4).tolist(),
        "lower_lids": np.round(symmetrize_eyes(np.mean([n.lower_lids for n in normalized], 0)), 4).tolist(),
        "iris": np.round(symmetrize_eyes(np.mean([n.iris for n in normalized], 0)), 4).tolist(),
        "iris_radius": float(np.round(np.mean([n.iris_radius for n in normalized]), 4)),
    }


def load_template() -> dict:
    """The stored template as arrays: points3d 68×3, upper/lower_lids 2×7×2, iris 2×2, iris_radius."""
    data = json.loads(TEMPLATE_PATH.read_text(encoding="utf-8"))
    return {
        "points3d": np.asarray(data["points3d"], np.float64),
        "upper_lids": np.asarray(data["upper_lids"], np.float64),
        "lower_lids": np.asarray(data["lower_lids"], np.float64),
        "iris": np.asarray(data["iris"], np.float64),
        "iris_radius": float(data["iris_radius"]),
    }


def _similarity(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """2×3 similarity transform mapping src N×2 onto dst N×2."""
    matrix, offset = similarity_fit(src, dst)
    return np.hstack([matrix, offset[:, None]])


def _affine(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """2×3 least-squares affine transform mapping src N×2 (N ≥ 3) onto dst N×2."""
    design = np.hstack([src, np.ones((len(src), 1))])
    solution, *_ = np.linalg.lstsq(design, dst, rcond=None)
    return solution.T


def _check_anchors(anchors: dict[int, tuple[float, float]]) -> np.ndarray:
    if len(anchors) < 2:
        raise LandmarkFileError(f"Place at least 2 anchor points to fit the face template, got {len(anchors)}.")
    for index in anchors:
        if not 0 <= int(index) < 68:
            raise LandmarkFileError(f"Anchor index {index} is not an iBUG-68 point (0–67).")
    return np.array([anchors[i] for i in anchors], np.float64)


def fit_template(anchors: dict[int, tuple[float, float]], image_size: tuple[int, int]) -> FaceLandmarks:
    """FaceLandmarks from the template placed on user anchors {iBUG index: (x, y) pixels}."""
    dst = _check_anchors(anchors)
    template = load_template()
    src = template["points3d"][list(anchors), :2]
    if len(anchors) >= 3 and np.linalg.matrix_rank(np.hstack([src, np.ones((len(src), 1))])) == 3:
        transform = _affine(src, dst)
    else:
        transform = _similarity(src, dst)
    scale = float(np.sqrt(abs(np.linalg.det(transform[:, :2]))))

    def place(xy: np.ndarray) -> np.ndarray:
        return xy @ transform[:, :2].T + transform[:, 2]

    points = np.zeros((68, 3))
    points[:, :2] = place(template["points3d"][:, :2])
    points[:, 2] = template["points3d"][:, 2] * scale
    points[list(anchors), :2] = dst  # the user's clicks win over the fit
    return FaceLandmarks(
        points68=points,
        upper_lids=place(template["upper_lids"]),
        lower_lids=place(template["lower_lids"]),
        iris=place(template["iris"]),
        iris_radius=np.full(2, template["iris_radius"] * scale),
        pose=estimate_pose(points),
        image_size=image_size,
        source="template",
    )


def _build_from_dirs(directories: list[str]) -> None:
    """Detect faces in every image under ``directories`` and write template_face.json."""
    import cv2

    from core.errors import NoFaceError
    from core.landmarks.detector import detect_faces

    cv2.setNumThreads(1)
    faces = []
    for path in sorted(p for d in directories for p in Path(d).rglob("*") if p.suffix.lower() in {".jpg", ".jpeg", ".png"}):
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            continue
        try:
            faces.append(detect_faces(image[:, :, ::-1].copy())[0])
        except NoFaceError:
            continue
    frontal_reference.cache_clear()
    write_text_atomic(TEMPLATE_PATH, json.dumps(build_template(faces)) + "\n")
    frontal_reference.cache_clear()
    print(f"template from {len(faces)} detected faces written to {TEMPLATE_PATH}")



if __name__ == "__main__":
    _build_from_dirs(sys.argv[1:])
