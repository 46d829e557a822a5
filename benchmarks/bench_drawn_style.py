"""Drawn style speed: frames per second of the mesh warp, the drawn style and sprite mouths.

Target (issue 12): the drawn style at ≥ 15 fps at 512² on a CPU renderer (Mesa llvmpipe
here). Frames alternate an open mouth and a blink so every drawn pass runs.

    .venv/bin/python benchmarks/bench_drawn_style.py
"""

from __future__ import annotations

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
    ctx.release()


if __name__ == "__main__":
    main()
