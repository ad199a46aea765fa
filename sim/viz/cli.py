"""``python -m sim viz``: start the live view with ``solara run`` on 127.0.0.1."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

APP = Path(__file__).with_name("app.py")
DEFAULT_PORT = 8765


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m sim viz``."""
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--scenarios", metavar="DIR",
                        help="folder of scenario files for the picker (default: scenarios/)")
    parser.add_argument("--no-assets", action="store_true",
                        help="do not install missing browser files with npm before starting")


def free_port() -> int:
    """A port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> OSError | None:
    """Why 127.0.0.1:``port`` cannot be bound now (None: it can).

    Bound the way uvicorn binds (``SO_REUSEADDR``), so a port left in TIME_WAIT by
    a server that just stopped counts as free, as it is for uvicorn.
    """
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as err:
            return err
    return None


def server_command(port: int) -> list[str]:
    """The ``solara run`` command line serving the app on 127.0.0.1:``port``."""
    return [sys.executable, "-m", "solara", "run", str(APP), "--host", "127.0.0.1",
            "--port", str(port), "--no-open", "--production"]


def server_env(scenarios: str | None = None) -> dict[str, str]:
    """Environment for the server: scenario folder, no telemetry from a local research tool."""
    env = dict(os.environ)
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    # Solara's "runs on Solara" banner sits over the page's bottom-right corner.
    env.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    if scenarios:
        env["COOPSIM_SCENARIOS"] = str(Path(scenarios).resolve())
    return env


def wait_until_serving(url: str, proc: subprocess.Popen | None = None,
                       timeout_s: float = 60.0) -> None:
    """Block until ``url`` answers (for tests and benchmarks that start a server).

    Raises:
        TimeoutError: the server did not answer within ``timeout_s``, or ``proc``
            (the server process) exited first.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if proc is not None and proc.poll() is not None:
                raise TimeoutError(f"the server exited (code {proc.returncode}) before "
                                   f"{url} answered") from None
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not answer within {timeout_s:g} s") from None
            time.sleep(0.3)


def main(args: argparse.Namespace) -> int:
    """Install missing browser files, then run the Solara server until interrupted."""
    if not 0 <= args.port <= 65535:
        print(f"error: --port: {args.port} is not a port number (0-65535)", file=sys.stderr)
        return 2
    if args.scenarios and not Path(args.scenarios).is_dir():
        print(f"error: --scenarios: {args.scenarios}: not a folder", file=sys.stderr)
        return 2
    if not args.no_assets:
        from sim.viz import assets

        try:
            installed = assets.ensure()
            if installed:
                print(f"installed browser files: {', '.join(installed)}", file=sys.stderr)
        except assets.AssetError as err:
            print(f"warning: {err}; the page loads only if this machine can reach Solara's CDN",
                  file=sys.stderr)
    port = args.port or free_port()
    # Checked before the URL is printed: a busy port's URL is another server's page.
    busy = port_in_use(port)
    if busy is not None:
        print(f"error: --port: 127.0.0.1:{port} cannot be used ({busy.strerror or busy}); "
              "another server may be running there. Stop it, pick another port with --port, "
              "or use --port 0 for a free one", file=sys.stderr)
        return 2
    print(f"live view: http://127.0.0.1:{port}/  (Ctrl+C stops it)", flush=True)
    command, env = server_command(port), server_env(args.scenarios)
    if os.name == "posix":  # become the server, so stopping this process stops it
        os.execve(command[0], command, env)
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0
