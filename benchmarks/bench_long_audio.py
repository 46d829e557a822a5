"""`space-studio motion` on long speech: peak memory and the longest wait for the progress bar.

Run on demand (not a test):
    .venv/bin/python benchmarks/bench_long_audio.py --minutes 10 30 [--threads 1]

For each length it writes that many minutes of speech (the sample line looped, each copy at
its own level and followed by a pause of its own length, so loudness normalization and the
pause detector have real work) to a temp folder, runs the CLI as a subprocess on a
pseudo-terminal (so the progress bar draws as it does for a user), and reports the peak
resident memory of the process (ru_maxrss from wait4) and the longest time between two
different progress-bar states. Targets (issue 16): ≤ 1.5 GB and ≤ 10 s for 2 hours.
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "resources" / "sample"
CLI = REPO / ".venv" / "bin" / "space-studio"
RATE = 16000


@dataclass(frozen=True)
class Run:
    """One benchmark run of the motion command."""

    minutes: float
    seconds: float
    peak_mb: float
    longest_gap_s: float
    gap_stage: str
    peak_stage: str
    exit_code: int
    out_mb: float


def write_long_speech(path: Path, minutes: float, seed: int = 0) -> None:
    """``minutes`` of speech-like audio at 16 kHz, written block by block (never held whole)."""
    import soundfile

    line, _rate = soundfile.read(SAMPLE / "speech.wav", dtype="float32")
    rng = np.random.default_rng(seed)
    total = int(minutes * 60 * RATE)
    with soundfile.SoundFile(path, "w", RATE, 1, "PCM_16") as out:
        written = 0
        while written < total:
            gain = np.float32(10 ** (rng.uniform(-12, 0) / 20))
            pause = np.zeros(int(rng.uniform(0.2, 1.5) * RATE), np.float32)
            block = np.concatenate([line * gain, pause])[: total - written]
            out.write(block)
            written += len(block)


def run_motion(audio: Path, out: Path, threads: int,
               extra: tuple[str, ...] = ()) -> tuple[int, float, list[tuple[float, str, int]], float]:
    """Run the CLI on a pty; returns (exit code, seconds, [(time, bar state)], peak RSS in MB)."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    argv = [str(CLI), "motion", "--image", str(SAMPLE / "portrait.png"),
            "--landmarks", str(SAMPLE / "portrait_landmarks.json"), "--audio", str(audio), "--out", str(out), *extra]
    master, slave = pty.openpty()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # child: stderr (the progress bar) on the pty, stdout to /dev/null
        os.close(master)
        os.dup2(slave, 2)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        os.execve(argv[0], argv, env)
    os.close(slave)
    states = _read_bar(master, start, pid)
    _pid, status, usage = os.wait4(pid, 0)
    os.close(master)
    return os.waitstatus_to_exitcode(status), time.monotonic() - start, states, usage.ru_maxrss / 1024


def _read_bar(master: int, start: float, pid: int) -> list[tuple[float, str, int]]:
    """Every distinct bar state drawn (split on carriage returns and newlines), with its time
    and the most resident memory (MB) sampled while it showed."""
    states: list[tuple[float, str, int]] = [(0.0, "(start)", 0)]
    pending = ""
    while True:
        ready, _w, _x = select.select([master], [], [], 0.05)
        rss = _rss_mb(pid)
        if rss > states[-1][2]:
            states[-1] = (*states[-1][:2], rss)
        if not ready:
            continue
        try:
            data = os.read(master, 4096).decode("utf-8", "replace")
        except OSError:  # the child closed the pty
            break
        if not data:
            break
        now = time.monotonic() - start
        pending += data
        *lines, pending = pending.replace("\n", "\r").split("\r")
        for line in (x.strip() for x in lines):
            if line and line != states[-1][1]:
                states.append((now, line, rss))
    return states


def _rss_mb(pid: int) -> int:
    """Resident memory of ``pid`` now (0 once it has exited)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))
    except (OSError, StopIteration):
        return 0


def longest_gap(states: list[tuple[float, str, int]], end: float) -> tuple[float, str]:
    """The longest wait between two bar states (the last one until the process ended)."""
    times = [t for t, _s, _m in states] + [end]
    gaps = np.diff(times)
    i = int(np.argmax(gaps))
    return float(gaps[i]), _stage(states[i][1])


def _stage(state: str) -> str:
    """'Predicting lip motion  [###---] 9000/216000' → 'Predicting lip motion 9000/216000'."""
    label, _bar, count = state.partition("[")[0].strip(), None, state.rpartition("]")[2].strip()
    return f"{label} {count}"[:34]


def bench(minutes: float, threads: int, keep: bool, trace: bool = False, extra: tuple[str, ...] = ()) -> Run:
    folder = Path(tempfile.mkdtemp(prefix="space-long-audio-"))
    try:
        audio, out = folder / f"speech_{minutes:g}min.wav", folder / "motion.json"
        write_long_speech(audio, minutes)
        code, seconds, states, peak = run_motion(audio, out, threads, extra)
        if trace:
            for at, state, mb in states:
                print(f"  {at:7.1f} s {mb:6d} MB  {_stage(state)}", file=sys.stderr)
        gap, stage = longest_gap(states, seconds)
        peak_stage = _stage(max(states, key=lambda s: s[2])[1])
        size = out.stat().st_size / 2**20 if out.exists() else 0.0
        if code != 0:
            print("\n".join(s for _t, s, _m in states[-5:]), file=sys.stderr)
        return Run(minutes, seconds, peak, gap, stage, peak_stage, code, size)
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, nargs="+", default=[10.0, 30.0])
    parser.add_argument("--threads", type=int, default=1, help="torch/BLAS threads of the CLI (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the temp audio and JSON")
    parser.add_argument("--trace", action="store_true", help="print every progress state with its time and memory")
    parser.add_argument("--pose", nargs="+", help="passed to the CLI's --pose (default: the CLI's default)")
    args = parser.parse_args()
    print(f"{'audio':>8} {'wall s':>8} {'× real time':>11} {'peak MB':>8} {'(during)':<34} {'longest gap s':>13} "
          f"{'(after)':<34} {'JSON MB':>8} {'exit':>4}")
    for minutes in args.minutes:
        r = bench(minutes, args.threads, args.keep, args.trace, ("--pose", *args.pose) if args.pose else ())
        print(f"{r.minutes:>6g} m {r.seconds:>8.1f} {r.minutes * 60 / r.seconds:>11.0f} {r.peak_mb:>8.0f} "
              f"{r.peak_stage:<34} {r.longest_gap_s:>13.1f} {r.gap_stage:<34} {r.out_mb:>8.1f} {r.exit_code:>4}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
