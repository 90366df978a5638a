"""Grading a quiz sheet: one scored test per question, in a results section of its own (``kind = "quiz"``).

With the instructor's key (``solutions/lectureNN_quiz.toml``) answers are compared exactly (numbers within
the question's tolerance); in a student release, where the key is absent, against the public copy's salted
hashes (:mod:`autograder.quiz.selfcheck`), and the report says that this is a self-check.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from autograder.i18n import language, msg
from autograder.quiz import key as quiz_key
from autograder.quiz import selfcheck
from autograder.quiz.key import Question, Quiz
from autograder.quiz.sheet import Sheet, filled_sheet, normalise, parse_text, read_sheet
from autograder.results import ExerciseResult, TestResult

QUIZ = "quiz"  # the section's name in results (as an exercise name it is free: no curriculum function has it)


def available(number: int) -> bool:
    """Whether lecture ``number`` has a quiz (its key here, or its public copy in a student release)."""
    return quiz_key.has_key(number) or selfcheck.has_public(number)


def load_quiz(number: int) -> Quiz | None:
    """Lecture ``number``'s quiz (from its key, else its public copy), or None when it has none."""
    return _load(number)[0] if available(number) else None


def _load(number: int) -> tuple[Quiz, Callable[[Question, str | bool | float], bool], bool]:
    if quiz_key.has_key(number):
        quiz = quiz_key.load_key(number)
        return quiz, lambda q, value: q.accepts(value), True
    public = selfcheck.PublicQuiz(number)
    return public.quiz, public.accepts, False


def grade_quiz(number: int, sheet: Path | None, *, reference: bool = False) -> tuple[ExerciseResult, list[str]]:
    """Score the sheet at ``sheet`` (or, with ``reference``, the key's own answers).

    Returns the quiz section and notes for the report (lines of the sheet that are not answers, the
    encoding it was read in, the self-check caveat). Never raises for a bad sheet.
    """
    quiz, accepts, official = _load(number)
    if reference:
        parsed = parse_text(filled_sheet(quiz), quiz, Sheet())
        name = "reference"
    else:
        assert sheet is not None
        parsed = read_sheet(sheet, quiz)
        name = sheet.name
    section = ExerciseResult(QUIZ, msg("quiz.section_hint", path=name), False, kind="quiz")
    for question in quiz.questions:
        section.tests.append(_score(question, parsed, accepts))
    notes = [msg("quiz.sheet_note", path=name, text=text) for text in parsed.problems + parsed.notes]
    if not official:
        notes.append(msg("quiz.selfcheck_note"))
    return section, notes


def _score(question: Question, sheet: Sheet, accepts: Callable[[Question, str | bool | float], bool]) -> TestResult:
    result = TestResult(question.id, QUIZ, 0.0, question.points, False, "failed")
    if sheet.unreadable:
        result.message = sheet.unreadable
        if sheet.missing:
            result.status = "not_implemented"
        return result
    if question.id in sheet.duplicates:
        lines = ", ".join(str(n) for n in sheet.duplicates[question.id])
        result.message = msg("quiz.duplicate", id=question.id, lines=lines)
        return result
    value, line = sheet.answers.get(question.id, ("", 0))
    if not value:
        result.status = "not_implemented"
        result.message = msg("quiz.not_answered", id=question.id)
        return result
    try:
        given = normalise(question, value)
    except ValueError as exc:
        result.message = msg("quiz.at_line", line=line, text=str(exc))
        return result
    if accepts(question, given):
        result.status, result.score = "passed", question.points
        return result
    hint = question.hint.get(language()) or question.hint.get("en", "")
    result.message = msg("quiz.wrong", id=question.id, value=value, hint=hint)
    return result
