"""Whole runs of this checkout and another, compared bit for bit (same seeds, many cases).

    python benchmarks/identical_runs.py DIR          # DIR: a checkout of an older commit

Each case runs in a subprocess per checkout; every output of every step, the
final partnership table, the agents' per-firm arrays and the generator's
state must be equal. Prints one line per case and ``identical: True/False``.
Speed work keeps the model's numbers: this is how a change is checked.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

FULL = dict(regulation_completeness=0.8, coordination_body=True, planning_alignment=0.7,
            major_adjust_rate_per_year=0.3, service_awareness=0.8, subsidy_per_content_step=1.0,
            subsidy_budget_per_year=2000.0, tax_offset_rate=0.3, audit_prob_per_step=0.1,
            penalty_per_misreport=5.0, assessment_outcome_weight=0.7)
CASES = {
    "status_quo": {},
    "full_package": FULL,
    "subsidy_without_audit": {"subsidy_per_content_step": 1.0, "subsidy_budget_per_year": 500.0,
                              "audit_prob_per_step": 0.0},
    "tight_capacity": {**FULL, "firm_partnership_capacity": 1.0, "firm_deep_capacity": 0.3,
                       "department_capacity_per_step": 2.0, "subsidy_budget_per_year": 100.0},
    "noisy_reporting": {**FULL, "coordination_body": False, "reporting_noise": 0.3},
    "small": {"n_schools": 3, "n_enterprises": 60, "n_departments": 2, **FULL},
    "few_peers": {**FULL, "peer_degree": 0.5, "n_departments": 1},
    "heavy_audit": {**FULL, "audit_prob_per_step": 0.5, "department_capacity_per_step": 5.0},
    "exact_audit": {**FULL, "audit_prob_per_step": 0.3, "audit_signal_noise": 0.0},
}
SEEDS = [0, 1, 2]
STEPS = 120


def _digest(params: dict, seed: int) -> str:
    from sim import CooperationModel

    model = CooperationModel(rng=seed, **params)
    model.run_for(STEPS)
    h = hashlib.sha256()
    frame = model.datacollector.get_model_vars_dataframe()
    h.update(frame.to_numpy(dtype=float).tobytes())
    h.update(",".join(frame.columns).encode())
    pt = model.partnerships
    for name in sorted(vars(pt)):
        h.update(name.encode())
        h.update(np.ascontiguousarray(getattr(pt, name)).tobytes())
    for name in ("ent_retained", "ent_loss", "ent_aware", "ent_last_choice", "school_majors",
                 "school_teacher_capacity", "dept_budget", "dept_audits", "dept_signed",
                 "dept_brokered"):
        h.update(np.ascontiguousarray(getattr(model, name)).tobytes())
    h.update(json.dumps(model.rng.bit_generator.state, sort_keys=True, default=str).encode())
    g = model.network
    h.update(repr(sorted((str(u), str(v), sorted(d.items())) for u, v, d in g.edges(data=True))).encode())
    return h.hexdigest()


def _run(checkout: str | None, params: dict, seed: int) -> str:
    env = dict(os.environ)
    cwd = checkout or str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = cwd
    out = subprocess.run([sys.executable, __file__, "--child", json.dumps(params), str(seed)],
                         check=True, capture_output=True, text=True, env=env, cwd=cwd)
    return out.stdout.strip().splitlines()[-1]


if __name__ == "__main__":
    if sys.argv[1] == "--child":
        print(_digest(json.loads(sys.argv[2]), int(sys.argv[3])))
        sys.exit(0)
    other = str(Path(sys.argv[1]).resolve())
    cases = sys.argv[2:] or list(CASES)
    same_all = True
    for name in cases:
        same = [_run(None, CASES[name], s) == _run(other, CASES[name], s) for s in SEEDS]
        same_all &= all(same)
        print(f"{name}: {'identical' if all(same) else 'DIFFERENT'} (seeds {SEEDS}: {same})")
        sys.stdout.flush()
    print(f"identical: {same_all}")
