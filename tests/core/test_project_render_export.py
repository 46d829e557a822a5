"""core.project_render.export_project, the one export path of ``render-project`` and the studio:
every format, frame ranges, the derived-motion cache, and nothing left behind on cancel."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import core.derived_motion
from core.animation.project import Project
from core.animation.project_file import save_project
from core.cli import main
from core.derived_motion import DerivedMotion
from core.errors import Cancelled
from core.landmarks.landmark_json import load_landmarks
from core.progress import Progress
from core.project_render import ProjectOutput, export_project
from tests.core.audio.speech_fixture import espeak_wav

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample"


@pytest.fixture(scope="module")
def project_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved project: the sample portrait and a short espeak-ng line in its folder."""
    folder = tmp_path_factory.mktemp("project")
    shutil.copy(SAMPLE / "portrait.png", folder / "portrait.png")
    espeak_wav(folder / "line.wav", "Hello there.")
    project = Project(folder / "portrait.png", folder / "line.wav", 30.0, 1.0,
                      load_landmarks(SAMPLE / "portrait_landmarks.json"))
    path = folder / "line.space.json"
    save_project(project, path)
    return path


def _load(path: Path) -> Project:
    from core.animation.project_file import load_project

    return load_project(path)


def test_render_project_writes_the_hand_off_formats(project_path: Path, tmp_path: Path) -> None:
    assert main(["render-project", str(project_path), "--out", str(tmp_path / "line.json"), "--format", "cues.json"]) == 0
    cues = json.loads((tmp_path / "line.json").read_text())
    assert cues["mouthCues"] and cues["mouthCues"][-1]["end"] == cues["metadata"]["duration"]
    assert main(["render-project", str(project_path), "--out", str(tmp_path / "line.csv"), "--format", "arkit"]) == 0
    assert (tmp_path / "line.csv").read_text().startswith("Timecode")


def test_the_cache_is_reused_and_a_range_is_exported(project_path: Path, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    motion, made = DerivedMotion(), []
    compute = core.derived_motion.compute_speech
    monkeypatch.setattr(core.derived_motion, "compute_speech", lambda *a, **k: made.append(a) or compute(*a, **k))
    whole = export_project(_load(project_path), ProjectOutput(tmp_path / "all.json", "json"), motion=motion)
    part = export_project(_load(project_path), ProjectOutput(tmp_path / "part.json", "json", first_frame=5,
                                                             last_frame=9), motion=motion)
    assert len(made) == 1 and part.speech is whole.speech  # S2L ran once for both
    everything = json.loads((tmp_path / "all.json").read_text())
    frames = json.loads((tmp_path / "part.json").read_text())
    assert everything["fps"] == frames["fps"] == 30.0 and len(frames["landmarks68"]) == 5
    assert frames["landmarks68"] == everything["landmarks68"][5:10]


def test_a_cancelled_export_leaves_nothing(project_path: Path, tmp_path: Path) -> None:
    progress = Progress()

    def cancel_at_the_third_frame(stage: str, done: int, _total: int) -> None:
        if stage == "Rendering frames" and done == 3:
            progress.cancel()

    progress.callback = cancel_at_the_third_frame
    with pytest.raises(Cancelled):
        export_project(_load(project_path), ProjectOutput(tmp_path / "frames", "png", size=64), progress)
    assert list(tmp_path.iterdir()) == []
