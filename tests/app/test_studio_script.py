"""`space-studio open FILES --export OUT --quit-when-done`: the studio exports through File ▸ Export's
worker once its models are done, then closes; the exit code says whether it worked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from app.studio_script import export_kind, parse_studio_args

REPO = Path(__file__).resolve().parents[2]


def test_options_are_read_after_the_files() -> None:
    options = parse_studio_args(["a.png", "b.wav", "--export", "out.mp4", "--quit-when-done"])
    assert options.files == ["a.png", "b.wav"] and options.export == Path("out.mp4")
    assert options.quit_when_done and options.scripted
    assert not parse_studio_args(["a.png"]).scripted


def test_a_screenshot_needs_an_export(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_studio_args(["a.png", "--screenshot", "shot.png"])
    assert "--screenshot is taken during --export" in capsys.readouterr().err


@pytest.mark.parametrize("name, kind", [("out.mp4", "mp4"), ("OUT.MP4", "mp4"), ("m.json", "json"),
                                        ("frames", "png")])
def test_export_kind_follows_the_name(name: str, kind: str) -> None:
    assert export_kind(Path(name)) == kind


def run_studio_process(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The studio as a user starts it, in its own process on the tests' Xvfb display."""
    home = tmp_path / "home"
    for folder in ("config", "data", "cache"):
        (home / folder).mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               XDG_CACHE_HOME=str(home / "cache"), SPACE_STUDIO_LOG_DIR=str(tmp_path / "logs"),
               OMP_NUM_THREADS="1", QT_QPA_PLATFORM="xcb")
    return subprocess.run([sys.executable, "-m", "app.entry", "open", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_sample_is_exported_and_the_studio_quits(tmp_path: Path, sample_files: tuple[Path, Path]) -> None:
    portrait, speech = sample_files
    result = run_studio_process(tmp_path, str(portrait), str(speech), "--export", "line.mp4",
                                "--screenshot", "shot.png", "--quit-when-done")
    assert result.returncode == 0, result.stderr
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(tmp_path / "line.mp4"))
    assert frames == 236 and abs(seconds - 236 / 30) < 0.1  # the sample's 7.87 s at the project's 30 fps
    shot = np.asarray(Image.open(tmp_path / "shot.png").convert("RGB"))
    assert len(np.unique(shot.reshape(-1, 3), axis=0)) > 1000, "the screenshot shows no window"
    assert not list((tmp_path / "home" / "data").rglob("*.space.json")), "a recovery copy was left behind"


def test_a_refused_export_ends_the_run_with_its_message(tmp_path: Path, sample_files: tuple[Path, Path]) -> None:
    portrait, speech = sample_files
    result = run_studio_process(tmp_path, str(portrait), str(speech), "--export", "missing/line.mp4",
                                "--quit-when-done")
    assert result.returncode == 1
    reported = [line for line in result.stderr.splitlines() if line.startswith("space-studio:")]
    assert len(reported) == 1 and "missing does not exist" in reported[0], result.stderr
    assert not (tmp_path / "missing").exists()
