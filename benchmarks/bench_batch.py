"""Batch speed: N two-second lines through one `space-studio batch` versus N separate
`space-studio render` calls, and Ray with 2 workers versus 1 (when Ray is installed).

Run on demand (not a test):
    .venv/bin/python benchmarks/bench_batch.py [--lines 20] [--ray-lines 40] [--workers 2]
Targets (issue 14): the batch ≥ 10× faster than separate calls on 2 cores; `--ray local`
with 2 workers ≥ 1.6× one worker on 40 lines, with the same outputs.
"""

from __future__ import annotations

import argparse
import filecmp
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "resources" / "sample"
CLI = str(REPO / ".venv" / "bin" / "space-studio")


def make_lines(folder: Path, count: int, seconds: float = 2.0) -> list[Path]:
    """``count`` different two-second cuts of the sample line."""
    samples, rate = soundfile.read(SAMPLE / "speech.wav", dtype="float32")
    length = int(seconds * rate)
    starts = np.linspace(0, len(samples) - length, count).astype(int)
    paths = []
    for i, start in enumerate(starts):
        path = folder / f"line{i:03d}.wav"
        soundfile.write(path, samples[start:start + length], rate)
        paths.append(path)
    return paths


def manifest(folder: Path, lines: list[Path], outputs: str) -> Path:
    path = folder / f"manifest_{len(lines)}.csv"
    rows = [f"{SAMPLE / 'portrait.png'},{line},\"{outputs}\"" for line in lines]
    path.write_text("image,audio,outputs\n" + "\n".join(rows) + "\n")
    return path


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def separate_renders(lines: list[Path], out: Path) -> float:
    out.mkdir()
    return sum(timed([CLI, "render", "--image", str(SAMPLE / "portrait.png"), "--audio", str(line),
                      "--out", str(out / f"{line.stem}.mp4")]) for line in lines)


def same_files(a: Path, b: Path, pattern: str) -> bool:
    names = sorted(p.name for p in a.glob(pattern))
    return bool(names) and names == sorted(p.name for p in b.glob(pattern)) and all(
        filecmp.cmp(a / n, b / n, shallow=False) for n in names)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--ray-lines", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench_batch_"))
    lines = make_lines(folder, max(args.lines, args.ray_lines))
    rows = []
    loop = separate_renders(lines[: args.lines], folder / "loop")
    rows.append((f"{args.lines} separate `render` calls", loop))
    one = timed([CLI, "batch", str(manifest(folder, lines[: args.lines], "mp4")), "--out", str(folder / "b1")])
    rows.append((f"`batch` of {args.lines}, 1 worker", one))
    many = timed([CLI, "batch", str(manifest(folder, lines[: args.lines], "mp4")), "--out", str(folder / "b2"),
                  "--workers", str(args.workers)])
    rows.append((f"`batch` of {args.lines}, {args.workers} workers", many))
    print("| run | seconds | per line | speed-up vs separate calls |")
    print("|---|---|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.1f} | {seconds / args.lines:.2f} | {loop / seconds:.1f}× |")
    print(f"\nbatch mp4s equal to each other (1 vs {args.workers} workers): "
          f"{same_files(folder / 'b1', folder / 'b2', '*.mp4')}")
    if importlib.util.find_spec("ray") is None or args.ray_lines <= 0:
        print("\nRay not installed: pip install 'space-studio[ray]' to measure --ray local.")
        return 0
    ray_manifest = manifest(folder, lines[: args.ray_lines], "mp4,json,cues.json")
    ray1 = timed([CLI, "batch", str(ray_manifest), "--out", str(folder / "r1"), "--ray", "local", "--workers", "1"])
    ray2 = timed([CLI, "batch", str(ray_manifest), "--out", str(folder / "r2"), "--ray", "local", "--workers", "2"])
    print(f"\n| Ray local, {args.ray_lines} lines | seconds | per line |")
    print("|---|---|---|")
    print(f"| 1 worker | {ray1:.1f} | {ray1 / args.ray_lines:.2f} |")
    print(f"| 2 workers | {ray2:.1f} | {ray2 / args.ray_lines:.2f} |")
    print(f"\n2 workers vs 1: {ray1 / ray2:.2f}×; same outputs: "
          f"{all(same_files(folder / 'r1', folder / 'r2', p) for p in ('*.mp4', '*.json'))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
