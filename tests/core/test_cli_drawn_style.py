"""``render`` with the drawn style, a sprite mouth set and a background, as a user runs it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.cli import EXIT_ERROR, main

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "sample"
MOUTHS = REPO / "resources" / "mouth_sets" / "basic"
QUICK = ["--audio", str(SAMPLE / "speech.wav"), "--landmarks", str(SAMPLE / "portrait_landmarks.json"),
         "--size", "96", "--fps", "5"]


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err


def first_video_frame(path: Path) -> np.ndarray:
    import imageio_ffmpeg

    png = path.with_suffix(".png")
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(path), "-frames:v", "1",
                    str(png)], check=True)
    return cv2.imread(str(png))[:, :, ::-1]


def test_auto_picks_the_drawn_style_for_the_cartoon(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "frames"
    code, err = run(capsys, "render", "--image", SAMPLE / "portrait.png", *QUICK, "--out", out, "--format", "png")
    assert code == 0, err
    assert "renderer: drawn" in err
    assert len(list(out.glob("*.png"))) >= 35


def test_a_mouth_set_renders_and_a_bad_one_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sprites"
    code, err = run(capsys, "render", "--image", SAMPLE / "portrait.png", *QUICK, "--out", out, "--format", "png",
                    "--mouth-set", MOUTHS)
    assert code == 0, err
    partial = tmp_path / "partial"
    partial.mkdir()
    for letter in "ABC":
        (partial / f"{letter}.png").write_bytes((MOUTHS / f"{letter}.png").read_bytes())
    code, err = run(capsys, "render", "--image", SAMPLE / "portrait.png", *QUICK, "--out", tmp_path / "x.mp4",
                    "--mouth-set", partial)
    assert code == EXIT_ERROR
    assert "D.png, E.png, F.png" in err and not (tmp_path / "x.mp4").exists()
    code, err = run(capsys, "render", "--image", SAMPLE / "portrait.png", *QUICK, "--out", tmp_path / "y.mp4",
                    "--mouth-set", MOUTHS, "--renderer", "warp")
    assert code == EXIT_ERROR and "--renderer drawn" in err


def test_a_transparent_portrait_goes_to_mp4_over_the_background(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    rgba = cv2.cvtColor(cv2.imread(str(SAMPLE / "portrait.png")), cv2.COLOR_BGR2BGRA)
    rgba[:60, :, 3] = 0  # a transparent band of sky
    image = tmp_path / "cutout.png"
    cv2.imwrite(str(image), rgba)
    for background, colour in ((None, (128, 128, 128)), ("#20c040", (32, 192, 64))):
        out = tmp_path / f"{colour[1]}.mp4"
        extra = ["--background", background] if background else []
        code, err = run(capsys, "render", "--image", image, *QUICK, "--out", out, *extra)
        assert code == 0, err
        frame = first_video_frame(out)
        assert np.abs(frame[2, frame.shape[1] // 2].astype(int) - colour).max() <= 6  # not black


def test_sprites_follow_the_cue_track_and_the_users_mouth_shape_edits() -> None:
    from core.animation.mouth_shapes import MouthShapeBlock
    from core.pipeline import GenerationOptions, animate
    from core.portrait_setup import prepare_portrait
    from core.render.frame_style import cue_track_shapes

    setup = prepare_portrait(SAMPLE / "portrait.png", SAMPLE / "portrait_landmarks.json")
    animation = animate(setup, SAMPLE / "speech.wav", GenerationOptions(fps=10.0))
    shapes = cue_track_shapes(animation)
    assert len(shapes) == len(animation.motion)
    assert len(set(shapes)) >= 4 and {"C", "D"} & set(shapes)  # a talking mouth, not one held shape
    animation.tracks.mouth_shapes.set_blocks([MouthShapeBlock(1.0, 2.0, "F")])
    edited = cue_track_shapes(animation)
    assert set(edited[11:19]) == {"F"} and edited[:9] == shapes[:9]
