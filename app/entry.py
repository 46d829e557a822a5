"""The ``space-studio`` command: a subcommand runs the CLI; nothing, or files, open the studio."""

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
    from core.cli import SUBCOMMANDS
    from core.cli import main as cli_main

    if args and (args[0] in SUBCOMMANDS or args[0].startswith("-")):
        return cli_main(args)
    from app.studio_main import run_studio  # Qt loads only when the studio opens

    files = args[1:] if args and args[0] in ("studio", "open") else args
    return run_studio(files)


if __name__ == "__main__":
    sys.exit(main())
