"""Manifest checks: every problem found before any work, by row and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.batch.manifest import ManifestError, load_manifest
from tests.core.batch.conftest import write_manifest


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    return [str(p) for p in caught.value.problems]


def test_a_good_manifest_resolves_paths_next_to_it(lines: Path) -> None:
    path = write_manifest(lines, """
image,landmarks,audio,emotion,pose,seed,outputs,name
portrait.png,portrait.json,line1.wav,happy=0.5;sad=0.2@0-1,generate,3,"mp4, cues.json ,arkit",first
,,line2.wav,,,,cues
""")
    first, second = load_manifest(path)
    assert first.image == lines / "portrait.png" and first.audio == lines / "line1.wav"
    assert first.outputs == ("mp4", "cues.json", "arkit") and first.seed == 3 and first.name == "first"
    assert first.emotions == ("happy=0.5", "sad=0.2@0-1") and first.pose == ("generate",)
    assert second.outputs == ("cues.tsv",) and second.name == "line2" and second.image is None


def test_every_problem_is_reported_by_row_and_column(lines: Path) -> None:
    path = write_manifest(lines, """
image,audio,emotion,pose,seed,outputs,colour
missing.png,line1.wav,happy=2,spin,x,"mp4,gif",red
,line1.wav,,,,mp4
,,,,,cues
""")
    problems = problems_of(path)
    assert problems[0].startswith("header, column colour: unknown column")
    expected = ["row 1, column outputs: unknown output gif", "row 1, column image: file not found: missing.png",
                "row 1, column emotion:", "row 1, column pose: 'spin'", "row 1, column seed: not a whole number",
                "row 2, column image: missing: mp4 need a portrait", "row 3, column audio: missing"]
    for start in expected:
        assert any(p.startswith(start) for p in problems), start
    assert len(problems) == 1 + len(expected)


def test_two_rows_writing_the_same_file_are_refused(lines: Path) -> None:
    path = write_manifest(lines, """
audio,outputs,name
line1.wav,cues.json,same
line2.wav,"cues.tsv,cues.json",same
""")
    assert problems_of(path) == ["row 2, column outputs: same.cues.json is also written by row 1; "
                                 "give the rows different names"]


def test_json_manifests_and_their_problems(lines: Path) -> None:
    rows = [{"audio": "line1.wav", "outputs": ["cues.xml", "cues.dat"]},
            {"audio": "nope.wav", "outputs": "cues", "pose": "from-video"}]
    path = lines / "manifest.json"
    path.write_text(json.dumps({"rows": rows}))
    problems = problems_of(path)
    assert problems[0] == "row 2, column audio: file not found: nope.wav"
    assert any(p.startswith("row 2, column pose: from-video needs exactly one") for p in problems)
    rows.pop()
    path.write_text(json.dumps(rows))
    assert load_manifest(path)[0].outputs == ("cues.xml", "cues.dat")


def test_unreadable_manifests_are_one_clear_error(lines: Path) -> None:
    with pytest.raises(ManifestError, match="not found"):
        load_manifest(lines / "nothing.csv")
    (lines / "broken.json").write_text("{rows: ")
    with pytest.raises(ManifestError, match="not valid JSON"):
        load_manifest(lines / "broken.json")
    assert problems_of(write_manifest(lines, "audio,outputs", "empty.csv")) == ["header, column -: the manifest has no rows"]


def test_the_renderer_column_defaults_to_auto_and_is_checked(lines: Path) -> None:
    path = write_manifest(lines, "image,audio,outputs,renderer\nportrait.png,line1.wav,mp4,\nportrait.png,line2.wav,mp4,Drawn")
    first, second = load_manifest(path)
    assert (first.renderer, second.renderer) == ("auto", "drawn")
    bad = write_manifest(lines, "image,audio,outputs,renderer\nportrait.png,line1.wav,mp4,oil", "bad.csv")
    assert problems_of(bad) == ["row 1, column renderer: 'oil' is not auto, warp, neural or drawn"]
