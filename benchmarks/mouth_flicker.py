"""Mouth flicker of the photo renderer: the two nets alone vs with the teeth plate, and real video for scale.

Flicker = mean |f(t) − ½(f(t−1) + f(t+1))| in grey levels over the mouth box (lips ± ¼ mouth
width), 150 frames of the product's own generation (sample speech, ``--pose generate``) at the
512 export size. Real talking video has motion too: its figure on a few clips of the shared data,
measured the same way on the tracked lips, says how much of the number is speech, not flicker.

    .venv/bin/python benchmarks/mouth_flicker.py [PORTRAIT ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
PORTRAITS = [DATA / "portraits" / "KwaiVGI__LivePortrait" / f"{name}.jpg" for name in ("s12", "s42", "s2")] + [
    DATA / "portraits" / "OpenTalker__SadTalker" / "art_0.png", DATA / "portraits" / "ali-vilab__dreamtalk" / "menglu2.png"]
REAL_CLIPS = ["talking/yerfor__MimicTalk/German_20s.mp4", "talking/bytedance__LatentSync/demo1_video.mp4",
              "talking/FuxiVirtualHuman__styletalk/KristiNoem.mp4"]
FRAMES = 150


def mouth_bounds(lips: np.ndarray) -> tuple[int, int, int, int]:
    width = lips[:, 0].max() - lips[:, 0].min()
    low, high = lips.min(axis=0) - width / 4, lips.max(axis=0) + width / 4
    return int(low[0]), int(low[1]), int(high[0]), int(high[1])


def flicker(greys: list[tuple[np.ndarray, tuple[int, int, int, int]]]) -> float:
    """Mean second difference of grey over each middle frame's mouth box."""
    values = []
    for t in range(1, len(greys) - 1):
        x0, y0, x1, y1 = greys[t][1]
        before, now, after = (greys[k][0][y0:y1, x0:x1] for k in (t - 1, t, t + 1))
        values.append(float(np.abs(now - 0.5 * (before + after)).mean()))
    return float(np.mean(values))


def rendered_flicker(ctx, image: Path, models: list) -> list[float]:  # noqa: ANN001 - a moderngl context
    from core.training.renderer_contact_sheet import generated_motion
    from core.render.neural_renderer import NeuralRenderer

    setup, motion, size, scale = generated_motion(image, ROOT / "resources" / "sample" / "speech.wav")
    results = []
    for model in models:
        renderer = NeuralRenderer(ctx, setup.portrait.rgba, setup.face, size, model)
        try:
            greys = [(renderer.render(motion.rig[f], float(motion.mouth_open[f]))[:, :, :3].astype(np.float32).mean(-1),
                      mouth_bounds(motion.rig[f][48:60] * scale)) for f in range(min(FRAMES, len(motion.rig)))]
        finally:
            renderer.release()
        results.append(flicker(greys))
    return results


def real_flicker(video: Path) -> float:
    from core.landmarks.video_face_track import load_or_extract
    from core.training.renderer_dataset import read_frames, track_rigs

    track = load_or_extract(video)
    rigs = track_rigs(track)
    indices = [int(i) for i in track.frame_indices[:FRAMES]]
    frames = read_frames(video, set(indices))
    factor = min(1.0, 512 / max(track.image_size))
    greys = [(cv2.resize(frames[i], None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA).astype(np.float32).mean(-1),
              mouth_bounds(rigs[t][48:60] * factor)) for t, i in enumerate(indices) if i in frames]
    return flicker(greys)


def main() -> None:
    import torch

    from core.render.gl_context import create_headless_context
    from core.render.neural_renderer import RefineModel

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("portraits", nargs="*", type=Path, default=PORTRAITS)
    args = parser.parse_args()
    torch.set_num_threads(1)
    shipped = RefineModel.load()
    nets_only = RefineModel.load()
    nets_only.teeth = None
    ctx = create_headless_context()
    print("| source | two nets alone | + teeth plate |\n|---|---|---|")
    try:
        for image in args.portraits:
            alone, plated = rendered_flicker(ctx, image, [nets_only, shipped])
            print(f"| {image.name} (generated) | {alone:.2f} | {plated:.2f} |", flush=True)
    finally:
        ctx.release()
    for clip in REAL_CLIPS:
        if (DATA / clip).is_file():
            print(f"| {clip} (real video) | {real_flicker(DATA / clip):.2f} | |", flush=True)


if __name__ == "__main__":
    main()
