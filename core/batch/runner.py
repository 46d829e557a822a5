"""Run a checked manifest: in this process, a process pool, or as Ray tasks; one
overall progress bar with an ETA; a summary (CSV and Markdown) at the end."""

from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.batch.manifest import load_manifest
from core.batch.worker import RowJob, RowResult, init_worker, run_row
from core.errors import Cancelled, OutputError, SpaceStudioError
from core.progress import Progress

RAY_HINT = "--ray needs Ray, an optional extra: pip install 'space-studio[ray]' (or: pip install ray)"
SUMMARY_COLUMNS = ("row", "name", "status", "seconds", "outputs", "error")


class RayMissing(SpaceStudioError):
    """--ray was asked for but Ray is not installed."""


@dataclass(frozen=True)
class BatchSummary:
    """Every row's result and where the summary files are."""

    results: tuple[RowResult, ...]
    csv_path: Path
    md_path: Path

    def count(self, status: str) -> int:
        """Rows with this status."""
        return sum(r.status == status for r in self.results)

    @property
    def done(self) -> int:
        return self.count("done")

    @property
    def skipped(self) -> int:
        return self.count("skipped")

    @property
    def failed(self) -> int:
        return self.count("failed")


# A row's work does not spread over threads: on this 2-core machine one worker with 2 threads
# (llvmpipe, torch) took 1.80 s and 1.63 CPU-s per 2 s line against 1.20 s and 1.13 CPU-s with
# one thread, and 3.3 s against 1.45 s when the machine was busy (threads waiting on each
# other). So a worker is one thread and the cores are used by running one worker per core.
THREADS_PER_WORKER = 1


def machine_cores() -> int:
    """The cores this process may run on (its affinity, not the whole machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_workers(rows: int) -> int:
    """One worker per core, never more than there are rows."""
    return max(1, min(machine_cores(), rows))


def blas_threads() -> str:
    """The thread count numpy's OpenBLAS takes in a process started from this one (its own
    variable, else OpenMP's, else one per core). Ray sets OMP_NUM_THREADS=1 in its
    workers, and OpenBLAS with one thread sums some products in another order: the motion
    then differs from a local run's in the last rounded digit. Ray workers get this count
    instead, so `--ray` writes the very bytes `--workers` and `render` write. (numpy's BLAS
    work here is a few small products: the extra thread costs nothing measurable.)"""
    for name in ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(name, "").strip():
            return os.environ[name].strip()
    return str(machine_cores())


def _local(jobs: list[RowJob], workers: int) -> Iterator[RowResult]:
    """Results in completion order: in this process for one worker, else a spawned pool
    (spawn, not fork: torch and EGL do not survive a fork). Each job carries the threads its
    worker may use (``RowJob.threads``)."""
    threads = jobs[0].threads if jobs else 1
    if workers <= 1:
        init_worker(threads)
        for job in jobs:
            yield run_row(job)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=init_worker, initargs=(threads,)) as pool:
        futures = [pool.submit(run_row, job) for job in jobs]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


def _ray(jobs: list[RowJob], address: str, workers: int) -> Iterator[RowResult]:
    """The same ``run_row`` as Ray tasks; ``local`` starts Ray here with ``workers`` CPUs.
    Each task asks Ray for ``RowJob.threads`` CPUs and its worker uses exactly that many
    threads, so Ray's scheduling is what the cores really carry."""
    try:
        import ray
    except ImportError:
        raise RayMissing(RAY_HINT) from None
    same_numbers = {"env_vars": {"OPENBLAS_NUM_THREADS": blas_threads()}}
    if address == "local":
        # Ray starts its workers at nice 15; the rows would then yield to every other program
        # here, unlike --workers processes and `render`: run them at the same priority
        ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False,
                 runtime_env=same_numbers, _system_config={"worker_niceness": 0})
    else:
        ray.init(address=address, log_to_driver=False, runtime_env=same_numbers)
    try:
        task = ray.remote(num_cpus=jobs[0].threads if jobs else 1)(run_row)
        pending = [task.remote(job) for job in jobs]
        while pending:
            finished, pending = ray.wait(pending, num_returns=1)
            yield ray.get(finished[0])
    finally:
        ray.shutdown()


def _eta(started: float, done: int, total: int) -> str:
    if done == 0:
        return "ETA --"
    left = (time.perf_counter() - started) / done * (total - done)
    return f"ETA {int(left // 60)}m{int(left % 60):02d}s"


def run_batch(manifest: Path, out_dir: Path, workers: int | None = 1, ray_address: str | None = None,
              progress: Progress | None = None, model: Path | None = None) -> BatchSummary:
    """Check the whole manifest, then run every row; a failing row never stops the others.
    ``workers`` None: one per core (``default_workers``). Every worker, local process or
    Ray task, is one CPU's worth: THREADS_PER_WORKER threads, and a Ray task asks for as many.
    ``model``: the S2L weights every row speaks with (None: the shipped ones)."""
    if workers is not None and workers < 1:
        raise OutputError(f"--workers must be at least 1, got {workers}.")
    if ray_address is not None:
        try:
            import ray  # noqa: F401 - only checking it is there, before any work
        except ImportError:
            raise RayMissing(RAY_HINT) from None
    rows = load_manifest(manifest)
    if model is not None and not Path(model).is_file():
        raise OutputError(f"speech-to-landmarks weights not found: {model}")
    out_dir = Path(out_dir)
    if not out_dir.parent.resolve().is_dir():
        raise OutputError(f"Output folder's parent '{out_dir.parent}' does not exist.")
    out_dir.mkdir(exist_ok=True)
    progress = progress or Progress()
    workers = min(workers, len(rows)) if workers else default_workers(len(rows))  # no idle worker started
    jobs = [RowJob(row, out_dir, THREADS_PER_WORKER, None if model is None else Path(model).resolve()) for row in rows]
    results: list[RowResult] = []
    started = time.perf_counter()
    progress.step(f"Batch of {len(jobs)} lines, {_eta(started, 0, len(jobs))}", 0, len(jobs))
    source = _ray(jobs, ray_address, workers) if ray_address else _local(jobs, workers)
    for result in source:
        results.append(result)
        progress.step(f"Batch of {len(jobs)} lines, {_eta(started, len(results), len(jobs))}", len(results), len(jobs))
        if progress.cancelled:
            source.close()
            _write_summary(out_dir, results)
            raise Cancelled("batch cancelled; finished rows are kept and skipped on the next run")
    results.sort(key=lambda r: r.row)
    return BatchSummary(tuple(results), *_write_summary(out_dir, results))


def _write_summary(out_dir: Path, results: list[RowResult]) -> tuple[Path, Path]:
    """summary.csv and summary.md, written atomically."""
    from core.export.atomic_output import atomic_file

    table = [(str(r.row), r.name, r.status, f"{r.seconds:.2f}", " ".join(r.outputs), r.error) for r in results]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SUMMARY_COLUMNS)
    writer.writerows(table)
    md = ["| " + " | ".join(SUMMARY_COLUMNS) + " |", "|" + "---|" * len(SUMMARY_COLUMNS)]
    md += ["| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |" for line in table]
    counts = {s: sum(r.status == s for r in results) for s in ("done", "skipped", "failed")}
    md.insert(0, f"# Batch summary\n\n{counts['done']} done, {counts['skipped']} skipped (already finished), "
                 f"{counts['failed']} failed.\n")
    paths = (out_dir / "summary.csv", out_dir / "summary.md")
    for path, text in zip(paths, (buffer.getvalue(), "\n".join(md) + "\n")):
        with atomic_file(path) as temp:
            temp.write_text(text, encoding="utf-8")
    return paths
