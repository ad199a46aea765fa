"""The run store: atomic result files, the run table and batch fingerprints."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

from sim.runner import RunSpec, execute
from sim.store import RunStore, StoreBusyError, StoreMismatchError, fingerprint


def specs(seed: int = 1, n: int = 3) -> list[RunSpec]:
    return [RunSpec(f"s-r{r:03d}", {"audit_prob_per_step": 0.1}, seed + r, 5,
                    {"scenario": "s", "replicate": r}) for r in range(n)]


def frame(value: float, steps: int = 5) -> pd.DataFrame:
    return pd.DataFrame({"step": range(steps + 1), "content_share": [value] * (steps + 1)})


def test_result_file_holds_labels_run_id_and_seed_and_reads_back_as_a_dataset(tmp_path):
    store = RunStore(tmp_path)
    plan = specs()
    store.open_batch(plan)
    for k, spec in enumerate(plan):
        store.write_result(spec, frame(k / 10))
    direct = pd.read_parquet(tmp_path / "results")
    assert len(direct) == 3 * 6
    assert list(direct.columns[:4]) == ["run_id", "scenario", "replicate", "seed"]
    table = store.read_results()
    assert table.groupby("run_id")["seed"].first().to_dict() == {
        s.run_id: s.seed for s in plan}
    assert store.done_ids() == {s.run_id for s in plan}


def test_a_write_that_fails_midway_leaves_neither_a_result_nor_a_temp_file(tmp_path,
                                                                         monkeypatch):
    store = RunStore(tmp_path)
    spec = specs()[0]
    store.open_batch([spec])

    import pyarrow.parquet as pq

    def broken(table, path, **kwargs):
        with open(path, "wb") as handle:
            handle.write(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(pq, "write_table", broken)
    with pytest.raises(OSError, match="disk full"):
        store.write_result(spec, frame(0.5))
    assert store.done_ids() == set()
    assert list((tmp_path / "results").iterdir()) == []


def test_same_batch_resumes_and_keeps_finished_results(tmp_path):
    store = RunStore(tmp_path)
    store.open_batch(specs())
    store.write_result(specs()[0], frame(0.3))
    again = RunStore(tmp_path)
    again.open_batch(list(reversed(specs())))  # order does not make a batch
    assert again.done_ids() == {"s-r000"}
    assert again.run_table().set_index("run_id")["status"].to_dict() == {
        "s-r000": "done", "s-r001": "pending", "s-r002": "pending"}


def test_different_batch_is_refused_unless_forced_then_replaced(tmp_path):
    store = RunStore(tmp_path)
    store.open_batch(specs(seed=1))
    store.write_result(specs(seed=1)[0], frame(0.3))
    other = RunStore(tmp_path)
    with pytest.raises(StoreMismatchError, match="holds batch .* of a different batch; use "
                                                 "another output directory, or --force"):
        other.open_batch(specs(seed=2))
    assert other.done_ids() == {"s-r000"}  # refused: nothing touched
    other.open_batch(specs(seed=2), force=True)
    assert other.done_ids() == set()
    assert set(other.run_table()["seed"]) == {2, 3, 4}


def test_results_without_a_batch_file_count_as_another_batch(tmp_path):
    (tmp_path / "results").mkdir()
    frame(0.1).to_parquet(tmp_path / "results" / "old.parquet")
    with pytest.raises(StoreMismatchError, match="holds results of a different batch"):
        RunStore(tmp_path).open_batch(specs())


def test_run_table_records_failure_with_traceback_and_survives_reopening(tmp_path):
    store = RunStore(tmp_path)
    plan = specs()
    store.open_batch(plan)
    store.record(plan[1], "running")
    store.record(plan[1], "failed", "ValueError: boom", traceback="Traceback ...\nValueError",
                 started=100.0, finished=101.5)
    store.flush()
    table = pd.read_csv(tmp_path / "runs.csv", keep_default_na=False).set_index("run_id")
    assert table.loc["s-r001", "status"] == "failed"
    assert table.loc["s-r001", "error"] == "ValueError: boom"
    assert "Traceback" in table.loc["s-r001", "traceback"]
    assert float(table.loc["s-r001", "duration_s"]) == 1.5
    assert table.loc["s-r001", "attempts"] == 1
    assert list(table.columns[:2]) == ["scenario", "replicate"]


def test_reopening_repairs_statuses_from_the_result_files(tmp_path):
    store = RunStore(tmp_path)
    plan = specs()
    store.open_batch(plan)
    store.record(plan[0], "running")
    store.record(plan[2], "done")
    store.flush()
    store.write_result(plan[0], frame(0.2))  # finished, but killed before runs.csv was updated
    reopened = RunStore(tmp_path)
    reopened.open_batch(plan)
    status = reopened.run_table().set_index("run_id")["status"].to_dict()
    assert status == {"s-r000": "done", "s-r001": "pending", "s-r002": "pending"}


def test_fingerprint_depends_on_what_is_computed_not_on_order():
    assert fingerprint(specs()) == fingerprint(list(reversed(specs())))
    assert fingerprint(specs(seed=1)) != fingerprint(specs(seed=2))
    assert fingerprint(specs()) != fingerprint(specs(n=4))
    longer = [RunSpec(s.run_id, s.params, s.seed, 6, s.labels) for s in specs()]
    assert fingerprint(specs()) != fingerprint(longer)
    assert fingerprint(specs(), {"kind": "a"}) != fingerprint(specs(), {"kind": "b"})


def test_more_replicates_extend_a_batch_and_keep_its_finished_runs(tmp_path):
    store = RunStore(tmp_path)
    first = specs(n=3)
    store.open_batch(first, identity={"kind": "batch"})
    for k, spec in enumerate(first):
        store.write_result(spec, frame(0.1 * k))
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "results").iterdir()}

    more = RunStore(tmp_path)
    more.open_batch(specs(n=5), identity={"kind": "batch"})
    assert more.extended_from == 3
    assert more.done_ids() == {s.run_id for s in first}
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "results").iterdir()} == before
    assert len(more.run_table()) == 5


def test_a_batch_that_changes_a_finished_run_is_not_an_extension(tmp_path):
    store = RunStore(tmp_path)
    store.open_batch(specs(n=2), identity={"kind": "batch"})
    store.write_result(specs(n=2)[0], frame(0.5))
    changed = specs(seed=99, n=4)  # same run ids, other seeds
    with pytest.raises(StoreMismatchError):
        RunStore(tmp_path).open_batch(changed, identity={"kind": "batch"})
    with pytest.raises(StoreMismatchError):
        RunStore(tmp_path).open_batch(specs(n=4), identity={"kind": "sweep"})


@pytest.mark.skipif(sys.platform == "win32", reason="the lock is POSIX flock")
def test_a_directory_another_process_is_running_into_is_refused_then_free_again(tmp_path):
    # Two processes running the same command into one directory would compute every run
    # twice and overwrite each other's run table.
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from sim.store import RunStore
        with RunStore({str(tmp_path)!r}).running():
            print("locked", flush=True)
            sys.stdin.read()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreBusyError, match=rf"pid {holder.pid}\) is running a batch"):
            RunStore(tmp_path).open_batch(specs())
        with pytest.raises(StoreBusyError):
            execute(specs(), RunStore(tmp_path), progress=False)
        assert not (tmp_path / "batch.json").exists()
    finally:
        holder.communicate("", timeout=30)
    store = RunStore(tmp_path)
    store.open_batch(specs())
    with store.running():  # released when the holder ended
        pass


def test_half_written_files_of_a_killed_writer_are_removed_on_reopening(tmp_path):
    store = RunStore(tmp_path)
    store.open_batch(specs(n=2))
    store.write_result(specs(n=2)[0], frame(0.2))
    partial = tmp_path / "results" / ".s-r001.abc123.tmp"
    partial.write_bytes(b"PAR1 half")
    RunStore(tmp_path).open_batch(specs(n=2))
    assert partial.exists()  # fresh: it could be a live writer's
    old = time.time() - 3600
    os.utime(partial, (old, old))
    RunStore(tmp_path).open_batch(specs(n=2))
    assert not partial.exists()
    assert RunStore(tmp_path).done_ids() == {"s-r000"}
