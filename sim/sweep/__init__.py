"""Parameter sweeps and sensitivity experiments (``python -m sim sweep`` / ``analyze``).

An experiment file (TOML, in ``experiments/``) names a base scenario, the
parameters to vary, a design (grid, Latin hypercube, Sobol/Saltelli, Morris),
replicates, steps and the scalar outputs of interest. Modules:

- :mod:`sim.sweep.experiment`: read and validate an experiment file (a
  ``scenarios`` design is a scenario batch).
- :mod:`sim.sweep.designs`: design points and per-replicate seeds.
- :mod:`sim.sweep.run`: the one planner, and a sweep through :mod:`sim.engine`.
- :mod:`sim.sweep.executors`: the ``concurrent.futures.Executor`` runs go through.
- :mod:`sim.sweep.cli`: ``python -m sim sweep``.
- :mod:`sim.sweep.analyze_cli`: ``python -m sim analyze``.
"""
