"""core/ is the engine and never imports Qt: every module imports with Qt made unavailable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CHECK = """
import importlib, pkgutil, sys
for name in ("PySide6", "PyQt5", "PyQt6", "pyqtgraph"):
    sys.modules[name] = None  # any import of Qt now raises ImportError
failed = []
for module in pkgutil.walk_packages(["core"], "core."):
    try:
        importlib.import_module(module.name)
    except ImportError as err:
        failed.append(f"{module.name}: {err}")
print("\\n".join(failed))
"""


def test_core_imports_without_qt() -> None:
    result = subprocess.run([sys.executable, "-c", CHECK], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"core modules that need Qt or fail to import:\n{result.stdout}"


def test_import_contracts_hold() -> None:
    """pyproject's [tool.importlinter]: core never imports app/Qt; the product never imports
    training or evaluation code."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 kept, 0 broken" in result.stdout
