"""Any exception that escapes a command: one line for the user, the traceback in a log file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from core import cli_commands
from core.cli import EXIT_ERROR, main
from core.crash_log import crash_message, log_folder, write_crash_log


def _raise_bug(args, progress) -> int:
    return {}["a key nobody set"]  # a real programming error, as a user would meet one


def test_an_unexpected_error_is_one_line_naming_its_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SPACE_STUDIO_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr(cli_commands, "landmarks", _raise_bug)
    code = main(["landmarks", "--image", "face.png", "--out", "face.json"])
    stderr = capsys.readouterr().err
    assert code == EXIT_ERROR
    assert stderr.count("\n") == 1 and stderr.startswith("space-studio: error: unexpected KeyError")
    logs = list((tmp_path / "logs").iterdir())
    assert len(logs) == 1 and str(logs[0]) in stderr
    text = logs[0].read_text()
    assert "Traceback" in text and "_raise_bug" in text and "landmarks --image face.png" in text


def test_a_log_folder_that_cannot_be_written_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("")
    monkeypatch.setenv("SPACE_STUDIO_LOG_DIR", str(blocker / "logs"))
    try:
        raise MemoryError()
    except MemoryError as err:
        log = write_crash_log(err)
        message = crash_message(err, log)
    assert log is not None and log.is_file() and blocker not in log.parents
    assert message.startswith("ran out of memory") and "\n" not in message
    log.unlink()


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the XDG cache folder is the Linux/BSD rule")
def test_the_default_log_folder_is_the_users_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SPACE_STUDIO_LOG_DIR", raising=False)
    monkeypatch.delenv("SPACE_STUDIO_CACHE_DIR", raising=False)  # tests/conftest.py sets it
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert log_folder() == tmp_path / "space-studio" / "logs"
