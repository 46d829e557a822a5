"""Peak memory of loading large portraits (issue 16: a 10000×10000 photo peaked at 4.2 GB).

Run on demand (not a test):
    .venv/bin/python benchmarks/bench_image_memory.py

Writes each image to a temp folder, loads it with ``core.image_io.load_portrait`` in a fresh
subprocess and prints that process's peak resident memory (ru_maxrss) and how long it took,
with the baseline of a process that only imports the module. Images over the 40 MP budget
are refused from their header, so they should cost no more than the baseline.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
LOAD = "import sys; from core.image_io import load_portrait\ntry: load_portrait(sys.argv[1])\nexcept Exception as e: print(e)"


def _peak_mb(code: str, *args: str) -> tuple[float, float, str]:
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code, *args], cwd=REPO, stdout=subprocess.PIPE, text=True)
    _pid, _status, usage = os.wait4(process.pid, 0)
    out = process.stdout.read().strip() if process.stdout else ""
    return usage.ru_maxrss / 1024, time.perf_counter() - start, out


def _images(folder: Path) -> dict[str, Path]:
    rng = np.random.default_rng(0)
    made = {}
    rgba = rng.integers(0, 256, (6000, 6600, 4), dtype=np.uint8)
    rgba[..., 3] = 200
    made["6600×6000 RGBA PNG (40 MP, alpha)"] = folder / "rgba.png"
    cv2.imwrite(str(made["6600×6000 RGBA PNG (40 MP, alpha)"]), rgba, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    del rgba
    photo = np.zeros((10000, 10000, 3), np.uint8)
    photo[::7] = 200
    made["10000×10000 JPEG (100 MP)"] = folder / "photo.jpg"
    cv2.imwrite(str(made["10000×10000 JPEG (100 MP)"]), photo)
    del photo
    made["10000×10000 PNG (100 MP, refused)"] = folder / "big.png"
    cv2.imwrite(str(made["10000×10000 PNG (100 MP, refused)"]), np.zeros((10000, 10000, 3), np.uint8))
    sys.path.insert(0, str(REPO))
    from tests.reliability.conftest import write_bomb_png

    made["PNG header 20000×20000 (bomb, refused)"] = write_bomb_png(folder / "bomb.png", 20000, 20000)
    return made


NAMES = {"rgba.png": "6600×6000 RGBA PNG (40 MP, alpha)", "photo.jpg": "10000×10000 JPEG (100 MP)",
         "big.png": "10000×10000 PNG (100 MP, refused)", "bomb.png": "PNG header 20000×20000 (bomb, refused)"}


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--make":
        _images(Path(sys.argv[2]))
        return
    with tempfile.TemporaryDirectory() as temp:
        # Made in a child so this process stays small: a fork of a big parent inflates ru_maxrss.
        subprocess.run([sys.executable, __file__, "--make", temp], check=True)
        images = {NAMES[p.name]: p for p in sorted(Path(temp).iterdir())}
        base, _, _ = _peak_mb("import core.image_io")
        print("| image | file MB | peak RSS MB | above import MB | seconds | result |\n|---|---|---|---|---|---|")
        for name, path in images.items():
            peak, seconds, out = _peak_mb(LOAD, str(path))
            result = out[:60] or "loaded"
            print(f"| {name} | {path.stat().st_size / 1e6:.1f} | {peak:.0f} | {peak - base:.0f} | {seconds:.1f} | {result} |")


if __name__ == "__main__":
    main()
