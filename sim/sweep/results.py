"""Read a sweep directory back: its experiment, design and one row of outputs per run.

Results are read through the run store one run at a time, and only the columns
the outputs of interest need, so reading stays light as sweeps grow.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.store import RunStore
from sim.sweep.experiment import Experiment, ExperimentError, experiment_from_dict
from sim.sweep.run import EXPERIMENT_JSON

ID_COLUMNS = ("run_id", "design_point", "replicate", "seed")


def load_sweep_experiment(directory: Path) -> Experiment:
    """The experiment a sweep directory was run with (from ``experiment.json``).

    Raises:
        ExperimentError: when the directory holds no sweep.
    """
    path = directory / EXPERIMENT_JSON
    if not path.is_file():
        raise ExperimentError(str(directory), EXPERIMENT_JSON, "not found: this is not a sweep "
                              "directory (run python -m sim sweep EXPERIMENT --out DIR first)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ExperimentError(str(path), f"line {err.lineno}", err.msg) from None
    return experiment_from_dict(data)


def run_outputs(directory: Path, experiment: Experiment) -> pd.DataFrame:
    """One row per finished run: ids, varied parameters and each output reduced to a number.

    Args:
        directory: the sweep directory.
        experiment: its experiment.

    Returns:
        Columns ``run_id``, ``design_point``, ``replicate``, ``seed``, one per
        factor (``scenario`` for a scenarios design) and one per output, sorted
        by design point and replicate.
    """
    scenarios = experiment.design == "scenarios"
    labels = ["scenario"] if scenarios else experiment.factor_names
    point_of = {p.name: k for k, p in enumerate(experiment.scenarios)}
    columns = list(dict.fromkeys(c for o in experiment.outputs for c in o.columns()))
    ids = [c for c in ID_COLUMNS if not (scenarios and c == "design_point")]
    rows = []
    for frame in RunStore(directory).iter_results(columns=[*ids, *labels, "step", *columns]):
        frame = frame.sort_values("step", kind="stable")
        first = frame.iloc[0]
        row = {c: first[c] for c in (*ids, *labels)}
        if scenarios:
            row["design_point"] = point_of.get(row["scenario"], -1)
        for out in experiment.outputs:
            row[out.name] = out.apply(frame)
        rows.append(row)
    table = pd.DataFrame(rows, columns=[*ID_COLUMNS, *labels,
                                        *(o.name for o in experiment.outputs)])
    return table.sort_values(["design_point", "replicate"]).reset_index(drop=True)


def run_status(directory: Path) -> pd.DataFrame:
    """The run table (run id, labels, seed, status, error ...)."""
    return RunStore(directory).run_table()
