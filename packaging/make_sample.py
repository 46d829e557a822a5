"""Write the bundled sample: a drawn portrait, its landmark JSON and a short speech clip.

Run from anywhere: ``python packaging/make_sample.py``. Outputs go to
``resources/sample/`` (portrait.png, portrait_landmarks.json, speech.wav). The
speech needs ``espeak-ng`` and ``sox`` on the PATH; the audio is 16 kHz mono.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import cv2

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.drawn_face import draw_portrait  # noqa: E402

from core.landmarks.face_landmarks import FaceLandmarks  # noqa: E402

SAMPLE_DIR = REPO / "resources" / "sample"
PORTRAIT_SIZE = 512
# Two clauses with a full stop between them: espeak-ng pauses there.
SENTENCE_1 = "Hello there! Welcome to Space Studio, where pictures learn to talk."
SENTENCE_2 = "Give me a voice, and I will say anything."


def landmarks_json(face: FaceLandmarks) -> dict:
    """The documented ``space-studio-landmarks`` v1 format."""

    def rounded(a) -> list:
        return [[round(float(v), 2) for v in row] for row in a.reshape(-1, 2)]

    return {
        "format": "space-studio-landmarks",
        "version": 1,
        "image_size": list(face.image_size),
        "points68": rounded(face.points68[:, :2]),
        "upper_lids": [rounded(eye) for eye in face.upper_lids],
        "lower_lids": [rounded(eye) for eye in face.lower_lids],
        "iris": rounded(face.iris),
        "iris_radius": [round(float(r), 2) for r in face.iris_radius],
    }


def write_portrait(out_dir: Path) -> None:
    image, face = draw_portrait(PORTRAIT_SIZE)
    cv2.imwrite(str(out_dir / "portrait.png"), cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2BGR))
    (out_dir / "portrait_landmarks.json").write_text(json.dumps(landmarks_json(face)) + "\n")


def write_speech(out_dir: Path) -> None:
    """espeak-ng speech, resampled by sox to 16 kHz mono, with a 0.6 s pause between sentences."""
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed to make the sample speech")
    with tempfile.TemporaryDirectory() as tmp:
        parts = []
        for i, text in enumerate((SENTENCE_1, SENTENCE_2)):
            path = Path(tmp) / f"part{i}.wav"
            subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(path), text], check=True)
            parts.append(str(path))
        silence = ["pad", "0", "0.6"]
        joined = Path(tmp) / "joined.wav"
        subprocess.run(["sox", parts[0], str(joined), *silence], check=True)
        subprocess.run(
            ["sox", str(joined), parts[1], "-r", "16000", "-c", "1", "-b", "16", str(out_dir / "speech.wav")],
            check=True,
        )


def main() -> None:
    SAMPLE_DIR.mkdir(parents=True, exist_ok=True)
    write_portrait(SAMPLE_DIR)
    write_speech(SAMPLE_DIR)
    print(f"sample written to {SAMPLE_DIR}")


if __name__ == "__main__":
    main()
