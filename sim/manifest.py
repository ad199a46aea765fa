"""``manifest.json``: what a batch or sweep ran, the same record for both.

Command line, resolved parameters, seeds and their rule, run counts, package
versions, git commit, platform, and how to cite the exact version used (from
``CITATION.cff`` and the commit: ``cite``). Written when the runs start (so a killed
run directory still says what it was running) and again when they end.
"""

from __future__ import annotations

import platform
import re
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.plan import RunSpec
    from sim.runner import RunOutcome
    from sim.sweep.experiment import Experiment

MANIFEST = "manifest.json"
SEED_RULE = ("numpy.random.SeedSequence(root_seed).spawn(replicates); "
             "int(child.generate_state(1)[0]); replicate r of every scenario or design point "
             "uses replicate_seeds[r]")

PACKAGES = ("coopsim", "mesa", "numpy", "pandas", "pyarrow", "networkx", "scipy", "matplotlib",
            "SALib", "tqdm", "distributed")
REPO_ROOT = Path(__file__).resolve().parent.parent


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


CITATION_FILE = REPO_ROOT / "CITATION.cff"


def _cff_field(text: str, key: str) -> str | None:
    """A top-level scalar of CITATION.cff (its few fields we need; no YAML library at run time)."""
    match = re.search(rf"^{key}:\s*(.+)$", text, flags=re.MULTILINE)
    return match.group(1).strip().strip('"').strip("'") if match else None


def citation(git: dict[str, Any] | None, path: Path = CITATION_FILE) -> dict[str, Any]:
    """How to cite the exact code that made a run directory.

    Title, authors and version from ``CITATION.cff`` (falling back to the
    installed package's version), plus the git commit; ``text`` is a
    reference to paste, ``bibtex`` a ``@software`` entry.
    """
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    title = _cff_field(text, "title") or "coopsim"
    version = _cff_field(text, "version")
    if version is None:
        try:
            version = metadata.version("coopsim")
        except metadata.PackageNotFoundError:
            version = "unknown"
    block = re.search(r"^authors:\n((?:[ \t]+.*\n?)+)", text, flags=re.MULTILINE)
    authors = re.findall(r"-\s*name:\s*(.+)", block.group(1)) if block else []
    author = authors[0].strip().strip('"') if authors else "coopsim contributors"
    url = _cff_field(text, "repository-code") or _cff_field(text, "url")
    commit = git["commit"] if git else None
    year = datetime.now(UTC).year
    at = f", commit {commit[:12]}" if commit else ""
    dirty = " with local changes" if git and git.get("tracked_changes") else ""
    reference = f"{author} ({year}). {title} (version {version}{at}{dirty}) [Computer software]."
    if url:
        reference += f" {url}"
    note = f"version {version}" + (f", git commit {commit}" if commit else "") + dirty
    bibtex = ("@software{coopsim,\n"
              f"  author = {{{{{author}}}}},\n  title = {{{title}}},\n  version = {{{version}}},\n"
              f"  year = {{{year}}},\n  note = {{{note}}}" + (f",\n  url = {{{url}}}" if url else "")
              + "\n}")
    return {"title": title, "version": version, "commit": commit,
            "tracked_changes": bool(git and git.get("tracked_changes")), "text": reference,
            "bibtex": bibtex, "source": "CITATION.cff" if text else "package metadata"}


def platform_info() -> dict[str, str]:
    """The machine a batch ran on (for judging timings)."""
    return {"system": platform.system(), "machine": platform.machine(),
            "python_executable": sys.executable}


def build(experiment: Experiment, specs: Sequence[RunSpec],
          outcomes: Sequence[RunOutcome] | None, *, command: str, jobs: int | None,
          started: str, seconds: float = 0.0, executor: str = "") -> dict[str, Any]:
    """The manifest of a run directory.

    Args:
        experiment: what was run (a scenario batch is a ``scenarios`` design).
        specs: every run of the plan.
        outcomes: what became of them (None while the runs have not finished).
        command: the command line that reproduces the directory.
        jobs: local worker processes (None with another executor).
        started: when this call started (ISO time).
        seconds: seconds this call took so far.
        executor: where the runs went, in words.
    """
    from sim.params import Parameters
    from sim.plan import replicate_seeds

    manifest: dict[str, Any] = {
        "kind": "scenario-batch" if experiment.design == "scenarios" else "sweep",
        "command": command,
        "argv": list(sys.argv),
        "root_seed": experiment.seed,
        "replicate_seeds": replicate_seeds(experiment.seed, experiment.replicates),
        "seed_rule": SEED_RULE,
        "replicates": experiment.replicates,
        "steps": experiment.steps,
        "jobs": jobs,
        "executor": executor,
        "design": experiment.design,
    }
    if experiment.design == "scenarios":
        manifest["scenarios"] = {
            p.name: {"title": p.title, "path": p.path, "extends": list(p.extends),
                     "changed": p.params, "provenance": p.provenance,
                     "params": Parameters.from_mapping(p.params).to_dict()}
            for p in experiment.scenarios}
    else:
        manifest["experiment"] = experiment.to_dict()
        manifest["base_params"] = experiment.base.to_dict()
        manifest["varied"] = {"factors": experiment.factor_names,
                              "points": "design.parquet (one row per design point)"}
    runs: dict[str, Any] = {"total": len(specs)}
    if outcomes is None:
        runs["status"] = "running"
    else:
        runs |= {"computed_now": sum(1 for o in outcomes if not o.cached),
                 "reused": sum(1 for o in outcomes if o.cached),
                 "failed": [{"run_id": o.run_id, "error": o.error} for o in outcomes
                            if o.status == "failed"]}
    manifest["runs"] = runs
    git = git_commit()
    manifest |= {"versions": package_versions(), "git": git, "cite": citation(git),
                 "platform": platform_info(), "started": started,
                 "finished": now() if outcomes is not None else None,
                 "seconds_this_call": round(seconds, 2)}
    return manifest


def now() -> str:
    """The time now, UTC, ISO format to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")
