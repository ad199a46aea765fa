"""Exploratory modelling beyond sweeps (issue 16; guide: docs/exploration.md).

- :mod:`sim.explore.discover`: scenario discovery, PRIM and CART from ``ema_workbench``, on a
  sweep's store (``python -m sim discover``);
- :mod:`sim.explore.optimize`: robust many-objective lever search with pymoo's NSGA-II, every
  evaluation through the run store (``python -m sim optimize``);
- :mod:`sim.explore.calibrate`: ABC-SMC calibration to a county's observations with pyabc
  (``python -m sim calibrate``), targets read by :mod:`sim.explore.targets`;
- :mod:`sim.explore.evaluate`: what the search and the calibration share: structural samples,
  runs named by what they compute, and their end-of-run values.
"""
