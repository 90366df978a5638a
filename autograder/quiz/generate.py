"""The files a quiz key generates (``python -m autograder.stubs`` writes them, ``--check`` compares them):
the blank answer sheet ``assignments/lectureNN_quiz.txt`` and the public copy
``autograder/quizzes/lectureNN.json``."""

from __future__ import annotations

from pathlib import Path

from autograder import registry
from autograder.i18n import has, template
from autograder.quiz import key as quiz_key
from autograder.quiz import selfcheck
from autograder.quiz.sheet import blank_sheet, sheet_path


def lectures_with_quizzes() -> list[int]:
    return [n for n in registry.available() if quiz_key.has_key(n)]


def files_for(number: int) -> dict[Path, str]:
    """Path -> text of every file generated from lecture ``number``'s quiz key."""
    quiz = quiz_key.load_key(number)
    lecture = registry.load(number)
    title_key = f"{lecture.module}.title"
    title_ko = template(title_key, "ko") if has(title_key) else lecture.title
    title_en = template(title_key, "en") if has(title_key) else lecture.title
    return {
        sheet_path(number): blank_sheet(quiz, title_ko, title_en),
        selfcheck.public_path(number): selfcheck.make_public(quiz, quiz_key.key_path(number).read_bytes()),
    }
