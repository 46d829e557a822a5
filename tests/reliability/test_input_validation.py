"""The validation layer in-process: a wide corpus of bad files, each a one-line error of the right type."""

from __future__ import annotations

import json
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.animation.project_file import MediaOutsideProjectError, load_project
from core.emotion_spec import EmotionSpecError, parse_emotion_spec
from core.errors import ImageError, LandmarkFileError, ModelWeightsError, ProjectFileError
from core.image_io import MAX_PIXELS, load_portrait
from core.input_limits import InputLimitError, load_json_text, number, one_line
from core.landmarks.landmark_json import load_landmarks
from tests.reliability.conftest import sample_landmarks, write_bomb_png, write_project

MAX_MESSAGE = 300


def _one_line(err: pytest.ExceptionInfo) -> str:
    message = str(err.value)
    assert "\n" not in message and len(message) <= MAX_MESSAGE, message
    return message


@pytest.mark.parametrize(("text", "needle"), [
    ("[" * 100_000 + "]" * 100_000, "nested"),
    ('{"a": ' + "1" * 5000 + "}", "5000 digits"),
    ('{"a": -' + "1" * 31 + "}", "31 digits"),
    ("[1e400]", "too large"),
    ("[" + "9" * 400 + ".5]", "too large"),
    ("[NaN]", "NaN"),
    ("[-Infinity]", "-Infinity"),
])
def test_json_beyond_any_real_file_is_refused(text: str, needle: str) -> None:
    with pytest.raises(InputLimitError, match=needle) as err:
        load_json_text(text)
    _one_line(err)


def test_json_within_limits_reads_normally_and_strings_may_hold_brackets() -> None:
    assert load_json_text('{"a": [1, 2.5, "[[[{{{"], "b": 12345678901234567890}') == {
        "a": [1, 2.5, "[[[{{{"], "b": 12345678901234567890}


def test_numbers_are_checked_and_messages_stay_short() -> None:
    assert number(30, "fps", 0, 240, low_open=True) == 30.0
    for value in (True, "30", None, [30], 1e300, float("nan"), 0):
        with pytest.raises(InputLimitError) as err:
            number(value, "fps", 0, 240, low_open=True)
        assert len(str(err.value)) < 80
    assert len(one_line("x\n" * 10**6)) == MAX_MESSAGE


PROJECT_CORPUS = [
    ({"fps": 1e9}, "fps must be in"),
    ({"fps": 1e-300}, "fps must be in"),
    ({"schema_version": True}, "no integer schema_version"),
    ({"fps": True}, "fps must be a number"),
    ({"fps": "30"}, "fps must be a number"),
    ({"duration": 1e7}, "duration must be in"),
    ({"duration": -1}, "duration must be in"),
    ({"rest_landmarks": [1, 2]}, "rest_landmarks must be an object"),
    ({"rest_landmarks": {"points68": "x"}}, "rest points68"),
    ({"tracks": []}, "tracks must be an object"),
    ({"tracks": {"blinks": "often"}}, "tracks.blinks must be a list"),
    ({"tracks": {"blinks": [[1e9, 0.2, False]]}}, "blink time"),
    ({"tracks": {"blinks": [[1, 0, False]]}}, "blink duration"),
    ({"tracks": {"emotion": {"happy": [[1, 1e300, "linear"]]}}}, "emotion happy key value"),
    ({"tracks": {"emotion": {"happy": [[1, 0.5, "linear"], [0.2, 0, "linear"], [1, 0.7, "linear"]]}}},
     "emotion happy has two keys at 1 s"),
    ({"tracks": {"pose": {"curves": {"yaw": [[1e12, 1, "linear"]]}}}}, "pose yaw key time"),
    ({"tracks": {"pose": {"source": {"amplitude": 1e9}}}}, "pose amplitude"),
    ({"tracks": {"pose": {"source": {"seed": -1}}}}, "pose seed"),
    ({"tracks": {"landmark_keyframes": [{"time": 1, "offsets": {"999": [0, 0]}}]}}, "index must be 0..67"),
    ({"tracks": {"landmark_keyframes": [{"time": 1, "offsets": {"3": [1e300, 0]}}]}}, "landmark offset"),
    ({"settings": {"blink_rate": 1e9}}, "blink_rate"),
    ({"settings": {"emotion_defaults": {"happy": 1e300}}}, "emotion default happy"),
    ({"settings": {"emotion_defaults": {f"x{i}": 0 for i in range(100_000)}}}, "and 99995 more"),
    ({"settings": {"transcript": 5}}, "transcript must be text"),
    ({"portrait": 7}, "media path must be text"),
]


@pytest.mark.parametrize(("fields", "needle"), PROJECT_CORPUS)
def test_bad_project_values_are_one_line_errors(tmp_path: Path, fields: dict, needle: str) -> None:
    with pytest.raises(ProjectFileError, match=needle) as err:
        load_project(write_project(tmp_path, **fields))
    _one_line(err)


def test_rest_landmarks_must_be_finite_and_a_face(tmp_path: Path) -> None:
    face = {"points68": [[100.0, 100.0, 0.0]] * 68, "upper_lids": [[[0, 0]] * 7] * 2, "lower_lids": [[[0, 0]] * 7] * 2,
            "iris": [[0, 0]] * 2, "iris_radius": [1, 1]}
    with pytest.raises(ProjectFileError, match="jaw ends 0 and 16"):
        load_project(write_project(tmp_path, rest_landmarks=face))
    path = write_project(tmp_path, rest_landmarks=face)
    path.write_text(path.read_text().replace("100.0", "1e308", 1))
    with pytest.raises(ProjectFileError, match="rest points68 contains 1e"):
        load_project(path)


def test_media_outside_the_project_needs_permission(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "portrait.png").write_bytes(b"x")
    project_dir = tmp_path / "project"
    project_dir.mkdir()
    (project_dir / "media").mkdir()
    (project_dir / "media" / "speech.wav").write_bytes(b"x")
    (project_dir / "media" / "face.png").symlink_to(outside / "portrait.png")  # a link out is still out
    path = write_project(project_dir, portrait="media/face.png", audio="media/speech.wav")
    with pytest.raises(MediaOutsideProjectError) as err:
        load_project(path)
    assert err.value.paths == ((outside / "portrait.png").resolve(),)
    assert isinstance(err.value, ProjectFileError)
    project = load_project(path, allow_outside_media=True)
    assert project.audio_path == (project_dir / "media" / "speech.wav").resolve()
    inside = write_project(project_dir, name="ok.json", portrait=None, audio="media/speech.wav")
    assert load_project(inside).audio_path is not None


@pytest.mark.parametrize("media", ["/proc/self/environ", "/dev/zero", "../" * 30 + "sys/kernel/notes"])
def test_system_files_are_never_opened_even_when_allowed(tmp_path: Path, media: str) -> None:
    path = write_project(tmp_path, audio=media)
    with pytest.raises(ProjectFileError, match="system file") as err:
        load_project(path, allow_outside_media=True)
    assert not isinstance(err.value, MediaOutsideProjectError)


def test_a_project_that_never_ends_is_not_read_forever(tmp_path: Path) -> None:
    fifo = tmp_path / "endless.json"
    os.symlink("/dev/zero", fifo)
    with pytest.raises(ProjectFileError, match="larger than"):
        load_project(fifo)


def _landmark_file(tmp_path: Path, edit) -> Path:
    data = sample_landmarks()
    edit(data)
    path = tmp_path / "face.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(("edit", "needle"), [
    (lambda d: d.__setitem__("points68", [[50 + (i % 2) * 1e-3, 60] for i in range(68)]), "jaw ends"),
    (lambda d: d.__setitem__("points68", [[10.0 + i, 10.0 + i] for i in range(68)]), "chin"),
    (lambda d: d.__setitem__("pose", {"yaw": 1e308}), "pose.yaw"),
    (lambda d: d.__setitem__("pose", {"scale": 0}), "pose.scale"),
    (lambda d: d.__setitem__("pose", [1, 2]), "'pose' must be an object"),
    (lambda d: d.__setitem__("image_size", [1e300, 5]), "image_size"),
    (lambda d: d.__setitem__("version", "x" * 10_000), "is not supported"),
    (lambda d: d["points68"][3].__setitem__(0, 1e308), "outside the"),
])
def test_bad_landmark_files_are_one_line_errors(tmp_path: Path, edit, needle: str) -> None:
    with pytest.raises(LandmarkFileError, match=needle) as err:
        load_landmarks(_landmark_file(tmp_path, edit))
    _one_line(err)


def test_decompression_bomb_is_refused_from_the_header(tmp_path: Path) -> None:
    side = int((MAX_PIXELS * 1.1) ** 0.5)
    for width, height in ((20000, 20000), (side, side)):
        path = write_bomb_png(tmp_path / f"bomb{width}.png", width, height, rows=4)
        with pytest.raises(ImageError, match="the limit is 40 MP") as err:
            load_portrait(path)
        _one_line(err)


def test_large_jpeg_is_decoded_reduced(tmp_path: Path) -> None:
    wide = np.zeros((120, 8400, 3), np.uint8)
    wide[:, ::2] = 255
    path = tmp_path / "wide.jpg"
    cv2.imwrite(str(path), wide)
    portrait = load_portrait(path, max_side=4096)
    assert portrait.size == (4096, 59) and portrait.scale == pytest.approx(4096 / 8400, abs=1e-3)
    assert "8400×120" in portrait.notes[0]


@pytest.mark.parametrize("text", ["happy=1..2", "happy=0.5@1..2-3", "happy=" + "9" * 400])
def test_emotion_specs_with_bad_numbers_are_one_line_errors(text: str) -> None:
    with pytest.raises(EmotionSpecError) as err:
        parse_emotion_spec(text)
    _one_line(err)


def _tiny_checkpoint(path: Path) -> None:
    import torch

    from core.weights_file import write_sha256_sidecar

    torch.save({"config": {"n": 3}, "state_dict": torch.nn.Linear(3, 1).state_dict()}, path)
    write_sha256_sidecar(path)


def _load(path: Path):
    import torch

    from core.weights_file import load_checked_model

    return load_checked_model(path, "Test weights", "train them", lambda c: torch.nn.Linear(c["config"]["n"], 1))


def test_checkpoints_that_cannot_load_are_one_line_errors(tmp_path: Path) -> None:
    import argparse

    import torch

    from core.weights_file import write_sha256_sidecar

    good = tmp_path / "good.pt"
    _tiny_checkpoint(good)
    assert _load(good)[0].in_features == 3
    data = good.read_bytes()
    cases = {"truncated.pt": lambda p: p.write_bytes(data[: len(data) // 2]), "empty.pt": lambda p: p.write_bytes(b""),
             "object.pt": lambda p: torch.save({"state_dict": {}, "x": argparse.Namespace(a=1)}, p),
             "tensor.pt": lambda p: torch.save(torch.zeros(3), p),
             "wrong_shape.pt": lambda p: torch.save({"config": {"n": 5},
                                                     "state_dict": torch.nn.Linear(3, 1).state_dict()}, p)}
    for name, make in cases.items():
        make(tmp_path / name)
        write_sha256_sidecar(tmp_path / name)  # checksums match: only loading can tell
        with pytest.raises(ModelWeightsError) as err:
            _load(tmp_path / name)
        assert "weights_only" not in _one_line(err), name
    (tmp_path / "good.pt.sha256").write_text("")
    with pytest.raises(ModelWeightsError, match="no recorded checksum"):
        _load(good)


def test_audio_longer_than_any_line_is_refused_from_its_header(tmp_path: Path) -> None:
    import struct

    from core.audio.audio_io import load_audio
    from core.errors import AudioError

    rate, seconds = 8000, 7 * 3600
    size = rate * seconds  # 8-bit mono: one byte per sample; the file is sparse, so it costs no disk
    path = tmp_path / "seven_hours.wav"
    with open(path, "wb") as handle:
        handle.write(b"RIFF" + struct.pack("<I", 36 + size) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate, 1, 8)
                     + b"data" + struct.pack("<I", size))
        handle.truncate(44 + size)
    with pytest.raises(AudioError, match="7.0 hours long") as err:
        load_audio(path)
    _one_line(err)


def test_pose_reference_video_is_media_too_and_is_saved_relative(tmp_path: Path) -> None:
    from core.animation.project_file import save_project

    (tmp_path / "ref.mp4").write_bytes(b"x")
    path = write_project(tmp_path, portrait=None, audio=None,
                         tracks={"pose": {"source": {"kind": "from-video", "video": "ref.mp4"}}})
    project = load_project(path)
    assert project.tracks.pose.source.video_path == str((tmp_path / "ref.mp4").resolve())
    save_project(project, path)
    assert json.loads(path.read_text())["tracks"]["pose"]["source"]["video"] == "ref.mp4"
    outside = write_project(tmp_path, name="out.json", portrait=None, audio=None,
                            tracks={"pose": {"source": {"kind": "from-video", "video": "/etc/hostname"}}})
    with pytest.raises(MediaOutsideProjectError) as err:
        load_project(outside)
    assert err.value.paths == (Path(os.path.realpath("/etc/hostname")),)


@pytest.mark.parametrize("amplitude", [float("nan"), float("inf"), -1.0, 1e9])
def test_pose_amplitude_must_be_finite_and_bounded(amplitude: float) -> None:
    from core.pose_source import PoseSource, PoseSpecError

    with pytest.raises(PoseSpecError, match="amplitude") as err:
        PoseSource("generated", 0, amplitude)
    _one_line(err)
    assert PoseSource("generated", 0, 2.5).amplitude == 2.5


def test_tiny_images_and_landmarks_of_other_proportions_are_refused(tmp_path: Path) -> None:
    from core.portrait_setup import prepare_portrait
    from tests.reliability.conftest import SAMPLE

    cv2.imwrite(str(tmp_path / "dot.png"), np.zeros((1, 1, 3), np.uint8))
    with pytest.raises(ImageError, match="only 1×1 pixels") as err:
        load_portrait(tmp_path / "dot.png")
    _one_line(err)
    cv2.imwrite(str(tmp_path / "strip.png"), np.zeros((40, 2000, 3), np.uint8))
    with pytest.raises(LandmarkFileError, match="not the same proportions") as err:
        prepare_portrait(tmp_path / "strip.png", SAMPLE / "portrait_landmarks.json")
    _one_line(err)
    big = cv2.resize(cv2.imread(str(SAMPLE / "portrait.png")), (1024, 1024))  # same proportions: scaled
    cv2.imwrite(str(tmp_path / "big.png"), big)
    setup = prepare_portrait(tmp_path / "big.png", SAMPLE / "portrait_landmarks.json")
    assert setup.face.image_size == (1024, 1024)
