"""End to end: speech loudness drives the jaw, frames are rendered and exported with the speech."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np
import pytest

from core.export.video_export import export_video
from core.timebase import frame_count
from core.render.delaunay_warp import MeshWarpRenderer
from tests.drawn_face import draw_portrait
from tests.render.test_delaunay_warp import inner_lip_mask, open_jaw

FPS = 25


def speech(folder: Path) -> tuple[Path, np.ndarray]:
    """espeak-ng speech with a second of silence first, 16 kHz mono: path and samples."""
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        pytest.skip("espeak-ng and sox are needed to synthesise test speech")
    raw, out = folder / "raw.wav", folder / "speech.wav"
    subprocess.run(["espeak-ng", "-w", str(raw), "Open wide."], check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", str(out), "pad", "1", "0", "trim", "0", "2"], check=True)
    with wave.open(str(out)) as f:
        samples = np.frombuffer(f.readframes(f.getnframes()), "<i2").astype(np.float32) / 32768
    return out, samples


def decoded_frame(video: Path, index: int, size: tuple[int, int]) -> np.ndarray:
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(video), "-vf", f"select=eq(n\\,{index})"]
    cmd += ["-vframes", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    data = subprocess.run(cmd, capture_output=True, check=True).stdout
    return np.frombuffer(data, np.uint8).reshape(size[1], size[0], 3)


def test_loud_frames_show_an_open_mouth_in_the_video(ctx, tmp_path):
    wav, samples = speech(tmp_path)
    image, face = draw_portrait(192)
    total = frame_count(len(samples) / 16000, FPS)
    hop = 16000 // FPS
    loudness = np.array([np.sqrt(np.mean(samples[i * hop : (i + 1) * hop] ** 2)) for i in range(total)])
    opening = np.clip(loudness / loudness.max(), 0, 1)
    rigs = [open_jaw(face.rig_points(), 14 * o) for o in opening]
    warp = MeshWarpRenderer(ctx, image, face, (192, 192))
    out = export_video(tmp_path / "talk.mp4", (warp.render(r) for r in rigs), (192, 192), FPS, wav, total)
    warp.release()
    loud, quiet = int(np.argmax(opening)), 5  # frame 5 lies in the leading second of silence
    mouth = inner_lip_mask(rigs[loud], (192, 192))
    assert decoded_frame(out, loud, (192, 192))[mouth].mean() < decoded_frame(out, quiet, (192, 192))[mouth].mean() - 40
    first = cv2.cvtColor(decoded_frame(out, 0, (192, 192)), cv2.COLOR_RGB2GRAY).astype(float)
    assert np.abs(first - cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2GRAY)).mean() < 4  # silence: the portrait itself
