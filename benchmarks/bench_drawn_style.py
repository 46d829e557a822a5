"""Drawn style speed: frames per second of the mesh warp, the drawn style and sprite mouths,
the CPU milliseconds of a drawn frame and of a drawn preview paint (``render_to``).

Targets: the drawn style at ≥ 15 fps at 512² on a CPU renderer (Mesa llvmpipe here; issue 12);
a drawn 512² frame at ≈ 5 CPU-ms, so a batch of two-second lines beats separate renders 10×
(issue 14); a repainted studio canvas ≤ 50 ms (issue 15). Frames alternate an open mouth and a
blink so every drawn pass runs. One thread for llvmpipe, as a batch worker has:

    LP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_drawn_style.py
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from core.image_io import load_portrait
from core.landmarks.face_landmarks import RIG_LOWER_LIDS, RIG_UPPER_LIDS
from core.landmarks.landmark_json import load_landmarks
from core.render.delaunay_warp import MeshWarpRenderer
from core.render.drawn_style import DrawnStyleRenderer
from core.render.gl_context import create_headless_context
from core.render.sprite_mouths import load_mouth_set

ROOT = Path(__file__).resolve().parents[1]
FRAMES = 40


def test_rigs(rest: np.ndarray) -> list[np.ndarray]:
    width = float(np.linalg.norm(rest[54] - rest[48]))
    rigs = []
    for i in range(FRAMES):
        rig = rest.astype(np.float64).copy()
        rig[[55, 56, 57, 58, 59, 65, 66, 67], 1] += 0.3 * width * (i % 4) / 3
        if i % 5 == 0:
            rig[RIG_UPPER_LIDS] = rig[RIG_LOWER_LIDS]
        rigs.append(rig)
    return rigs


def fps(renderer, rigs: list[np.ndarray], **kwargs) -> float:  # noqa: ANN001 - any frame renderer
    renderer.render(rigs[0], **kwargs)  # warm-up: shaders, first allocation
    start = time.perf_counter()
    for rig in rigs:
        renderer.render(rig, **kwargs)
    return len(rigs) / (time.perf_counter() - start)


def cpu_ms(draw, rigs: list[np.ndarray]) -> float:  # noqa: ANN001 - one frame's drawing
    """Median over 5 runs of the process CPU milliseconds per frame (threads included)."""
    draw(rigs[0])
    runs = []
    for _ in range(5):
        start = time.process_time()
        for rig in rigs:
            draw(rig)
        runs.append((time.process_time() - start) / len(rigs) * 1000)
    return sorted(runs)[2]


def drawn_cpu_row(ctx, portrait: np.ndarray, face, rigs: list[np.ndarray], side: int) -> tuple[float, float]:  # noqa: ANN001
    """(CPU ms of a drawn frame, CPU ms of a drawn preview paint) at side²."""
    renderer = DrawnStyleRenderer(ctx, portrait, face, (side, side))
    screen = ctx.framebuffer(color_attachments=[ctx.renderbuffer((side, side), 4)])

    def paint(rig: np.ndarray) -> None:
        renderer.render_to(screen, rig)
        ctx.finish()  # the GL work, not only its queueing

    try:
        return cpu_ms(lambda rig: renderer.render(rig, intro=1.0), rigs), cpu_ms(paint, rigs)
    finally:
        ctx.detect_framebuffer(0).use()
        screen.color_attachments[0].release()
        screen.release()
        renderer.release()


def main() -> None:
    portrait = load_portrait(ROOT / "resources/sample/portrait.png").rgba
    face = load_landmarks(ROOT / "resources/sample/portrait_landmarks.json")
    mouths = load_mouth_set(ROOT / "resources/mouth_sets/basic")
    rigs = test_rigs(face.rig_points())
    ctx = create_headless_context()
    print(f"{'size':>6} | {'warp fps':>9} | {'drawn fps':>9} | {'sprites fps':>11}")
    print("-" * 46)
    for side in (512, 1024):
        size = (side, side)
        row = []
        for make, kwargs in ((lambda: MeshWarpRenderer(ctx, portrait, face, size), {}),
                             (lambda: DrawnStyleRenderer(ctx, portrait, face, size), {"intro": 1.0}),
                             (lambda: DrawnStyleRenderer(ctx, portrait, face, size, mouths), {"shape": "D"})):
            renderer = make()
            row.append(fps(renderer, rigs, **kwargs))
            renderer.release()
        print(f"{side:>5}² | {row[0]:>9.1f} | {row[1]:>9.1f} | {row[2]:>11.1f}")
    print(f"\n{'size':>6} | {'drawn frame CPU-ms':>18} | {'drawn preview paint CPU-ms':>26}")
    print("-" * 58)
    for side in (512, 1024):
        frame_ms, paint_ms = drawn_cpu_row(ctx, portrait, face, rigs, side)
        print(f"{side:>5}² | {frame_ms:>18.2f} | {paint_ms:>26.2f}")
    print(f"\nload average {'/'.join(f'{v:.1f}' for v in os.getloadavg())}, "
          f"LP_NUM_THREADS={os.environ.get('LP_NUM_THREADS', 'unset')}")
    ctx.release()


if __name__ == "__main__":
    main()
