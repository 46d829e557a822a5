"""Detection on a real portrait: 68 points where a face is, lids, iris, pose."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.errors import NoFaceError
from core.landmarks.detector import detect_faces, detect_largest_face
from core.landmarks.mediapipe_detector import MediapipeConfig


def test_blank_image_raises_no_face_error():
    with pytest.raises(NoFaceError, match="No face found in the 64×48 image"):
        detect_faces(np.full((48, 64, 3), 128, np.uint8))


def test_detected_face_is_anatomically_ordered(detected_face, portrait_rgb):
    p = detected_face.points68
    h, w = portrait_rgb.shape[:2]
    assert detected_face.image_size == (w, h) and detected_face.source == "mediapipe"
    assert p[0, 0] < p[8, 0] < p[16, 0]  # jaw runs left → right through the chin
    assert p[27, 1] < p[30, 1] < p[51, 1] < p[57, 1] < p[8, 1]  # bridge, tip, lips, chin top → bottom
    assert p[36, 0] < p[39, 0] < p[42, 0] < p[45, 0]
    for eye, (left, right) in enumerate(((36, 39), (42, 45))):
        assert np.all(np.diff(detected_face.upper_lids[eye][:, 0]) > 0)  # left → right
        assert np.all(detected_face.upper_lids[eye][:, 1].mean() < detected_face.lower_lids[eye][:, 1].mean())
        assert p[left, 0] < detected_face.iris[eye, 0] < p[right, 0]
        eye_width = p[right, 0] - p[left, 0]
        assert 0.15 * eye_width < detected_face.iris_radius[eye] < 0.5 * eye_width
    assert p[30, 2] > p[0, 2]  # the nose tip is nearer the viewer than the ear


def test_pose_follows_the_face(detected_face):
    pose = detected_face.pose
    p = detected_face.points68
    assert pose.tx == pytest.approx((p[0, 0] + p[16, 0]) / 2, abs=1e-3)
    assert pose.scale == pytest.approx(np.linalg.norm(p[16] - p[0]) / 2, rel=1e-5)
    # This portrait looks to the image's left by roughly 15°.
    assert -30 < pose.yaw < -5 and abs(pose.roll) < 10


def test_mirrored_image_flips_yaw(detected_face, portrait_rgb):
    mirrored = detect_faces(np.ascontiguousarray(portrait_rgb[:, ::-1]))[0]
    assert mirrored.pose.yaw == pytest.approx(-detected_face.pose.yaw, abs=4)


def test_huge_image_is_detected_at_full_scale(detected_face, portrait_rgb):
    big = cv2.resize(portrait_rgb, None, fx=3, fy=3, interpolation=cv2.INTER_LINEAR)
    face, count = detect_largest_face(big, MediapipeConfig(max_detection_side=1280))
    assert count == 1
    assert np.abs(face.points68[:, :2] / 3 - detected_face.points68[:, :2]).mean() < 2.0


def test_largest_face_comes_first(detected_face, portrait_rgb):
    x0, y0, x1, y1 = (int(v) for v in detected_face.bounding_box())
    pad = (x1 - x0) // 2
    crop = portrait_rgb[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad]
    small = cv2.resize(crop, None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA)
    h, w = crop.shape[:2]
    canvas = np.zeros((h, w + small.shape[1], 3), np.uint8)
    canvas[:, small.shape[1] :] = crop  # the big face on the right, so order is not image order
    canvas[: small.shape[0], : small.shape[1]] = small
    faces = detect_faces(canvas)
    assert len(faces) == 2
    assert faces[0].points68[:, 0].min() > small.shape[1] > faces[1].points68[:, 0].max()


def test_small_face_in_a_large_image_is_found(detected_face, portrait_rgb):
    # A full-body shot: the face is a few percent of the image, below the mesh's own detector.
    x0, y0, x1, y1 = (int(v) for v in detected_face.bounding_box())
    crop = portrait_rgb[max(0, y0 - 60) : y1 + 60, max(0, x0 - 60) : x1 + 60]
    small = cv2.resize(crop, None, fx=0.35, fy=0.35, interpolation=cv2.INTER_AREA)
    canvas = np.full((1400, 1000, 3), 200, np.uint8)
    canvas[300 : 300 + small.shape[0], 600 : 600 + small.shape[1]] = small
    face = detect_faces(canvas)[0]
    cx, cy = face.points68[30, :2]
    assert 600 < cx < 600 + small.shape[1] and 300 < cy < 300 + small.shape[0]
    with pytest.raises(NoFaceError):
        detect_faces(canvas, MediapipeConfig(small_face_fallback=False))
