"""Replicated scenario batches: ``python -m sim run SCENARIO ... --replicates N``.

:mod:`sim.batch.scenario_batch` plans and runs a batch into a run store and
writes its outputs; :mod:`sim.batch.manifest` records what was run;
:mod:`sim.batch.report` writes the readable ``report.md``; :mod:`sim.batch.cli`
is the command.
"""
