"""Content share at named horizons and its trend, for the status quo and the full package.

    .venv/bin/python experiments/horizons.py [--years 5 10 20 30] [--seeds 10] [-j 2]

The same table as the "Horizons" section of ``python -m sim validate``
(computed by :mod:`sim.horizons`), printed on its own.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

from sim.horizons import YEARS, horizons, render_rows
from sim.patterns import SEEDS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, nargs="+", default=list(YEARS))
    parser.add_argument("--seeds", type=int, default=len(SEEDS))
    parser.add_argument("--jobs", "-j", type=int, default=1)
    args = parser.parse_args()
    seeds = range(SEEDS[0], SEEDS[0] + args.seeds)
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            rows = horizons(years=args.years, seeds=seeds, executor=pool)
    else:
        rows = horizons(years=args.years, seeds=seeds)
    print("\n".join(render_rows(rows)))


if __name__ == "__main__":
    main()
