"""Analysis of finished runs: pure functions from run tables to tables and figures.

``sim.analysis.reduce`` takes each run's end-of-run values by the rules of
``sim.outputs``; ``sim.analysis.stats`` has the statistics over replicates
(intervals, paired differences, the bootstrap of a ratio); ``sim.analysis.compare``
compares scenarios or design points with a baseline; ``sim.analysis.tables``
writes every table as CSV and booktabs LaTeX;
``sim.analysis.batch`` and ``sim.analysis.sweep_tables`` lay them out for
batches and sweeps; ``sim.analysis.sections`` builds reports from sections;
``sim.analysis.figures`` and ``sim.analysis.sweep_figures`` draw them through
``sim.analysis.style`` (one palette, one byte-stable saver).
"""
