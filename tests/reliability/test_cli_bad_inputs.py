"""Issue 16's corpus through the real CLI: one line, exit 1, no traceback, nothing changed or left."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.reliability.conftest import (
    assert_one_line_error,
    run_cli,
    sample_args,
    sample_landmarks,
    snapshot,
    write_bomb_png,
    write_project,
)

REPO = Path(__file__).resolve().parents[2]
Setup = Callable[[Path], list[str]]
CASE_TIMEOUT_S = 30.0


def _hard_link_to_audio(folder: Path) -> list[str]:
    os.link(folder / "speech.wav", folder / "take2.wav")
    return ["render", *sample_args("--out", "take2.wav", "--format", "mp4")]


def _bomb(folder: Path) -> list[str]:
    write_bomb_png(folder / "bomb.png", 20000, 20000)
    assert (folder / "bomb.png").stat().st_size < 64_000
    return ["motion", "--image", "bomb.png", "--landmarks", "portrait_landmarks.json", "--audio", "speech.wav",
            "--out", "motion.json"]


def _project(text: str | None = None, **fields) -> Setup:
    def setup(folder: Path) -> list[str]:
        write_project(folder, text=text, **fields)
        return ["render-project", "p.space.json", "--out", "video.mp4"]
    return setup


def _landmarks(edit: Callable[[dict], None] | None = None, text: Callable[[str], str] | None = None) -> Setup:
    def setup(folder: Path) -> list[str]:
        data = sample_landmarks()
        if edit is not None:
            edit(data)
        body = json.dumps(data)
        (folder / "bad_landmarks.json").write_text(text(body) if text else body)
        return ["motion", "--image", "portrait.png", "--landmarks", "bad_landmarks.json", "--audio", "speech.wav",
                "--out", "motion.json"]
    return setup


def _truncated_checkpoint(folder: Path) -> list[str]:
    from core.weights_file import write_sha256_sidecar

    shipped = (REPO / "weights" / "s2l" / "s2l_small.pt").read_bytes()
    (folder / "s2l.pt").write_bytes(shipped[: len(shipped) // 3])
    write_sha256_sidecar(folder / "s2l.pt")  # the checksum matches: only loading can tell
    return ["motion", *sample_args("--model", "s2l.pt", "--out", "motion.json")]


def _media_outside(folder: Path) -> list[str]:
    (folder / "shared").mkdir()
    write_project(folder / "shared", portrait="../portrait.png", audio="../speech.wav")
    return ["render-project", "shared/p.space.json", "--out", "video.mp4"]


CORPUS: dict[str, tuple[Setup, tuple[str, ...]]] = {
    "motion --out is the portrait": (lambda f: ["motion", *sample_args("--out", "portrait.png")], ("is the input",)),
    "render --out is the speech": (lambda f: ["render", *sample_args("--out", "speech.wav", "--format", "mp4")],
                                   ("is the input",)),
    "render --out is a hard link to the speech": (_hard_link_to_audio, ("is the input",)),
    "48 KB PNG declaring 20000x20000": (_bomb, ("400 MP", "limit is 40 MP")),
    "project fps 1e9": (_project(fps=1e9), ("fps must be in [1, 240]",)),
    "project fps 1e400": (_project(text='{"schema_version": 1, "fps": 1e400}'), ("too large",)),
    "project negative duration": (_project(duration=-5), ("duration must be in",)),
    "project NaN fps": (_project(text='{"schema_version": 1, "fps": NaN}'), ("NaN",)),
    "project nested 200000 deep": (_project(text="[" * 200_000 + "]" * 200_000), ("nested",)),
    "project with a million unknown emotions": (
        _project(settings={"emotion_defaults": {f"e{i}": 0 for i in range(1_000_000)}}), ("unknown emotion",)),
    "landmarks with a 5000-digit number": (_landmarks(text=lambda t: t.replace('"version": 1', '"version": ' + "7" * 5000)),
                                           ("5000 digits",)),
    "landmarks with a 400-digit coordinate": (
        _landmarks(lambda d: d["points68"][0].__setitem__(0, 12345.25),
                   lambda t: t.replace("12345.25", "9" * 400 + ".5")), ("too large",)),
    "landmarks all 68 points identical": (_landmarks(lambda d: d.__setitem__("points68", [[100, 100]] * 68)),
                                          ("jaw ends 0 and 16",)),
    "landmarks pose.yaw 1e308": (_landmarks(lambda d: d.__setitem__("pose", {"yaw": 1e308})), ("pose.yaw",)),
    "truncated checkpoint with a matching checksum": (_truncated_checkpoint, ("cannot be read",)),
    "project media outside its folder": (_media_outside, ("outside its folder", "--allow-outside-media")),
    "evaluate --report is the video": (lambda f: ["evaluate", "speech.wav", "--report", "speech.wav"],
                                       ("is the input",)),
}


@pytest.mark.parametrize("case", list(CORPUS))
def test_bad_input_gives_one_line_and_changes_nothing(workdir: Path, case: str) -> None:
    setup, needles = CORPUS[case]
    args = setup(workdir)
    before = snapshot(workdir)
    result = run_cli(workdir, *args, timeout=CASE_TIMEOUT_S)
    line = assert_one_line_error(result, *needles)
    assert "weights_only" not in line
    assert snapshot(workdir) == before  # inputs byte-identical, no output, no leftovers


def test_outside_media_render_when_the_user_allows_it(workdir: Path) -> None:
    _media_outside(workdir)
    result = run_cli(workdir, "render-project", "shared/p.space.json", "--out", "motion.json",
                     "--allow-outside-media", timeout=120)
    assert result.code == 0, result.stderr
    assert len(json.loads((workdir / "motion.json").read_text())["landmarks68"]) == 236


def test_read_only_output_folder_is_reported_before_inference(workdir: Path, tmp_path: Path) -> None:
    out_folder = tmp_path / "read_only"
    out_folder.mkdir()
    with _read_only(out_folder):
        result = run_cli(workdir, "motion", *sample_args("--out", str(out_folder / "motion.json")),
                         timeout=CASE_TIMEOUT_S)
    assert_one_line_error(result, "cannot write to the output folder")
    assert "Predicting lip motion" not in result.stderr and "Finding the face" not in result.stderr
    assert list(out_folder.iterdir()) == []


class _read_only:
    """``folder`` read-only for this process: chmod for users, a read-only tmpfs for root."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.mounted = folder, False

    def __enter__(self) -> Path:
        if os.geteuid() != 0:
            self.folder.chmod(0o555)
            return self.folder
        import subprocess

        if shutil.which("mount") is None or subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(self.folder)], capture_output=True).returncode:
            pytest.skip("running as root without a way to make a read-only folder")
        self.mounted = True
        return self.folder

    def __exit__(self, *exc: object) -> None:
        if self.mounted:
            import subprocess

            subprocess.run(["umount", str(self.folder)], check=True)
        else:
            self.folder.chmod(0o755)
