"""A batch row's frames are the frames of a separate `space-studio render` of the same line:
the worker's kept GL context, renderers and portrait set-up change how fast, never what."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from core.batch.runner import run_batch
from core.cli import main
from tests.core.batch.conftest import write_manifest


def png_frames(folder: Path) -> list[np.ndarray]:
    frames = [cv2.imread(str(p), cv2.IMREAD_UNCHANGED) for p in sorted(folder.glob("*.png"))]
    assert frames and all(f is not None for f in frames)
    return frames


def test_batch_frames_equal_a_separate_render_of_each_row(lines: Path, tmp_path: Path) -> None:
    # two rows on one portrait: the second is drawn by the renderer the first one left open
    manifest = write_manifest(lines, "image,audio,outputs\nportrait.png,line1.wav,png\nportrait.png,line2.wav,\"png,mp4\"")
    summary = run_batch(manifest, tmp_path / "batch")
    assert [r.status for r in summary.results] == ["done", "done"]
    for line in ("line1", "line2"):
        alone = tmp_path / f"{line}_alone"
        assert main(["render", "--image", str(lines / "portrait.png"), "--audio", str(lines / f"{line}.wav"),
                     "--out", str(alone), "--format", "png"]) == 0
        batch, single = png_frames(tmp_path / "batch" / f"{line}_frames"), png_frames(alone)
        assert len(batch) == len(single) == 45  # 1.5 s at 30 fps
        for index, (a, b) in enumerate(zip(batch, single)):
            assert np.array_equal(a, b), f"{line} frame {index}"
        assert not np.array_equal(batch[0], batch[-1])  # the face moved: the check compares something
    alone_mp4 = tmp_path / "line2_alone.mp4"
    assert main(["render", "--image", str(lines / "portrait.png"), "--audio", str(lines / "line2.wav"),
                 "--out", str(alone_mp4)]) == 0
    assert (tmp_path / "batch" / "line2.mp4").read_bytes() == alone_mp4.read_bytes()


def test_a_renderer_column_picks_who_draws(lines: Path, tmp_path: Path) -> None:
    manifest = write_manifest(lines, "image,audio,outputs,renderer,name\n"
                                     "portrait.png,line1.wav,png,warp,warp\nportrait.png,line1.wav,png,drawn,drawn")
    run_batch(manifest, tmp_path / "batch")
    warp, drawn = png_frames(tmp_path / "batch" / "warp_frames"), png_frames(tmp_path / "batch" / "drawn_frames")
    alone = tmp_path / "alone"
    assert main(["render", "--image", str(lines / "portrait.png"), "--audio", str(lines / "line1.wav"),
                 "--out", str(alone), "--format", "png", "--renderer", "warp"]) == 0
    assert all(np.array_equal(a, b) for a, b in zip(warp, png_frames(alone)))
    assert any(not np.array_equal(a, b) for a, b in zip(warp, drawn))
