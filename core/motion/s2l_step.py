"""The per-frame (recurrent) half of S2L in numpy: weights pulled out of the torch module,
and the autoregressive loop that feeds each frame its predecessor.

Per-frame torch dispatch costs ~0.6 ms a step (4× too slow for the 200× real-time
budget) while the arithmetic itself is tiny, so the loop runs on float32 numpy copies.
The loop's state (LSTM h, c and the last frame) is explicit, so a long line can run in
blocks (core.motion.s2l_inference) and give the frames of one pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class StepWeights:
    """Numpy copies of the per-frame (recurrent) part of the network."""

    landmark: list[tuple[np.ndarray, np.ndarray]]
    eye: list[tuple[np.ndarray, np.ndarray]]
    lstm_in: list[np.ndarray]  # per layer: W over [face codes | layer input] + W_hh
    lstm_bias: list[np.ndarray]
    head_w: np.ndarray
    head_b: np.ndarray


def export_step(model) -> StepWeights:
    """Pull the recurrent-path weights out of the torch module as float32 numpy."""
    def linears(seq):
        return [(m.weight.detach().numpy().T.copy(), m.bias.detach().numpy().copy())
                for m in seq if hasattr(m, "weight")]

    lstm, width = model.lstm, model.cfg.width
    ins, biases = [], []
    for k in range(lstm.num_layers):
        w_ih = getattr(lstm, f"weight_ih_l{k}").detach().numpy()
        w_hh = getattr(lstm, f"weight_hh_l{k}").detach().numpy()
        w_in = w_ih[:, width:] if k == 0 else w_ih  # layer 0's audio share is precomputed
        ins.append(np.concatenate([w_in, w_hh], axis=1).T.copy())
        bias = getattr(lstm, f"bias_ih_l{k}") + getattr(lstm, f"bias_hh_l{k}")
        biases.append(np.zeros_like(bias.detach().numpy()) if k == 0 else bias.detach().numpy())
    return StepWeights(linears(model.landmarks), linears(model.eyes), ins, biases,
                        model.head.weight.detach().numpy().T.copy(),
                        model.head.bias.detach().numpy().copy())


def _mlp(x: np.ndarray, layers) -> np.ndarray:
    for w, b in layers:
        x = x @ w + b
        x = np.maximum(x, 0.2 * x)  # leaky ReLU(0.2)
    return x


def _lstm_cell(gates: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # torch gate order i, f, g, o. One sigmoid over all four gates and plain slices:
    # at this size np.split and separate calls cost more than the arithmetic.
    n = len(c)
    s = _sigmoid(gates)
    c = s[n:2 * n] * c + s[:n] * np.tanh(gates[2 * n:3 * n])
    return s[3 * n:] * np.tanh(c), c


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 + 0.5 * np.tanh(0.5 * x)  # tanh form cannot overflow


@dataclass
class LoopState:
    """What the autoregressive loop carries from frame to frame (and block to block)."""

    h: list[np.ndarray]
    c: list[np.ndarray]
    rel: np.ndarray  # the last frame's output, relative to face0 (136)

    @classmethod
    def start(cls, state: tuple[np.ndarray, np.ndarray]) -> LoopState:
        """The learned initial (h, c) per layer, fed face0 itself (zero offset) first."""
        return cls(list(state[0]), list(state[1]), np.zeros(136, np.float32))


def run_loop(w: StepWeights, audio_gates: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
              loop: LoopState, out: np.ndarray) -> LoopState:
    """Autoregressive frames, each fed its predecessor, written to ``out`` (T×136, relative
    to face0); returns the state to continue from."""
    h, c, rel = loop.h, loop.c, loop.rel
    for t in range(len(audio_gates)):
        lm = _mlp(rel, w.landmark) * gamma[t] + beta[t]
        eye = _mlp(rel.reshape(68, 2)[36:48].ravel(), w.eye)
        x = np.concatenate([lm, eye])
        for k in range(len(h)):
            gates = np.concatenate([x, h[k]]) @ w.lstm_in[k] + w.lstm_bias[k]
            if k == 0:
                gates += audio_gates[t]
            h[k], c[k] = _lstm_cell(gates, c[k])
            x = h[k]
        rel = x @ w.head_w + w.head_b
        out[t] = rel
    return LoopState(h, c, rel)
