"""The numpy mel filterbank and DCT equal librosa's and scipy's (they replaced them to
save ~1 s of start-up), so MFCCs — and every model trained on them — are unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.fft import dct

from core.audio.features import N_FFT, N_MELS, N_MFCC, _dct_matrix, _mel_matrix


@pytest.mark.parametrize("sample_rate", [16000, 22050, 44100])
def test_mel_matrix_is_librosas(sample_rate: int) -> None:
    librosa = pytest.importorskip("librosa")
    expected = librosa.filters.mel(sr=sample_rate, n_fft=N_FFT, n_mels=N_MELS).T.astype(np.float32)
    assert _mel_matrix(sample_rate).shape == expected.shape
    np.testing.assert_allclose(_mel_matrix(sample_rate), expected, rtol=1e-6, atol=1e-9)


def test_dct_matrix_is_scipys_orthonormal_dct2() -> None:
    expected = dct(np.eye(N_MELS), type=2, norm="ortho", axis=0)[:, :N_MFCC].astype(np.float32)
    np.testing.assert_allclose(_dct_matrix(), expected, rtol=1e-6, atol=1e-7)
