"""Which state carries a funded gain after the money stops: reset each candidate and see.

    .venv/bin/python experiments/persistence_carriers.py [--seeds 10] [--after 5] [--learning 0.5]

Runs ``fund-three-years`` (support ends after year 3) and its no-support twin
``fund-none`` with the same seeds. At the end of support one candidate state of
the funded run is set to the twin's value at that moment, then both run on:

- ``teachers``: teachers' practical capacity (and the training quality it gives);
- ``imitation``: each firm's latest choice, which revising peers copy;
- ``expectations``: the approval delay, detection risk and subsidy payout firms learnt;
- ``experience``: firms' experience of deep cooperation (only with ``--learning``,
  which switches learning by doing on: ``experience_learning_rate``);
- ``all`` of these together.

Partnership depths themselves are never reset: what is left with every
candidate reset is carried by the partnerships still standing. The gain is the
funded minus the twin's content share (means over a year), with a t-based 95 %
CI over paired seeds; "left" is the gain then over the gain at the end.
"""

from __future__ import annotations

import argparse

import numpy as np

from sim import CooperationModel
from sim.analysis.persistence import support_window
from sim.analysis.stats import mean_ci
from sim.scenarios import load_scenario

CARRIERS = {
    "teachers": ("school_teacher_capacity",),
    "imitation": ("ent_last_choice",),
    "expectations": ("expected_delay", "expected_detection", "payout_ratio"),
    "experience": ("ent_experience",),
}


def reset(funded: CooperationModel, twin: CooperationModel, names: tuple[str, ...]) -> None:
    """Give ``funded`` the twin's value of each state in ``names``."""
    for name in names:
        value = getattr(twin, name)
        value = value.copy() if isinstance(value, np.ndarray) else value
        if name == "school_teacher_capacity":
            funded._set_teacher_capacity(value)
        else:
            setattr(funded, name, value)


def yearly(model: CooperationModel) -> np.ndarray:
    share = model.datacollector.get_model_vars_dataframe()["content_share"].to_numpy()
    return share


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--after", type=int, default=5, help="years to run after support ends")
    parser.add_argument("--learning", type=float, default=0.0,
                        help="experience_learning_rate of both runs (default 0: no learning)")
    args = parser.parse_args()
    learning = {"experience_learning_rate": args.learning}
    funded_params = load_scenario("fund-three-years").params.replace(**learning)
    twin_params = load_scenario("fund-none").params.replace(**learning)
    _, end = support_window(funded_params)
    later = [1, 3, args.after]
    carriers = {k: v for k, v in CARRIERS.items() if k != "experience" or args.learning > 0}
    cases = {"no reset": (), **carriers, "all": sum(carriers.values(), ())}
    gains: dict[str, list[list[float]]] = {case: [] for case in cases}
    for seed in range(1, 1 + args.seeds):
        for case, names in cases.items():
            funded = CooperationModel(rng=seed, params=funded_params)
            twin = CooperationModel(rng=seed, params=twin_params)
            funded.run_for(end)
            twin.run_for(end)
            reset(funded, twin, names)
            funded.run_for(12 * args.after)
            twin.run_for(12 * args.after)
            f, t = yearly(funded), yearly(twin)
            g = [f[s - 11:s + 1].mean() - t[s - 11:s + 1].mean()
                 for s in [end, *(end + 12 * k for k in later)]]
            gains[case].append(g)
    print(f"fund-three-years vs fund-none, {args.seeds} paired seeds, experience_learning_rate "
          f"{args.learning:g}; support ends at step {end}")
    print("reset at the end         gain at end   " + "   ".join(
        f"left after {k} y (95 % CI)" for k in later))
    for case, rows in gains.items():
        rows_ = np.array(rows)
        cells = []
        for j in range(1, rows_.shape[1]):
            mean, _, lo, hi, _ = mean_ci(rows_[:, j] / rows_[:, 0])
            cells.append(f"{mean:6.2f} [{lo:5.2f}, {hi:5.2f}]  ")
        print(f"{case:24s} {rows_[:, 0].mean():8.3f}      " + "   ".join(cells))


if __name__ == "__main__":
    main()
