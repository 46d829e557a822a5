"""The command line as a user runs it: real speech, real images, every error case of the issue."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.cli import EXIT_ERROR, EXIT_INTERRUPTED, main

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "sample"
SHARED = REPO.parent / "shared" / "data"


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err


def error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if "error:" in line]
    assert len(lines) == 1, stderr
    return lines[0]


def probe(path: Path) -> str:
    import imageio_ffmpeg

    result = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                            capture_output=True, text=True)
    return result.stderr


@pytest.fixture(scope="module")
def sample_motion(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("motion") / "motion.json"
    assert main(["motion", "--image", str(SAMPLE / "portrait.png"), "--landmarks",
                 str(SAMPLE / "portrait_landmarks.json"), "--audio", str(SAMPLE / "speech.wav"),
                 "--out", str(out)]) == 0
    return json.loads(out.read_text())


def test_motion_json_has_the_evaluation_shape(sample_motion: dict) -> None:
    frames = len(sample_motion["landmarks68"])
    assert sample_motion["fps"] == 30
    assert frames == pytest.approx(7.85 * 30, abs=2)
    assert np.asarray(sample_motion["landmarks68"]).shape == (frames, 68, 2)
    assert np.asarray(sample_motion["iris"]).shape == (frames, 2, 2)
    assert np.asarray(sample_motion["pose"]).shape == (frames, 6)


def test_mouth_moves_with_speech_and_rests_in_the_pause(sample_motion: dict) -> None:
    from core.audio.audio_io import load_audio
    from core.audio.features import log_energy_per_frame

    openness = np.asarray(sample_motion["mouth_open"])
    energy = log_energy_per_frame(load_audio(SAMPLE / "speech.wav"), 30.0)[: len(openness)]
    loud = energy > np.percentile(energy, 60)
    quiet = energy < np.percentile(energy, 10)
    assert openness[loud].mean() > 2 * openness[quiet].mean() + 0.02
    assert openness.max() > 0.1  # visibly open somewhere


def test_render_mp4_with_audio(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "line.mp4"
    code, err = run(capsys, "render", "--image", SAMPLE / "portrait.png", "--landmarks",
                    SAMPLE / "portrait_landmarks.json", "--audio", SAMPLE / "speech.wav",
                    "--out", out, "--size", "128", "--emotion", "happy=0.8@1-3")
    assert code == 0, err
    info = probe(out)
    assert "Video: h264" in info and "Audio: aac" in info
    assert [p.name for p in tmp_path.iterdir()] == ["line.mp4"]  # nothing left beside it


def test_render_png_sequence_generated_pose_in_unicode_path_with_spaces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "my pörträit ✓"
    folder.mkdir()
    image = folder / "face ñ.png"
    shutil.copy(SAMPLE / "portrait.png", image)
    out = folder / "frames out"
    code, err = run(capsys, "render", "--image", image, "--landmarks", SAMPLE / "portrait_landmarks.json",
                    "--audio", SAMPLE / "speech.wav", "--out", out, "--format", "png", "--size", "96",
                    "--fps", "12", "--pose", "generate", "--seed", "7", "--blinks-per-minute", "30")
    assert code == 0, err
    frames = sorted(out.glob("*.png"))
    assert len(frames) == pytest.approx(7.85 * 12, abs=2)
    first = cv2.imread(str(frames[0]), cv2.IMREAD_UNCHANGED)
    assert first.shape == (96, 96, 4)


def test_missing_audio(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "motion", "--image", SAMPLE / "portrait.png", "--landmarks",
                    SAMPLE / "portrait_landmarks.json", "--audio", tmp_path / "nope.wav", "--out", tmp_path / "m.json")
    assert code == EXIT_ERROR
    assert "nope.wav" in error_line(err)
    assert not (tmp_path / "m.json").exists()


def _motion_with_transcript(capsys, tmp_path: Path, text: str | None) -> tuple[int, str, Path]:
    line = tmp_path / "line.txt"
    if text is not None:
        line.write_text(text, encoding="utf-8")
    out = tmp_path / "m.json"
    code, err = run(capsys, "motion", "--image", SAMPLE / "portrait.png", "--landmarks",
                    SAMPLE / "portrait_landmarks.json", "--audio", SAMPLE / "speech.wav",
                    "--transcript", line, "--out", out)
    return code, err, out


@pytest.mark.parametrize("text, message", [(None, "not found"), ("  \n", "empty"),
                                           ("Hello blorptastic friend", "blorptastic"),
                                           ("Call 911 now", "as words")])
def test_bad_transcript(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str | None, message: str) -> None:
    code, err, out = _motion_with_transcript(capsys, tmp_path, text)
    assert code == EXIT_ERROR
    assert message in error_line(err)
    assert not out.exists()


def test_transcript_aligns_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    sample_motion: dict) -> None:
    sys.path.insert(0, str(REPO / "packaging"))
    from make_sample import SENTENCE_1, SENTENCE_2

    code, err, out = _motion_with_transcript(capsys, tmp_path, f"{SENTENCE_1} {SENTENCE_2}")
    assert code == 0, err
    aligned = np.asarray(json.loads(out.read_text())["landmarks68"])
    guessed = np.asarray(sample_motion["landmarks68"])
    assert aligned.shape == guessed.shape
    gap = np.linalg.norm(aligned[:, 66] - aligned[:, 62], axis=1)
    # Opens on the words and rests after the line (the smoothing spreads the closing over ~2 frames).
    assert gap.max() > 8.0 and gap[-2:].max() < 0.5
    assert not np.allclose(aligned, guessed)  # the alignment, not PhoneNet, drove it


@pytest.mark.parametrize("name, content", [("empty.wav", b""), ("corrupt.mp3", b"\x00garbage" * 500),
                                           ("header_only.wav", b"RIFF\x24\x00\x00\x00WAVEfmt ")])
def test_bad_audio(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes) -> None:
    audio = tmp_path / name
    audio.write_bytes(content)
    out = tmp_path / "line.mp4"
    code, err = run(capsys, "render", "--image", SAMPLE / "portrait.png", "--landmarks",
                    SAMPLE / "portrait_landmarks.json", "--audio", audio, "--out", out)
    assert code == EXIT_ERROR
    assert name in error_line(err)
    assert list(tmp_path.iterdir()) == [audio]


def test_image_without_a_face_asks_for_landmarks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blank = tmp_path / "wall.png"
    cv2.imwrite(str(blank), np.full((200, 300, 3), 180, np.uint8))
    code, err = run(capsys, "render", "--image", blank, "--audio", SAMPLE / "speech.wav", "--out", tmp_path / "o.mp4")
    assert code == EXIT_ERROR
    assert re.search(r"no face", error_line(err), re.IGNORECASE)
    assert "--landmarks" in error_line(err)
    assert not (tmp_path / "o.mp4").exists()


@pytest.mark.parametrize("mode", ["grey", "cmyk_like_alpha"])
def test_grey_and_alpha_portraits_render(tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str) -> None:
    rgba = cv2.imread(str(SAMPLE / "portrait.png"), cv2.IMREAD_UNCHANGED)
    image = tmp_path / f"{mode}.png"
    if mode == "grey":
        cv2.imwrite(str(image), cv2.cvtColor(rgba, cv2.COLOR_BGR2GRAY))
    else:
        with_alpha = cv2.cvtColor(rgba, cv2.COLOR_BGR2BGRA)
        with_alpha[:40, :, 3] = 0  # a transparent band of sky
        cv2.imwrite(str(image), with_alpha)
    out = tmp_path / "frames"
    code, err = run(capsys, "render", "--image", image, "--landmarks", SAMPLE / "portrait_landmarks.json",
                    "--audio", SAMPLE / "speech.wav", "--out", out, "--format", "png", "--size", "64", "--fps", "5")
    assert code == 0, err
    frame = cv2.imread(str(sorted(out.glob("*.png"))[0]), cv2.IMREAD_UNCHANGED)
    if mode != "grey":
        assert frame[2, 32, 3] == 0 and frame[40, 32, 3] == 255  # alpha survives the render


def test_unwritable_output_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    code, err = run(capsys, "render", "--image", SAMPLE / "portrait.png", "--landmarks",
                    SAMPLE / "portrait_landmarks.json", "--audio", SAMPLE / "speech.wav",
                    "--out", not_a_folder / "line.mp4")
    assert code == EXIT_ERROR
    assert "file.txt" in error_line(err)


def test_read_only_output_location(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "motion", "--image", SAMPLE / "portrait.png", "--landmarks",
                    SAMPLE / "portrait_landmarks.json", "--audio", SAMPLE / "speech.wav",
                    "--out", "/proc/space-studio-motion.json")
    assert code == EXIT_ERROR
    assert "space-studio-motion.json" in error_line(err)


@pytest.mark.parametrize("flag, value, words", [("--emotion", "giddy=0.5", "Unknown emotion"),
                                                ("--emotion", "happy=3", "between 0 and 1"),
                                                ("--pose", "wobble", "Unknown pose mode")])
def test_bad_generation_options(tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str,
                                words: str) -> None:
    code, err = run(capsys, "motion", "--image", SAMPLE / "portrait.png", "--audio", SAMPLE / "speech.wav",
                    "--out", tmp_path / "m.json", flag, value)
    assert code == EXIT_ERROR
    assert words in error_line(err)


def test_malformed_landmark_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "marks.json"
    bad.write_text(json.dumps({"format": "space-studio-landmarks", "version": 1, "points68": [[1, 2]] * 12}))
    code, err = run(capsys, "motion", "--image", SAMPLE / "portrait.png", "--landmarks", bad,
                    "--audio", SAMPLE / "speech.wav", "--out", tmp_path / "m.json")
    assert code == EXIT_ERROR
    assert "marks.json" in error_line(err)


def test_cancel_leaves_no_partial_video(tmp_path: Path) -> None:
    from core.errors import Cancelled
    from core.export.animation_export import export_animation
    from core.pipeline import GenerationOptions, animate
    from core.portrait_setup import prepare_portrait
    from core.progress import Progress

    setup = prepare_portrait(SAMPLE / "portrait.png", SAMPLE / "portrait_landmarks.json")
    animation = animate(setup, SAMPLE / "speech.wav", GenerationOptions(fps=10))
    progress = Progress()

    def cancel_halfway(stage: str, done: int, total: int) -> None:
        if stage == "Rendering frames" and done > total // 2:
            progress.cancel()

    progress.callback = cancel_halfway
    with pytest.raises(Cancelled):
        export_animation(animation, tmp_path / "line.mp4", "mp4", 64, progress)
    assert list(tmp_path.iterdir()) == []
    assert EXIT_INTERRUPTED == 130


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/data portraits")
def test_several_faces_uses_the_largest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    photos = SHARED / "portraits" / "KwaiVGI__LivePortrait"
    left = cv2.imread(str(photos / "s0.jpg"))
    right = cv2.imread(str(photos / "d12.jpg"))
    height = left.shape[0]
    right = cv2.resize(right, (int(right.shape[1] * 0.7 * height / right.shape[0]), int(0.7 * height)))
    canvas = np.full((height, left.shape[1] + right.shape[1], 3), 128, np.uint8)
    canvas[:, : left.shape[1]] = left
    canvas[height - right.shape[0]:, left.shape[1]:] = right
    group = tmp_path / "two people.jpg"
    cv2.imwrite(str(group), canvas)
    code, err = run(capsys, "landmarks", "--image", group, "--out", tmp_path / "marks.json")
    assert code == 0, err
    assert "2 faces found; animating the largest" in err
    points = np.asarray(json.loads((tmp_path / "marks.json").read_text())["points68"])[:, :2]
    chosen_width = np.ptp(points[:, 0])
    on_left = points[:, 0].max() < left.shape[1]
    # The other face, found by cropping its half: the chosen one must be the bigger.
    other_half = canvas[:, left.shape[1]:] if on_left else canvas[:, : left.shape[1]]
    from core.landmarks.detector import detect_largest_face

    other, _ = detect_largest_face(cv2.cvtColor(np.ascontiguousarray(other_half), cv2.COLOR_BGR2RGB))
    assert chosen_width > np.ptp(other.points68[:, 0])
