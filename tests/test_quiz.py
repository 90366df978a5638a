"""Concept quizzes: the keys, the answer-sheet parser against malformed files, grading, the self-check
hashes, the report/results section, and the key never shipping in a release."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from autograder import paths, registry, runner
from autograder.i18n import set_language
from autograder.quiz import key as quiz_key
from autograder.quiz import selfcheck
from autograder.quiz.generate import files_for, lectures_with_quizzes
from autograder.quiz.grading import grade_quiz
from autograder.quiz.key import LETTERS, Question, QuizKeyError, load_key
from autograder.quiz.sheet import filled_sheet

ALL = registry.available()


def _answer_text(q: Question, value=None) -> str:
    value = q.answer if value is None else value
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value!r}" if isinstance(value, float) else str(value)


def _wrong(q: Question) -> str:
    if q.kind == "choice":
        return next(letter for letter in LETTERS[: len(q.choices["en"])] if letter != q.answer)
    if q.kind == "truefalse":
        return "false" if q.answer else "true"
    return repr(float(q.answer) + max(1.0, 10 * q.tolerance, abs(float(q.answer))))


def _sheet(tmp_path: Path, text: str | bytes, name: str = "lecture01_quiz.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def _statuses(section) -> dict[str, tuple[str, str]]:
    return {t.name: (t.status, t.message) for t in section.tests}


# --- keys ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ALL)
def test_every_lecture_has_a_valid_quiz_of_6_to_12_questions_of_every_kind(number):
    quiz = load_key(number)
    assert 6 <= len(quiz.questions) <= 12
    assert {q.kind for q in quiz.questions} == {"choice", "truefalse", "numeric"}
    for q in quiz.questions:
        assert q.text["ko"] != q.text["en"] and q.hint["ko"] and q.hint["en"]


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ('id = "q1"', "in order"),
        ('kind = "essay"', "kind must be"),
        ('answer = "z"', "answer must be one of the letters"),
        ("points = 0", "points must be"),
        ('text.en = ""', "text.en"),
    ],
)
def test_a_malformed_key_is_reported_with_its_question(tmp_path, change, complaint):
    field = change.split(" =")[0]
    good = {
        "id": 'id = "q2"',
        "kind": 'kind = "choice"',
        "answer": 'answer = "b"',
        "points": "points = 1",
        "text.en": 'text.en = "Which?"',
    }
    lines = dict(good, **{field: change})
    text = "lecture = 1\n" + _question_toml(1, 'id = "q1"') + _question_toml(2, *lines.values())
    path = _sheet(tmp_path, text, "key.toml")
    with pytest.raises(QuizKeyError, match=complaint) as info:
        load_key(1, path)
    assert "question 2" in str(info.value)


def _question_toml(_n: int, *overrides: str) -> str:
    base = {
        "id": 'id = "q1"',
        "kind": 'kind = "choice"',
        "points": "points = 1",
        "text.ko": 'text.ko = "무엇?"',
        "text.en": 'text.en = "What?"',
        "choices.ko": 'choices.ko = ["가", "나"]',
        "choices.en": 'choices.en = ["A", "B"]',
        "answer": 'answer = "a"',
        "hint.ko": 'hint.ko = "다시 보세요"',
        "hint.en": 'hint.en = "Revisit it"',
    }
    for line in overrides:
        base[line.split(" =")[0]] = line
    return "\n[[question]]\n" + "\n".join(base.values()) + "\n"


# --- the sheet parser: malformed files ----------------------------------------------------------------


@pytest.fixture(scope="module")
def quiz1():
    return load_key(1)


def _full_sheet(quiz, **overrides: str) -> str:
    lines = ["# my answers"]
    for q in quiz.questions:
        lines.append(f"{q.id} = {overrides.get(q.id, _answer_text(q))}")
    return "\n".join(lines) + "\n"


def test_the_reference_answers_score_full_marks_on_every_lecture():
    for number in ALL:
        section, notes = grade_quiz(number, None, reference=True)
        assert section.score == section.max_score == load_key(number).max_points, number
        assert section.kind == "quiz" and not notes


def test_a_fully_right_sheet_scores_full_marks_in_every_spelling(tmp_path, quiz1):
    lines = []
    for q in quiz1.questions:
        if q.kind == "choice":
            lines.append(f"{q.id.upper()} : ({str(q.answer).upper()})   # sure")
        elif q.kind == "truefalse":
            lines.append(f'{q.id} = "{"O" if q.answer else "X"}"')
        else:
            lines.append(f"{q.id}={float(q.answer) + 0.9 * q.tolerance!r}")
    section, notes = grade_quiz(1, _sheet(tmp_path, "\n".join(lines)))
    assert section.score == section.max_score, _statuses(section)
    assert not notes


def test_missing_and_empty_answers_are_not_answered_yet(tmp_path, quiz1):
    first, second = quiz1.questions[0].id, quiz1.questions[1].id
    text = "\n".join(line for line in _full_sheet(quiz1).splitlines() if not line.startswith(f"{first} "))
    text = text.replace(f"{second} = {_answer_text(quiz1.questions[1])}", f"{second} =   ")
    section, _ = grade_quiz(1, _sheet(tmp_path, text))
    status = _statuses(section)
    assert status[first][0] == status[second][0] == "not_implemented"
    assert "not answered" in status[first][1]
    assert section.score == section.max_score - quiz1.questions[0].points - quiz1.questions[1].points


def test_wrong_types_name_the_question_the_line_and_the_expected_form(tmp_path, quiz1):
    by_kind = {kind: next(q for q in quiz1.questions if q.kind == kind) for kind in ("choice", "truefalse", "numeric")}
    bad = {by_kind["choice"].id: "e", by_kind["truefalse"].id: "maybe", by_kind["numeric"].id: "about two"}
    section, _ = grade_quiz(1, _sheet(tmp_path, _full_sheet(quiz1, **bad)))
    status = _statuses(section)
    assert "one letter" in status[by_kind["choice"].id][1] and "line " in status[by_kind["choice"].id][1]
    assert "true or false" in status[by_kind["truefalse"].id][1]
    assert "expects a number" in status[by_kind["numeric"].id][1]
    assert sum(t.score == 0 for t in section.tests) == 3


def test_numbers_are_right_within_the_tolerance_only(tmp_path, quiz1):
    q = next(q for q in quiz1.questions if q.kind == "numeric")
    step = q.tolerance or 1.0
    for value, right in ((float(q.answer), True), (float(q.answer) + 1.5 * step + 1e-9, False)):
        section, _ = grade_quiz(1, _sheet(tmp_path, _full_sheet(quiz1, **{q.id: repr(value)})))
        assert (_statuses(section)[q.id][0] == "passed") is right, value


def test_duplicate_answers_score_zero_and_name_both_lines(tmp_path, quiz1):
    q = quiz1.questions[2]
    text = _full_sheet(quiz1) + f"{q.id} = {_answer_text(q)}\n"
    section, _ = grade_quiz(1, _sheet(tmp_path, text))
    status, message = _statuses(section)[q.id]
    assert status == "failed" and "more than once" in message
    assert section.score == section.max_score - q.points


def test_wrong_answers_lose_exactly_their_points_and_show_the_question_hint(tmp_path, quiz1):
    wrong = {q.id: _wrong(q) for q in quiz1.questions[::3]}
    section, _ = grade_quiz(1, _sheet(tmp_path, _full_sheet(quiz1, **wrong)))
    for test in section.tests:
        if test.name in wrong:
            question = quiz1.question(test.name)
            assert test.score == 0 and question.hint["en"] in test.message
        else:
            assert test.status == "passed", test.message


def test_lines_that_are_not_answers_become_notes_with_line_numbers(tmp_path, quiz1):
    text = _full_sheet(quiz1) + "this line is prose\nq99 = a\n"
    section, notes = grade_quiz(1, _sheet(tmp_path, text))
    assert section.score == section.max_score
    joined = "\n".join(notes)
    last = len(text.splitlines())
    assert f"line {last - 1}" in joined and f"line {last}" in joined and "no question q99" in joined


def test_an_empty_file_scores_zero_with_a_note(tmp_path, quiz1):
    section, notes = grade_quiz(1, _sheet(tmp_path, ""))
    assert section.score == 0 and all(t.status == "not_implemented" for t in section.tests)
    assert any("empty" in n for n in notes)


def test_a_missing_sheet_says_where_it_was_expected(tmp_path):
    section, notes = grade_quiz(1, tmp_path / "lecture01_quiz.txt")
    assert section.score == 0 and all(t.status == "not_implemented" for t in section.tests)
    assert "lecture01_quiz.txt" in section.tests[0].message


def test_a_korean_windows_file_is_read_with_a_note_and_a_bad_encoding_is_explained(tmp_path, quiz1):
    text = "# 나의 답안 (한국어 주석)\n" + _full_sheet(quiz1)
    section, notes = grade_quiz(1, _sheet(tmp_path, text.encode("cp949")))
    assert section.score == section.max_score and any("CP949" in n for n in notes)
    section, notes = grade_quiz(1, _sheet(tmp_path, b"q1 = \xff\xfe\xff\n"))
    assert section.score == 0 and "UTF-8" in section.tests[0].message
    section, _ = grade_quiz(1, _sheet(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00"))
    assert "not a text file" in section.tests[0].message


def test_a_utf8_bom_is_fine_and_a_huge_file_is_refused(tmp_path, quiz1):
    section, _ = grade_quiz(1, _sheet(tmp_path, b"\xef\xbb\xbf" + _full_sheet(quiz1).encode()))
    assert section.score == section.max_score
    section, _ = grade_quiz(1, _sheet(tmp_path, ("# x" * 100_000 + "\n").encode()))
    assert section.score == 0 and "KiB" in section.tests[0].message


def test_korean_messages(tmp_path, quiz1):
    set_language("ko")
    try:
        section, _ = grade_quiz(1, _sheet(tmp_path, _full_sheet(quiz1, q1="zz")))
        assert "객관식" in _statuses(section)["q1"][1]
        q = quiz1.questions[1]
        section, _ = grade_quiz(1, _sheet(tmp_path, _full_sheet(quiz1, **{q.id: _wrong(q)})))
        assert q.hint["ko"] in _statuses(section)[q.id][1]
    finally:
        set_language("en")


# --- self-check hashes --------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ALL)
def test_the_public_copy_accepts_exactly_the_right_answers(number):
    quiz = load_key(number)
    public = selfcheck.PublicQuiz(number)
    for q, pq in zip(quiz.questions, public.quiz.questions, strict=True):
        assert (pq.id, pq.kind, pq.points) == (q.id, q.kind, q.points)
        if q.kind == "choice":
            accepted = [c for c in LETTERS[: len(q.choices["en"])] if public.accepts(pq, c)]
            assert accepted == [q.answer]
        elif q.kind == "truefalse":
            assert public.accepts(pq, q.answer) and not public.accepts(pq, not q.answer)
        else:
            a, t = float(q.answer), q.tolerance
            for value in (a, a - t, a + t, a - 0.5 * t, a + 0.5 * t):
                assert public.accepts(pq, value), (q.id, value)
            for value in (a - 3 * t - 1e-6, a + 3 * t + 1e-6) if t else (a + 1, a - 1):
                assert not public.accepts(pq, value), (q.id, value)


@pytest.mark.parametrize("number", ALL)
def test_the_public_copy_and_the_sheet_carry_no_answer(number):
    quiz = load_key(number)
    data = json.loads(selfcheck.public_path(number).read_text(encoding="utf-8"))
    for q in data["questions"]:
        assert set(q) <= {"id", "kind", "points", "hint", "choices", "tolerance", "hashes"}
    sheet = files_for(number)[paths.ASSIGNMENTS / f"{paths.module_name(number)}_quiz.txt"]
    for q in quiz.questions:
        assert f"\n{q.id} = \n" in sheet  # blank
        assert q.text["ko"].splitlines()[0] in sheet and q.text["en"].splitlines()[0] in sheet


def test_generated_sheets_and_public_copies_are_up_to_date():
    for number in lectures_with_quizzes():
        for path, text in files_for(number).items():
            assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run python -m autograder.stubs"


def test_a_release_grades_the_quiz_by_hashes_and_never_holds_the_key(tmp_path):
    from autograder.release import bundle, leaks

    out, archive = bundle.build([1], tmp_path / "student")
    assert (out / "assignments" / "lecture01_quiz.txt").is_file()
    assert (out / "autograder" / "quizzes" / "lecture01.json").is_file()
    key_text = quiz_key.key_path(1).read_text(encoding="utf-8")
    for path in out.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "[[question]]\nid =" not in text and key_text not in text, path
    assert leaks.scan(out, [1]) == []
    planted = out / "assignments" / "answers.toml"
    shutil.copyfile(quiz_key.key_path(1), planted)
    assert any(leak.what == "a quiz answer key" for leak in leaks.scan(out, [1]))


def test_grading_a_submission_adds_the_quiz_section_from_the_sheet_beside_it(tmp_path, quiz1):
    shutil.copyfile(paths.reference_path(1), tmp_path / "lecture01.py")
    wrong = quiz1.questions[0]
    _sheet(tmp_path, _full_sheet(quiz1, **{wrong.id: _wrong(wrong)}))
    result = runner.grade(1, tmp_path / "lecture01.py", runner.GradeOptions(sandbox="process"))
    quiz = [e for e in result.exercises if e.kind == "quiz"]
    assert len(quiz) == 1 and quiz[0].score == quiz[0].max_score - wrong.points
    assert result.to_dict()["exercises"][-1]["kind"] == "quiz"
    only = runner.grade(1, tmp_path / "lecture01.py", runner.GradeOptions(sandbox="process", exercises=["quiz"]))
    assert [e.name for e in only.exercises] == ["quiz"]
    none = runner.grade(1, tmp_path / "lecture01.py", runner.GradeOptions(sandbox="process", exercises=["fit_linear"]))
    assert all(e.kind == "code" for e in none.exercises)


def test_filled_sheet_round_trips_every_numeric_answer():
    for number in ALL:
        quiz = load_key(number)
        text = filled_sheet(quiz)
        for q in quiz.questions:
            if q.kind == "numeric":
                line = next(line for line in text.splitlines() if line.startswith(f"{q.id} ="))
                assert math.isclose(float(line.split("=")[1]), float(q.answer), rel_tol=1e-5, abs_tol=q.tolerance)


def test_the_gradescope_bundle_carries_the_key_and_grades_the_sheet_beside_the_submission(tmp_path, quiz1):
    import zipfile

    from autograder.release import gradescope

    (archive,) = gradescope.build([1], tmp_path / "zips")
    names = set(zipfile.ZipFile(archive).namelist())
    assert {"kit/solutions/lecture01_quiz.toml", "kit/autograder/catalogue/quiz.toml"} <= names
    assert "kit/solutions/lecture04_quiz.toml" not in names
    (tmp_path / "submission").mkdir()
    shutil.copyfile(paths.reference_path(1), tmp_path / "submission" / "lecture01.py")
    wrong = quiz1.questions[-1]
    _sheet(tmp_path / "submission", _full_sheet(quiz1, **{wrong.id: _wrong(wrong)}))
    data = gradescope.run(1, tmp_path)
    quiz_tests = {t["name"]: t for t in data["tests"] if t["name"].startswith("quiz")}
    assert len(quiz_tests) == len(quiz1.questions)
    assert sum(t["score"] for t in quiz_tests.values()) == quiz1.max_points - wrong.points


def test_grade_e_quiz_on_the_command_line_grades_only_the_quiz(tmp_path, quiz1):
    import subprocess
    import sys

    shutil.copyfile(paths.assignment_path(1), tmp_path / "lecture01.py")
    _sheet(tmp_path, _full_sheet(quiz1))
    done = subprocess.run(
        [sys.executable, str(paths.ROOT / "cli.py"), "lecture1", "-s", str(tmp_path), "-e", "quiz", "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    total = f"{quiz1.max_points:g}/{quiz1.max_points:g}"
    assert f"Concept quiz: {total} points" in done.stdout and "fit_linear" not in done.stdout


def test_a_broken_key_never_crashes_grading_the_code(tmp_path, monkeypatch):
    broken = tmp_path / "lecture01_quiz.toml"
    broken.write_text("lecture = 1\n[[question]]\nid = 'q1'\nkind = 'essay'\n", encoding="utf-8")
    monkeypatch.setattr(quiz_key, "key_path", lambda number: broken)
    shutil.copyfile(paths.reference_path(1), tmp_path / "lecture01.py")
    result = runner.grade(1, tmp_path / "lecture01.py", runner.GradeOptions(sandbox="process"))
    assert all(e.kind == "code" for e in result.exercises) and result.score == result.max_score > 0
    assert any("could not be graded" in note and "kind must be" in note for note in result.notes)
