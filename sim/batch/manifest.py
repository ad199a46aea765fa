"""What a batch ran, for ``manifest.json``: command, parameters, seeds, versions, commit."""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("coopsim", "mesa", "numpy", "pandas", "pyarrow", "networkx", "scipy", "matplotlib",
            "tqdm")
REPO_ROOT = Path(__file__).resolve().parent.parent.parent


def package_versions() -> dict[str, str]:
    """Python and the versions of the packages a batch's numbers depend on."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit(root: Path = REPO_ROOT) -> dict[str, Any] | None:
    """The project's git commit and whether tracked files differ from it (None outside git)."""
    if not (root / ".git").exists():
        return None
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": head, "tracked_changes": bool(dirty)}


def platform_info() -> dict[str, str]:
    """The machine a batch ran on (for judging timings)."""
    return {"system": platform.system(), "machine": platform.machine(),
            "python_executable": sys.executable}
