"""`space-studio` routing: subcommands and options go to the CLI, nothing or files open the studio."""

from __future__ import annotations

import pytest

import app.entry as entry


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[str]]]:
    seen: list[tuple[str, list[str]]] = []
    monkeypatch.setattr("core.cli.main", lambda args: seen.append(("cli", list(args))) or 0)
    monkeypatch.setattr("app.studio_main.run_studio", lambda files: seen.append(("studio", list(files))) or 0)
    return seen


@pytest.mark.parametrize(
    "argv, expected",
    [
        ([], ("studio", [])),
        (["portrait.png", "line.wav"], ("studio", ["portrait.png", "line.wav"])),
        (["open", "scene.space.json"], ("studio", ["scene.space.json"])),
        (["render", "--image", "a.png"], ("cli", ["render", "--image", "a.png"])),
        (["--help"], ("cli", ["--help"])),
    ],
)
def test_routing(calls: list, argv: list[str], expected: tuple[str, list[str]]) -> None:
    assert entry.main(argv) == 0
    assert calls == [expected]
