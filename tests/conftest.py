"""Every test run keeps its per-user writes (detected-face cache, crash logs) in its own
temporary folder, never in the user's real cache; subprocesses inherit the setting."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

# Set at import, before any test module imports core (module-level cache paths read it then).
_RUN_FOLDER = tempfile.mkdtemp(prefix="space-studio-tests-")
atexit.register(shutil.rmtree, _RUN_FOLDER, ignore_errors=True)
os.environ.setdefault("SPACE_STUDIO_CACHE_DIR", os.path.join(_RUN_FOLDER, "cache"))
os.environ.setdefault("SPACE_STUDIO_LOG_DIR", os.path.join(_RUN_FOLDER, "logs"))
