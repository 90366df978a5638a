"""`grade verify` and its mutation self-check: generated mutants, the kill rate, and the hang guard."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

from autograder import paths
from autograder.release import mutants, mutation, verify


def test_mutants_change_one_thing_in_one_function():
    reference = ast.parse(paths.reference_path(4).read_text(encoding="utf-8"))
    original = {n.name: ast.dump(n) for n in reference.body if isinstance(n, ast.FunctionDef)}
    found = mutants.for_lecture(4, ["softmax", "mlp_backward"])
    assert {"arith", "drop_term", "axis", "constant", "negation"} <= {m.operator for m in found}
    for mutant in found:
        tree = ast.parse(mutant.source)
        changed = [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and ast.dump(n) != original[n.name]]
        assert changed == [mutant.function], mutant.description
        assert ast.get_docstring(next(n for n in tree.body if getattr(n, "name", "") == mutant.function))


def test_kill_rate_of_lecture_1_reaches_the_target_and_lists_survivors():
    rate = mutation.run_lecture(1, per_mutant=60)
    assert rate.total >= 15 and rate.rate >= 0.9, mutation.survivors_by_exercise(rate)
    assert set(rate.exercises) == {"fit_linear", "predict_linear", "mean_squared_error"}
    text = verify.render(verify.LectureReport(1, [], rate))
    assert f"{rate.killed}/{rate.total}" in text
    for survivors in mutation.survivors_by_exercise(rate).values():
        assert all(s.split(":", 1)[0].startswith("line ") for s in survivors)


def test_a_hanging_mutant_is_killed_by_the_wall_clock_and_the_rest_still_run(tmp_path):
    reference = paths.reference_path(1).read_text(encoding="utf-8")
    hang = reference.replace(
        "def predict_linear(X, w, b):", "def predict_linear(X, w, b):\n    while True:\n        pass", 1
    )
    jobs = []
    for index, (source, exercise) in enumerate([(hang, "predict_linear"), (reference, "predict_linear")]):
        path = tmp_path / str(index) / "lecture01.py"
        path.parent.mkdir()
        path.write_text(source, encoding="utf-8")
        jobs.append({"index": index, "path": str(path), "exercise": exercise})
    outcomes = {index: (killed, how) for index, killed, how in mutation._grade_all(1, jobs, per_mutant=2, startup=5)}
    assert outcomes[0] == (True, "timeout")
    assert outcomes[1][0] is False


def test_grade_verify_passes_on_lecture_1_and_writes_json(tmp_path):
    out = tmp_path / "verify.json"
    done = subprocess.run(
        [sys.executable, str(paths.ROOT / "cli.py"), "verify", "lecture1", "--json", str(out)],
        capture_output=True, text=True, timeout=300, cwd=paths.ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    (report,) = json.loads(out.read_text())
    assert report["lecture"] == 1 and report["problems"] == [] and report["kill_rate"] >= 0.9
    assert "mutants killed" in done.stdout


def test_structure_check_reports_an_exercise_without_hidden_tests():
    from autograder import registry

    lecture = registry.load(1)
    exercise = lecture.exercises["predict_linear"]
    saved = list(exercise.tests)
    try:
        exercise.tests[:] = [t for t in saved if not t.hidden]
        assert any("predict_linear" in p and "hidden" in p for p in verify.check_structure(1))
    finally:
        exercise.tests[:] = saved
    assert verify.check_structure(1) == []
