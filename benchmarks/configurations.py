"""Benchmark sizes (as in Mesa's benchmarks/configurations.py): scale, steps, seeds, targets.

Targets are ratios to Mesa's BoltzmannWealth at the same agent count and steps
(issue "Speed at the scale sweeps and calibration run") and absolute limits.
"""

CONFIGURATIONS = {
    "county": {"params": {"n_schools": 10, "n_enterprises": 1000, "n_departments": 6},
               "steps": 120, "seeds": [1, 2, 3, 4, 5],
               "targets": {"seconds": 0.5, "ratio_vs_boltzmann": 20.0}},
    "province": {"params": {"n_schools": 200, "n_enterprises": 20000, "n_departments": 6},
                 "steps": 120, "seeds": [1, 2, 3],
                 "targets": {"seconds": 10.0, "peak_mb": 1024, "ratio_vs_boltzmann": 50.0}},
}

#: How time per step grows with size: one school per 100 firms, as in county and province.
SCALING = {"firms": [1000, 3000, 10000, 30000, 100000], "firms_per_school": 100,
           "n_departments": 6, "steps": 24, "seeds": [1, 2, 3]}

#: Start-up commands, each timed in a fresh interpreter (target: under 0.3 s).
STARTUP = {"import sim": ["-c", "import sim"],
           "python -m sim run --help": ["-m", "sim", "run", "--help"],
           "from sim import CooperationModel": ["-c", "from sim import CooperationModel"],
           # One-off per process: numba's start and loading the compiled step from its cache.
           "first model run": ["-c", "from sim import CooperationModel; "
                               "CooperationModel(rng=1).run_for(1)"]}
STARTUP_TARGET_SECONDS = 0.3
STARTUP_REPEATS = 5
