"""The project's render settings (schema 3): file round trip, v2 migration, media checks,
undo, and how ``render-project``'s command line overrides them."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from core.animation.commands import SetRenderSettings
from core.animation.project import Project, RenderSettings
from core.animation.project_file import MediaOutsideProjectError, load_project, media_paths, save_project
from core.animation.project_schema import SCHEMA_VERSION
from core.cli_commands import with_project_render
from core.errors import ProjectFileError

FIXTURES = Path(__file__).parent / "fixtures"
MOUTH_SET = Path(__file__).resolve().parents[3] / "resources" / "mouth_sets" / "basic"


def test_a_v2_project_migrates_to_the_default_render_settings(tmp_path: Path) -> None:
    project = load_project(FIXTURES / "project_v2.json", allow_outside_media=True)
    assert project.render == RenderSettings("auto", None, None)
    assert len(project.tracks.mouth_shapes.blocks) == 2  # the rest of v2 is untouched
    save_project(project, tmp_path / "p.json")
    data = json.loads((tmp_path / "p.json").read_text())
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["render"] == {"renderer": "auto", "mouth_set": None, "background": None}


def test_render_settings_round_trip_with_relative_media(tmp_path: Path) -> None:
    shutil.copytree(MOUTH_SET, tmp_path / "mouths")
    (tmp_path / "sky.png").write_bytes(b"")
    project = Project(fps=30, duration=1.0)
    project.undo_stack.push(SetRenderSettings(project, RenderSettings("drawn", tmp_path / "mouths", tmp_path / "sky.png")))
    save_project(project, tmp_path / "p.json")
    data = json.loads((tmp_path / "p.json").read_text())
    assert data["render"] == {"renderer": "drawn", "mouth_set": "mouths", "background": "sky.png"}
    again = load_project(tmp_path / "p.json")
    assert again.render == RenderSettings("drawn", (tmp_path / "mouths").resolve(), (tmp_path / "sky.png").resolve())
    assert (tmp_path / "mouths").resolve() in media_paths(again)
    project.undo_stack.undo()
    assert project.render == RenderSettings()
    project.undo_stack.redo()
    assert project.render.renderer == "drawn"


def test_a_colour_background_stays_a_colour(tmp_path: Path) -> None:
    project = Project(fps=30, duration=1.0, render=RenderSettings("warp", None, "#a0b0c0"))
    save_project(project, tmp_path / "p.json")
    assert load_project(tmp_path / "p.json").render == RenderSettings("warp", None, "#a0b0c0")


def test_a_mouth_set_outside_the_project_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    path = tmp_path / "project" / "p.json"
    save_project(Project(fps=30, duration=1.0, render=RenderSettings("drawn", MOUTH_SET)), path)
    with pytest.raises(MediaOutsideProjectError, match="outside its folder") as caught:
        load_project(path)
    assert caught.value.paths == (MOUTH_SET.resolve(),)
    assert load_project(path, allow_outside_media=True).render.mouth_set == MOUTH_SET.resolve()


@pytest.mark.parametrize(("render", "message"), [
    ({"renderer": "oil paint"}, "render.renderer must be one of"),
    ({"background": 7}, "render.background must be text"),
    ([], "render must be an object"),
])
def test_bad_render_settings_are_named(tmp_path: Path, render: object, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"schema_version": 3, "fps": 30, "render": render}))
    with pytest.raises(ProjectFileError, match=message):
        load_project(path)


def _args(**given: object) -> argparse.Namespace:
    return argparse.Namespace(**{"renderer": None, "mouth_set": None, "background": None, **given})


def test_render_project_uses_the_project_unless_the_command_line_says_otherwise(tmp_path: Path) -> None:
    project = Project(fps=30, duration=1.0, render=RenderSettings("drawn", tmp_path / "mouths", "#102030"))
    args = with_project_render(_args(), project)
    assert (args.renderer, args.mouth_set, args.background) == ("drawn", tmp_path / "mouths", "#102030")
    # --renderer warp: the project's mouth set is not drawn (the warp draws no sprites), its background stays.
    args = with_project_render(_args(renderer="warp"), project)
    assert (args.renderer, args.mouth_set, args.background) == ("warp", None, "#102030")
    args = with_project_render(_args(background="white", mouth_set=Path("other")), project)
    assert (args.renderer, args.mouth_set, args.background) == ("drawn", Path("other"), "white")
    # A mouth set given to a warp project turns it to the drawn style, which draws it.
    warp_project = Project(fps=30, duration=1.0, render=RenderSettings("warp"))
    assert with_project_render(_args(mouth_set=Path("m")), warp_project).renderer == "drawn"
