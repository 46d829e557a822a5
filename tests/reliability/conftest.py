"""The bad-input corpus, made by the tests, and the bar every CLI case must meet.

Each end-to-end case runs ``space-studio`` as a user would (a subprocess of
``python -m app.entry``) in a folder holding copies of the bundled sample, and
checks: exit 1, exactly one ``space-studio: error:`` line, no traceback, and the
folder byte-for-byte as it was (inputs unchanged, no output, no leftovers).
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "sample"
MAX_ERROR_LINE = 340  # "space-studio: error: " + a 300-character message + margin


@dataclass(frozen=True)
class CliResult:
    code: int
    stderr: str
    stdout: str


def run_cli(folder: Path, *args: str | Path, timeout: float = 60.0) -> CliResult:
    """``space-studio ARGS`` in ``folder`` (crash logs kept inside the test's temp area)."""
    env = dict(os.environ, OMP_NUM_THREADS="1", SPACE_STUDIO_LOG_DIR=str(folder.parent / "logs"),
               PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "app.entry", *map(str, args)], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=timeout)
    return CliResult(done.returncode, done.stderr, done.stdout)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones included) and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_one_line_error(result: CliResult, *needles: str) -> str:
    """Exit 1, one error line (bounded, naming ``needles``), and no traceback; returns the line."""
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if "error:" in line.lower()]
    assert result.code == 1, result.stderr
    assert len(errors) == 1 and errors[0].startswith("space-studio: error: "), result.stderr
    assert len(errors[0]) <= MAX_ERROR_LINE, errors[0]
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder with copies of the sample portrait, its landmarks and speech."""
    folder = tmp_path / "work"
    shutil.copytree(SAMPLE, folder)
    return folder


def sample_args(*extra: str) -> list[str]:
    """The sample's input flags (relative to ``workdir``)."""
    return ["--image", "portrait.png", "--landmarks", "portrait_landmarks.json", "--audio", "speech.wav", *extra]


def write_bomb_png(path: Path, width: int, height: int, rows: int = 800) -> Path:
    """A valid PNG header declaring width×height over a few rows of zeros (a few KB on disk)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * (1 + 3 * width) * rows, 9)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
    return path


def sample_landmarks() -> dict:
    return json.loads((SAMPLE / "portrait_landmarks.json").read_text())


def write_project(folder: Path, name: str = "p.space.json", text: str | None = None, **fields) -> Path:
    """A project beside the sample media; ``fields`` override the defaults, ``text`` replaces all."""
    data = {"schema_version": 1, "portrait": "portrait.png", "audio": "speech.wav", "fps": 30, "duration": 7.85}
    data.update(fields)
    path = folder / name
    path.write_text(text if text is not None else json.dumps(data))
    return path
