"""Lecture 4: the reference scores full marks, the stubs zero, bugs lose points only where they are."""

import pytest
from harness import assert_full_marks, assert_loses_only, grade_bug, grade_source, reference_result, variant_source
from variants import lecture04 as variants

from autograder import paths, runner

LECTURE = 4


def test_reference_scores_full_marks_on_public_and_hidden_tests():
    result = reference_result(LECTURE)
    assert_full_marks(result)
    assert any(t.hidden for t in result.tests()) and any(not t.hidden for t in result.tests())


def test_stubs_import_cleanly_and_score_zero():
    result = runner.grade(LECTURE, paths.assignment_path(LECTURE), runner.GradeOptions(hidden=True))
    assert result.score == 0
    for test in result.tests():
        assert test.status == "not_implemented", (test.name, test.message)
        assert test.message == "not implemented yet"


@pytest.mark.parametrize("name", sorted(variants.BUGGY))
def test_buggy_implementation_loses_points_on_its_own_exercise_only(tmp_path, name):
    exercise, source = variants.BUGGY[name]
    assert_loses_only(grade_bug(tmp_path, LECTURE, exercise, source), exercise)


@pytest.mark.parametrize("name", sorted(variants.CORRECT))
def test_differently_written_correct_implementation_scores_full_marks(tmp_path, name):
    result = grade_source(tmp_path, LECTURE, variant_source(LECTURE, variants.CORRECT[name]))
    assert_full_marks(result)
