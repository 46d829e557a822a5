"""The one-folder application's recipe (packaging/space_studio.spec) lists what exists.

Building the application takes minutes (packaging/build_app.sh, then smoke_app.sh), so the
test suite only reads the recipe: a data folder renamed or added, a weights pattern that
drifts from the wheel's, or a hook whose patterns miss the face mesh graph fails here.
"""

from __future__ import annotations

import ast
import fnmatch
import tomllib
from importlib.util import find_spec
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "packaging" / "space_studio.spec"
HOOKS = REPO / "packaging" / "pyinstaller_hooks"


def literal_constants(path: Path) -> dict[str, object]:
    """Module-level ``NAME = <literal>`` assignments of a Python file, without running it."""
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue  # computed at build time (paths from SPECPATH ...)
    return found


@pytest.fixture(scope="module")
def spec() -> dict[str, object]:
    return literal_constants(SPEC)


def test_data_and_user_folders_exist_and_hold_files(spec: dict[str, object]) -> None:
    for folder in (*spec["DATA_FOLDERS"], *spec["USER_FOLDERS"]):
        files = [p for p in (REPO / folder).rglob("*") if p.is_file()]
        assert files, f"the spec bundles {folder}/, which is missing or empty"


def test_every_resources_folder_is_bundled(spec: dict[str, object]) -> None:
    present = {f"resources/{p.name}" for p in (REPO / "resources").iterdir() if p.is_dir()}
    assert present <= set(spec["USER_FOLDERS"]), f"not in the application: {present - set(spec['USER_FOLDERS'])}"


def test_weights_patterns_match_the_wheels_and_catch_every_checkpoint(spec: dict[str, object]) -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    wheel_patterns = pyproject["tool"]["setuptools"]["package-data"]["weights"]
    assert list(spec["WEIGHTS_PATTERNS"]) == wheel_patterns
    weights = REPO / "weights"
    checkpoints = [p.relative_to(weights).as_posix() for p in weights.glob("*/*.pt")]
    assert checkpoints, "no shipped checkpoints found under weights/"
    for name in checkpoints + [f"{c}.sha256" for c in checkpoints]:
        assert any(fnmatch.fnmatch(name, pattern) for pattern in spec["WEIGHTS_PATTERNS"]), name


def test_the_two_executables_differ_beyond_case(spec: dict[str, object]) -> None:
    # Windows and macOS file systems ignore case: SPACE-Studio and space-studio would clash.
    assert spec["APP_NAME"].lower() != spec["CLI_NAME"].lower()


def test_the_entry_script_and_hooks_the_spec_names_exist() -> None:
    text = SPEC.read_text(encoding="utf-8")
    assert '"app_main.py"' in text and (REPO / "packaging" / "app_main.py").is_file()
    assert '"pyinstaller_hooks"' in text
    hooks = {p.name for p in HOOKS.glob("hook-*.py")}
    assert {"hook-mediapipe.py", "hook-pocketsphinx.py", "hook-moderngl.py"} <= hooks


def test_mediapipe_hook_collects_the_face_mesh_graph() -> None:
    if find_spec("mediapipe") is None:
        pytest.skip("mediapipe is not installed")
    patterns = literal_constants(HOOKS / "hook-mediapipe.py")["MEDIAPIPE_DATA"]
    package = Path(find_spec("mediapipe").origin).parent
    graph = package / "modules" / "face_landmark" / "face_landmark_front_cpu.binarypb"
    assert graph.is_file(), "mediapipe no longer ships the face mesh graph the detector runs"
    for needed in (graph, *package.joinpath("modules", "face_landmark").glob("*.tflite")):
        relative = needed.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), relative
