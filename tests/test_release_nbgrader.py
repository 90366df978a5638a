"""nbgrader itself on the kit's notebooks: generate_assignment, then autograde a correct and a buggy
submission in a temporary course folder; nbgrader's scores must equal `grade`'s on the same code."""

from __future__ import annotations

import importlib
import json
import os

import pytest
from harness import variant_source

from autograder import paths, runner
from autograder.release import leaks, notebooks

if os.environ.get("CI"):
    import nbgrader  # noqa: F401 - CI installs the instructor extra: a missing nbgrader must fail, not skip
else:
    pytest.importorskip("nbgrader", reason="needs the instructor extra: pip install -e '.[dev,instructor]'")

NUMBER = 1  # the smallest lecture: nbgrader starts a kernel per submission


def test_nbgrader_generate_and_autograde_give_grades_scores(tmp_path):
    name = paths.module_name(NUMBER)
    root = notebooks.build_course([NUMBER], tmp_path / "course")
    source = json.loads((root / "source" / name / f"{name}.ipynb").read_text(encoding="utf-8"))
    student = json.loads((root / "release" / name / f"{name}.ipynb").read_text(encoding="utf-8"))
    for cell in source["cells"]:
        meta = cell["metadata"]["nbgrader"]
        assert meta["schema_version"] == 3 and {"grade", "solution", "locked", "grade_id"} <= set(meta)
        assert (meta["grade"] and meta["points"] > 0) or "points" not in meta
    assert any("### BEGIN HIDDEN TESTS" in c["source"] for c in source["cells"])
    assert leaks.scan(root / "release", [NUMBER]) == []  # nbgrader removed the solutions and hidden tests
    assert all(c["metadata"]["nbgrader"].get("checksum") for c in student["cells"])

    bug_exercise, bug_code = importlib.import_module(f"variants.{name}").BUGGY["predict_forgets_bias"]
    submissions = {
        "good": paths.reference_path(NUMBER).read_text(encoding="utf-8"),
        "buggy": variant_source(NUMBER, {bug_exercise: bug_code}),
    }
    expected = {}
    for who, code in submissions.items():
        folder = root / "submitted" / who / name
        folder.mkdir(parents=True)
        (folder / f"{name}.ipynb").write_text(json.dumps(notebooks.fill_solutions(student, code)), encoding="utf-8")
        module = tmp_path / who / f"{name}.py"
        module.parent.mkdir()
        module.write_text(code, encoding="utf-8")
        # the notebook carries the code exercises; the quiz is a separate answer sheet
        expected[who] = runner.grade(NUMBER, module, runner.GradeOptions(hidden=True, quiz=False))
    notebooks.nbgrader(root, "autograde", name, "--force")

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for who, result in expected.items():
            submission = gradebook.find_submission(name, who)
            assert submission.score == result.score and submission.max_score == result.max_score, who
            by_exercise: dict[str, float] = {}
            for grade in submission.notebooks[0].grades:
                exercise = grade.name.rsplit("_hidden_", 1)[0] if "_hidden_" in grade.name else None
                exercise = exercise or next(e.name for e in result.exercises if grade.name.startswith(e.name + "_"))
                by_exercise[exercise] = by_exercise.get(exercise, 0.0) + grade.score
            assert by_exercise == {e.name: e.score for e in result.exercises}, who
    assert expected["good"].score == expected["good"].max_score > expected["buggy"].score
