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
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.audio.audio_io import Audio
from core.audio.phone_net import PHONES
from core.errors import TranscriptError

LABEL_FPS = 100.0  # pocketsphinx's frame rate (10 ms)
PHONE_INDEX = {p: i for i, p in enumerate(PHONES)}
DITHER = 3e-3  # ≈ −50 dBFS of white noise, the floor of a quiet room recording
# The decoders are shared singletons and pocketsphinx is not thread-safe: the studio's lip
# thread and its mouth-shape lane thread aligning at once crashed the process (SIGSEGV).
_DECODER_LOCK = threading.Lock()


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


def _with_fresh_features(decoder):  # noqa: ANN001, ANN202
    """Reset the decoder's feature state: pocketsphinx adapts its cepstral mean and noise
    estimate across utterances, so the same line got other phones the second time a
    process heard it (13 of 787 labels) and a batch's lips depended on its row order."""
    decoder.reinit_feat()
    return decoder


def _pcm(audio: Audio) -> bytes:
    # Dither: stretches of digital zeros (synthetic speech, edited lines) derail the
    # recognizer's noise tracking, and it then calls the following speech silence.
    dither = np.random.default_rng(0).normal(0.0, DITHER, len(audio.samples))
    return (np.clip(audio.samples + dither, -1, 1) * 32767).astype("<i2").tobytes()


def _empty_labels(audio: Audio) -> np.ndarray:
    return np.zeros(int(np.ceil(audio.duration * LABEL_FPS)) + 1, np.int64)


def recognize_phones(audio: Audio) -> np.ndarray:
    """One phone index per 10 ms of 16 kHz ``audio`` by phone-loop decoding; silence and noise are 0."""
    pcm = _pcm(audio)
    labels = _empty_labels(audio)
    with _DECODER_LOCK:
        decoder = _with_fresh_features(_phone_loop_decoder())
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        segments = [(seg.start_frame, seg.end_frame, seg.word) for seg in decoder.seg()]
    for start, end, phone in segments:
        labels[start: end + 1] = PHONE_INDEX.get(phone, 0)
    return labels


def transcript_words(text: str) -> list[str]:
    """Lower-case words of a transcript; punctuation other than apostrophes is dropped."""
    return re.findall(r"[a-z']+", text.lower().replace("’", "'"))


@dataclass(frozen=True)
class AlignedWord:
    """One transcript word and where it is said (seconds)."""

    word: str
    start: float
    end: float


def align_phones(audio: Audio, text: str) -> np.ndarray:
    """One phone index per 10 ms, forced-aligned to ``text`` (English words).

    Raises TranscriptError naming the words the pronunciation dictionary lacks,
    or when the text cannot be aligned to the audio."""
    return align_transcript(audio, text)[0]


def align_transcript(audio: Audio, text: str) -> tuple[np.ndarray, tuple[AlignedWord, ...]]:
    """``align_phones``' labels and the words' times from the same alignment (the
    studio's mouth-shape lane writes the words under the phones)."""
    digits = sorted(set(re.findall(r"\d+", text)))
    if digits:
        raise TranscriptError("Write numbers in the transcript as words, as they are spoken: " + ", ".join(digits))
    words = transcript_words(text)
    if not words:
        raise TranscriptError("The transcript has no words to align.")
    with _DECODER_LOCK:
        alignment = _align_words(audio, words)
    labels = _empty_labels(audio)
    aligned = []
    for word, phones in alignment:
        for name, start, duration in phones:
            labels[start: start + duration] = PHONE_INDEX.get(name, 0)
        name = re.sub(r"\(\d+\)$", "", word[0])  # "read(2)": the dictionary's second pronunciation
        if not name.startswith("<") and word[2] > 0:  # <sil>, <s>: pauses, not words
            aligned.append(AlignedWord(name, word[1] / LABEL_FPS, (word[1] + word[2]) / LABEL_FPS))
    return labels, tuple(aligned)


def _align_words(audio: Audio, words: list[str]) -> list[tuple[tuple[str, int, int], list[tuple[str, int, int]]]]:
    """The aligner's words and their phones as plain (name, start, duration) tuples in
    10 ms frames (call under _DECODER_LOCK: the alignment object lives in the decoder)."""
    aligner = _with_fresh_features(_aligner())
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
    return [((word.name, word.start, word.duration), [(phone.name, phone.start, phone.duration) for phone in word])
            for word in alignment]


def one_hot_frames(labels_100: np.ndarray, fps: float, n_frames: int) -> np.ndarray:
    """n_frames × len(PHONES) one-hot rows: the phone at the centre of each video frame."""
    idx = np.round((np.arange(n_frames) + 0.5) / fps * LABEL_FPS).astype(int)
    picked = labels_100[np.minimum(idx, len(labels_100) - 1)] if len(labels_100) else np.zeros(n_frames, int)
    out = np.zeros((n_frames, len(PHONES)), np.float32)
    out[np.arange(n_frames), picked] = 1.0
    return out
