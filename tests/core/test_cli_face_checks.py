"""The CLI's face checks as a user meets them: a refused face, --accept-low-confidence, a drawn face."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.cli import EXIT_ERROR, build_parser, main
from core.image_io import load_portrait
from core.landmarks.mediapipe_detector import MediapipeDetector
from tests.core.landmarks.drawn_faces import paint_over_eyes_and_brows
from tests.core.landmarks.shared_data import shared_data_dir

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "sample"


@pytest.fixture(scope="module")
def eyeless_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rgb = np.ascontiguousarray(load_portrait(SAMPLE / "portrait.png").rgba[:, :, :3])
    with MediapipeDetector() as detector:
        face = detector.detect(rgb)[0]
    path = tmp_path_factory.mktemp("faces") / "eyeless.png"
    cv2.imwrite(str(path), paint_over_eyes_and_brows(rgb, face)[:, :, ::-1])
    return path


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "error:" in line]


def test_implausible_face_stops_with_one_line_naming_the_ways_out(eyeless_png, tmp_path, capsys):
    out = tmp_path / "eyeless.json"
    code = main(["landmarks", "--image", str(eyeless_png), "--out", str(out)])
    lines = _error_lines(capsys.readouterr().err)
    assert code == EXIT_ERROR and len(lines) == 1
    assert "The face found in 'eyeless.png' looks wrong (there is no eye under the" in lines[0]
    for route in ("--landmarks FILE.json", "Rest mode ▸ Fit face to anchors", "--accept-low-confidence"):
        assert route in lines[0]
    assert not out.exists()


def test_accept_low_confidence_keeps_the_face(eyeless_png, tmp_path, capsys):
    out = tmp_path / "eyeless.json"
    code = main(["landmarks", "--image", str(eyeless_png), "--out", str(out), "--accept-low-confidence"])
    assert code == 0, capsys.readouterr().err
    assert json.loads(out.read_text(encoding="utf-8"))["source"] == "mediapipe"


@pytest.mark.parametrize("command", ["render", "motion"])
def test_generation_commands_take_the_option(command):
    args = build_parser().parse_args([command, "--image", "a.png", "--audio", "a.wav", "--out", "o.json",
                                      "--accept-low-confidence"])
    assert args.accept_low_confidence is True
    assert build_parser().parse_args([command, "--image", "a.png", "--audio", "a.wav", "--out", "o.json"]
                                     ).accept_low_confidence is False


def test_flat_cartoon_without_a_mesh_face_is_located(tmp_path, capsys):
    data = shared_data_dir()
    image = None if data is None else data / "portraits" / "yzhou359__MakeItTalk" / "cartoon_wilk.png"
    if image is None or not image.exists():
        pytest.skip("cartoon_wilk.png of the shared data not available")
    out = tmp_path / "wilk.json"
    code = main(["landmarks", "--image", str(image), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert json.loads(out.read_text(encoding="utf-8"))["source"] == "drawn"
    assert "flat-colour drawing" in captured.out + captured.err
