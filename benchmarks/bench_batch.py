"""Batch speed: N two-second lines through one `space-studio batch` versus N separate
`space-studio render` calls; with --ray, 1 vs 2 workers on a 40-line manifest, both as
local processes and as `--ray local` tasks, in the same run, with every output hashed.

Run on demand (not a test):
    .venv/bin/python benchmarks/bench_batch.py [--lines 20] [--renderer auto]
    PYTHONPATH=/path/to/ray .venv/bin/python benchmarks/bench_batch.py --lines 0 --ray [--ray-lines 40]
Targets (issue 14): the batch ≥ 10× faster than separate calls on 2 cores; `--ray local`
with 2 workers ≥ 1.6× one worker on 40 lines, with the same outputs.

The batch and the separate calls draw with the same renderer (--renderer, default auto:
what `render` picks for the sample portrait), so both make the same frames. Timings on a
shared machine are noisy: the load average before and after each run is printed.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
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


def manifest(folder: Path, lines: list[Path], outputs: str, renderer: str) -> Path:
    path = folder / f"manifest_{len(lines)}_{outputs.replace(',', '_')}.csv"
    rows = [f"{SAMPLE / 'portrait.png'},{line},\"{outputs}\",{renderer}" for line in lines]
    path.write_text("image,audio,outputs,renderer\n" + "\n".join(rows) + "\n")
    return path


def load() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


def timed(command: list[str]) -> tuple[float, str]:
    """(seconds, 'load before → after') of one command."""
    before = load()
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start, f"{before} → {load()}"


def separate_renders(lines: list[Path], out: Path, renderer: str) -> tuple[float, str]:
    out.mkdir()
    before, total = load(), 0.0
    for line in lines:
        total += timed([CLI, "render", "--image", str(SAMPLE / "portrait.png"), "--audio", str(line),
                        "--out", str(out / f"{line.stem}.mp4"), "--renderer", renderer])[0]
    return total, f"{before} → {load()}"


def frame_hash(video: Path) -> str:
    """sha256 of the decoded RGB frames (what a viewer sees, whatever the container)."""
    import imageio_ffmpeg

    digest = hashlib.sha256()
    for frame in imageio_ffmpeg.read_frames(str(video), pix_fmt="rgb24"):
        if isinstance(frame, bytes):
            digest.update(frame)
    return digest.hexdigest()


def fingerprints(folder: Path) -> dict[str, str]:
    """Every output file's bytes hashed, plus each mp4's decoded frames."""
    found = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix in (".mp4", ".json", ".tsv") and not path.name.startswith("summary"):
            found[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
            if path.suffix == ".mp4":
                found[path.name + ":frames"] = frame_hash(path)
    return found


def speed_table(folder: Path, lines: list[Path], renderer: str) -> None:
    """Separate `render` calls versus one `batch` (1 worker, default workers)."""
    count = len(lines)
    rows = [(f"{count} separate `render` calls", *separate_renders(lines, folder / "loop", renderer))]
    batch = [CLI, "batch", str(manifest(folder, lines, "mp4", renderer))]
    rows.append((f"`batch` of {count}, --workers 1", *timed(batch + ["--out", str(folder / "b1"), "--workers", "1"])))
    rows.append((f"`batch` of {count}, default workers", *timed(batch + ["--out", str(folder / "b2")])))
    loop = rows[0][1]
    print(f"renderer: {renderer}; cores: {len(os.sched_getaffinity(0))}\n")
    print("| run | seconds | per line | speed-up vs separate calls | load before → after |")
    print("|---|---|---|---|---|")
    for name, seconds, loads in rows:
        print(f"| {name} | {seconds:.1f} | {seconds / count:.2f} | {loop / seconds:.1f}× | {loads} |")
    same = fingerprints(folder / "loop") == fingerprints(folder / "b1") == fingerprints(folder / "b2")
    print(f"\nbatch mp4s (bytes and decoded frames) equal to the separate renders': {same}")


def scaling_table(folder: Path, lines: list[Path], renderer: str, repeats: int) -> None:
    """1 vs 2 workers as local processes and as `--ray local` tasks, same manifest, same run,
    alternated ``repeats`` times (best of each: colleagues' work only ever slows a run down)."""
    if importlib.util.find_spec("ray") is None:
        print("\nRay not installed: pip install 'space-studio[ray]' (or PYTHONPATH to an unpacked Ray).")
        return
    rows_manifest = str(manifest(folder, lines, "mp4,json,cues.json", renderer))
    runs: dict[tuple[str, int], list[tuple[float, str]]] = {}
    hashes = []
    for repeat in range(repeats):
        for mode in ("local", "ray"):
            for workers in (1, 2):
                out = folder / f"{mode}{workers}_{repeat}"
                extra = ["--ray", "local"] if mode == "ray" else []
                runs.setdefault((mode, workers), []).append(
                    timed([CLI, "batch", rows_manifest, "--out", str(out), "--workers", str(workers)] + extra))
                hashes.append(fingerprints(out))
    count = len(lines)
    print(f"\n| {count} lines (mp4, motion json, cues json) | 1 worker s | 2 workers s | 2 vs 1 (best of {repeats}) "
          "| every run 1w / 2w | load 1w | load 2w |")
    print("|---|---|---|---|---|---|---|")
    for mode in ("local", "ray"):
        one, two = runs[(mode, 1)], runs[(mode, 2)]
        best1, best2 = min(one)[0], min(two)[0]
        every = " / ".join(f"{a[0]:.1f}, {b[0]:.1f}" for a, b in zip(one, two))
        print(f"| {mode} | {best1:.1f} | {best2:.1f} | {best1 / best2:.2f}× | {every} | {min(one)[1]} | {min(two)[1]} |")
    print(f"\nall {len(hashes)} runs wrote identical outputs ({len(hashes[0])} files and frame hashes each): "
          f"{all(h == hashes[0] for h in hashes) and bool(hashes[0])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=20, help="lines for separate calls vs batch (0: skip)")
    parser.add_argument("--ray", action="store_true", help="also measure 1 vs 2 workers, local and --ray local")
    parser.add_argument("--ray-lines", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=2, help="alternated runs of the --ray table (best kept)")
    parser.add_argument("--renderer", default="auto", choices=("auto", "warp", "neural", "drawn"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench_batch_"))
    lines = make_lines(folder, max(args.lines, args.ray_lines if args.ray else 0))
    if args.lines > 0:
        speed_table(folder, lines[: args.lines], args.renderer)
    if args.ray:
        scaling_table(folder, lines[: args.ray_lines], args.renderer, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
