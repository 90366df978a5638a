"""The quiz and its answer key: ``solutions/lectureNN_quiz.toml``.

One ``[[question]]`` table per question::

    [[question]]
    id = "q1"                  # q1, q2, ... in order
    kind = "choice"            # "choice" | "truefalse" | "numeric"
    points = 1
    text.ko = "..."            # the question in Korean
    text.en = "..."            # and in English
    choices.ko = ["...", "..."]   # choice only: shown as a) b) c) ...
    choices.en = ["...", "..."]
    answer = "b"               # choice: a letter; truefalse: true/false; numeric: a number
    tolerance = 0.005          # numeric only: |answer - given| <= tolerance is right (0: exact, e.g. a count)
    hint.ko = "..."            # shown when the answer is wrong (what to revisit, never the answer)
    hint.en = "..."
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from autograder import paths

KINDS = ("choice", "truefalse", "numeric")
LETTERS = "abcdefgh"
_ID = re.compile(r"^q[1-9][0-9]?$")


class QuizKeyError(ValueError):
    """The quiz file itself is malformed (an instructor's mistake, reported with the question id)."""


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    points: float
    text: dict[str, str]
    hint: dict[str, str]
    choices: dict[str, tuple[str, ...]]
    answer: str | bool | float | None = None  # None in the public (self-check) copy
    tolerance: float = 0.0

    def accepts(self, given: str | bool | float) -> bool:
        """Whether a normalised answer (see :func:`autograder.quiz.sheet.normalise`) is right."""
        if self.kind == "numeric":
            return isinstance(given, float) and abs(given - float(self.answer)) <= self.tolerance  # type: ignore[arg-type]
        return given == self.answer


@dataclass(frozen=True)
class Quiz:
    lecture: int
    questions: tuple[Question, ...]

    @property
    def max_points(self) -> float:
        return sum(q.points for q in self.questions)

    def question(self, ident: str) -> Question | None:
        return next((q for q in self.questions if q.id == ident), None)


def key_path(number: int) -> Path:
    return paths.SOLUTIONS / f"{paths.module_name(number)}_quiz.toml"


def has_key(number: int) -> bool:
    return key_path(number).is_file()


def load_key(number: int, path: Path | None = None) -> Quiz:
    """Read and validate the answer key of lecture ``number``."""
    path = path or key_path(number)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise QuizKeyError(f"{path.name}: {exc}") from None
    if data.get("lecture") != number:
        raise QuizKeyError(f"{path.name}: `lecture = {number}` is missing or wrong")
    tables = data.get("question")
    if not isinstance(tables, list) or not tables:
        raise QuizKeyError(f"{path.name}: no [[question]] tables")
    questions = tuple(_question(path.name, i, t) for i, t in enumerate(tables, start=1))
    return Quiz(number, questions)


def _bilingual(where: str, table: dict, field: str, required: bool = True) -> dict[str, str]:
    value = table.get(field)
    if value is None and not required:
        return {}
    if (
        not isinstance(value, dict)
        or set(value) != {"ko", "en"}
        or not all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        raise QuizKeyError(f"{where}: `{field}` needs non-empty `{field}.ko` and `{field}.en`")
    return {k: v.strip() for k, v in value.items()}


def _question(filename: str, position: int, table: dict) -> Question:
    ident = table.get("id")
    where = f"{filename}: question {position} ({ident})"
    if ident != f"q{position}" or not _ID.match(str(ident)):
        raise QuizKeyError(f"{where}: ids must be q1, q2, ... in order")
    kind = table.get("kind")
    if kind not in KINDS:
        raise QuizKeyError(f"{where}: kind must be one of {', '.join(KINDS)}")
    points = table.get("points", 1)
    if not isinstance(points, (int, float)) or isinstance(points, bool) or points <= 0:
        raise QuizKeyError(f"{where}: points must be a positive number")
    text, hint = _bilingual(where, table, "text"), _bilingual(where, table, "hint")
    choices: dict[str, tuple[str, ...]] = {}
    answer = table.get("answer")
    tolerance = 0.0
    if kind == "choice":
        raw = table.get("choices")
        if not isinstance(raw, dict) or set(raw) != {"ko", "en"}:
            raise QuizKeyError(f"{where}: a choice question needs `choices.ko` and `choices.en`")
        choices = {k: tuple(str(c).strip() for c in v) for k, v in raw.items()}
        count = len(choices["ko"])
        if not 2 <= count <= len(LETTERS) or len(choices["en"]) != count:
            raise QuizKeyError(f"{where}: choices.ko and choices.en need the same number (2-{len(LETTERS)}) of options")
        if not isinstance(answer, str) or answer not in LETTERS[:count]:
            raise QuizKeyError(f"{where}: answer must be one of the letters {', '.join(LETTERS[:count])}")
    elif kind == "truefalse":
        if not isinstance(answer, bool):
            raise QuizKeyError(f"{where}: answer must be true or false")
    else:
        if not isinstance(answer, (int, float)) or isinstance(answer, bool) or not math.isfinite(answer):
            raise QuizKeyError(f"{where}: answer must be a finite number")
        given = table.get("tolerance")
        if not isinstance(given, (int, float)) or isinstance(given, bool) or given < 0:
            raise QuizKeyError(f"{where}: a numeric question needs tolerance >= 0 (0: an exact number)")
        answer, tolerance = float(answer), float(given)
    unknown = set(table) - {"id", "kind", "points", "text", "hint", "choices", "answer", "tolerance"}
    if unknown:
        raise QuizKeyError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    return Question(str(ident), kind, float(points), text, hint, choices, answer, tolerance)
