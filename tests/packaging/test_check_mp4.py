"""packaging/check_mp4.py, the smoke test's checker, on real files made by ffmpeg here."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import wave
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

CHECKER = Path(__file__).resolve().parents[2] / "packaging" / "check_mp4.py"
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def load_checker():  # noqa: ANN201 - the module
    spec = importlib.util.spec_from_file_location("check_mp4", CHECKER)
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_mp4"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def write_wav(path: Path, seconds: float, rate: int = 16000) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    samples = (0.3 * np.sin(2 * np.pi * 220 * t) * 32767).astype(np.int16)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return path


def make_mp4(path: Path, wav: Path | None, seconds: float, fps: int = 30) -> Path:
    cmd = [FFMPEG, "-loglevel", "error", "-y", "-f", "lavfi", "-i", f"testsrc=size=64x64:rate={fps}:duration={seconds}"]
    if wav is not None:
        cmd += ["-i", str(wav), "-c:a", "aac"]
    cmd += ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-shortest", str(path)]
    subprocess.run(cmd, check=True)
    return path


@pytest.fixture(scope="module")
def checker():  # noqa: ANN201
    return load_checker()


def test_an_export_like_file_passes(tmp_path: Path, checker) -> None:  # noqa: ANN001
    speech = write_wav(tmp_path / "speech.wav", 2.0)
    facts = checker.probe(FFMPEG, str(make_mp4(tmp_path / "ok.mp4", speech, 2.0)))
    assert (facts.video_codec, facts.audio_codec, facts.frames) == ("h264", "aac", 60)
    assert checker.problems(facts, checker.wav_seconds(str(speech)), 30.0) == []


def test_missing_audio_and_wrong_length_are_named(tmp_path: Path, checker) -> None:  # noqa: ANN001
    speech = write_wav(tmp_path / "speech.wav", 2.0)
    facts = checker.probe(FFMPEG, str(make_mp4(tmp_path / "silent.mp4", None, 1.0)))
    found = " | ".join(checker.problems(facts, 2.0, 30.0))
    assert "audio stream is None" in found and "30 frames, expected 60" in found and "lasts 1.00 s" in found
    result = subprocess.run([sys.executable, str(CHECKER), FFMPEG, str(tmp_path / "silent.mp4"), str(speech)],
                            capture_output=True, text=True)
    assert result.returncode == 1 and result.stdout.startswith("FAIL")
