"""Shipped weights are package data found through importlib.resources, with their hash records."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

from core.audio.apc import DEFAULT_WEIGHTS as APC_WEIGHTS
from core.audio.phone_net import DEFAULT_WEIGHTS as PHONE_WEIGHTS
from core.motion.posegen import DEFAULT_PATH as POSEGEN_WEIGHTS
from core.weights_file import recorded_sha256, sha256_of
from core.weights_location import shipped_weights

REPO = Path(__file__).resolve().parents[2]


def test_every_default_weights_file_is_a_shipped_file_with_a_matching_hash_record():
    for path in (APC_WEIGHTS, PHONE_WEIGHTS, POSEGEN_WEIGHTS, shipped_weights("s2l", "s2l_small.pt")):
        assert path.is_file(), path
        assert path.parent.parent == shipped_weights()
        assert recorded_sha256(path) == sha256_of(path)
        assert (path.parent / "MODEL_CARD.md").is_file()


def test_the_wheel_carries_every_shipped_model_file():
    """The package-data globs match each checkpoint, hash record, model card and data file."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["weights"]
    root = shipped_weights()
    shipped = [p.relative_to(root).as_posix() for p in root.glob("*/*") if p.is_file()]
    needed = [p for p in shipped if p.endswith((".pt", ".sha256", "MODEL_CARD.md", ".json"))]
    assert needed, "no shipped weights found"
    for name in needed:
        assert any(fnmatch(name, glob) for glob in globs), name
    assert "weights" in config["tool"]["setuptools"]["packages"]["find"]["include"]
