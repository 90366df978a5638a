"""The `grade` command as users and CI call it: exit codes, output modes, JSON results."""

import json
import os
import subprocess
import sys

import pytest

from autograder import paths
from autograder.results import SCHEMA_VERSION

CLI = [sys.executable, str(paths.ROOT / "cli.py")]


def grade(*args, env=None):
    environ = {**os.environ, **(env or {})}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=environ, timeout=120, cwd=paths.ROOT)


def test_fresh_checkout_scores_zero_with_not_implemented_and_no_traceback():
    done = grade("lecture4", env={"NO_COLOR": "1"})
    assert done.returncode == 0, done.stderr
    assert "not implemented yet" in done.stdout
    assert "Total: 0/" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert "\x1b[" not in done.stdout  # plain when piped


def test_reference_with_hidden_tests_writes_versioned_json(tmp_path):
    out = tmp_path / "results.json"
    done = grade("lecture04", "--reference", "--hidden", "--json", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("lecture04: ") and len(done.stdout.strip().splitlines()) == 1
    data = json.loads(out.read_text())
    assert data["schema_version"] == SCHEMA_VERSION and data["lecture"] == 4
    assert data["score"] == data["max_score"] > 0 and data["hidden_included"] is True
    names = [e["name"] for e in data["exercises"]]
    assert "softmax" in names and "train_mlp" in names
    for exercise in data["exercises"]:
        assert {"name", "score", "max_score", "tests"} <= set(exercise)
        for test in exercise["tests"]:
            assert {"name", "passed", "score", "max_score", "message"} <= set(test)
            assert isinstance(test["score"], float) and isinstance(test["passed"], bool)
    timing = [t["timing"] for e in data["exercises"] for t in e["tests"] if t["timing"]]
    assert timing and timing[0]["student_s"] > 0 and timing[0]["reference_s"] > 0


def test_fail_under_makes_a_low_score_exit_1():
    assert grade("lecture4", "-e", "softmax", "--fail-under", "50", "-q").returncode == 1
    assert grade("lecture4", "-e", "softmax", "--reference", "--fail-under", "100", "-q").returncode == 0


@pytest.mark.parametrize(
    "args,message",
    [
        (["lecture4", "--submission", "/nonexistent/lecture04.py"], "no submission at"),
        (["lecture4", "--reference", "--submission", "x.py"], "cannot be used together"),
        (["lecture4", "--device", "tpu"], "--device must be"),
        (["lecture4", "-e", "no_such_exercise"], "has no exercise no_such_exercise"),
        (["lecture99"], "No such command"),
    ],
)
def test_usage_errors_exit_2(args, message):
    done = grade(*args)
    assert done.returncode == 2
    assert message in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_folder_without_the_module_exits_2(tmp_path):
    done = grade("lecture4", "--submission", str(tmp_path))
    assert done.returncode == 2 and "has no lecture04.py" in done.stderr


def test_submission_folder(tmp_path):
    (tmp_path / "lecture04.py").write_text(paths.reference_path(4).read_text())
    done = grade("lecture4", "--submission", str(tmp_path), "-e", "relu", "-q")
    assert done.returncode == 0 and "1/1 points" in done.stdout


def test_list_shows_lectures_exercises_and_points():
    done = grade("list")
    assert done.returncode == 0
    assert "lecture4" in done.stdout and "softmax" in done.stdout and "train_mlp [device]" in done.stdout
