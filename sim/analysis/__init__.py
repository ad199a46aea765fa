"""Analysis of finished runs: pure functions from run tables to tables and figures.

``sim.analysis.batch`` summarises scenario batches, ``sim.analysis.figures``
draws them; sweep analyses live in their own modules beside them.
"""
