"""The ``concurrent.futures.Executor`` a sweep's runs go through.

- default: ``None``, which :func:`sim.runner.execute` turns into a local
  process pool of ``--jobs`` workers (or inline runs for one job);
- ``--dask-local N``: a ``distributed.LocalCluster`` of N single-threaded
  worker processes on 127.0.0.1 with the dashboard off;
- ``--dask-scheduler ADDRESS``: an existing Dask cluster.

With Dask the executor is ``client.get_executor(pure=False)``: with the
default ``pure=True`` Dask would treat replicate calls with equal arguments as
one task. Dask is an optional extra (``pip install '.[dask]'``).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import importlib.util
import os
from collections.abc import Iterator
from dataclasses import dataclass

#: Seconds to wait for a remote Dask scheduler before giving up.
CONNECT_TIMEOUT_S = 5
INSTALL_HINT = ("Dask is not installed; install the optional extra with "
                "pip install '.[dask]' (or pip install 'dask[distributed]')")


class ExecutorError(RuntimeError):
    """An executor cannot be made (Dask missing or its scheduler unreachable)."""


@dataclass(frozen=True)
class ExecutorChoice:
    """What the user asked for on the command line.

    Attributes:
        jobs: local worker processes (default executor).
        dask_scheduler: address of an existing Dask scheduler, or None.
        dask_local: number of workers of a local Dask cluster, or None.
    """

    jobs: int = 1
    dask_scheduler: str | None = None
    dask_local: int | None = None

    def describe(self) -> str:
        """One line saying where runs go."""
        if self.dask_scheduler:
            return f"Dask cluster at {self.dask_scheduler}"
        if self.dask_local:
            return f"local Dask cluster, {self.dask_local} workers"
        return f"local process pool, {self.jobs} worker{'s' if self.jobs != 1 else ''}"


def add_executor_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare where runs go (``--jobs``, ``--dask-scheduler``, ``--dask-local``), for both front ends.

    Args:
        parser: the sub-parser to fill.
    """
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                        help="worker processes of the local pool (default: number of CPUs); "
                             "results do not depend on it")
    dask = parser.add_mutually_exclusive_group()
    dask.add_argument("--dask-scheduler", metavar="ADDRESS",
                      help="send runs to an existing Dask cluster (needs the [dask] extra; "
                           "see docs/cluster.md)")
    dask.add_argument("--dask-local", metavar="N", type=int,
                      help="start a local Dask cluster of N workers (needs the [dask] extra)")


def executor_option(args: argparse.Namespace) -> str:
    """The option an executor error is about."""
    if getattr(args, "dask_scheduler", None):
        return "--dask-scheduler"
    if getattr(args, "dask_local", None) is not None:
        return "--dask-local"
    return "--jobs"


def choice_from_args(args: argparse.Namespace) -> ExecutorChoice:
    """The executor the options of :func:`add_executor_arguments` ask for, checked.

    Raises:
        ExecutorError: the message starts with the option at fault (``--jobs: ...``).
    """
    choice = ExecutorChoice(jobs=args.jobs, dask_scheduler=getattr(args, "dask_scheduler", None),
                            dask_local=getattr(args, "dask_local", None))
    try:
        check_choice(choice)
    except ExecutorError as err:
        raise ExecutorError(f"{executor_option(args)}: {err}") from None
    return choice


def check_choice(choice: ExecutorChoice) -> None:
    """Refuse contradictory or impossible choices before any work starts.

    Raises:
        ExecutorError: with a message saying what to do.
    """
    if choice.jobs < 1:
        raise ExecutorError(f"{choice.jobs}: must be at least 1 worker")
    if choice.dask_scheduler and choice.dask_local:
        raise ExecutorError("give either --dask-scheduler or --dask-local, not both")
    if choice.dask_local is not None and choice.dask_local < 1:
        raise ExecutorError(f"{choice.dask_local}: must be at least 1 worker")
    if (choice.dask_scheduler or choice.dask_local) and not dask_available():
        raise ExecutorError(INSTALL_HINT)


def dask_available() -> bool:
    """Whether ``dask.distributed`` can be imported."""
    return importlib.util.find_spec("distributed") is not None


@contextlib.contextmanager
def make_executor(choice: ExecutorChoice) -> Iterator[cf.Executor | None]:
    """Yield the executor for ``choice`` and shut it down afterwards.

    Yields ``None`` for the default local process pool, which
    :func:`sim.runner.execute` creates itself from ``jobs``.

    Raises:
        ExecutorError: Dask missing, or "cannot reach Dask scheduler at ADDRESS".
    """
    check_choice(choice)
    if choice.dask_scheduler:
        with _remote_client(choice.dask_scheduler) as client:
            yield client.get_executor(pure=False)
    elif choice.dask_local:
        with _local_client(choice.dask_local) as client:
            yield client.get_executor(pure=False)
    else:
        yield None


@contextlib.contextmanager
def _remote_client(address: str) -> Iterator[object]:
    import logging

    from distributed import Client

    # Dask logs a lost scheduler as tracebacks; the runner says it in one line
    # (ExecutorLostError) with what to do.
    loggers = [logging.getLogger(name) for name in ("distributed", "distributed.client",
                                                     "distributed.comm", "distributed.core")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        with _client(Client, address) as client:
            yield client
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _check_reachable(address: str) -> None:
    """Refuse an address that is malformed or where nothing listens, before any Client exists.

    A Client whose start fails is still collected at exit, and its close then
    waits and prints a traceback (issue 13 item 17): so no Client is made for
    an address that cannot work.
    """
    import socket

    from distributed.comm import parse_address
    from distributed.comm.addressing import parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme not in ("tcp", "tls"):
            return  # other transports: leave the check to the Client
        host, port = parse_host_port(location)
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S):
            pass
    except (OSError, ValueError, TypeError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ExecutorError(f"cannot reach Dask scheduler at {address} ({reason})") from None


@contextlib.contextmanager
def _client(Client: type, address: str) -> Iterator[object]:  # noqa: N803 - a class
    _check_reachable(address)
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ExecutorError(f"cannot reach Dask scheduler at {address} ({reason})") from None
    try:
        yield client
    finally:
        client.close()


@contextlib.contextmanager
def _local_client(workers: int) -> Iterator[object]:
    import logging

    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.WARNING)
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    client = Client(cluster, set_as_default=False)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
