"""Every lecture: the reference scores full marks, the stubs import and score zero, each realistic bug
loses points on its own exercise only, and differently written correct versions score full marks.

A lecture takes part once it has ``solutions/lectureNN.py``, ``autograder/lectures/lectureNN.py`` and
``tests/variants/lectureNN.py`` (its ``BUGGY`` and ``CORRECT`` variants).
"""

import importlib

import pytest
from harness import assert_full_marks, assert_loses_only, grade_bug, grade_source, reference_result, variant_source

from autograder import paths, registry, runner
from autograder.i18n import msg

LECTURES = [n for n in registry.available() if (paths.ROOT / "tests" / "variants" / f"lecture{n:02d}.py").exists()]


def _variants(number):
    return importlib.import_module(f"variants.lecture{number:02d}")


def _cases(kind):
    return [
        pytest.param(n, name, id=f"lecture{n:02d}-{name}")
        for n in LECTURES
        for name in sorted(getattr(_variants(n), kind))
    ]


@pytest.mark.parametrize("number", LECTURES, ids=lambda n: f"lecture{n:02d}")
def test_reference_scores_full_marks_on_public_and_hidden_tests(number):
    result = reference_result(number)
    assert_full_marks(result)
    assert [e.kind for e in result.exercises].count("quiz") == 1, "every lecture has a concept quiz"
    lecture = registry.load(number)
    for exercise in lecture.exercises.values():
        assert any(t.hidden for t in exercise.tests), f"{exercise.name} has no hidden test"
        assert any(not t.hidden for t in exercise.tests), f"{exercise.name} has no public test"
        assert exercise.max_points(hidden=False) > 0, f"{exercise.name} has no public points"


@pytest.mark.parametrize("number", LECTURES, ids=lambda n: f"lecture{n:02d}")
def test_stubs_import_cleanly_and_score_zero(number):
    result = runner.grade(number, paths.assignment_path(number), runner.GradeOptions(hidden=True))
    assert result.score == 0
    for test in result.tests():
        assert test.status == "not_implemented", (test.exercise, test.name, test.message)
        expected = msg("quiz.not_answered", id=test.name) if test.exercise == "quiz" else "not implemented yet"
        assert test.message == expected  # the blank answer sheet beside the stubs: every question unanswered


@pytest.mark.parametrize("number,name", _cases("BUGGY"))
def test_buggy_implementation_loses_points_on_its_own_exercise_only(tmp_path, number, name):
    exercise, source = _variants(number).BUGGY[name]
    assert_loses_only(grade_bug(tmp_path, number, exercise, source), exercise)


@pytest.mark.parametrize("number,name", _cases("CORRECT"))
def test_differently_written_correct_implementation_scores_full_marks(tmp_path, number, name):
    result = grade_source(tmp_path, number, variant_source(number, _variants(number).CORRECT[name]))
    assert_full_marks(result)


MALFORMED = {"none": "None", "list": "[0.0, 1.0]", "wrong_shape": "np.zeros((1, 1))", "text": "'text'"}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
@pytest.mark.parametrize("number", LECTURES, ids=lambda n: f"lecture{n:02d}")
def test_malformed_results_fail_with_a_message_never_an_internal_error(tmp_path, number, kind):
    """Every function of the lecture returns the same wrong value; every test must say why it failed."""
    lecture = registry.load(number)
    body = f"    return {MALFORMED[kind]}\n"
    replacements = {name: f"def {name}(*args, **kwargs):\n{body}" for name in lecture.exercises}
    result = grade_source(tmp_path, number, variant_source(number, replacements))
    for test in result.tests():
        if test.max_score == 0:  # a timing: it measures whatever the function does
            assert test.status != "error", (test.exercise, test.name, test.message)
            continue
        assert test.status == "failed" and test.score == 0, (test.exercise, test.name, test.status, test.message)
        assert test.message and "Traceback" not in test.message, (test.exercise, test.name, test.message)
