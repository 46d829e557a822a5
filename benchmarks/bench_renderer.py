"""Learned-renderer benchmark: frames per second of warp vs warp + neural refinement, and peak memory.

Renders a talking-jaw sequence of a portrait (default: a photo from the shared data when
present, else the bundled sample) headless through EGL, at export size (512²) and at
half size (the preview's 256²), with the shipped weights (or ``--weights``).

    .venv/bin/python benchmarks/bench_renderer.py [--image P] [--frames 60] [--threads 2]

Targets (issue 11): export 512² ≥ 10 fps including the warp; preview at half size ≥ 15 fps;
peak memory ≤ 1.5 GB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PHOTO = ROOT.parent / "shared" / "data" / "portraits" / "KwaiVGI__LivePortrait" / "s12.jpg"


def talking_rigs(rest: np.ndarray, frames: int) -> list[np.ndarray]:
    """The rest rig with the jaw and lower lip going up and down (about 3 syllables a second)."""
    face_height = float(rest[8, 1] - rest[27, 1])
    rigs = []
    for i in range(frames):
        drop = 0.08 * face_height * (0.5 - 0.5 * np.cos(2 * np.pi * i / 10))
        rig = rest.copy()
        rig[4:13, 1] += drop * np.array([0.2, 0.5, 0.8, 1, 1, 1, 0.8, 0.5, 0.2])
        rig[55:60, 1] += drop
        rig[64:68, 1] += drop * 0.9
        rigs.append(rig)
    return rigs


def frames_per_second(renderer, rigs: list[np.ndarray]) -> float:
    renderer.render(rigs[0])  # first frame: shader compile, lazy buffers
    start = time.perf_counter()
    for rig in rigs:
        renderer.render(rig)
    return len(rigs) / (time.perf_counter() - start)


def net_milliseconds(model, repeats: int = 50) -> float:
    n = model.crop_size
    crop = np.zeros((n, n, 3), np.uint8)
    model.correction(crop, crop, crop)
    start = time.perf_counter()
    for _ in range(repeats):
        model.correction(crop, crop, crop)
    return (time.perf_counter() - start) / repeats * 1000


def mouth_milliseconds(mouth, repeats: int = 50) -> float:
    """The mouth stage's network alone, on one mouth crop."""
    width, height = mouth.size
    crop, drawing = np.zeros((height, width, 3), np.uint8), np.zeros((height, width, 2), np.uint8)
    mouth.correction(crop, drawing)
    start = time.perf_counter()
    for _ in range(repeats):
        mouth.correction(crop, drawing)
    return (time.perf_counter() - start) / repeats * 1000


def main() -> None:
    import torch

    from core.portrait_setup import prepare_portrait
    from core.render.delaunay_warp import MeshWarpRenderer
    from core.render.gl_context import create_headless_context
    from dataclasses import replace

    from core.render.mouth_refiner import MouthModel
    from core.render.neural_net import parameter_count
    from core.render.neural_renderer import NeuralRenderer, RefineModel
    from core.render.neural_style import read_style

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", type=Path, default=PHOTO if PHOTO.is_file() else ROOT / "resources/sample/portrait.png")
    parser.add_argument("--weights", type=Path)
    parser.add_argument("--mouth-weights", type=Path, help="mouth stage weights (default: those beside --weights, if any)")
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    setup = prepare_portrait(args.image)
    model = RefineModel.load(args.weights)
    if args.mouth_weights:
        model.mouth = MouthModel.load(args.mouth_weights)
    without_mouth = replace(model, mouth=None, teeth=None)
    without_teeth = replace(model, teeth=None)
    rest = setup.face.rig_points()
    rigs = talking_rigs(rest, args.frames)
    height, width = setup.portrait.rgba.shape[:2]
    ctx = create_headless_context()
    rows = []
    for label, side in (("export", 512), ("preview (half)", 256)):
        size = (round(width * side / max(width, height)), round(height * side / max(width, height)))
        makers = [("warp", lambda: MeshWarpRenderer(ctx, setup.portrait.rgba, setup.face, size)),
                  ("neural", lambda: NeuralRenderer(ctx, setup.portrait.rgba, setup.face, size, model))]
        if model.teeth is not None:
            makers.append(("neural, no teeth plate",
                           lambda: NeuralRenderer(ctx, setup.portrait.rgba, setup.face, size, without_teeth)))
        if model.mouth is not None:
            makers.append(("neural, no mouth stage nor teeth plate",
                           lambda: NeuralRenderer(ctx, setup.portrait.rgba, setup.face, size, without_mouth)))
        for name, make in makers:
            renderer = make()
            try:
                fps = frames_per_second(renderer, rigs)  # rigs in portrait pixels
            finally:
                renderer.release()
            rows.append((label, f"{size[0]}×{size[1]}", name, fps))
    ctx.release()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    style = read_style(setup.portrait.rgba, rest)
    print(f"portrait {args.image.name} (auto → {'neural' if style.is_photographic else 'warp'}), "
          f"{args.frames} frames, torch threads {args.threads}, RefineNet {parameter_count(model.net):,} parameters, "
          f"crop {model.crop_size}², mouth stage {'on' if model.mouth is not None else 'off'}, "
          f"teeth plate {'on' if model.teeth is not None else 'off'}")
    print("| mode | output | renderer | frames/s | ms/frame | target |")
    print("|---|---|---|---|---|---|")
    for label, size, name, fps in rows:
        target = "" if name != "neural" else ("≥ 10 fps" if label == "export" else "≥ 15 fps")
        print(f"| {label} | {size} | {name} | {fps:.1f} | {1000 / fps:.1f} | {target} |")
    print(f"| network alone | {model.crop_size}² crop | RefineNet | {1000 / net_milliseconds(model):.1f} | "
          f"{net_milliseconds(model):.1f} | |")
    if model.mouth is not None:
        width, height = model.mouth.size
        ms = mouth_milliseconds(model.mouth)
        print(f"| network alone | {width}×{height} mouth crop | MouthNet ({parameter_count(model.mouth.net):,} parameters) | "
              f"{1000 / ms:.1f} | {ms:.1f} | |")
    print(f"peak resident memory: {peak_mb:.0f} MB (target ≤ 1536 MB)")


if __name__ == "__main__":
    main()
