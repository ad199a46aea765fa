"""The runner: pure single runs, seeds, and execute() over any executor."""

from __future__ import annotations

import concurrent.futures as cf
import io
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.outputs import COLUMNS
from sim.runner import RunSpec, execute, replicate_seeds, run_one
from sim.store import RunStore

SMALL = {"n_enterprises": 200, "n_schools": 4}
CALLS: list[int] = []


def counting_worker(params, seed, steps):
    CALLS.append(seed)
    return run_one(params, seed, steps)


def failing_worker(params, seed, steps):
    if params.get("fail"):
        raise RuntimeError(f"model blew up for seed {seed}")
    return run_one({}, seed, steps)


def flaky_worker(params, seed, steps):
    """Fails on the first attempt of each run (attempts counted in a file)."""
    marker = Path(params["marker_dir"]) / f"{seed}.tried"
    if not marker.exists():
        marker.write_text("1")
        raise OSError("transient")
    return run_one({}, seed, steps)


def plan(n: int = 4, steps: int = 12, params: dict | None = None) -> list[RunSpec]:
    return [RunSpec(f"small-r{r:03d}", dict(params or SMALL), seed, steps,
                    {"scenario": "small", "replicate": r})
            for r, seed in enumerate(replicate_seeds(7, n))]


def test_run_one_returns_every_output_per_step_and_depends_only_on_seed():
    a = run_one(SMALL, 11, 12)
    assert list(a.columns) == ["step", *COLUMNS]
    assert a["step"].tolist() == list(range(13))
    pd.testing.assert_frame_equal(a, run_one(SMALL, 11, 12))
    other = run_one(SMALL, 12, 12)
    assert not a.drop(columns="step").equals(other.drop(columns="step"))


def test_replicate_seeds_are_spawned_from_the_root_and_distinct():
    seeds = replicate_seeds(42, 5)
    expected = [int(c.generate_state(1)[0]) for c in np.random.SeedSequence(42).spawn(5)]
    assert seeds == expected
    assert len(set(seeds)) == 5
    assert replicate_seeds(42, 3) == seeds[:3]  # more replicates extend, not reshuffle
    assert replicate_seeds(43, 5) != seeds


@pytest.mark.slow
def test_one_process_and_two_processes_give_identical_results(tmp_path):
    specs = plan(n=6)
    tables = {}
    for jobs in (1, 2):
        store = RunStore(tmp_path / f"jobs{jobs}")
        store.open_batch(specs)
        outcomes = execute(specs, store, jobs=jobs, progress=False)
        assert all(o.status == "done" for o in outcomes)
        tables[jobs] = store.read_results()
    pd.testing.assert_frame_equal(tables[1], tables[2])


def test_finished_runs_are_skipped_not_recomputed(tmp_path):
    specs = plan(n=4)
    store = RunStore(tmp_path)
    store.open_batch(specs)
    CALLS.clear()
    execute(specs[:2], store, worker=counting_worker, progress=False)
    assert len(CALLS) == 2
    CALLS.clear()
    outcomes = execute(specs, store, worker=counting_worker, progress=False)
    assert CALLS == [s.seed for s in specs[2:]]
    assert [o.cached for o in outcomes] == [True, True, False, False]


def test_a_failing_run_is_recorded_and_does_not_stop_the_others(tmp_path):
    specs = plan(n=3, params={})
    bad = RunSpec("bad-r000", {"fail": True}, 5, 12, {"scenario": "bad", "replicate": 0})
    specs.insert(1, bad)
    store = RunStore(tmp_path)
    store.open_batch(specs)
    outcomes = execute(specs, store, worker=failing_worker, progress=False)
    assert [o.status for o in outcomes] == ["done", "failed", "done", "done"]
    assert outcomes[1].error == "RuntimeError: model blew up for seed 5"
    assert "Traceback" in outcomes[1].traceback
    runs = pd.read_csv(tmp_path / "runs.csv", keep_default_na=False).set_index("run_id")
    assert runs.loc["bad-r000", "status"] == "failed"
    assert "model blew up" in runs.loc["bad-r000", "traceback"]
    assert store.done_ids() == {s.run_id for s in specs} - {"bad-r000"}


def test_retries_rerun_a_transiently_failing_run(tmp_path):
    specs = plan(n=2, params={"marker_dir": str(tmp_path)})
    store = RunStore(tmp_path / "store")
    store.open_batch(specs)
    outcomes = execute(specs, store, worker=flaky_worker, retries=1, progress=False)
    assert [(o.status, o.attempts) for o in outcomes] == [("done", 2), ("done", 2)]
    no_retry = plan(n=1, params={"marker_dir": str(tmp_path / "fresh")})
    (tmp_path / "fresh").mkdir()
    store2 = RunStore(tmp_path / "store2")
    store2.open_batch(no_retry)
    assert execute(no_retry, store2, worker=flaky_worker, progress=False)[0].status == "failed"


class CountingExecutor(cf.Executor):
    """Thread pool that records the most futures outstanding at once."""

    def __init__(self):
        self.pool = cf.ThreadPoolExecutor(2)
        self.outstanding = 0
        self.peak = 0
        self.lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs):
        with self.lock:
            self.outstanding += 1
            self.peak = max(self.peak, self.outstanding)
        future = self.pool.submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _):
        with self.lock:
            self.outstanding -= 1

    def shutdown(self, wait=True, *, cancel_futures=False):
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def test_any_executor_works_and_submissions_stay_bounded(tmp_path):
    specs = plan(n=10, steps=6)
    store = RunStore(tmp_path)
    store.open_batch(specs)
    executor = CountingExecutor()
    outcomes = execute(specs, store, executor=executor, max_in_flight=3, progress=False)
    executor.shutdown()
    assert all(o.status == "done" for o in outcomes)
    assert executor.peak <= 3
    reference = RunStore(tmp_path / "inline")
    reference.open_batch(specs)
    execute(specs, reference, progress=False)
    pd.testing.assert_frame_equal(store.read_results(), reference.read_results())


def test_progress_prints_plain_lines_when_not_a_terminal(tmp_path):
    specs = plan(n=2, steps=3)
    store = RunStore(tmp_path)
    store.open_batch(specs)
    stream = io.StringIO()
    execute(specs, store, stream=stream)
    assert "runs 2/2 done" in stream.getvalue()
    stream = io.StringIO()
    execute(specs, store, stream=stream)  # all cached: nothing to report
    assert stream.getvalue() == ""


def test_duplicate_run_ids_are_refused(tmp_path):
    spec = plan(n=1)[0]
    with pytest.raises(ValueError, match="duplicate run ids: small-r000"):
        execute([spec, spec], RunStore(tmp_path), progress=False)


def test_a_local_worker_stores_its_own_result_and_hands_back_only_a_marker(tmp_path):
    from sim.runner import STORED, run_spec

    spec = plan(1)[0]
    store = RunStore(tmp_path)
    store.open_batch([spec])
    frame, error, _, _, _ = run_spec(spec, None, str(store.directory))
    assert frame == STORED and error == ""
    assert store.done_ids() == {spec.run_id}
    stored = store.read_results()
    expected = run_one(spec.params, spec.seed, spec.steps)
    assert np.allclose(stored["content_share"], expected["content_share"])
    assert (stored["seed"] == spec.seed).all()


def test_defect_13_09_an_executor_that_runs_nothing_is_reported_again_and_again(
        tmp_path, monkeypatch):
    import concurrent.futures as cf

    import sim.runner

    class NoWorkers(cf.Executor):  # a scheduler with no workers: nothing ever starts
        def submit(self, fn, *args, **kwargs):
            return cf.Future()

    class Stream(io.StringIO):
        def write(self, text):
            super().write(text)
            if self.getvalue().count("still waiting") >= 2:
                raise KeyboardInterrupt  # the user gives up

    monkeypatch.setattr(sim.runner, "STALL_NOTE_S", 0.05)
    stream = Stream()
    store = RunStore(tmp_path)
    specs = plan(2)
    store.open_batch(specs)
    with pytest.raises(KeyboardInterrupt):
        execute(specs, store, executor=NoWorkers(), progress=False, stream=stream)
    notes = [line for line in stream.getvalue().splitlines() if "still waiting" in line]
    assert len(notes) == 2 and "any workers" in notes[0]


def test_a_remote_worker_hands_back_the_encoded_result_the_store_appends(tmp_path):
    from sim.runner import run_spec
    from sim.store import EncodedResult

    spec = plan(1, steps=6)[0]
    encoded, error, _, _, _ = run_spec(spec, None, None, True)
    assert isinstance(encoded, EncodedResult) and error == ""
    store = RunStore(tmp_path / "encoded")
    store.open_batch([spec])
    store.write_result(spec, encoded)
    reference = RunStore(tmp_path / "frame")
    reference.open_batch([spec])
    reference.write_result(spec, run_one(spec.params, spec.seed, spec.steps))
    pd.testing.assert_frame_equal(store.read_results(), reference.read_results())


def test_workers_of_a_given_process_pool_store_their_own_results(tmp_path, monkeypatch):
    import multiprocessing

    import sim.store

    def refuse(*_args, **_kwargs):
        raise AssertionError("the parent stored a result itself")

    specs = plan(n=2, steps=4)
    store = RunStore(tmp_path)
    store.open_batch(specs)
    monkeypatch.setattr(sim.store, "write_part", refuse)  # the parent's only (not forked)
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(1, mp_context=context) as pool:
        outcomes = execute(specs, store, executor=pool, progress=False)
    assert [o.status for o in outcomes] == ["done", "done"], outcomes
    monkeypatch.undo()
    reference = RunStore(tmp_path / "inline")
    reference.open_batch(specs)
    execute(specs, reference, progress=False)
    pd.testing.assert_frame_equal(store.read_results(), reference.read_results())
