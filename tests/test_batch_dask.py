"""Batch grading on a real Dask cluster (``distributed.LocalCluster``, 2 worker processes): the same class graded
on the cluster and locally gives the same scores and statuses per test; submissions travel as bytes; a worker
with another kit, a grading process that dies and an unreachable scheduler each give a clear row or message."""

from __future__ import annotations

import importlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from harness import variant_source

from autograder import paths
from autograder.batch import dask_executor
from autograder.batch.jobs import Job, Outcome, run_job
from autograder.i18n import msg

if os.environ.get("CI"):
    import distributed  # noqa: F401 - CI installs the cluster extra: a missing Dask must fail, not skip
else:
    pytest.importorskip("distributed", reason="needs the cluster extra: pip install -e '.[cluster]'")

NUMBER = 1  # numpy only: fast to grade
MODULE = paths.module_name(NUMBER)


def _class_folder(root):
    """One entry per student, in every shape a class folder holds, good and bad."""
    variants = importlib.import_module(f"variants.{MODULE}")
    reference = paths.reference_path(NUMBER).read_text(encoding="utf-8")
    bug_exercise, bug_code = variants.BUGGY["predict_forgets_bias"]
    correct = next(iter(variants.CORRECT.values()))
    root.mkdir()
    (root / "good.py").write_text(reference, encoding="utf-8")
    (root / "buggy.py").write_text(variant_source(NUMBER, {bug_exercise: bug_code}), encoding="utf-8")
    (root / "broken.py").write_text(reference.replace("def fit_linear(", "def fit_linear(("), encoding="utf-8")
    (root / "exits.py").write_text("import os\nos._exit(3)\n", encoding="utf-8")
    folder = root / "folder"
    folder.mkdir()
    (folder / f"{MODULE}.py").write_text(variant_source(NUMBER, correct), encoding="utf-8")
    sheet = paths.assignment_path(NUMBER).with_name(f"{MODULE}_quiz.txt").read_text(encoding="utf-8")
    (folder / f"{MODULE}_quiz.txt").write_text(sheet.replace("\nq1 = \n", "\nq1 = c\n", 1), encoding="utf-8")
    with zipfile.ZipFile(root / "zipped.zip", "w") as archive:
        archive.writestr(f"zipped/{MODULE}.py", reference)
    notebook = {"cells": [{"cell_type": "code", "source": reference, "metadata": {}}], "nbformat": 4, "metadata": {}}
    (root / "notebook.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    (root / "empty").mkdir()  # a folder without the module
    return [Job(p.stem, str(p), NUMBER, timeout=5.0) for p in sorted(root.iterdir())] + [
        Job("missing", str(root / "missing.py"), NUMBER)
    ]


def _per_test(outcome: Outcome) -> tuple:
    """What must not depend on where a submission was graded: status, message, and each test's score and status."""
    if outcome.result is None:
        return (outcome.status, outcome.message)
    tests = [
        (e["name"], t["name"], t["status"], t["score"], t["max_score"])
        for e in outcome.result["exercises"]
        for t in e["tests"]
    ]
    return (outcome.status, outcome.result["score"], outcome.result["submission"], tests)


def _code_points(outcome: Outcome) -> tuple[float, float]:
    exercises = [e for e in outcome.result["exercises"] if e.get("kind", "code") == "code"]
    return sum(e["score"] for e in exercises), sum(e["max_score"] for e in exercises)


def _quiz_points(outcome: Outcome) -> float:
    return sum(e["score"] for e in outcome.result["exercises"] if e.get("kind") == "quiz")


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local:
        yield local


def test_cluster_grades_like_a_local_run(tmp_path, cluster):
    from distributed import Client, get_task_stream

    jobs = _class_folder(tmp_path / "class")
    local = {job.student_id: run_job(job) for job in jobs}
    executor = dask_executor.DaskExecutor(cluster.scheduler_address)
    try:
        with Client(cluster.scheduler_address) as observer, get_task_stream(observer) as stream:
            remote = list(executor.run(jobs))
    finally:
        executor.close()
    assert sorted(o.student_id for o in remote) == sorted(local)  # one outcome per job, none lost or repeated
    for outcome in remote:
        assert _per_test(outcome) == _per_test(local[outcome.student_id]), outcome.student_id
    code = {o.student_id: _code_points(o) for o in remote if o.result is not None}
    assert code["good"] == code["folder"] == code["zipped"] == code["notebook"] == (10.0, 10.0)
    assert code["buggy"][0] < 10.0 and code["broken"][0] == code["exits"][0] == 0.0
    by_id = {o.student_id: o for o in remote}
    assert _quiz_points(by_id["folder"]) >= 1 > _quiz_points(by_id["good"])  # the folder's answer sheet travelled
    assert {by_id[s].status for s in ("empty", "missing")} == {"error"}
    assert "missing.py" in by_id["missing"].message and "grade-dask-" not in by_id["empty"].message
    workers = {task["worker"] for task in stream.data}
    assert len(workers) == 2, workers  # the class was shared out between both worker processes


def _gradebook(results) -> tuple[list, list]:
    with sqlite3.connect(results / "gradebook.sqlite") as db:
        submissions = db.execute("SELECT student_id, status, score, max_score, message FROM submissions ORDER BY 1")
        tests = db.execute("SELECT * FROM tests ORDER BY student_id, rowid")
        return submissions.fetchall(), tests.fetchall()


def test_grade_batch_on_a_scheduler_writes_the_same_gradebook_as_locally(tmp_path, cluster):
    jobs = _class_folder(tmp_path / "class")
    keep = {"good", "buggy", "folder", "zipped", "empty"}
    for job in jobs:
        if job.student_id not in keep and Path(job.path).is_file():
            Path(job.path).unlink()
    command = [sys.executable, str(paths.ROOT / "cli.py"), "batch", str(tmp_path / "class"), "--lecture", "1", "-q"]
    local = [*command, "--out", str(tmp_path / "local"), "--workers", "2"]
    remote = [*command, "--out", str(tmp_path / "dask"), "--executor", "dask", "--scheduler", cluster.scheduler_address]
    for run in (local, remote):
        done = subprocess.run(run, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    submissions, tests = _gradebook(tmp_path / "dask")
    assert [row[0] for row in submissions] == sorted(keep)
    assert (submissions, tests) == _gradebook(tmp_path / "local") and len(tests) > 40


def test_folder_travels_as_its_regular_files_only(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("instructor only", encoding="utf-8")
    folder = tmp_path / "alice"
    (folder / "sub").mkdir(parents=True)
    (folder / f"{MODULE}.py").write_text("x = 1\n", encoding="utf-8")
    (folder / "sub" / "notes.txt").write_text("mine", encoding="utf-8")
    (folder / "link.txt").symlink_to(secret)
    packed = dask_executor.pack(folder)
    with zipfile.ZipFile(io.BytesIO(packed.data)) as archive:
        assert sorted(archive.namelist()) == [f"{MODULE}.py", "sub/notes.txt"]  # the link is not followed
    worker_side = tmp_path / "worker"
    worker_side.mkdir()
    unpacked = dask_executor.unpack_into(packed, worker_side)
    assert unpacked.name == "alice" and (unpacked / "sub" / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not (unpacked / "link.txt").exists()


def test_a_worker_with_another_kit_refuses_to_grade(tmp_path):
    path = tmp_path / "good.py"
    path.write_text(paths.reference_path(NUMBER).read_text(encoding="utf-8"), encoding="utf-8")
    job = Job("good", str(path), NUMBER)
    data = dask_executor.grade_packed(job, dask_executor.pack(path), "0" * 64)
    assert data["status"] == "error" and data["result"] is None
    assert "different grading kit" in data["message"] and "000000000000" in data["message"]
    graded = dask_executor.grade_packed(job, dask_executor.pack(path), dask_executor.kit_fingerprint())
    assert graded["status"] == "graded" and graded["result"]["submission"] == str(path)


def test_a_worker_without_bubblewrap_refuses_a_bwrap_job(tmp_path, monkeypatch):
    path = tmp_path / "good.py"
    path.write_text(paths.reference_path(NUMBER).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(dask_executor.sandbox, "bwrap_works", lambda: False)
    job = Job("good", str(path), NUMBER, sandbox="bwrap")
    data = dask_executor.grade_packed(job, dask_executor.pack(path), dask_executor.kit_fingerprint())
    assert data["status"] == "error" and "cannot run bubblewrap" in data["message"]


def _die_on(student_id: str) -> None:
    """Run on every Dask worker: grading ``student_id`` kills the grading process itself (not a student worker)."""
    original = dask_executor.run_job

    def dying(job: Job) -> Outcome:
        if job.student_id == student_id:
            os._exit(9)
        return original(job)

    dask_executor.run_job = dying  # type: ignore[assignment]


def test_a_grading_process_that_dies_is_one_error_row(tmp_path):
    jobs = [j for j in _class_folder(tmp_path / "class") if j.student_id in ("good", "buggy", "empty")]
    executor = dask_executor.DaskExecutor(None, workers=2)  # its own LocalCluster: allowed-failures 0
    try:
        executor.client.run(_die_on, "buggy")
        outcomes = {o.student_id: o for o in executor.run(jobs)}
    finally:
        executor.close()
    assert sorted(outcomes) == sorted(j.student_id for j in jobs)
    died = outcomes["buggy"]
    assert died.status == "error" and died.result is None and "worker grading this submission died" in died.message
    no_module = msg("batch.no_module", module=MODULE)
    others = {sid: (o.status, o.message) for sid, o in outcomes.items() if sid != "buggy"}
    assert others == {"good": ("graded", ""), "empty": ("error", no_module)}


def test_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(dask_executor.ClusterError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        dask_executor.DaskExecutor("tcp://127.0.0.1:9", connect_timeout=2)
