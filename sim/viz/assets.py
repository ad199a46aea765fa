"""The browser files the live view needs, installed once so it also works offline.

Solara serves its page script, fonts, RequireJS, the grid layout and Vega
(the charts) through a caching proxy of a public CDN: the first request for a
file fetches it and keeps a copy in ``<venv>/share/solara/cdn/``. On a machine
that cannot reach that CDN the page stays blank. This module fills the same
cache from the npm registry with ``npm pack``, reading the exact package
versions from the installed Solara's own templates, so the files always match
the Solara in use. ``python -m sim viz`` calls :func:`ensure` before it starts
the server; ``python -m sim.viz.assets`` does only this step.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

#: npm packages the page loads (the versions are read from Solara's files).
PACKAGES = (
    "@widgetti/solara-vuetify3-app",
    "@widgetti/solara-vuetify-app",
    "@widgetti/vue-grid-layout",
    "requirejs",
    "vega",
    "vega-lite",
    "vega-embed",
)


class AssetError(RuntimeError):
    """The browser files could not be installed (npm missing or the registry unreachable)."""


def cache_dir() -> Path:
    """Solara's CDN proxy cache (``SOLARA_ASSETS_PROXY_CACHE_DIR`` overrides it)."""
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def required() -> list[str]:
    """``package@version`` specs the installed Solara asks its CDN proxy for."""
    import solara
    from solara.server import settings

    root = Path(solara.__file__).parent
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                     for pattern in ("server/templates/*.j2", "widgets/vue/*.vue",
                                     "components/*.vue")
                     for p in root.glob(pattern))
    specs = []
    for name in PACKAGES:
        versions = set(re.findall(rf"(?<![\w-]){re.escape(name)}@([0-9][\w.+-]*)/", text))
        specs += [f"{name}@{v}" for v in sorted(versions)]
    fontawesome = settings.assets.fontawesome_path.strip("/").split("/")[0]
    if fontawesome:
        specs.append(fontawesome)
    return specs


def missing(directory: Path | None = None) -> list[str]:
    """Specs from :func:`required` that are not in the cache yet."""
    directory = directory or cache_dir()
    return [spec for spec in required() if not (directory / spec / "package.json").exists()]


def install(specs: list[str], directory: Path | None = None, npm: str = "npm") -> None:
    """Download ``specs`` with ``npm pack`` and unpack each into ``directory/<spec>/``.

    Raises:
        AssetError: when npm is missing or a package cannot be fetched.
    """
    directory = directory or cache_dir()
    if not specs:
        return
    exe = shutil.which(npm)
    if exe is None:
        raise AssetError(f"npm not found: install Node.js/npm, or give this machine access to "
                         f"the CDN Solara uses; missing: {', '.join(specs)}")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            out = subprocess.run([exe, "pack", "--json", "--silent", *specs], cwd=tmp,
                                 check=True, capture_output=True, text=True, timeout=600)
        except subprocess.CalledProcessError as err:
            raise AssetError(f"npm pack failed: {err.stderr.strip()[-500:]}") from None
        except subprocess.TimeoutExpired:
            raise AssetError("npm pack took more than 10 minutes") from None
        packed = [entry["filename"] for entry in json.loads(out.stdout)]
        for spec, filename in zip(specs, packed, strict=True):
            target = directory / spec
            staging = Path(tmp) / "unpacked" / spec
            with tarfile.open(Path(tmp) / filename) as tar:
                tar.extractall(staging, filter="data")
            if target.exists():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(staging / "package"), str(target))


def ensure(directory: Path | None = None) -> list[str]:
    """Install whatever is missing; return the specs installed (empty when none was missing).

    Raises:
        AssetError: when something is missing and cannot be installed.
    """
    todo = missing(directory)
    install(todo, directory)
    return todo


def main() -> int:
    """Install the live view's browser files; exit code 0 when they are all present."""
    try:
        done = ensure()
    except AssetError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    where = cache_dir()
    print(f"installed {', '.join(done)} into {where}" if done
          else f"all browser files present in {where}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
