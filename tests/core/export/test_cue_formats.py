"""Rhubarb Lip Sync's four formats, checked against the examples in Rhubarb's README
(the 'Hi.' recording) and the layout of its exporters."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from core.errors import OutputError
from core.export.cue_formats import CueDocument, cue_format_of, format_cues, write_cues
from core.export.mouth_cues import MouthCue

HI = [MouthCue(0.0, 0.05, "X"), MouthCue(0.05, 0.27, "D"), MouthCue(0.27, 0.31, "C"),
      MouthCue(0.31, 0.43, "B"), MouthCue(0.43, 0.47, "X")]
SOUND = Path("/tmp/av/hi/hi.wav")


def hi(**kwargs) -> CueDocument:
    return CueDocument(HI, SOUND, 0.4712, "ABCDEFGHX", **kwargs)


def test_tsv_is_rhubarbs_example_line_for_line() -> None:
    assert format_cues(hi(), "tsv") == "0.00\tX\n0.05\tD\n0.27\tC\n0.31\tB\n0.43\tX\n0.47\tX\n"


def test_tsv_closes_with_a_when_x_is_not_in_the_shape_set() -> None:
    cues = [MouthCue(0.0, 0.3, "B"), MouthCue(0.3, 0.5, "A")]
    text = format_cues(CueDocument(cues, SOUND, 0.5, "ABCDEF"), "tsv")
    assert text.splitlines()[-1] == "0.50\tA"


def test_json_has_rhubarbs_fields_and_layout() -> None:
    text = format_cues(hi(), "json")
    document = json.loads(text)
    assert list(document) == ["metadata", "mouthCues"]
    assert document["metadata"] == {"soundFile": str(SOUND), "duration": 0.47}
    assert [list(c) for c in document["mouthCues"]] == [["start", "end", "value"]] * 5
    assert [(c["start"], c["end"], c["value"]) for c in document["mouthCues"]] == [
        (c.start, c.end, c.shape) for c in HI]
    assert '    { "start": 0.05, "end": 0.27, "value": "D" },' in text.splitlines()  # Rhubarb's own line layout
    assert '"start": 0.00' in text  # two decimals always, like Rhubarb


def test_xml_has_rhubarbs_elements_and_attributes() -> None:
    text = format_cues(hi(), "xml")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<rhubarbResult>')
    root = ET.fromstring(text.split("\n", 1)[1])
    assert root.tag == "rhubarbResult"
    assert [child.tag for child in root] == ["metadata", "mouthCues"]
    assert root.findtext("metadata/soundFile") == str(SOUND)
    assert root.findtext("metadata/duration") == "0.47"
    cues = root.findall("mouthCues/mouthCue")
    assert [(c.get("start"), c.get("end"), c.text) for c in cues] == [
        ("0.00", "0.05", "X"), ("0.05", "0.27", "D"), ("0.27", "0.31", "C"), ("0.31", "0.43", "B"),
        ("0.43", "0.47", "X")]


def test_dat_is_moho_switch_data_with_frames_from_one() -> None:
    # Rhubarb: frame = 1 + int(rate * start); repeated frames are skipped; a closed mouth ends it.
    assert format_cues(hi(), "dat") == "MohoSwitch1\n1 X\n2 D\n7 C\n8 B\n11 X\n12 X\n"


def test_dat_preston_blair_names_and_frame_rate() -> None:
    text = format_cues(hi(dat_frame_rate=100.0, dat_preston_blair=True), "dat")
    assert text == "MohoSwitch1\n1 rest\n6 AI\n28 E\n32 etc\n44 rest\n48 rest\n"


@pytest.mark.parametrize("rate", [12.0, 120.0])
def test_dat_refuses_frame_rates_rhubarb_refuses(rate: float) -> None:
    with pytest.raises(OutputError, match="between 24 and 100"):
        format_cues(hi(dat_frame_rate=rate), "dat")


def test_no_cues_writes_one_zero_length_closed_cue_like_rhubarb() -> None:
    document = json.loads(format_cues(CueDocument([], SOUND, 0.0, "ABCDEF"), "json"))
    assert document["mouthCues"] == [{"start": 0.0, "end": 0.0, "value": "A"}]


def test_format_from_extension_defaults_to_tsv() -> None:
    assert cue_format_of(Path("a.json"), None) == "json"
    assert cue_format_of(Path("a.dat"), None) == "dat"
    assert cue_format_of(Path("a.txt"), None) == "tsv"
    assert cue_format_of(None, None) == "tsv"
    assert cue_format_of(Path("a.json"), "xml") == "xml"


def test_write_cues_is_atomic_and_utf8(tmp_path: Path) -> None:
    out = write_cues(tmp_path / "cues.xml", hi(), "xml")
    assert out.read_text(encoding="utf-8") == format_cues(hi(), "xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cues.xml"]
