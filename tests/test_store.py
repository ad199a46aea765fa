"""The run store: per-writer part files, compaction, the SQLite run table, fingerprints."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from sim.runner import RunSpec, execute
from sim.store import RunStore, StoreBusyError, StoreMismatchError, close_parts, fingerprint


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
    assert store.done_ids() == {s.run_id for s in plan}  # readable before compaction too
    with store.running():
        store.compact()
    assert [p.name for p in (tmp_path / "results").iterdir()] == ["part-00000.parquet"]
    assert list((tmp_path / "parts").iterdir()) == []
    direct = pd.read_parquet(tmp_path / "results")
    assert len(direct) == 3 * 6
    assert list(direct.columns[:4]) == ["run_id", "scenario", "replicate", "seed"]
    table = store.read_results()
    assert table.groupby("run_id")["seed"].first().to_dict() == {
        s.run_id: s.seed for s in plan}
    assert store.done_ids() == {s.run_id for s in plan}


def test_a_torn_last_write_loses_only_that_run(tmp_path):
    store = RunStore(tmp_path)
    plan = specs()
    store.open_batch(plan)
    for k, spec in enumerate(plan):
        store.write_result(spec, frame(k / 10))
    close_parts(tmp_path)
    [part] = (tmp_path / "parts").iterdir()
    data = part.read_bytes()
    part.write_bytes(data[:-40])  # a writer killed in the middle of its last run
    assert RunStore(tmp_path).done_ids() == {"s-r000", "s-r001"}
    reopened = RunStore(tmp_path)
    reopened.open_batch(plan)  # compacts what is whole, drops the torn tail
    assert reopened.done_ids() == {"s-r000", "s-r001"}
    assert reopened.run_table().set_index("run_id")["status"].to_dict() == {
        "s-r000": "done", "s-r001": "done", "s-r002": "pending"}
    assert list((tmp_path / "parts").iterdir()) == []


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
    with store.running():
        store.compact()
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


def test_defect_13_22_temporary_files_are_removed_by_a_resume_however_soon_after_a_kill(
        tmp_path):
    # Only the lock holder writes temporary files (workers append to part files), so
    # any temporary file found by the next lock holder is a dead writer's.
    store = RunStore(tmp_path)
    store.open_batch(specs(n=2))
    store.write_result(specs(n=2)[0], frame(0.2))
    partial = tmp_path / "results" / ".part-00000.abc123.parquet.tmp"
    partial.parent.mkdir(exist_ok=True)
    partial.write_bytes(b"PAR1 half")  # fresh: a compaction killed a moment ago
    RunStore(tmp_path).open_batch(specs(n=2))
    assert not partial.exists()
    assert RunStore(tmp_path).done_ids() == {"s-r000"}


def test_a_killed_writer_process_loses_no_finished_run(tmp_path):
    # SIGKILL a process that stores runs one after another: every run it had
    # reported stored is readable afterwards, and the resume compacts them.
    plan = specs(n=400)
    RunStore(tmp_path).open_batch(plan)
    writer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import pandas as pd
        from sim.plan import RunSpec
        from sim.store import RunStore
        store = RunStore({str(tmp_path)!r})
        for r in range(400):
            spec = RunSpec(f"s-r{{r:03d}}", {{"audit_prob_per_step": 0.1}}, 1 + r, 5,
                           {{"scenario": "s", "replicate": r}})
            store.write_result(spec, pd.DataFrame({{"step": range(6), "content_share": r}}))
            print(spec.run_id, flush=True)
        input()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    reported = [writer.stdout.readline().strip() for _ in range(25)]
    writer.kill()
    writer.wait()
    store = RunStore(tmp_path)
    store.open_batch(plan)
    done = store.done_ids()
    assert set(reported) <= done
    table = store.read_results(done)
    assert (table.groupby("run_id").size() == 6).all()  # whole runs only
    assert list((tmp_path / "parts").iterdir()) == []


def test_a_compaction_killed_at_any_step_is_repaired_without_duplicates(tmp_path):
    plan = specs(n=4)
    store = RunStore(tmp_path)
    store.open_batch(plan)
    for k, spec in enumerate(plan[:3]):
        store.write_result(spec, frame(k / 10))
    with store.running():
        store.compact()
    compacted = next((tmp_path / "results").iterdir())
    # Killed after writing the file, before recording it and deleting the parts:
    # the parts are back, and the run table does not know the file.
    store.write_result(plan[3], frame(0.9))
    close_parts(tmp_path)
    store = RunStore(tmp_path)
    store._conn().execute("UPDATE runs SET location = NULL")
    reopened = RunStore(tmp_path)
    reopened.open_batch(plan)
    assert reopened.done_ids() == {s.run_id for s in plan}
    table = reopened.read_results()
    assert table.groupby("run_id").size().to_dict() == {s.run_id: 6 for s in plan}
    assert compacted.exists() and list((tmp_path / "parts").iterdir()) == []


def test_defect_13_07_a_damaged_result_file_is_quarantined_and_its_runs_recomputed(
        tmp_path, capsys):
    plan = specs(n=2)
    assert len(execute(plan, _opened(tmp_path, plan), progress=False,
                       worker=_tiny_worker)) == 2
    [result] = (tmp_path / "results").iterdir()
    result.write_bytes(b"")  # 0 bytes, as a full disk or a bad copy leaves it
    store = RunStore(tmp_path)
    store.open_batch(plan)
    assert store.done_ids() == set()
    assert "damaged result file" in capsys.readouterr().err
    assert any((tmp_path / "quarantine").iterdir())
    outcomes = execute(plan, store, progress=False, worker=_tiny_worker)
    assert [o.cached for o in outcomes] == [False, False]
    assert len(RunStore(tmp_path).read_results()) == 12


def test_defect_13_20_runs_csv_says_pending_not_running_after_an_interruption(tmp_path):
    plan = specs(n=3)
    store = _opened(tmp_path, plan)
    with pytest.raises(KeyboardInterrupt):
        execute(plan, store, progress=False, worker=_interrupted_at_second_run)
    statuses = pd.read_csv(tmp_path / "runs.csv").set_index("run_id")["status"].to_dict()
    assert statuses == {"s-r000": "done", "s-r001": "pending", "s-r002": "pending"}


def test_the_run_table_is_readable_while_another_process_writes_it(tmp_path):
    plan = specs(n=3)
    store = _opened(tmp_path, plan)
    store.record(plan[0], "running")
    store.record(plan[0], "done")  # committed at once, no waiting for a CSV rewrite
    reader = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        from sim.store import RunStore
        print(RunStore({str(tmp_path)!r}).run_table().set_index("run_id")["status"].to_dict())
        """)], capture_output=True, text=True, timeout=60)
    assert reader.stdout.strip() == str({"s-r000": "done", "s-r001": "pending",
                                         "s-r002": "pending"})


def test_many_runs_through_two_workers_make_one_results_file(tmp_path):
    plan = specs(n=40)
    outcomes = execute(plan, _opened(tmp_path, plan), jobs=2, progress=False,
                       worker=_tiny_worker)
    assert all(o.status == "done" for o in outcomes)
    assert [p.name for p in (tmp_path / "results").iterdir()] == ["part-00000.parquet"]
    assert list((tmp_path / "parts").iterdir()) == []
    assert set(pd.read_parquet(tmp_path / "results")["run_id"]) == {s.run_id for s in plan}


def test_defect_13_02_network_file_content_fingerprinted(tmp_path):
    network = tmp_path / "county.graphml"
    network.write_text("<graphml>first version</graphml>")
    plan = [RunSpec("n-r000", {"network_file": str(network)}, 1, 5, {"scenario": "n"})]
    before = fingerprint(plan)
    store = RunStore(tmp_path / "out")
    store.open_batch(plan)
    store.write_result(plan[0], frame(0.1))
    network.write_text("<graphml>edited</graphml>")  # same path, other content
    assert fingerprint(plan) != before
    with pytest.raises(StoreMismatchError):
        RunStore(tmp_path / "out").open_batch(plan)  # stale runs are not reused


def _opened(directory, plan):
    store = RunStore(directory)
    store.open_batch(plan)
    return store


def _tiny_worker(params, seed, steps):
    return frame(seed / 100, steps)


def _interrupted_at_second_run(params, seed, steps):
    if seed == 2:
        raise KeyboardInterrupt
    return frame(seed / 100, steps)


def test_a_directory_of_an_earlier_version_one_file_per_run_is_resumed(tmp_path):
    # Earlier versions wrote results/<run_id>.parquet and runs.csv, with the same fingerprint.
    import json

    import pyarrow.parquet as pq

    from sim.store import result_table, run_digest

    plan = specs()
    (tmp_path / "results").mkdir()
    for spec in plan[:2]:
        pq.write_table(result_table(spec, frame(0.4)), tmp_path / "results" / f"{spec.run_id}.parquet")
    (tmp_path / "batch.json").write_text(json.dumps({
        "fingerprint": fingerprint(plan, {"kind": "batch"}), "n_runs": 3,
        "identity": {"kind": "batch"}, "created": "2026-11-30T00:00:00+00:00",
        "runs": {s.run_id: run_digest(s) for s in plan}}))
    (tmp_path / "runs.csv").write_text("run_id,scenario,replicate,seed,steps,status\n")
    store = RunStore(tmp_path)
    store.open_batch(plan, identity={"kind": "batch"})
    assert store.done_ids() == {"s-r000", "s-r001"}
    outcomes = execute(plan, store, progress=False, worker=_tiny_worker)
    assert [o.cached for o in outcomes] == [True, True, False]
    assert len(RunStore(tmp_path).read_results()) == 18


def test_compaction_streams_row_groups_and_starts_a_new_file_for_other_columns(tmp_path,
                                                                             monkeypatch):
    import pyarrow.parquet as pq

    import sim.store

    monkeypatch.setattr(sim.store, "ROW_GROUP_ROWS", 12)  # two runs per row group
    plan = specs(n=5)
    store = _opened(tmp_path, plan)
    for k, spec in enumerate(plan[:4]):
        store.write_result(spec, frame(k / 10))
    store.write_result(plan[4], frame(0.9).assign(extra=1.0))  # another schema
    with store.running():
        written = store.compact()
    assert sorted(p.name for p in written) == ["part-00000.parquet", "part-00001.parquet"]
    shapes = sorted((pq.ParquetFile(p).metadata.num_rows, pq.ParquetFile(p).metadata
                     .num_row_groups) for p in written)
    assert shapes == [(6, 1), (24, 2)]  # the four runs of one schema, two row groups
    table = RunStore(tmp_path).read_results()
    assert table.groupby("run_id").size().to_dict() == {s.run_id: 6 for s in plan}


def _stored_as_from_pandas(spec, table):
    """What the store wrote for ``spec`` equals pyarrow's from_pandas conversion of it."""
    import pyarrow as pa

    from sim.store import encode_result, result_table

    encoded = encode_result(spec, table)
    back = pa.ipc.open_stream(pa.BufferReader(encoded.schema + encoded.batch)).read_all()
    return back.equals(result_table(spec, table), check_metadata=True)


def test_a_result_is_encoded_exactly_as_from_pandas_would_convert_it():
    import numpy as np

    shaped = frame(0.2).assign(approval_delay=[np.nan, np.nan, 1.0, 2.0, np.nan, 3.0],
                               audits=np.arange(6), flag=True, note="x")
    cases = [
        ({"design_point": 3, "replicate": 1, "audit_prob_per_step": 0.25}, frame(0.3)),
        ({"scenario": "s", "replicate": 0, "missing": None, "share": float("nan")}, shaped),
        ({"scenario": "s", "content_share": 9.0}, frame(0.1)),  # a label named like a column
        ({"scenario": "s"}, frame(0.1).iloc[:0]),  # no rows
    ]
    for number, (labels, table) in enumerate(cases):
        for seed in (1, 2):  # the first of a shape sets its schema, the second reuses it
            spec = RunSpec(f"c{number}-r{seed}", {}, seed, 5, labels)
            assert _stored_as_from_pandas(spec, table.assign(content_share=seed / 10)
                                          if len(table) else table), (labels, seed)
    # Same columns, but a label of another type than before: still what from_pandas gives.
    assert _stored_as_from_pandas(RunSpec("d-r1", {}, 1, 5, {"design_point": "p1"}), frame(0.3))
    assert _stored_as_from_pandas(RunSpec("d-r2", {}, 2, 5, {"design_point": 2}), frame(0.3))
    assert _stored_as_from_pandas(RunSpec("d-r3", {}, 3, 5, {"design_point": "p3"}), frame(0.3))


def test_part_files_hold_the_bytes_the_arrow_stream_writer_would_write(tmp_path):
    """Directories written before or after the store wrote raw messages read the same."""
    import pyarrow as pa

    from sim.store import result_table

    store = RunStore(tmp_path)
    plan = specs()
    store.open_batch(plan)
    for k, spec in enumerate(plan):
        store.write_result(spec, frame(k / 10))
    close_parts(tmp_path)
    [part] = (tmp_path / "parts").iterdir()
    tables = [result_table(spec, frame(k / 10)) for k, spec in enumerate(plan)]
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, tables[0].schema) as writer:
        for table in tables:
            writer.write_table(table)
    assert part.read_bytes() == sink.getvalue().to_pybytes()


def test_a_forked_child_writes_its_own_part_file_never_its_parents(tmp_path):
    # In a fresh interpreter: forking this (multi-threaded) test process could deadlock.
    script = textwrap.dedent(f"""
        import os, sys
        import pandas as pd
        from sim.plan import RunSpec
        from sim.store import close_parts, read_part, write_part

        def frame(v):
            return pd.DataFrame({{"step": range(6), "content_share": [v] * 6}})

        plan = [RunSpec(f"s-r{{r:03d}}", {{}}, r, 5, {{"replicate": r}}) for r in range(3)]
        first = write_part({str(tmp_path)!r}, plan[0], frame(0.1))
        pid = os.fork()
        if pid == 0:
            write_part({str(tmp_path)!r}, plan[1], frame(0.5))
            close_parts()
            os._exit(0)
        assert os.waitpid(pid, 0)[1] == 0
        assert write_part({str(tmp_path)!r}, plan[2], frame(0.2)) == first
        close_parts()
        for path in sorted(os.listdir({str(tmp_path / "parts")!r})):
            batches, clean = read_part(os.path.join({str(tmp_path / "parts")!r}, path))
            ids = [b.column("run_id")[0].as_py() for b in batches]
            print(path == first.name, clean, *ids)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.splitlines()) == ["False True s-r001", "True True s-r000 s-r002"]


def test_compaction_orders_rows_by_run_then_step_whatever_order_they_came_in(tmp_path):
    plan = specs()
    store = _opened(tmp_path, plan)
    store.write_result(plan[2], frame(0.2))
    store.write_result(plan[0], frame(0.0).iloc[::-1])  # a worker that gives steps backwards
    store.write_result(plan[1], frame(0.1))
    with store.running():
        store.compact()
    rows = pd.read_parquet(tmp_path / "results")
    assert list(zip(rows["run_id"], rows["step"], strict=True)) == [
        (s.run_id, step) for s in plan for step in range(6)]


def test_recording_a_run_not_in_the_plan_adds_it_after_the_planned_ones(tmp_path):
    plan = specs(n=3)
    store = _opened(tmp_path, plan[:2])
    store.record(plan[0], "running")
    store.record(plan[0], "running")
    store.record(plan[2], "failed", "boom")
    table = store.run_table()
    assert table["run_id"].tolist() == ["s-r000", "s-r001", "s-r002"]
    assert table.set_index("run_id")["attempts"].to_dict() == {"s-r000": 2, "s-r001": 0,
                                                               "s-r002": 0}
    assert table.set_index("run_id").loc["s-r002", "error"] == "boom"


def test_runs_stored_together_share_a_record_batch_and_compact_as_if_stored_alone(tmp_path):
    import pyarrow as pa

    from sim.store import read_part

    plan = specs(n=4)
    together = _opened(tmp_path / "together", plan)
    together.write_results(plan, [frame(k / 10) for k in range(4)])
    close_parts(tmp_path / "together")
    [part] = (tmp_path / "together" / "parts").iterdir()
    batches, clean = read_part(part)
    # (the first run of a shape new to this process sets its schema alone)
    assert clean and [b.num_rows for b in batches] in ([24], [6, 18])
    assert together.done_ids() == {s.run_id for s in plan}
    alone = _opened(tmp_path / "alone", plan)
    for k, spec in reversed(list(enumerate(plan))):
        alone.write_result(spec, frame(k / 10))
    # Rows of runs interleaved in one batch (not as the store writes them) sort too.
    mixed = pa.Table.from_batches(batches).take([0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11,
                                                 *range(12, 24)])
    for store in (together, alone):
        with store.running():
            store.compact()
    assert [p.name for p in (tmp_path / "together" / "results").iterdir()] == [
        "part-00000.parquet"]
    pd.testing.assert_frame_equal(together.read_results(), alone.read_results())
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "together" / "results"),
                                  pd.read_parquet(tmp_path / "alone" / "results"))
    from sim.store import _by_run

    [(whole, ids)] = _by_run(mixed.combine_chunks().to_batches()[0])
    assert whole.num_rows == 24 and sorted(ids) == [s.run_id for s in plan]
