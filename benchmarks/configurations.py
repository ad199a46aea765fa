"""Benchmark sizes (as in Mesa's benchmarks/configurations.py): scale, steps, seeds."""

CONFIGURATIONS = {
    "county": {"params": {"n_schools": 10, "n_enterprises": 1000, "n_departments": 6},
               "steps": 120, "seeds": [1, 2, 3, 4, 5], "targets": {"seconds": 0.5}},
    "province": {"params": {"n_schools": 200, "n_enterprises": 20000, "n_departments": 6},
                 "steps": 120, "seeds": [1, 2, 3], "targets": {"seconds": 10.0, "peak_mb": 1024,
                                                                  "ratio_vs_boltzmann": 2.0}},
}
