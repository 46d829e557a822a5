"""Where the shipped model weights are: the installed ``weights`` package's data.

``shipped_weights("s2l", "s2l_small.pt")`` is the path of a shipped file, found through
importlib.resources, so it is the same in a source checkout, an editable install and
a wheel installed anywhere. Nothing is downloaded: a missing file is reported by the
loader that needs it (core.weights_file), naming the command that trains it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

WEIGHTS_PACKAGE = "weights"


# Speech-to-landmarks weights a user can name (``--model NAME``): the shipped default, and the
# same recipe trained only on clips whose licence allows commercial use (weights/s2l_commercial).
S2L_WEIGHTS = {"shipped": ("s2l", "s2l_small.pt"), "commercial": ("s2l_commercial", "s2l_small.pt")}
S2L_MODEL_HELP = ("speech-to-landmarks weights: shipped (default), commercial (trained only on clips "
                  "cleared for commercial use) or a .pt file")


def s2l_weights(name_or_path: str) -> Path:
    """The S2L weights ``--model`` names: a name of S2L_WEIGHTS, or a weights file's path."""
    parts = S2L_WEIGHTS.get(name_or_path)
    return shipped_weights(*parts) if parts else Path(name_or_path)


def shipped_weights(*parts: str) -> Path:
    """Path of ``weights/<parts...>`` inside the installed package (need not exist yet)."""
    root = resources.files(WEIGHTS_PACKAGE)
    # Wheels and editable installs put package data on disk; a zipped install cannot
    # hand torch.load or the hash check a path.
    if not isinstance(root, Path):
        raise RuntimeError(f"the {WEIGHTS_PACKAGE} package is not installed as files on disk: {root}")
    return root.joinpath(*parts)
