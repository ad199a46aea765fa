"""Robustness of the conclusions to the structural assumptions (``python -m sim robustness``).

- :mod:`sim.robustness.spec`: the robustness file and the command line, checked;
- :mod:`sim.robustness.stages`: each stage as a sweep of the experiment engine;
- :mod:`sim.robustness.run`: run every stage and compute the results;
- :mod:`sim.robustness.analysis`: the pure computations (shares, reversals, screening);
- :mod:`sim.robustness.report`: tables, figures, the Markdown summary;
- :mod:`sim.robustness.cli`: the command.
"""
