"""The optional face-alignment backend: it refuses to run rather than download weights.

The package is not installed in the development environment and its weights may
never be fetched, so the network itself cannot be exercised here; the tests
cover the offline checks and the conversion of its output.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from core.errors import ModelWeightsError
from core.landmarks.face_alignment_detector import FaceAlignmentDetector, fan_points_to_face, missing_weights
from core.landmarks.face_template import load_template


def test_missing_weights_are_named(tmp_path):
    assert missing_weights(tmp_path) == ["3D landmark network", "depth network", "S3FD face detector"]
    (tmp_path / "3DFAN4_1.6-ec5cf40a1d.zip").write_bytes(b"stand-in")
    (tmp_path / "s3fd-619a316812.pth").write_bytes(b"stand-in")
    assert missing_weights(tmp_path) == ["depth network"]


@pytest.mark.skipif(importlib.util.find_spec("face_alignment") is not None, reason="face-alignment is installed")
def test_absent_package_gives_a_clear_error():
    with pytest.raises(ModelWeightsError, match="face-alignment backend is not installed"):
        FaceAlignmentDetector()


@pytest.mark.skip(reason="running FAN needs the face-alignment package and its real weights, never downloaded here")
def test_detects_a_real_face():  # pragma: no cover - documents what a full install would check
    pass


@pytest.mark.parametrize("z_sign", [1.0, -1.0])
def test_fan_output_becomes_a_frontal_face_whatever_its_z_sign(z_sign):
    points = load_template()["points3d"] * 100 + [200, 200, 0]
    points[:, 2] *= z_sign
    face = fan_points_to_face(points, (400, 400))
    assert face.source == "face_alignment" and face.points68[30, 2] > face.points68[0, 2]
    assert abs(face.pose.yaw) < 1 and abs(face.pose.pitch) < 1 and face.pose.scale == pytest.approx(100, rel=1e-3)
    assert np.all(face.iris_radius > 0)
