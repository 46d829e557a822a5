"""One set of defaults: the command line, batch rows and a new studio project read core.defaults."""

from __future__ import annotations

from pathlib import Path

from core import defaults
from core.animation.project import Project
from core.batch.manifest import load_manifest
from core.cli import build_parser
from core.pipeline import GenerationOptions


def test_cli_generation_defaults_are_cores() -> None:
    for command in ("render", "motion"):
        args = build_parser().parse_args([command, "--image", "a.png", "--audio", "a.wav", "--out", "o.json"])
        assert args.fps == defaults.FPS
        assert args.blinks_per_minute == defaults.BLINKS_PER_MINUTE
        assert args.pose == [defaults.POSE_MODE] and args.pose_amplitude == defaults.POSE_AMPLITUDE


def test_batch_row_without_pose_and_library_options_use_the_same_values(tmp_path: Path) -> None:
    (tmp_path / "line.wav").write_bytes(b"RIFF")
    manifest = tmp_path / "lines.csv"
    manifest.write_text("audio,outputs\nline.wav,cues\n", encoding="utf-8")
    row = load_manifest(manifest)[0]
    assert row.pose == (defaults.POSE_MODE,)
    options = GenerationOptions()
    assert (options.fps, options.blinks_per_minute) == (defaults.FPS, defaults.BLINKS_PER_MINUTE)


def test_a_new_project_starts_with_the_same_values() -> None:
    project = Project()
    assert project.fps == defaults.FPS
    assert project.settings.blink_rate == defaults.BLINKS_PER_MINUTE
    assert project.tracks.pose.source.kind == defaults.studio_pose_kind(defaults.POSE_MODE)
