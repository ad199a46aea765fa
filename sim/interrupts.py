"""Ctrl-C, ``kill`` and a background job's ignored SIGINT, as one interruption.

The many-run commands (through :func:`sim.runner.execute`) and the game's agent
runs stop the same way: finished work is kept and the command says so.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM, and a SIGINT we were told to ignore, like Ctrl-C while runs execute.

    Without it, ``kill PID`` (or a job scheduler's stop) ends a batch process
    at once and leaves its pool workers behind, and a game's agent run stops
    without its message. A process started with SIGINT
    ignored (any background job of a non-interactive shell, e.g. ``make test &``
    in a script) would otherwise ignore Ctrl-C and run to the end. Only in the
    main thread, and only for signals nobody else has claimed.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):  # noqa: ARG001 - signal handler signature
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise KeyboardInterrupt(f"terminated (signal {signum})")

    claimed = {}
    for signum, unclaimed in ((signal.SIGTERM, signal.SIG_DFL), (signal.SIGINT, signal.SIG_IGN)):
        if signal.getsignal(signum) is unclaimed:
            claimed[signum] = unclaimed
            signal.signal(signum, interrupt)
    try:
        yield
    finally:
        for signum, previous in claimed.items():
            signal.signal(signum, previous)
