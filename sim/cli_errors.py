"""How the many-run commands report a failure: one wording for every command.

``run``, ``sweep``, ``robustness``, ``discover``, ``optimize`` and ``calibrate``
all run through the same executors and store, so they fail the same ways; the
message names the option at fault and, when work was cut off, says that the
finished runs are kept and how to resume.
"""

from __future__ import annotations

import argparse
import sys

KEPT_RUNS = "finished runs are kept on disk and the cut-off ones are pending"


def fail(message: str) -> int:
    """Print ``error: message`` on stderr; return the exit status of bad input (2)."""
    print(f"error: {message}", file=sys.stderr)
    return 2


def run_failure_types() -> tuple[type[BaseException], ...]:
    """The failures :func:`run_failure` words: a lost or unusable executor, a mismatched store.

    A function, so that a command's parser can be built without importing the runner.
    """
    from sim.runner import ExecutorLostError
    from sim.store import StoreMismatchError
    from sim.sweep.executors import ExecutorError

    return ExecutorLostError, ExecutorError, StoreMismatchError


def run_failure(err: BaseException, args: argparse.Namespace, *,
                kept: str = KEPT_RUNS) -> str:
    """The message for an executor or store failure (any other error: its own text).

    Args:
        err: the exception a many-run command caught.
        args: the command's options (to name ``--jobs``, ``--dask-scheduler`` or ``--dask-local``).
        kept: what survived a lost executor, for the resume hint.

    Example::

        except run_failure_types() as err:
            return fail(run_failure(err, args))
    """
    from sim.runner import ExecutorLostError
    from sim.store import StoreMismatchError
    from sim.sweep.executors import ExecutorError, executor_option

    if isinstance(err, ExecutorLostError):
        return f"{executor_option(args)}: {err}; {kept}: run the same command to resume"
    if isinstance(err, ExecutorError):
        return f"{executor_option(args)}: {err}"
    if isinstance(err, StoreMismatchError):
        return f"--out: {err}"
    return str(err)
