"""Mouth cues: shapes per frame from phones + openness, cues from shapes, and the
whole path from real (espeak-ng) speech, through the CLI as a user runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from core.audio.phone_net import PHONES
from core.cli import main
from core.errors import OutputError
from core.export.mouth_cues import (
    CueFrames,
    MouthCue,
    cue_at,
    cue_openness,
    cues_for_audio,
    cues_from_shapes,
    frame_shapes,
    shape_set,
    to_shape_set,
)


def frames_of(phones: list[str], openness: list[float], speech: list[bool] | None = None) -> CueFrames:
    one_hot = np.zeros((len(phones), len(PHONES)), np.float32)
    for t, phone in enumerate(phones):
        one_hot[t, PHONES.index(phone)] = 1.0
    speech = speech if speech is not None else [p != "SIL" for p in phones]
    return CueFrames(30.0, len(phones) / 30, np.array(openness), one_hot, np.array(speech))


def test_each_kind_of_sound_gets_rhubarbs_shape() -> None:
    frames = frames_of(["SIL", "M", "AA", "AA", "IY", "F", "UW", "AO", "L", "SIL"],
                       [0.0, 0.0, 0.5, 0.5, 0.1, 0.05, 0.15, 0.3, 0.3, 0.0])
    assert frame_shapes(frames) == ["X", "A", "D", "D", "B", "G", "F", "E", "H", "X"]


def test_lips_shut_in_the_motion_make_a_even_for_an_open_phone() -> None:
    frames = frames_of(["AH", "AH", "AH"], [0.4, 0.0, 0.4])
    assert frame_shapes(frames)[1] == "A"


def test_silence_heard_by_the_voice_detector_is_x_whatever_the_phone() -> None:
    frames = frames_of(["AA", "AA"], [0.5, 0.5], speech=[False, True])
    assert frame_shapes(frames)[0] == "X"


def test_shape_sets_follow_rhubarbs_extended_shapes_option() -> None:
    assert shape_set("GHX") == "ABCDEFGHX"
    assert shape_set("") == "ABCDEF"
    assert shape_set("x") == "ABCDEFX"
    assert [to_shape_set(s, "ABCDEF") for s in "GHX"] == ["B", "C", "A"]  # Rhubarb 1.x basic shapes
    with pytest.raises(OutputError, match="G, H and X"):
        shape_set("GQ")


def test_cues_cover_the_line_contiguously_in_centiseconds() -> None:
    shapes = list("XXXAABBBCCDDDDDXXX") + ["X"] * 5
    cues = cues_from_shapes(shapes, 30.0, 23 / 30 + 0.004)
    assert cues[0].start == 0.0 and cues[-1].end == 0.77  # duration truncated to 0.01 s
    assert all(a.end == b.start for a, b in zip(cues, cues[1:]))
    assert all(a.shape != b.shape for a, b in zip(cues, cues[1:]))
    assert all(round(c.start * 100) == c.start * 100 for c in cues)


def test_one_frame_flicker_is_dropped_but_a_plosive_closure_stays() -> None:
    cues = cues_from_shapes(list("CCCCBCCCCACCCC"), 30.0, 14 / 30)
    assert [c.shape for c in cues] == ["C", "A", "C"]


def test_a_closed_mouth_opens_wide_through_c() -> None:
    cues = cues_from_shapes(list("XXXDDDDDXXX"), 30.0, 11 / 30)
    assert [c.shape for c in cues] == ["X", "C", "D", "X"]


def test_shapes_outside_the_set_become_their_basic_shapes() -> None:
    cues = cues_from_shapes(list("XXGGGHHHXX"), 30.0, 10 / 30, shape_set(""))
    assert {c.shape for c in cues} <= set("ABCDEF")
    assert [c.shape for c in cues] == ["A", "B", "C", "A"]


def test_cue_openness_and_cue_at_read_the_track_back() -> None:
    cues = [MouthCue(0.0, 0.1, "X"), MouthCue(0.1, 0.2, "D"), MouthCue(0.2, 0.3, "A")]
    assert cue_at(cues, np.array([0.0, 0.15, 0.25, 5.0])) == ["X", "D", "A", "A"]
    opening = cue_openness(cues, 30.0, 9)
    assert opening[:3].max() == 0.0 and opening[3:6].min() > 0.5 and opening[6:].max() == 0.0


@pytest.fixture(scope="module")
def spoken_line(tmp_path_factory) -> Path:
    """'Bob, pop a map.' by espeak-ng with half a second of silence each side."""
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        pytest.skip("espeak-ng and sox are needed to synthesise test speech")
    folder = tmp_path_factory.mktemp("cues")
    raw, out = folder / "raw.wav", folder / "line.wav"
    subprocess.run(["espeak-ng", "-w", str(raw), "Bob, pop a map. Wide awake!"], check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", str(out), "pad", "0.5", "0.5"], check=True)
    return out


def test_real_speech_opens_closes_and_rests(spoken_line: Path) -> None:
    cues, duration = cues_for_audio(spoken_line)
    shapes = [c.shape for c in cues]
    assert shapes[0] == "X" and shapes[-1] == "X"  # half a second of silence at both ends
    assert "A" in shapes  # b, p, m close the lips
    assert set(shapes) & set("CDH")  # the vowels open the mouth
    assert cues[-1].end == int(duration * 100) / 100


def test_cli_cues_to_stdout_is_rhubarb_json(spoken_line: Path, capsys) -> None:
    assert main(["cues", "--audio", str(spoken_line), "--format", "json", "--extended-shapes", ""]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["metadata"]["soundFile"] == str(spoken_line.absolute())
    assert {c["value"] for c in document["mouthCues"]} <= set("ABCDEF")


def test_cli_cues_file_by_extension_and_bad_options(spoken_line: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "line.dat"
    assert main(["cues", "--audio", str(spoken_line), "--out", str(out), "--dat-use-preston-blair"]) == 0
    lines = out.read_text().splitlines()
    assert lines[0] == "MohoSwitch1" and lines[-1].endswith(" rest")
    assert main(["cues", "--audio", str(spoken_line), "--extended-shapes", "Q"]) == 1
    assert "G, H and X" in capsys.readouterr().err
    assert main(["cues", "--audio", str(tmp_path / "missing.wav")]) == 1


def test_cli_takes_rhubarbs_own_spellings(spoken_line: Path, tmp_path: Path) -> None:
    out = tmp_path / "rhubarb_style.txt"
    assert main(["cues", "-r", "phonetic", "-f", "tsv", "--extendedShapes", "", "-o", str(out), str(spoken_line)]) == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("0.00\t") and {line.split("\t")[1] for line in lines} <= set("ABCDEF")
    assert main(["cues", "--audio", str(spoken_line), str(spoken_line)]) == 1  # the speech given twice


def test_a_transcript_is_aligned_once_for_s2l_and_the_cues(spoken_line: Path, monkeypatch) -> None:
    from core.audio import phone_recognizer

    aligned: list[list[str]] = []
    real = phone_recognizer._align_words

    def counted(audio, words):  # noqa: ANN001, ANN202 - the real pocketsphinx alignment, counted
        aligned.append(words)
        return real(audio, words)

    monkeypatch.setattr(phone_recognizer, "_align_words", counted)
    cues, _ = cues_for_audio(spoken_line, "Bob, pop a map. Wide awake!")
    assert len(aligned) == 1
    assert "A" in {c.shape for c in cues}  # the aligned b, p, m close the lips
    cues_for_audio(spoken_line, "Bob, pop a map. Wide awake!")
    assert len(aligned) == 2  # a new call aligns afresh
