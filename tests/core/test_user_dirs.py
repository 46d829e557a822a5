"""The per-user cache folder: an override for tests and users, else the platform's rule."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from core.user_dirs import user_cache_dir


def test_the_override_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SPACE_STUDIO_CACHE_DIR", str(tmp_path / "mine"))
    assert user_cache_dir() == tmp_path / "mine"


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the XDG cache folder is the Linux/BSD rule")
def test_without_it_the_xdg_cache_holds_our_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SPACE_STUDIO_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert user_cache_dir() == tmp_path / "space-studio"
