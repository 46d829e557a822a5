"""Real speech made in the test with espeak-ng, converted with ffmpeg."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def espeak_wav(path: Path, text: str = "Hello there, this is a short test of speech.") -> Path:
    """Synthesise ``text`` to a 22.05 kHz mono wav, or skip if espeak-ng is missing."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        pytest.skip("espeak-ng not installed")
    subprocess.run([exe, "-w", str(path), text], check=True, capture_output=True)
    return path


def ffmpeg_convert(src: Path, dst: Path, *args: str) -> Path:
    """Transcode with the imageio-ffmpeg binary (format from dst's suffix)."""
    import imageio_ffmpeg

    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(src), *args, str(dst)]
    subprocess.run(cmd, check=True, capture_output=True)
    return dst
