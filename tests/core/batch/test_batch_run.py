"""Running a batch as a user would: outputs, a failing row that stops nothing, the
summary, resuming, and the process pool giving the same files as one process."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest

from core.batch.runner import RAY_HINT, run_batch
from core.cli import main
from core.errors import OutputError
from core.weights_location import s2l_weights
from tests.core.batch.conftest import write_manifest

MANIFEST = """
image,landmarks,audio,outputs,emotion
portrait.png,portrait.json,line1.wav,"json,cues.json,arkit,live2d",happy=0.6
,,line2.wav,"cues.tsv,cues.xml",
,,broken.wav,cues.json,
"""


def summary_rows(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader((out / "summary.csv").read_text().splitlines()))


def test_batch_makes_every_output_and_a_failing_row_stops_nothing(lines: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run_batch(write_manifest(lines, MANIFEST), out)
    assert (summary.done, summary.skipped, summary.failed) == (2, 0, 1)
    for name in ("line1.motion.json", "line1.cues.json", "line1.arkit.csv", "line1.motion3.json",
                 "line2.cues.tsv", "line2.cues.xml"):
        assert (out / name).stat().st_size > 0, name
    assert json.loads((out / "line1.cues.json").read_text())["mouthCues"]
    rows = summary_rows(out)
    assert [(r["row"], r["status"]) for r in rows] == [("1", "done"), ("2", "done"), ("3", "failed")]
    assert rows[2]["error"] and not (out / "broken.cues.json").exists()
    assert "| 3 | broken | failed |" in (out / "summary.md").read_text()


def test_a_second_run_verifies_and_skips_finished_outputs(lines: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest = write_manifest(lines, MANIFEST)
    run_batch(manifest, out)
    kept = (out / "line1.arkit.csv").stat().st_mtime_ns
    (out / "line2.cues.xml").unlink()  # lost: made again
    (out / "line1.cues.json").write_text("{truncated")  # damaged: made again
    summary = run_batch(manifest, out)
    assert [r.status for r in summary.results] == ["done", "done", "failed"]
    assert (out / "line1.arkit.csv").stat().st_mtime_ns == kept  # intact: not rewritten
    assert json.loads((out / "line1.cues.json").read_text())["mouthCues"]
    assert (out / "line2.cues.xml").is_file()
    assert [r.status for r in run_batch(manifest, out).results] == ["skipped", "skipped", "failed"]


def test_changed_inputs_are_made_again(lines: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest = write_manifest(lines, "audio,outputs,seed\nline2.wav,cues.dat,1")
    run_batch(manifest, out)
    manifest = write_manifest(lines, "audio,outputs,seed\nline2.wav,cues.dat,2")
    assert run_batch(manifest, out).results[0].status == "done"


def test_two_worker_processes_write_the_same_files_as_one(lines: Path, tmp_path: Path) -> None:
    manifest = write_manifest(lines, "audio,outputs,name\nline1.wav,cues.json,a\nline2.wav,cues.json,b")
    run_batch(manifest, tmp_path / "one", workers=1)
    run_batch(manifest, tmp_path / "two", workers=2)
    for name in ("a.cues.json", "b.cues.json"):
        assert (tmp_path / "one" / name).read_text() == (tmp_path / "two" / name).read_text()


def test_cli_batch_exit_codes_and_ray_hint(lines: Path, tmp_path: Path, capsys) -> None:
    manifest = write_manifest(lines, "audio,outputs\nline2.wav,cues")
    assert main(["batch", str(manifest), "--out", str(tmp_path / "o")]) == 0
    bad = write_manifest(lines, "audio,outputs\nmissing.wav,cues\nline2.wav,mp4", "bad.csv")
    assert main(["batch", str(bad), "--out", str(tmp_path / "p")]) == 1
    err = capsys.readouterr().err
    assert "row 1, column audio: file not found" in err and "row 2, column image" in err
    assert not (tmp_path / "p").exists()  # nothing was run
    if importlib.util.find_spec("ray") is None:
        assert main(["batch", str(manifest), "--out", str(tmp_path / "r"), "--ray", "local"]) == 1
        assert RAY_HINT in capsys.readouterr().err


@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="Ray is an optional extra")
def test_ray_local_writes_the_same_files(lines: Path, tmp_path: Path) -> None:
    # the motion too: Ray's workers must compute it in the same order as a local worker
    manifest = write_manifest(lines, "image,audio,outputs,name\nportrait.png,line1.wav,\"json,cues.json\",a\n"
                                     ",line2.wav,cues.json,b")
    run_batch(manifest, tmp_path / "one")
    run_batch(manifest, tmp_path / "ray", workers=2, ray_address="local")
    for name in ("a.motion.json", "a.cues.json", "b.cues.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "ray" / name).read_bytes(), name


def test_one_worker_per_core_by_default_never_more_than_rows() -> None:
    from core.batch.runner import default_workers, machine_cores

    assert default_workers(1) == 1
    assert default_workers(10_000) == machine_cores() >= 1


def test_the_model_option_speaks_every_row_with_those_weights(lines: Path, tmp_path: Path) -> None:
    commercial = s2l_weights("commercial")
    manifest = write_manifest(lines, "image,audio,outputs,name\nportrait.png,line1.wav,json,a\n,line2.wav,cues.json,b")
    run_batch(manifest, tmp_path / "shipped")
    out = tmp_path / "commercial"
    run_batch(manifest, out, model=commercial)
    assert (out / "a.motion.json").read_bytes() != (tmp_path / "shipped" / "a.motion.json").read_bytes()
    # the same motion as the CLI's `motion --model` of that line
    assert main(["motion", "--image", str(lines / "portrait.png"), "--audio", str(lines / "line1.wav"),
                 "--model", "commercial", "--out", str(tmp_path / "cli.json")]) == 0
    assert json.loads((out / "a.motion.json").read_text()) == json.loads((tmp_path / "cli.json").read_text())
    # other weights are other outputs: made again, not skipped as finished
    assert [r.status for r in run_batch(manifest, out).results] == ["done", "done"]
    assert [r.status for r in run_batch(manifest, out).results] == ["skipped", "skipped"]
    with pytest.raises(OutputError, match="weights not found"):
        run_batch(manifest, out, model=tmp_path / "missing.pt")
