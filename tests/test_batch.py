"""grade batch: a realistic class graded end to end, resumed after SIGKILL, regraded with --force.

The class (lecture 1, numpy only, so it grades in seconds) holds the reference in a folder with a quiz
sheet, buggy variants from tests/variants/lecture01.py as loose .py files, a syntax error, one that hangs,
one that calls os._exit, one that eats memory, a zip, a notebook and a folder without the module. Every
`grade batch` here is a real subprocess with the kit's own command line; one class run is shared by the
tests that only read its outputs.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from harness import variant_source
from variants import lecture01 as variants01
from variants import lecture04 as variants04

from autograder import paths, registry, runner
from autograder.batch import cli_commands, discover, gradebook, unpack
from autograder.batch.jobs import Job, Outcome, run_job
from autograder.batch.local import LocalExecutor
from autograder.isolation import Limits

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 1.0  # per call: the hanging submission costs about a second per test that calls it
EXERCISES_1 = list(registry.load(1).exercises)


def _reference(number: int) -> str:
    return paths.reference_path(number).read_text(encoding="utf-8")


def _notebook(source: str) -> str:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Lecture 1\n"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": ["%time 1 + 1\n"]},
    ]
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells})


def _quiz_sheet() -> str:
    """The blank lecture 1 answer sheet with q1 answered correctly (c: AI contains ML contains DL)."""
    blank = (paths.ASSIGNMENTS / "lecture01_quiz.txt").read_text(encoding="utf-8")
    return blank.replace("q1 = \n", "q1 = c\n", 1)


def make_class(folder: Path) -> dict[str, str]:
    """A lecture 1 class in ``folder``; returns what each student's submission is."""
    folder.mkdir(parents=True)
    ref = _reference(1)
    (folder / "alice").mkdir()
    (folder / "alice" / "lecture01.py").write_text(ref, encoding="utf-8")
    (folder / "alice" / "lecture01_quiz.txt").write_text(_quiz_sheet(), encoding="utf-8")
    exercise, bug = variants01.BUGGY["mse_with_half"]
    (folder / "bob.py").write_text(variant_source(1, {exercise: bug}), encoding="utf-8")
    (folder / "carol.py").write_text("import numpy as np\n\ndef fit_linear(X, y:\n    pass\n", encoding="utf-8")
    hang = "def predict_linear(X, w, b):\n    while True:\n        pass\n"
    (folder / "dave.py").write_text(variant_source(1, {"predict_linear": hang}), encoding="utf-8")
    exits = "def fit_linear(X, y):\n    import os\n    os._exit(3)\n"
    (folder / "erin.py").write_text(variant_source(1, {"fit_linear": exits}), encoding="utf-8")
    exercise, bug = variants01.BUGGY["fit_without_intercept"]
    with zipfile.ZipFile(folder / "frank.zip", "w") as zf:
        zf.writestr("frank/lecture01.py", variant_source(1, {exercise: bug}))
        zf.writestr("__MACOSX/frank/._lecture01.py", "junk")
    (folder / "grace.ipynb").write_text(_notebook(ref), encoding="utf-8")
    (folder / "heidi").mkdir()
    (folder / "heidi" / "notes.txt").write_text("I forgot the module", encoding="utf-8")
    # asks for 32 EiB: refused at once on any machine (the engine's RLIMIT_AS has its own attack tests)
    hog = "def mean_squared_error(y_hat, y):\n    block = np.ones((2**31, 2**31))\n    return float(block.sum())\n"
    (folder / "ivan.py").write_text(variant_source(1, {"mean_squared_error": hog}), encoding="utf-8")
    (folder / "README.txt").write_text("not a submission", encoding="utf-8")
    return {
        "alice": "reference + quiz",
        "bob": "mse bug",
        "carol": "syntax error",
        "dave": "hangs",
        "erin": "os._exit",
        "frank": "zip",
        "grace": "notebook",
        "heidi": "no module",
        "ivan": "memory hog",
    }


def grade_batch(*args: str | Path, wait: bool = True) -> subprocess.CompletedProcess | subprocess.Popen:
    command = [sys.executable, "-m", "cli", "batch", *map(str, args)]
    env = {**os.environ, "GRADE_LANG": "en"}
    if not wait:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
        )
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def db_rows(out: Path, query: str, *params: object) -> list[tuple]:
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        return db.execute(query, params).fetchall()


def per_test(out: Path) -> dict[tuple[str, str, str], tuple[str, float]]:
    rows = db_rows(out, "SELECT student_id, exercise, test, status, score FROM tests")
    return {(s, e, t): (status, score) for s, e, t, status, score in rows}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    students = make_class(root / "class")
    out = root / "results"
    done = grade_batch(root / "class", "--lecture", "1", "--out", out, "--workers", "2", "--timeout", TIMEOUT)
    return root / "class", out, students, done


def test_batch_exits_zero_and_prints_the_class_summary(graded):
    _, _, students, done = graded
    assert done.returncode == 0, done.stdout + done.stderr
    text = done.stdout
    assert "9 submissions: 9 to grade, 0 already in the gradebook (workers: 2)" in text
    for student in students:
        assert f"] {student}: " in text  # one progress line per student
    assert "Class summary: Lecture 1" in text and "(8 graded submissions)" in text
    assert "Totals (percent of the maximum)" in text
    # the most common failure reasons, grouped with the numbers taken out
    assert "MSE" in text and "max abs error #" in text
    assert "timed out after # s while running predict_linear" in text
    assert "SyntaxError on line #" in text
    assert "exited with status #" in text
    assert "Submissions that could not be graded: 1" in text
    assert "heidi: no lecture01.py (nor a notebook) in the submission" in text
    assert "Graded 9 submissions in " in text and " per minute)" in text


def test_csv_has_one_row_per_student_and_one_column_per_exercise(graded):
    _, out, students, _ = graded
    rows = read_csv(out / "grades.csv")
    assert list(rows[0]) == ["student_id", *EXERCISES_1, "quiz", "total", "max", "percent", "status", "message"]
    assert [r["student_id"] for r in rows] == sorted(students)
    by_id = {r["student_id"]: r for r in rows}
    alice = by_id["alice"]
    assert alice["status"] == "graded"
    assert [float(alice[e]) for e in EXERCISES_1] == [5, 2, 3]
    assert float(alice["quiz"]) >= 1  # q1 answered right on her sheet
    assert float(alice["total"]) == 10 + float(alice["quiz"])
    assert float(by_id["bob"]["mean_squared_error"]) < 3 and float(by_id["bob"]["fit_linear"]) == 5
    assert float(by_id["frank"]["fit_linear"]) < 5 and float(by_id["frank"]["mean_squared_error"]) == 3
    assert [float(by_id["grace"][e]) for e in EXERCISES_1] == [5, 2, 3]  # the notebook's code cells
    assert float(by_id["carol"]["total"]) == 0 and by_id["carol"]["status"] == "graded"
    assert float(by_id["dave"]["predict_linear"]) == 0 and float(by_id["dave"]["fit_linear"]) == 5
    assert float(by_id["erin"]["fit_linear"]) == 0 and float(by_id["erin"]["mean_squared_error"]) == 3
    assert float(by_id["ivan"]["mean_squared_error"]) == 0 and float(by_id["ivan"]["fit_linear"]) == 5
    heidi = by_id["heidi"]
    assert heidi["status"] == "error" and heidi["fit_linear"] == "" and "no lecture01.py" in heidi["message"]
    assert heidi["max"] == alice["max"] and heidi["total"] == "0"


def test_gradebook_has_one_row_per_submission_and_test(graded):
    _, out, students, _ = graded
    assert db_rows(out, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]
    submissions = db_rows(out, "SELECT student_id, status, sha256 FROM submissions ORDER BY student_id")
    assert [s for s, _, _ in submissions] == sorted(students)
    assert {s: st for s, st, _ in submissions}["heidi"] == "error"
    n_tests = db_rows(out, "SELECT student_id, COUNT(*) FROM tests GROUP BY student_id")
    counts = dict(n_tests)
    alice = json.loads(db_rows(out, "SELECT result_json FROM submissions WHERE student_id = 'alice'")[0][0])
    expected = sum(len(e["tests"]) for e in alice["exercises"])
    assert expected == sum(len(e.tests) for e in registry.load(1).exercises.values()) + len(
        next(e for e in alice["exercises"] if e["kind"] == "quiz")["tests"]
    )
    assert counts == {s: expected for s in students if s != "heidi"}
    # the per-test rows add up to the submission's score
    for student, score in db_rows(out, "SELECT student_id, score FROM submissions WHERE status = 'graded'"):
        (total,) = db_rows(out, "SELECT SUM(score) FROM tests WHERE student_id = ?", student)[0]
        assert total == pytest.approx(score)


def test_scores_equal_single_grade_runs(graded, tmp_path):
    folder, out, _, _ = graded
    options = runner.GradeOptions(hidden=True, device="cpu", limits=Limits(call_timeout=TIMEOUT))
    batch = per_test(out)
    with zipfile.ZipFile(folder / "frank.zip") as zf:
        zf.extract("frank/lecture01.py", tmp_path)
    singles = {
        "alice": folder / "alice" / "lecture01.py",
        "bob": shutil.copy(folder / "bob.py", tmp_path / "lecture01.py"),
        "frank": tmp_path / "frank" / "lecture01.py",
    }
    for student, path in singles.items():
        result = runner.grade(1, Path(path), options)
        alone = {(student, t.exercise, t.name): (t.status, t.score) for t in result.tests()}
        assert alone == {k: v for k, v in batch.items() if k[0] == student}, student


def test_feedback_files_per_student_and_class_report(graded):
    _, out, students, _ = graded
    for student in students:
        feedback = json.loads((out / "students" / f"{student}.json").read_text(encoding="utf-8"))
        assert feedback["student_id"] == student
        page = (out / "students" / f"{student}.html").read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>") and "http://" not in page.replace("http://www.w3.org", "")
    alice = json.loads((out / "students" / "alice.json").read_text(encoding="utf-8"))
    assert alice["status"] == "graded" and alice["result"]["schema_version"] == 1
    assert alice["result"]["score"] == float(read_csv(out / "grades.csv")[0]["total"])
    heidi = json.loads((out / "students" / "heidi.json").read_text(encoding="utf-8"))
    assert heidi["status"] == "error" and heidi["result"] is None and "lecture01.py" in heidi["message"]
    assert "lecture01.py" in (out / "students" / "heidi.html").read_text(encoding="utf-8")
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "alice" in report and "students/alice.html" in report
    assert "Class summary" in (out / "summary.md").read_text(encoding="utf-8")


def test_resume_after_sigkill_loses_and_duplicates_nothing_then_force_regrades(graded, tmp_path, capsys):
    folder, first_out, students, _ = graded
    out = tmp_path / "results"
    args = (folder, "--lecture", "lecture01", "--out", out, "--workers", "1", "--timeout", TIMEOUT)
    process = grade_batch(*args, wait=False)
    deadline = time.monotonic() + 120
    committed: list[tuple] = []
    while time.monotonic() < deadline and process.poll() is None:
        if (out / "gradebook.sqlite").exists():
            try:
                committed = db_rows(out, "SELECT student_id, graded_at FROM submissions")
            except sqlite3.OperationalError:  # the schema is being created
                committed = []
            if committed:
                break
        time.sleep(0.05)
    assert process.poll() is None, "the batch finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert process.stdout is not None
    process.stdout.close()
    killed_with = db_rows(out, "SELECT student_id, graded_at FROM submissions")
    assert 1 <= len(killed_with) < len(students)

    again = grade_batch(*args)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{len(students) - len(killed_with)} to grade, {len(killed_with)} already in the gradebook" in again.stdout
    rows = db_rows(out, "SELECT student_id, graded_at FROM submissions ORDER BY student_id")
    assert [s for s, _ in rows] == sorted(students)  # every student exactly once (student_id is the key)
    assert set(killed_with) <= set(rows)  # the committed ones were not graded again
    # a killed and resumed --workers 1 run gives what the --workers 2 run gave, test by test
    assert per_test(out) == per_test(first_out)
    assert read_csv(out / "grades.csv") == read_csv(first_out / "grades.csv")

    assert cli_commands.batch(folder, 1, out, workers=2, timeout=TIMEOUT, force=True, quiet=True) == 0
    assert capsys.readouterr().out == ""
    regraded = db_rows(out, "SELECT student_id, graded_at FROM submissions ORDER BY student_id")
    assert [s for s, _ in regraded] == sorted(students)
    assert per_test(out) == per_test(first_out)


def test_changed_submission_is_regraded_on_resume(tmp_path, capsys):
    """In-process runs of the same command (cli_commands.batch) see only what changed since the last one."""
    folder = tmp_path / "class"
    folder.mkdir()
    exercise, bug = variants01.BUGGY["predict_forgets_bias"]
    (folder / "kim.py").write_text(variant_source(1, {exercise: bug}), encoding="utf-8")
    (folder / "lee.py").write_text(_reference(1), encoding="utf-8")
    out = tmp_path / "out"

    def run(**options) -> str:
        assert cli_commands.batch(folder, 1, out, exercises=["predict_linear"], **options) == 0
        return capsys.readouterr().out

    run(hidden=False)
    assert db_rows(out, "SELECT student_id, score FROM submissions ORDER BY student_id") == [("kim", 0), ("lee", 1)]
    (folder / "kim.py").write_text(_reference(1), encoding="utf-8")  # kim fixes the bug
    assert "1 to grade, 1 already in the gradebook" in run(hidden=False)
    assert db_rows(out, "SELECT student_id, score FROM submissions ORDER BY student_id") == [("kim", 1), ("lee", 1)]
    # other options are another grading: everyone is graded again
    assert "2 to grade, 0 already" in run(hidden=True)
    assert db_rows(out, "SELECT student_id, score FROM submissions ORDER BY student_id") == [("kim", 2), ("lee", 2)]
    assert db_rows(out, "SELECT COUNT(*) FROM tests") == [(4,)]
    assert read_csv(out / "grades.csv")[0]["predict_linear"] == "2"
    # a student who left the class folder leaves the outputs (the gradebook keeps the row)
    (folder / "lee.py").unlink()
    assert "1 submissions: 0 to grade, 1 already" in run(hidden=True)
    assert [r["student_id"] for r in read_csv(out / "grades.csv")] == ["kim"]
    assert sorted(p.name for p in (out / "students").iterdir()) == ["kim.html", "kim.json"]
    assert len(db_rows(out, "SELECT * FROM submissions")) == 2
    # a gradebook belongs to one lecture
    assert cli_commands.batch(folder, 3, out) == 2
    assert "gradebook of lecture 1, not lecture 3" in capsys.readouterr().err


def test_korean_batch_writes_korean_feedback(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    exercise, bug = variants01.BUGGY["predict_forgets_bias"]
    (folder / "kim.py").write_text(variant_source(1, {exercise: bug}), encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "cli", "--lang", "ko", "batch", str(folder), "-l", "1", "--out", str(out)]
        + ["-e", "predict_linear"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "학급 요약" in done.stdout and "가장 흔한 실패 이유" in done.stdout
    messages = [m for (m,) in db_rows(out, "SELECT message FROM tests WHERE status != 'passed'")]
    assert messages and all(any("\uac00" <= ch <= "\ud7a3" for ch in m) for m in messages), messages
    result = json.loads((out / "students" / "kim.json").read_text(encoding="utf-8"))["result"]
    assert result["language"] == "ko"


def test_lecture4_with_exercise_selection(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "park.py").write_text(_reference(4), encoding="utf-8")
    exercise, bug = variants04.BUGGY["softmax_without_max_subtraction"]
    (folder / "choi").mkdir()
    (folder / "choi" / "lecture04.py").write_text(variant_source(4, {exercise: bug}), encoding="utf-8")
    out = tmp_path / "out"
    done = grade_batch(folder, "-l", "4", "--out", out, "-e", "softmax", "-e", "relu", "--workers", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    rows = read_csv(out / "grades.csv")
    assert list(rows[0])[:3] == ["student_id", "softmax", "relu"] and "quiz" not in rows[0]
    by_id = {r["student_id"]: r for r in rows}
    lecture = registry.load(4)
    full = {e: lecture.exercises[e].max_points(hidden=True) for e in ("softmax", "relu")}
    assert float(by_id["park"]["softmax"]) == full["softmax"] and float(by_id["park"]["relu"]) == full["relu"]
    assert float(by_id["choi"]["softmax"]) < full["softmax"] and float(by_id["choi"]["relu"]) == full["relu"]
    exercises = {e for (e,) in db_rows(out, "SELECT DISTINCT exercise FROM tests")}
    assert exercises == {"softmax", "relu"}


def test_usage_errors_exit_2(tmp_path, capsys):
    out = tmp_path / "o"
    missing = grade_batch(tmp_path / "nowhere", "-l", "1", "--out", out)  # one through the command line
    assert missing.returncode == 2 and "is not a folder of submissions" in missing.stderr
    (tmp_path / "empty").mkdir()
    assert cli_commands.batch(tmp_path / "empty", 1, out) == 2
    assert "no submissions in" in capsys.readouterr().err
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "a.py").write_text("x = 1\n", encoding="utf-8")
    assert cli_commands.batch(tmp_path / "one", 1, out, exercises=["softmax"]) == 2
    assert "lecture 1 has no exercise softmax" in capsys.readouterr().err
    assert cli_commands.batch(tmp_path / "one", 1, out, workers=0) == 2
    assert "--workers must be at least 1" in capsys.readouterr().err
    assert cli_commands.batch(tmp_path / "one", 1, out, executor="spark") == 2
    assert "--executor must be one of local, dask" in capsys.readouterr().err
    assert not out.exists()
    out.write_text("not a folder", encoding="utf-8")
    assert cli_commands.batch(tmp_path / "one", 1, out) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    out.unlink()
    out.mkdir()
    (out / "gradebook.sqlite").write_bytes(b"this is not an SQLite database" * 100)
    assert cli_commands.batch(tmp_path / "one", 1, out) == 2
    assert "cannot be used as a gradebook" in capsys.readouterr().err
    (out / "gradebook.sqlite").unlink()
    with gradebook.Gradebook(out / "gradebook.sqlite", 1):  # a batch is running on this RESULTS
        assert cli_commands.batch(tmp_path / "one", 1, out) == 2
        assert "another grade batch is writing" in capsys.readouterr().err


# --- the local executor's watchdog: a grading process that dies or hangs still gives its student a row ---


def misbehaving_target(job: Job) -> Outcome:
    """A grading process that is killed, exits, hangs, or grades normally (picklable: module level)."""
    if job.student_id == "killed":
        os.kill(os.getpid(), signal.SIGKILL)
    if job.student_id == "exits":
        os._exit(7)
    if job.student_id == "hangs":
        while True:
            time.sleep(0.1)
    return run_job(job)


def test_local_executor_gives_every_job_an_outcome_when_grading_processes_die(tmp_path):
    submission = tmp_path / "lecture01.py"
    submission.write_text(_reference(1), encoding="utf-8")
    jobs = [
        Job(name, str(submission), 1, hidden=False, exercises=("predict_linear",))
        for name in ("killed", "ok", "exits", "hangs", "ok2")
    ]
    executor = LocalExecutor(workers=2, lecture=1, watchdog_s=4.0, target=misbehaving_target)
    started = time.monotonic()
    outcomes = {o.student_id: o for o in executor.run(jobs)}
    assert time.monotonic() - started < 60
    assert sorted(outcomes) == sorted(j.student_id for j in jobs)
    assert outcomes["ok"].status == outcomes["ok2"].status == "graded"
    assert outcomes["ok"].result is not None and outcomes["ok"].result["score"] == 1
    assert outcomes["killed"].status == "error" and "SIGKILL" in outcomes["killed"].message
    assert outcomes["exits"].status == "error" and "status 7" in outcomes["exits"].message
    assert outcomes["hangs"].status == "error" and "took longer than 4 s" in outcomes["hangs"].message


# --- unpacking and discovery ---


def _zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return path


@pytest.mark.parametrize("name", ["../evil.py", "/etc/evil.py", "a/../../evil.py", "C:/evil.py"])
def test_zip_with_paths_outside_is_refused(tmp_path, name):
    archive = _zip(tmp_path / "s.zip", {"lecture01.py": "x = 1\n", name: "x = 2\n"})
    with pytest.raises(unpack.SubmissionError, match="outside its folder"):
        with unpack.gradable(archive, 1):
            pass
    assert not (tmp_path / "evil.py").exists()


def test_zip_limits_symlinks_and_nested_module(tmp_path, monkeypatch):
    archive = _zip(tmp_path / "s.zip", {"wrapper/sub/lecture01.py": "x = 1\n", "wrapper/readme.md": "hi"})
    link = zipfile.ZipInfo("wrapper/link.py")
    link.external_attr = (0o120777 << 16) | 0
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr(link, "/etc/passwd")
    with unpack.gradable(archive, 1) as module:
        assert module.name == "lecture01.py" and module.read_text() == "x = 1\n"
        assert not (module.parent.parent / "link.py").exists()
        extracted = module.parent
    assert not extracted.exists()  # the private folder is gone afterwards
    monkeypatch.setattr(unpack, "MAX_BYTES", 1000)
    big = _zip(tmp_path / "big.zip", {"lecture01.py": "#" * 5000})
    with pytest.raises(unpack.SubmissionError, match="more than 0 MiB"):
        unpack.extract(big, tmp_path / "x")
    monkeypatch.setattr(unpack, "MAX_MEMBERS", 3)
    many = _zip(tmp_path / "many.zip", {f"f{i}.py": "" for i in range(4)})
    with pytest.raises(unpack.SubmissionError, match="4 members"):
        unpack.extract(many, tmp_path / "y")
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(unpack.SubmissionError, match="cannot be read"):
        unpack.extract(tmp_path / "bad.zip", tmp_path / "z")
    two = _zip(tmp_path / "two.zip", {"a/lecture01.py": "", "b/lecture01.py": ""})
    with pytest.raises(unpack.SubmissionError, match="more than one lecture01"):
        with unpack.gradable(two, 1):
            pass


def test_loose_file_is_graded_as_the_lecture_module(tmp_path):
    (tmp_path / "alice.py").write_text("x = 1\n", encoding="utf-8")
    with unpack.gradable(tmp_path / "alice.py", 1) as module:
        assert module.name == "lecture01.py" and module.read_text() == "x = 1\n"
    outcome = run_job(Job("x", str(tmp_path / "missing.txt"), 1))
    assert outcome.status == "error" and "is not a submission" in outcome.message


def test_discover_names_students_and_refuses_to_guess_between_duplicates(tmp_path):
    for name in ("b.py", "a.zip", "c.ipynb", ".hidden.py", "notes.txt", "e.py", "e.zip"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "d").mkdir()
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "results").mkdir()
    found = discover.discover(tmp_path, exclude=(tmp_path / "results",))
    assert [s.student_id for s in found] == ["a", "b", "c", "d", "e"]
    assert [bool(s.problem) for s in found] == [False, False, False, False, True]
    assert "e.py" in found[-1].problem and "e.zip" in found[-1].problem
    before = found[1].sha256
    (tmp_path / "b.py").write_text("y", encoding="utf-8")
    assert discover.discover(tmp_path)[1].sha256 != before
    (tmp_path / "d" / "lecture01.py").write_text("z", encoding="utf-8")
    assert discover.discover(tmp_path)[3].sha256 != found[3].sha256


def test_batch_grading_is_instructor_tooling_left_out_of_the_student_release(tmp_path):
    from autograder.release import bundle

    bundle._copy_engine(tmp_path)
    assert (tmp_path / "autograder" / "runner.py").is_file()
    assert not (tmp_path / "autograder" / "batch").exists()
    listed = subprocess.run(
        [sys.executable, "cli.py", "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert listed.returncode == 0 and "list" in listed.stdout and "batch" not in listed.stdout
