"""The ``space-studio`` command: no arguments opens the studio, otherwise the CLI."""

from __future__ import annotations

import os
import sys

# mediapipe's C++ core logs informational lines to stderr; users only need our messages.
QUIET_NATIVE_LOGS = {"GLOG_minloglevel": "2", "TF_CPP_MIN_LOG_LEVEL": "2"}


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the studio window or to the command-line subcommands."""
    args = sys.argv[1:] if argv is None else argv
    for name, value in QUIET_NATIVE_LOGS.items():
        os.environ.setdefault(name, value)
    if not args or args[0] in ("studio", "open"):
        from app.studio_main import run_studio  # Qt loads only when the studio opens

        return run_studio(args[1:])
    from core.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
