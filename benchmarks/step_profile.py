"""Where a county step's time goes: CPU time per stage, and Python calls per step.

    python benchmarks/step_profile.py            # this checkout
    PYTHONPATH=DIR python benchmarks/step_profile.py   # another checkout (run from DIR)

Times (``time.process_time``, so other load distorts them less) each stage
method of ``CooperationModel`` that exists in the checkout over ten county runs
(after a warm-up run), and counts Python-level function calls per step with
``cProfile`` over three runs (steps only, construction excluded), split by the
package they belong to. Prints ``name: value`` lines.
"""

from __future__ import annotations

import collections
import cProfile
import pstats
import time

import sim.model as model_module
from sim import CooperationModel

# Stage methods of this and older checkouts (each timed where it exists); ``_month`` is
# search, revision, movement and approvals in one compiled call.
STAGES = ["_departments_act", "_audit", "_audit_reports", "_pay_claims", "_schools_search",
          "_partners_revise", "_partnerships_move", "_revise_and_move", "_month",
          "_update_retention", "_update_fit", "_year_end", "_binding_sides", "_tally_state"]
RUNS, STEPS = 10, 120


def stage_times() -> None:
    spent: collections.Counter[str] = collections.Counter()
    for name in STAGES:
        method = getattr(model_module.CooperationModel, name, None)
        if method is None:
            continue

        def timed(*args, _method=method, _name=name, **kwargs):
            start = time.process_time()
            try:
                return _method(*args, **kwargs)
            finally:
                spent[_name] += time.process_time() - start

        setattr(model_module.CooperationModel, name, timed)
    CooperationModel(rng=0).run_for(STEPS)  # warm-up (numba's start, caches)
    spent.clear()
    build = total = 0.0
    for seed in range(RUNS):
        start = time.process_time()
        model = CooperationModel(rng=seed)
        built = time.process_time()
        model.run_for(STEPS)
        build += built - start
        total += time.process_time() - start
    print(f"cpu_ms_per_run: {1000 * total / RUNS:.2f}")
    print(f"build_ms_per_run: {1000 * build / RUNS:.2f}")
    for name, seconds in spent.most_common():
        print(f"stage_{name.strip('_')}_us_per_step: {1e6 * seconds / RUNS / STEPS:.1f}")


def call_counts() -> None:
    models = [CooperationModel(rng=s) for s in range(4)]
    models[0].run_for(STEPS)
    profile = cProfile.Profile()
    profile.enable()
    for m in models[1:]:
        m.run_for(STEPS)
    profile.disable()
    stats = pstats.Stats(profile).stats
    steps = 3 * STEPS

    def share(part: str) -> float:
        return sum(v[1] for k, v in stats.items() if part in k[0]) / steps

    print(f"python_calls_per_step: {sum(v[1] for v in stats.values()) / steps:.0f}")
    print(f"python_calls_per_step_numba_dispatch: {share('numba') + share('ctypes'):.0f}")
    print(f"python_calls_per_step_numpy_wrappers: {share('/numpy/'):.0f}")
    print(f"python_calls_per_step_model: {share('/sim/'):.0f}")
    print(f"python_calls_per_step_mesa: {share('/mesa/'):.0f}")


if __name__ == "__main__":
    call_counts()
    stage_times()
