"""Outputs: checked before the work, never an input, leftovers of killed runs cleaned, disk full named."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from core.errors import OutputError
from core.export.atomic_output import STALE_AFTER_S, atomic_file, remove_stale_partials
from core.export.output_check import check_output
from core.export.png_sequence import export_png_sequence
from tests.reliability.conftest import REPO, run_cli, sample_args


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_output_may_not_be_an_input_by_any_name(tmp_path: Path) -> None:
    image = tmp_path / "portrait.png"
    image.write_bytes(b"not really a png")
    (tmp_path / "alias.png").symlink_to(image)
    os.link(image, tmp_path / "hard.png")
    for out in (image, tmp_path / "alias.png", tmp_path / "hard.png", tmp_path / "sub" / ".." / "portrait.png"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(OutputError, match="is the input"):
            check_output(out, "json", [image])
    with pytest.raises(OutputError, match="contains the input"):
        check_output(tmp_path, "png", [image])
    assert image.read_bytes() == b"not really a png"


def test_png_folder_with_other_files_is_refused_but_earlier_frames_are_fine(tmp_path: Path) -> None:
    frames = tmp_path / "frames"
    frames.mkdir()
    (frames / "frame_00000.png").write_bytes(b"x")
    check_output(frames, "png", [])
    (frames / "holiday.jpg").write_bytes(b"x")
    with pytest.raises(OutputError, match="holds other files"):
        check_output(frames, "png", [])
    with pytest.raises(OutputError, match="is a folder"):
        check_output(frames, "json", [])
    with pytest.raises(OutputError, match="does not exist"):
        check_output(tmp_path / "missing" / "out.json", "json", [])
    for name in ("x" * 230 + ".json", "x" * 300 + ".json"):  # fits the OS but not our temp name / fits neither
        with pytest.raises(OutputError, match="bytes long"):
            check_output(tmp_path / name, "json", [])


def test_free_space_is_estimated_before_the_work(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="not enough free space"):
        check_output(tmp_path / "out.json", "json", [], needed_bytes=10**18)


def test_stale_partials_of_dead_writers_are_removed_live_ones_kept(tmp_path: Path) -> None:
    dead, alive = _dead_pid(), os.getpid()
    stale_file = tmp_path / f".out.mp4.{dead}.abcdefgh.partial.mp4"
    stale_dir = tmp_path / f".frames.{dead}.abcdefgh.partial"
    old_swap = tmp_path / f".frames.old-{dead}"  # killed after its new frames/ was in place
    (tmp_path / "frames").mkdir()
    set_aside = tmp_path / f".take.old-{dead}"  # killed mid-swap: take/ is the previous result
    live = tmp_path / f".out.json.{alive}.abcdefgh.partial.json"
    legacy_old = tmp_path / ".take.json.abcdefgh.partial.json"
    legacy_new = tmp_path / ".take2.json.abcdefgh.partial.json"
    not_ours = tmp_path / ".out.json.tmp"
    for path in (stale_file, live, legacy_old, legacy_new, not_ours):
        path.write_bytes(b"x")
    for folder in (stale_dir, old_swap, set_aside):
        folder.mkdir()
        (folder / "frame_00000.png").write_bytes(b"x")
    hours_ago = time.time() - STALE_AFTER_S - 60
    os.utime(legacy_old, (hours_ago, hours_ago))
    removed = remove_stale_partials(tmp_path)
    assert sorted(removed) == sorted([stale_file, stale_dir, old_swap, legacy_old])
    assert live.exists() and legacy_new.exists() and not_ours.exists()
    assert (tmp_path / "take" / "frame_00000.png").exists() and not set_aside.exists()


def test_partial_names_carry_the_writers_pid(tmp_path: Path) -> None:
    with atomic_file(tmp_path / "out.json") as temp:
        assert f".{os.getpid()}." in temp.name and temp.name.startswith(".out.json.")
        temp.write_text("{}")
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 2 MB tmpfs (root only: elsewhere the test skips)."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                                           capture_output=True).returncode:
        pytest.skip("needs root to mount a small tmpfs")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_disk_full_during_export_says_so_and_leaves_nothing(tiny_disk: Path) -> None:
    noise = np.random.default_rng(0).integers(0, 256, (256, 256, 4), dtype=np.uint8)  # ~256 KB per PNG
    with pytest.raises(OutputError, match="^disk full while writing .*frames$"):
        export_png_sequence(tiny_disk / "frames", (noise for _ in range(40)), 40)
    with pytest.raises(OutputError, match="^disk full while writing .*motion.json$"):
        with atomic_file(tiny_disk / "motion.json") as temp:
            temp.write_bytes(b"0" * 4 * 2**20)
    assert list(tiny_disk.iterdir()) == []


def test_kill_9_during_export_then_the_next_run_cleans_up(workdir: Path) -> None:
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(REPO))
    export = subprocess.Popen([sys.executable, "-m", "app.entry", "render", *sample_args("--out", "video.mp4"),
                               "--size", "256"], cwd=workdir, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(workdir.glob(".video.mp4.*partial*")) and export.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    export.send_signal(signal.SIGKILL)
    export.wait()
    assert list(workdir.glob(".video.mp4.*partial*")), "the export ended before it could be killed"
    result = run_cli(workdir, "motion", *sample_args("--out", "motion.json"))
    assert result.code == 0, result.stderr
    hidden = [p.name for p in workdir.iterdir() if p.name.startswith(".")]
    assert hidden == [] and not (workdir / "video.mp4").exists()


def test_devices_and_pipes_are_never_replaced(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(OutputError, match="device or pipe"):
        with atomic_file(pipe) as temp:
            temp.write_text("{}")
    with pytest.raises(OutputError, match="device or pipe"):
        check_output(pipe, "json", [])
    with pytest.raises(OutputError, match="outputs never go to"):
        check_output("/dev/null", "json", [])
    assert pipe.exists() and not pipe.is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_a_project_is_never_saved_over_a_pipe(tmp_path: Path) -> None:
    from core.animation.project import Project
    from core.animation.project_file import save_project
    from core.errors import ProjectFileError

    pipe = tmp_path / "pipe.space.json"
    os.mkfifo(pipe)
    with pytest.raises(ProjectFileError, match="not a (regular )?file"):
        save_project(Project(), pipe)
    assert not pipe.is_file() and [p.name for p in tmp_path.iterdir()] == ["pipe.space.json"]


def test_generation_output_check_works_for_every_command_and_format(tmp_path: Path) -> None:
    from core.cli import build_parser
    from core.cli_commands import check_generation_output
    from tests.reliability.conftest import SAMPLE

    inputs = ["--image", str(SAMPLE / "portrait.png"), "--audio", str(SAMPLE / "speech.wav")]
    for command, out, fmt in (("motion", "a.csv", "csv"), ("motion", "m.json", "json"), ("render", "v.mp4", "mp4"),
                              ("render", "frames", "png")):
        args = build_parser().parse_args([command, *inputs, "--out", str(tmp_path / out)])
        check_generation_output(args, fmt)  # motion has no --size: must not matter
    args = build_parser().parse_args(["motion", *inputs, "--out", str(SAMPLE / "speech.wav")])
    with pytest.raises(OutputError, match="is the input"):
        check_generation_output(args, "csv")
    assert list(tmp_path.iterdir()) == []


def test_png_export_never_replaces_a_folder_of_other_files(tmp_path: Path) -> None:
    folder = tmp_path / "Pictures"
    folder.mkdir()
    (folder / "holiday.jpg").write_bytes(b"precious")
    frame = np.zeros((32, 32, 4), np.uint8)
    with pytest.raises(OutputError, match="holds other files"):
        export_png_sequence(folder, [frame])
    assert [p.name for p in folder.iterdir()] == ["holiday.jpg"] and [p.name for p in tmp_path.iterdir()] == ["Pictures"]


def test_a_save_killed_mid_write_leaves_nothing_after_the_next_save(tmp_path: Path) -> None:
    import subprocess
    import sys

    from core.animation.project import Project
    from core.animation.project_file import save_project

    # A temp file named as atomic_output names it, by a writer that is gone (pid of a finished process).
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = tmp_path / f".scene.space.json.{int(done.stdout)}.abcd1234.partial.json"
    leftover.write_text("{half a proj", encoding="utf-8")
    save_project(Project(), tmp_path / "scene.space.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scene.space.json"]
