"""Phones with timestamps from pocketsphinx's English acoustic model (offline, bundled).

Two uses:
- ``recognize_phones``: a phone loop with no words (any language gets the nearest
  English phones); the teacher PhoneNet is distilled from (core.training.phone_labels);
- ``align_phones``: forced alignment of a known transcript, which gives exact phone
  timing: what S2L hears instead of PhoneNet's guesses when the user supplies the
  line's text (``--transcript``; Rhubarb's users ask for exactly this).

Both return one phone index (core.audio.phone_net.PHONES) per 10 ms.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.audio.audio_io import Audio
from core.audio.phone_net import PHONES
from core.errors import TranscriptError

LABEL_FPS = 100.0  # pocketsphinx's frame rate (10 ms)
PHONE_INDEX = {p: i for i, p in enumerate(PHONES)}
DITHER = 3e-3  # ≈ −50 dBFS of white noise, the floor of a quiet room recording


def _model_dir() -> Path:
    from pocketsphinx import get_model_path

    return Path(get_model_path()) / "en-us"


@lru_cache(maxsize=1)
def _phone_loop_decoder():
    from pocketsphinx import Decoder

    model = _model_dir()
    return Decoder(hmm=str(model / "en-us"), allphone=str(model / "en-us-phone.lm.bin"), loglevel="FATAL")


@lru_cache(maxsize=1)
def _aligner():
    from pocketsphinx import Decoder

    model = _model_dir()
    return Decoder(hmm=str(model / "en-us"), dict=str(model / "cmudict-en-us.dict"), lm=None, loglevel="FATAL")


def _pcm(audio: Audio) -> bytes:
    # Dither: stretches of digital zeros (synthetic speech, edited lines) derail the
    # recognizer's noise tracking, and it then calls the following speech silence.
    dither = np.random.default_rng(0).normal(0.0, DITHER, len(audio.samples))
    return (np.clip(audio.samples + dither, -1, 1) * 32767).astype("<i2").tobytes()


def _empty_labels(audio: Audio) -> np.ndarray:
    return np.zeros(int(np.ceil(audio.duration * LABEL_FPS)) + 1, np.int64)


def recognize_phones(audio: Audio) -> np.ndarray:
    """One phone index per 10 ms of 16 kHz ``audio`` by phone-loop decoding; silence and noise are 0."""
    decoder = _phone_loop_decoder()
    decoder.start_utt()
    decoder.process_raw(_pcm(audio), full_utt=True)
    decoder.end_utt()
    labels = _empty_labels(audio)
    for seg in decoder.seg():
        labels[seg.start_frame: seg.end_frame + 1] = PHONE_INDEX.get(seg.word, 0)
    return labels


def transcript_words(text: str) -> list[str]:
    """Lower-case words of a transcript; punctuation other than apostrophes is dropped."""
    return re.findall(r"[a-z']+", text.lower().replace("’", "'"))


def align_phones(audio: Audio, text: str) -> np.ndarray:
    """One phone index per 10 ms, forced-aligned to ``text`` (English words).

    Raises TranscriptError naming the words the pronunciation dictionary lacks,
    or when the text cannot be aligned to the audio."""
    digits = sorted(set(re.findall(r"\d+", text)))
    if digits:
        raise TranscriptError("Write numbers in the transcript as words, as they are spoken: " + ", ".join(digits))
    words = transcript_words(text)
    if not words:
        raise TranscriptError("The transcript has no words to align.")
    aligner = _aligner()
    unknown = sorted({w for w in words if aligner.lookup_word(w) is None})
    if unknown:
        raise TranscriptError("Words not in the English pronunciation dictionary: " + ", ".join(unknown)
                              + " (spell them as they sound, or leave out --transcript)")
    pcm = _pcm(audio)
    try:
        aligner.set_align_text(" ".join(words))
        for second_pass in (False, True):  # words first, then phones inside them
            if second_pass:
                aligner.set_alignment()
            aligner.start_utt()
            aligner.process_raw(pcm, full_utt=True)
            aligner.end_utt()
        alignment = aligner.get_alignment()
    except RuntimeError as err:
        raise TranscriptError(f"The transcript could not be aligned to the speech: {err}") from err
    if alignment is None:
        raise TranscriptError("The transcript could not be aligned to the speech (does it match the audio?).")
    labels = _empty_labels(audio)
    for word in alignment:
        for phone in word:
            labels[phone.start: phone.start + phone.duration] = PHONE_INDEX.get(phone.name, 0)
    return labels


def one_hot_frames(labels_100: np.ndarray, fps: float, n_frames: int) -> np.ndarray:
    """n_frames × len(PHONES) one-hot rows: the phone at the centre of each video frame."""
    idx = np.round((np.arange(n_frames) + 0.5) / fps * LABEL_FPS).astype(int)
    picked = labels_100[np.minimum(idx, len(labels_100) - 1)] if len(labels_100) else np.zeros(n_frames, int)
    out = np.zeros((n_frames, len(PHONES)), np.float32)
    out[np.arange(n_frames), picked] = 1.0
    return out
