"""Entry script of the frozen application (packaging/space_studio.spec): the same ``main`` as
the ``space-studio`` console script, after multiprocessing's hook for frozen programs (batch
--workers starts spawned worker processes, which re-run this executable)."""

import multiprocessing
import sys

from app.entry import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
