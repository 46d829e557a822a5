"""The optional face-alignment backend: it refuses to run rather than download weights.

Real weights may never be fetched, so the package runs here on stand-in weights
(tests/core/landmarks/face_alignment_standins.py) written under the exact file names
the installed face-alignment looks up, in a temporary torch hub cache, with every
download path and the network blocked.
"""

from __future__ import annotations

import importlib.util
import socket

import numpy as np
import pytest
import torch

from core.errors import ModelWeightsError
from core.landmarks.face_alignment_detector import (
    FaceAlignmentDetector,
    fan_points_to_face,
    missing_weights,
    required_weight_files,
)
from core.landmarks.face_template import load_template

HAS_FACE_ALIGNMENT = importlib.util.find_spec("face_alignment") is not None
needs_face_alignment = pytest.mark.skipif(
    not HAS_FACE_ALIGNMENT, reason="face-alignment is not installed (pip install face-alignment to run this test)"
)

REQUIRED = {
    "3D landmark network": "3DFAN4-x.pth.tar",
    "depth network": "depth-x.pth.tar",
    "S3FD face detector": "s.pth",
}
FACE_BOX = (56.0, 60.0, 196.0, 210.0)  # x0, y0, x1, y1 in the 256×256 test image


def test_missing_weights_are_named(tmp_path):
    assert missing_weights(tmp_path, REQUIRED) == [f"{role} ({name})" for role, name in REQUIRED.items()]
    (tmp_path / "3DFAN4-x.pth.tar").write_bytes(b"stand-in")
    (tmp_path / "s.pth").write_bytes(b"stand-in")
    (tmp_path / "depth-other.pth.tar").write_bytes(b"another release's file does not count")
    assert missing_weights(tmp_path, REQUIRED) == ["depth network (depth-x.pth.tar)"]


@pytest.mark.skipif(HAS_FACE_ALIGNMENT, reason="face-alignment is installed")
def test_absent_package_gives_a_clear_error():
    with pytest.raises(ModelWeightsError, match="face-alignment backend is not installed"):
        FaceAlignmentDetector()


@pytest.fixture
def no_download(monkeypatch):
    """Every way face-alignment / torch hub could fetch a file records the attempt and fails; so do sockets."""
    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args[:1]))
        raise AssertionError(f"download attempted: {args[:1]}")

    import face_alignment.utils
    from face_alignment.detection.sfd import sfd_detector

    for module in (torch.hub, face_alignment.utils, sfd_detector):
        for name in ("download_url_to_file", "load_state_dict_from_url", "load_url"):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield attempts
    assert attempts == []


@pytest.fixture
def torch_home(tmp_path, monkeypatch):
    """An empty torch hub cache of our own; returns its checkpoints folder."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # nothing may land in the real ~/.cache either
    return tmp_path / "torch" / "hub" / "checkpoints"


def template_targets() -> tuple[np.ndarray, np.ndarray]:
    """68 image points (x, y) of the frontal template filling FACE_BOX, and their depths (pixels)."""
    points = load_template()["points3d"]
    x0, y0, x1, y1 = FACE_BOX
    size = 0.42 * (x1 - x0)  # jaw ends ±1 → ±0.42 box widths
    xy = points[:, :2] * size + [(x0 + x1) / 2, (y0 + y1) / 2 - 0.35 * size]
    return xy, points[:, 2] * size


@needs_face_alignment
def test_required_files_are_the_installed_packages_own_names():
    import face_alignment.api

    required = required_weight_files()
    assert set(required) == {"3D landmark network", "depth network", "S3FD face detector"}
    urls = str(face_alignment.api.__dict__.get("models_urls")) + str(
        face_alignment.api.__dict__.get("default_model_urls")
    )
    assert required["3D landmark network"] in urls and required["depth network"] in urls
    assert required["S3FD face detector"].startswith("s3fd-")


@needs_face_alignment
def test_missing_weights_refuse_before_any_download(torch_home, no_download):
    with pytest.raises(ModelWeightsError, match="no download is attempted") as error:
        FaceAlignmentDetector()
    assert required_weight_files()["3D landmark network"] in str(error.value)


@needs_face_alignment
def test_landmarks_land_where_the_stand_in_heatmaps_put_them(torch_home, no_download, capfd, monkeypatch):
    from tests.core.landmarks.face_alignment_standins import (
        coordinate_image,
        interpret_numba_kernels,
        wire_standins,
        write_standin_weights,
    )

    interpret_numba_kernels(monkeypatch)

    targets, depth = template_targets()
    standins = write_standin_weights(torch_home, required_weight_files(), targets, depth)
    detector = FaceAlignmentDetector()
    wire_standins(detector._model, standins)

    faces = detector.detect(coordinate_image(256), face_boxes=[FACE_BOX])

    assert len(faces) == 1 and faces[0].source == "face_alignment" and faces[0].image_size == (256, 256)
    points = faces[0].points68
    # The package reads 64×64 heatmaps of a crop 200·scale px wide, scale = (w + h) / 195:
    # half a heatmap cell plus integer rounding is as close as it can get.
    cell = 200 * ((FACE_BOX[2] - FACE_BOX[0]) + (FACE_BOX[3] - FACE_BOX[1])) / 195 / 64
    error = np.linalg.norm(points[:, :2] - targets, axis=1)
    assert error.max() <= cell / 2 + 1.5, f"worst landmark {error.argmax()} is {error.max():.2f} px off"
    # Depth comes through up to the package's positive scale, turned to our z (nose towards the viewer).
    z = points[:, 2]
    assert abs(np.corrcoef(z, depth)[0, 1]) > 0.999 and z[30] > (z[0] + z[16]) / 2
    assert abs(faces[0].pose.yaw) < 3 and abs(faces[0].pose.pitch) < 3
    assert "Downloading" not in capfd.readouterr().err


@needs_face_alignment
def test_no_face_is_an_empty_list_not_a_warning(torch_home, no_download):
    """The package's own S3FD runs on the stand-in detector weights (all zero: no confident face)."""
    from tests.core.landmarks.face_alignment_standins import coordinate_image, write_standin_weights

    targets, depth = template_targets()
    write_standin_weights(torch_home, required_weight_files(), targets, depth)
    detector = FaceAlignmentDetector()
    assert detector.detect(coordinate_image(128)) == []  # warnings are errors under pytest
    assert detector.detect(coordinate_image(128), face_boxes=[]) == []


@pytest.mark.parametrize("z_sign", [1.0, -1.0])
def test_fan_output_becomes_a_frontal_face_whatever_its_z_sign(z_sign):
    points = load_template()["points3d"] * 100 + [200, 200, 0]
    points[:, 2] *= z_sign
    face = fan_points_to_face(points, (400, 400))
    assert face.source == "face_alignment" and face.points68[30, 2] > face.points68[0, 2]
    assert abs(face.pose.yaw) < 1 and abs(face.pose.pitch) < 1 and face.pose.scale == pytest.approx(100, rel=1e-3)
    assert np.all(face.iris_radius > 0)
