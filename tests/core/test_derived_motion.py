"""core.derived_motion: results are found only for the inputs that made them."""

from __future__ import annotations

import os
import wave
from dataclasses import replace
from pathlib import Path

import numpy as np

from core.audio.audio_io import load_audio
from core.derived_motion import DerivedMotion, FileStamp, canonical_face, face_digest, pose_key, speech_key
from core.landmarks.landmark_json import load_landmarks
from core.pipeline import SpeechMotion
from core.pose_source import PoseSource

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample"


def _tone(path: Path, seconds: float, pitch: float = 220.0) -> Path:
    t = np.arange(int(16000 * seconds)) / 16000
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes((0.3 * np.sin(2 * np.pi * pitch * t) * 32767).astype("<i2").tobytes())
    return path


def _face():  # noqa: ANN202
    return load_landmarks(SAMPLE / "portrait_landmarks.json")


def _speech(path: Path, fps: float = 30.0) -> SpeechMotion:
    audio = load_audio(path)
    frames = int(np.ceil(audio.duration * fps))
    return SpeechMotion(audio, fps, np.zeros((frames, 40), np.float32), np.zeros((frames, 68, 2), np.float32))


def test_the_speech_key_names_every_input(tmp_path: Path) -> None:
    audio, face = _tone(tmp_path / "a.wav", 1.0), _face()
    key = speech_key(audio, face, 30.0, " hello ")
    assert key == speech_key(audio, face, 30.0, "hello")  # the same inputs, the same key
    assert key.transcript == "hello" and len(key.model) in (0, 64)
    moved = replace(face, points68=face.points68 + np.float32(0.5))
    others = [speech_key(audio, face, 25.0, "hello"), speech_key(audio, face, 30.0, ""),
              speech_key(audio, moved, 30.0, "hello"), speech_key(_tone(tmp_path / "b.wav", 1.0), face, 30.0, "hello")]
    assert all(other != key for other in others)
    _tone(audio, 1.5)  # the same file recorded again
    os.utime(audio, ns=(1, 1))
    assert speech_key(audio, face, 30.0, "hello") != key


def test_a_face_is_keyed_and_computed_as_a_saved_project_holds_it() -> None:
    face = _face()
    canonical = canonical_face(face)
    assert face_digest(canonical) == face_digest(face) and face_digest(canonical_face(canonical)) == face_digest(face)
    assert np.array_equal(canonical.points68, face.points68)


def test_results_are_found_only_under_their_key(tmp_path: Path) -> None:
    motion, face = DerivedMotion(), _face()
    a, b = _tone(tmp_path / "a.wav", 1.0), _tone(tmp_path / "b.wav", 2.0, 330.0)
    key_a, key_b = speech_key(a, face, 30.0), speech_key(b, face, 30.0)
    speech_a = _speech(a)
    motion.speech.put(key_a, speech_a)
    assert motion.speech.get(key_a) is speech_a and motion.speech.get(key_b) is None
    # A preview may show A's motion made for another transcript, never for other audio.
    assert motion.latest_speech(speech_key(a, face, 30.0, "words").audio, 30.0)[1] is speech_a
    assert motion.latest_speech(key_b.audio, 30.0) is None and motion.latest_speech(key_a.audio, 25.0) is None
    motion.forget_other_audio(FileStamp.of(b))
    assert motion.speech.get(key_a) is None


def test_pose_keys_and_the_speech_features_posegen_hears(tmp_path: Path) -> None:
    audio, motion = _tone(tmp_path / "a.wav", 1.0), DerivedMotion()
    still = pose_key(PoseSource("still"), audio, 30.0, 30)
    assert still in motion.poses and motion.pose_for(still) is None  # a still head needs nothing
    generated = pose_key(PoseSource("generated", seed=1), audio, 30.0, 30)
    assert generated != pose_key(PoseSource("generated", seed=2), audio, 30.0, 30)
    assert generated != pose_key(PoseSource("generated", seed=1), _tone(tmp_path / "b.wav", 1.0), 30.0, 30)
    assert generated.audio_path == os.path.realpath(audio) and generated not in motion.poses
    motion.poses.put(generated, np.ones((30, 6)))
    assert np.array_equal(motion.pose_for(generated), np.ones((30, 6)))
    motion.forget_other_audio(FileStamp.of(tmp_path / "b.wav"))
    assert generated not in motion.poses
