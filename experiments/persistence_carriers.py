"""Which state carries a funded gain after the money stops: reset each candidate and see.

    .venv/bin/python experiments/persistence_carriers.py [--seeds 10] [--learning 0.5] [-j 2]

The same table as the "What carries a funded gain" section of ``python -m sim
validate`` (computed by :mod:`sim.carriers`, whose docstring says what is reset),
printed on its own, for any number of seeds and with learning by doing on or off.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

from sim.carriers import FUNDED, TWIN, carriers, render_rows
from sim.patterns import SEEDS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=len(SEEDS))
    parser.add_argument("--learning", type=float, default=0.0,
                        help="experience_learning_rate of both runs (default 0: no learning)")
    parser.add_argument("--jobs", "-j", type=int, default=1)
    args = parser.parse_args()
    seeds = range(SEEDS[0], SEEDS[0] + args.seeds)
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            rows = carriers(args.learning, seeds, executor=pool)
    else:
        rows = carriers(args.learning, seeds)
    print(f"{FUNDED} vs {TWIN}, {args.seeds} paired seeds, experience_learning_rate "
          f"{args.learning:g}")
    print("\n".join(render_rows(rows)))


if __name__ == "__main__":
    main()
