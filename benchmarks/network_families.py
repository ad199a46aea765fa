"""Does a subsidy do less in hub-dominated peer networks? One paired comparison per family.

For each peer-network family (``peer_network_family``) the model runs at county
scale with a content subsidy (``subsidy_per_content_step = 1.0``) and a budget
of 1e6 MU a year against the same subsidy rate with no budget (so nothing is
paid), on the same seeds (common random numbers). It prints, per family, the
final ``content_share`` of both arms and their paired difference with a 95 %
t interval. Nothing is tuned: this reports what the model says.

    python benchmarks/network_families.py                # model defaults, 10 seeds, 120 steps
    python benchmarks/network_families.py --scenario full-package   # on top of a scenario
    python benchmarks/network_families.py --seeds 4 --steps 60
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from configurations import CONFIGURATIONS  # noqa: E402

from sim.analysis.batch import mean_ci  # noqa: E402
from sim.network import CHOICES  # noqa: E402
from sim.runner import replicate_seeds, run_one  # noqa: E402
from sim.scenarios import load_scenario  # noqa: E402

SUBSIDY = {"subsidy_per_content_step": 1.0}
ARMS = {"subsidy": {**SUBSIDY, "subsidy_budget_per_year": 1e6},
        "no budget": {**SUBSIDY, "subsidy_budget_per_year": 0.0}}


def final_content_share(params: dict, seed: int, steps: int) -> float:
    """``content_share`` at the last step of one run."""
    return float(run_one(params, seed, steps)["content_share"].iloc[-1])


def main(argv: list[str] | None = None) -> None:
    """Run every family's paired comparison and print one block per family."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="paired seeds per family")
    parser.add_argument("--steps", type=int, default=CONFIGURATIONS["county"]["steps"])
    parser.add_argument("--root", type=int, default=20261201, help="root of the seed sequence")
    parser.add_argument("--scenario", default="", help="scenario whose values the runs start "
                        "from (default: the model defaults); scale and subsidy are set here")
    args = parser.parse_args(argv)

    base = load_scenario(args.scenario).params.changed() if args.scenario else {}
    if base.get("network_file"):
        parser.error(f"scenario {args.scenario!r} reads its county from a file: the peer-network "
                     "family does not apply")
    county = CONFIGURATIONS["county"]["params"]
    seeds = replicate_seeds(args.root, args.seeds)
    print(f"{args.scenario or 'model defaults'} at county scale {county}, {args.steps} steps, "
          f"{args.seeds} paired seeds (root {args.root}); subsidy arm: {ARMS['subsidy']}; "
          f"control: {ARMS['no budget']}")
    for family in CHOICES["peer_network_family"]:
        start = time.perf_counter()
        shares = {arm: np.array([final_content_share({**base, **county, **values,
                                                      "peer_network_family": family},
                                                     seed, args.steps) for seed in seeds])
                  for arm, values in ARMS.items()}
        mean, sd, low, high, n = mean_ci(shares["subsidy"] - shares["no budget"])
        print(f"{family:12s} content_share subsidy {shares['subsidy'].mean():.4f}  "
              f"no budget {shares['no budget'].mean():.4f}  "
              f"paired difference {mean:+.4f} [95% CI {low:+.4f}, {high:+.4f}] "
              f"(sd {sd:.4f}, n {n}, {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
