"""Instructor releases, end to end with real components: the student release in a fresh virtual
environment, the leak scan, notebook submissions and the Gradescope autograder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from harness import variant_source

from autograder import notebook_submission, paths, registry, runner
from autograder.quiz.key import load_key
from autograder.quiz.sheet import filled_sheet
from autograder.release import bundle, gradescope, leaks, sources

CLI = [sys.executable, str(paths.ROOT / "cli.py")]
ALL = registry.available()


def _grade(*args: str, cwd: Path = paths.ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=300, cwd=cwd)


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> tuple[Path, Path]:
    return bundle.build(ALL, tmp_path_factory.mktemp("release") / "student")


# --- the student release and its leak scan --------------------------------------------------------------


def test_release_holds_stubs_public_tests_engine_and_readme_and_no_secret(release):
    folder, archive = release
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    for number in ALL:
        module = paths.module_name(number)
        assert f"assignments/{module}.py" in names and f"autograder/lectures/{module}.py" in names
    assert {"cli.py", "pyproject.toml", "README.md", "autograder/runner.py", "autograder/worker/main.py"} <= names
    assert not [n for n in names if n.startswith(("solutions/", "tests/", "autograder/release/")) or ".pyc" in n]
    with zipfile.ZipFile(archive) as z:
        assert {n.split("/", 1)[1] for n in z.namelist()} == names
    assert leaks.scan(folder, ALL) == []


def test_public_lecture_files_keep_every_public_test_and_no_hidden_one(release):
    folder, _ = release
    for number in ALL:
        text = (folder / "autograder" / "lectures" / f"{paths.module_name(number)}.py").read_text(encoding="utf-8")
        compile(text, "public", "exec")
        lecture = registry.load(number)
        for test in lecture.tests(hidden=True):
            defined = f"def {test.name}(" in text
            public_name = any(t.name == test.name for t in lecture.tests(hidden=False))
            assert defined == public_name, f"lecture {number}: {test.exercise}::{test.name}"


def test_leak_scan_finds_planted_solutions_hidden_names_and_markers(release, tmp_path):
    folder = tmp_path / "leaky"
    shutil.copytree(release[0], folder)
    reference = paths.reference_path(4).read_text(encoding="utf-8")
    assignment = folder / "assignments" / "lecture04.py"
    # A reference body reformatted (AST match), a region copied verbatim, a hidden test name, a marker.
    body = reference[reference.index("def softmax(") :].split("\ndef ", 1)[0]
    assignment.write_text(assignment.read_text(encoding="utf-8") + "\n\n" + body.replace("    ", "  ") + "\n")
    hidden = sorted(sources.hidden_only_test_names([4]))[0]
    (folder / "notes.md").write_text(f"    ### BEGIN HIDDEN TESTS\nsee `{hidden}()`\n", encoding="utf-8")
    (folder / "solutions").mkdir()
    (folder / "solutions" / "x.txt").write_text("", encoding="utf-8")
    found = [str(leak) for leak in leaks.scan(folder, ALL)]
    assert any("assignments/lecture04.py" in f and "softmax" in f for f in found), found
    assert any("notes.md" in f and hidden in f for f in found) and any("marker" in f for f in found), found
    assert any(f.startswith("solutions/x.txt") for f in found), found


def test_student_release_in_a_fresh_venv_with_its_two_commands(tmp_path):
    _, archive = bundle.build([4], tmp_path / "out" / "student-lecture04")
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path / "unpacked")
    folder = tmp_path / "unpacked" / "student-lecture04"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert bundle.INSTALL in readme and "\ngrade lecture4 " in readme
    venv = tmp_path / "venv"
    # torch, numpy, typer, rich and pip come from this interpreter's site-packages; offline: nothing is fetched.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True)
    python, grade = venv / "bin" / "python", venv / "bin" / "grade"
    offline = {**os.environ, "PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0", "NO_COLOR": "1"}
    command = bundle.INSTALL.split()
    done = subprocess.run([str(python), *command[1:]], cwd=folder, env=offline, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr

    def grade_json(*extra: str) -> dict:
        out = tmp_path / "result.json"
        done = subprocess.run(
            [str(grade), "lecture4", "--json", str(out), *extra], cwd=tmp_path, env=offline, capture_output=True,
            text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        return json.loads(out.read_text())

    stubs = grade_json()
    quiz = load_key(4)
    public_points = sum(e.max_points(hidden=False) for e in registry.load(4).exercises.values()) + quiz.max_points
    assert stubs["score"] == 0 and stubs["max_score"] == public_points
    assert all(t["status"] == "not_implemented" for e in stubs["exercises"] for t in e["tests"])
    assert Path(stubs["submission"]) == (folder / "assignments" / "lecture04.py").resolve()
    shutil.copyfile(paths.reference_path(4), folder / "assignments" / "lecture04.py")
    # The key's answers, checked in the release against the salted hashes (the key itself is not there).
    (folder / "assignments" / "lecture04_quiz.txt").write_text(filled_sheet(quiz), encoding="utf-8")
    full = grade_json("--hidden")  # the release has no hidden test: --hidden finds nothing more
    assert full["score"] == full["max_score"] == stubs["max_score"] > 0
    assert [e["kind"] for e in full["exercises"]].count("quiz") == 1
    assert not any(t["hidden"] for e in full["exercises"] for t in e["tests"])
    usage = subprocess.run([str(grade), "--help"], env=offline, capture_output=True, text=True).stdout
    assert "lecture4" in usage and "release" not in usage and "verify" not in usage  # no instructor tooling


# --- notebook submissions -------------------------------------------------------------------------------


def _notebook(*cells: str) -> str:
    code = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": c} for c in cells]
    intro = {"cell_type": "markdown", "metadata": {}, "source": ["# My work\n", "def softmax(z): nonsense\n"]}
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [intro, *code]})


def test_notebook_submission_scores_like_the_same_code_in_a_file(tmp_path):
    reference = paths.reference_path(4).read_text(encoding="utf-8")
    first, *functions = reference.split("\ndef ")
    cells = ["%matplotlib inline\n!echo never run\n" + first, *["def " + f for f in functions]]
    notebook = tmp_path / "work.ipynb"
    notebook.write_text(_notebook(*cells), encoding="utf-8")
    result = tmp_path / "r"
    done = _grade("lecture4", "-e", "softmax", "-e", "relu", "--submission", str(notebook), "--json", str(result))
    assert done.returncode == 0, done.stderr
    data = json.loads(result.read_text())
    assert data["score"] == data["max_score"] > 0 and data["submission"] == str(notebook.resolve())
    buggy = variant_source(
        4, {"softmax": "def softmax(z):\n    e = np.exp(z)\n    return e / e.sum(axis=1, keepdims=True)\n"}
    )
    notebook.write_text(_notebook(buggy), encoding="utf-8")
    (tmp_path / "lecture04.py").write_text(buggy, encoding="utf-8")
    as_notebook = _grade("lecture4", "-e", "softmax", "-q", "--submission", str(notebook))
    as_file = _grade("lecture4", "-e", "softmax", "-q", "--submission", str(tmp_path / "lecture04.py"))
    assert as_notebook.stdout.split(":", 1)[1] == as_file.stdout.split(":", 1)[1]
    assert "3/3" not in as_file.stdout
    notebook.write_text("{not json", encoding="utf-8")
    bad = _grade("lecture4", "--submission", str(notebook))
    assert bad.returncode == 2 and "not a Jupyter notebook" in bad.stderr and "Traceback" not in bad.stderr


def test_kit_notebook_graded_by_grade_leaves_out_its_setup_and_test_cells(tmp_path):
    """The nbgrader notebook the release makes (setup cell, `_kit.check` test cells) grades like its code."""
    from autograder.release import notebooks

    notebook = notebooks.source_notebook(1)
    module = notebook_submission.to_module(json.dumps(notebook))
    assert "Checker(" not in module and "_kit.check(" not in module and "def fit_linear(" in module
    path = tmp_path / "work.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    with notebook_submission.as_module(path, paths.module_name(1)) as graded:
        result = runner.grade(1, graded, runner.GradeOptions(hidden=True, exercises=["fit_linear"]))
    assert result.score == result.max_score > 0


# --- Gradescope -----------------------------------------------------------------------------------------

RESULTS_SCHEMA = {
    "type": "object",
    "required": ["tests"],
    "properties": {
        "score": {"type": "number", "minimum": 0},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "stdout_visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["score", "max_score", "status", "name", "output", "visibility"],
                "properties": {
                    "score": {"type": "number", "minimum": 0},
                    "max_score": {"type": "number", "minimum": 0},
                    "status": {"enum": ["passed", "failed"]},
                    "name": {"type": "string", "minLength": 1},
                    "output": {"type": "string"},
                    "visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
                },
            },
        },
    },
}


def test_gradescope_run_autograder_writes_results_json_in_the_schema(tmp_path):
    import jsonschema  # the instructor extra (installed by the README's command and by CI)

    (archive,) = gradescope.build([1], tmp_path / "zips")
    root = tmp_path / "autograder"
    gradescope.unpack(archive, root / "source")
    names = set(zipfile.ZipFile(archive).namelist())
    assert {"setup.sh", "run_autograder", "kit/solutions/lecture01.py", "kit/autograder/lectures/lecture01.py"} <= names
    assert "kit/solutions/lecture04.py" not in names and os.access(root / "source" / "run_autograder", os.X_OK)
    assert subprocess.run(["bash", "-n", str(root / "source" / "setup.sh")]).returncode == 0
    source = variant_source(1, {"predict_linear": "def predict_linear(X, w, b):\n    return X @ w\n"})
    (root / "submission").mkdir(parents=True)
    (root / "submission" / "lecture01.py").write_text(source, encoding="utf-8")
    (root / "results").mkdir()
    (root / "results" / "results.json").write_text('{"score": 1000}')  # stale or forged: replaced
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    done = subprocess.run(
        [str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(data, RESULTS_SCHEMA)
    assert gradescope.validate(data) == []
    expected = runner.grade(1, root / "submission" / "lecture01.py", runner.GradeOptions(hidden=True))
    assert data["score"] == expected.score < expected.max_score == sum(t["max_score"] for t in data["tests"])
    hidden = [t for t in data["tests"] if t["visibility"] == "after_published"]
    assert hidden and len(hidden) == len([t for t in expected.tests() if t.hidden])
    assert any(t["status"] == "failed" and t["name"].startswith("predict_linear") for t in data["tests"])


def test_gradescope_run_without_a_submission_still_writes_results(tmp_path):
    (tmp_path / "submission").mkdir()
    data = gradescope.run(1, tmp_path)
    assert data["score"] == 0 and "No lecture01.py" in data["output"]
    assert json.loads((tmp_path / "results" / "results.json").read_text()) == data


def test_grade_release_command_builds_scans_and_rejects_unknown_lectures(tmp_path):
    done = _grade("release", "lecture1", "3", "--out", str(tmp_path / "out"), "--gradescope")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "leak scan: clean" in done.stdout
    assert (tmp_path / "out" / "student.zip").is_file()
    assert sorted(p.name for p in (tmp_path / "out" / "gradescope").iterdir()) == [
        "gradescope-lecture01.zip",
        "gradescope-lecture03.zip",
    ]
    assert sorted(p.name for p in (tmp_path / "out" / "student" / "assignments").iterdir()) == [
        "lecture01.py",
        "lecture01_quiz.txt",
        "lecture03.py",
        "lecture03_quiz.txt",
    ]
    bad = _grade("release", "lecture99", "--out", str(tmp_path / "bad"))
    assert bad.returncode == 2 and "lecture99" in bad.stdout + bad.stderr
