"""Replicated scenario batches: ``python -m sim run SCENARIO ... --replicates N``.

:mod:`sim.batch.scenario_batch` plans and runs a batch into a run store and
writes its outputs through the shared engine (:mod:`sim.engine`, which writes
``manifest.json`` with :mod:`sim.manifest`);
:mod:`sim.batch.report` writes the readable ``report.md``; :mod:`sim.batch.cli`
is the command.
"""
