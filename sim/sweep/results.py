"""Read a sweep directory back: its experiment, design and one row of outputs per run.

Result files are read one at a time, and only the columns the outputs of
interest need, so reading stays light as sweeps grow.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from sim.store import RESULTS, RunStore
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
        factor and one per output, sorted by design point and replicate.
    """
    columns = sorted({o.column for o in experiment.outputs})
    wanted = [*ID_COLUMNS, *experiment.factor_names, "step", *columns]
    rows = []
    for path in sorted((directory / RESULTS).glob("*.parquet")):
        if path.name.startswith("."):
            continue
        frame = pq.read_table(path, columns=wanted).to_pandas().sort_values("step")
        first = frame.iloc[0]
        row = {c: first[c] for c in (*ID_COLUMNS, *experiment.factor_names)}
        for out in experiment.outputs:
            row[out.name] = out.apply(frame[out.column])
        rows.append(row)
    table = pd.DataFrame(rows, columns=[*ID_COLUMNS, *experiment.factor_names,
                                        *(o.name for o in experiment.outputs)])
    return table.sort_values(["design_point", "replicate"]).reset_index(drop=True)


def run_status(directory: Path) -> pd.DataFrame:
    """The run table (run id, labels, seed, status, error ...)."""
    return RunStore(directory).run_table()
