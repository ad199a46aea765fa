"""Cost of storing one finished run: time, files and bytes per run, and the cost of reading back.

Run::

    .venv/bin/python benchmarks/store_cost.py                      # this tree's store
    .venv/bin/python benchmarks/store_cost.py --runs 5000
    git show <commit>:sim/store.py > /tmp/store_before.py
    .venv/bin/python benchmarks/store_cost.py --store /tmp/store_before.py   # another version

Stores ``--runs`` copies of one real county run (120 steps, every output
column) through the store's public API, as the runner does for each finished
run: ``write_result`` then ``record(spec, "done")``, then ``flush`` (and
``compact`` where the store has it) at the end. Prints ``name: value`` lines:

- ``store_ms_per_run``: wall time per run of writing and recording it
  (median of ``--rounds`` rounds), the end-of-batch flush/compaction included;
- ``encode_ms_per_run``: of that, turning the frame into the bytes appended
  (``encode_result``, which a worker does before it hands a result back),
  where the store has it;
- ``files_per_1000_runs``: files in the store directory afterwards;
- ``bytes_per_run``: bytes on disk per run;
- ``read_all_s``: reading every stored run back as one table;
- ``reopen_s``: opening the store again (what resume pays).

A cluster's shared file system pays per file created far more than this
local disk does, so ``files_per_1000_runs`` is the number to watch there.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.plan import RunSpec  # noqa: E402
from sim.runner import run_one  # noqa: E402


def load_store(path: str | None):
    """The store module of this tree, or the one at ``path``."""
    if path is None:
        import sim.store

        return sim.store
    spec = importlib.util.spec_from_file_location("store_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["store_under_test"] = module
    spec.loader.exec_module(module)
    return module


def one_round(module, frame, runs: int, directory: Path) -> dict[str, float]:
    store_class = module.RunStore
    specs = [RunSpec(run_id=f"p{k:05d}-r000", params={"audit_prob_per_step": k / runs},
                     seed=k, steps=120, labels={"design_point": k, "replicate": 0})
             for k in range(runs)]
    store = store_class(directory)
    store.open_batch(specs, identity={"kind": "benchmark"})
    started = time.perf_counter()
    for spec in specs:
        store.write_result(spec, frame)
        store.record(spec, "done", started=0.0, finished=1.0)
    store.flush()
    if hasattr(store, "compact"):
        store.compact()
    seconds = time.perf_counter() - started
    files = [p for p in directory.rglob("*") if p.is_file()]
    started = time.perf_counter()
    table = store_class(directory).read_results()
    read_s = time.perf_counter() - started
    assert len(table) == runs * len(frame), "every stored row reads back"
    started = time.perf_counter()
    store_class(directory).done_ids()
    reopen_s = time.perf_counter() - started
    result = {"store_ms_per_run": 1000 * seconds / runs}
    if hasattr(module, "encode_result"):
        started = time.perf_counter()
        for spec in specs:
            module.encode_result(spec, frame)
        result["encode_ms_per_run"] = 1000 * (time.perf_counter() - started) / runs
    return {**result,
            "files_per_1000_runs": 1000 * len(files) / runs,
            "bytes_per_run": sum(p.stat().st_size for p in files) / runs,
            "read_all_s": read_s, "reopen_s": reopen_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--store", metavar="STORE_PY", help="a store.py to measure instead")
    args = parser.parse_args()
    module = load_store(args.store)
    frame = run_one({"n_enterprises": 200, "n_schools": 4}, seed=1, steps=120)
    results = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            results.append(one_round(module, frame, args.runs, Path(tmp)))
    print(f"store: {args.store or 'sim/store.py'}; runs: {args.runs}; rows per run: {len(frame)}")
    for name in results[0]:
        print(f"{name}: {statistics.median(r[name] for r in results):.4g}")


if __name__ == "__main__":
    main()
