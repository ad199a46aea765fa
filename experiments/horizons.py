"""Content share at named horizons and its trend, for the status quo and the full package.

    .venv/bin/python experiments/horizons.py [--years 5 10 20 30] [--seeds 10]

For each horizon: the mean content share over that year and its change from the
year before (per year), each with a t-based 95 % CI over paired seeds. A run
counts as settled at a horizon when the trend's CI lies within +-0.005 a year.
"""

from __future__ import annotations

import argparse

import numpy as np

from sim import CooperationModel
from sim.patterns import FULL_PACKAGE, ci95

SETTLED = 0.005


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, nargs="+", default=[5, 10, 20, 30])
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    steps = 12 * max(args.years)
    for name, params in (("status quo", {}), ("full package", FULL_PACKAGE)):
        series = []
        for seed in range(100, 100 + args.seeds):
            model = CooperationModel(rng=seed, **params)
            model.run_for(steps)
            series.append(model.datacollector.get_model_vars_dataframe()["content_share"].to_numpy())
        shares = np.array(series)
        for year in args.years:
            end = 12 * year
            level = shares[:, end - 11:end + 1].mean(axis=1)
            trend = level - shares[:, end - 23:end - 11].mean(axis=1)
            lo, hi = ci95(trend)
            settled = "settled" if -SETTLED < lo and hi < SETTLED else "not settled"
            print(f"{name:12s} year {year:2d}: content share {level.mean():.3f} "
                  f"[{ci95(level)[0]:.3f}, {ci95(level)[1]:.3f}], trend {trend.mean():+.4f}/year "
                  f"[{lo:+.4f}, {hi:+.4f}] ({settled})")


if __name__ == "__main__":
    main()
