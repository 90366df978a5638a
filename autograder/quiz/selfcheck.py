"""The public copy of a quiz: ``autograder/quizzes/lectureNN.json``, made from the key, shipped to students.

It holds everything but the answers: ids, kinds, points, choices count, hints, and **salted hashes** of
the accepted answers, so ``grade lectureN`` in a student release can tell right from wrong without the key.
A numeric answer ``a`` with tolerance ``t`` is stored as the hashes of the cells ``floor(x / t)`` that
``[a - t, a + t]`` touches: the local check accepts every right answer, and a few answers up to ``2t``
away (the official grade, with the key, is exact); a tolerance of 0 (a count) hashes the exact number.
With few choices a student could try every letter; the self-check is for practice, and the course
grades with the key.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

from autograder import paths
from autograder.quiz.key import Question, Quiz

QUIZZES = Path(__file__).resolve().parent.parent / "quizzes"


def public_path(number: int) -> Path:
    return QUIZZES / f"{paths.module_name(number)}.json"


def _digest(salt: str, ident: str, token: str) -> str:
    return hashlib.sha256(f"{salt}|{ident}|{token}".encode()).hexdigest()[:24]


def _tokens(question: Question, value: str | bool | float) -> list[str]:
    """The hash inputs for an answer (several for a numeric one: the cells its tolerance touches)."""
    if question.kind == "numeric" and question.tolerance == 0:
        return [f"x:{float(value)!r}"]
    if question.kind == "numeric":
        step = question.tolerance
        low, high = math.floor((float(value) - step) / step), math.floor((float(value) + step) / step)
        return [f"n:{cell}" for cell in range(low, high + 1)]
    if question.kind == "truefalse":
        return [f"b:{str(bool(value)).lower()}"]
    return [f"c:{value}"]


def make_public(quiz: Quiz, key_bytes: bytes) -> str:
    """The public JSON text of ``quiz`` (deterministic: the salt is derived from the key file itself)."""
    salt = hashlib.sha256(b"quiz-salt|" + key_bytes).hexdigest()[:16]
    questions = []
    for q in quiz.questions:
        assert q.answer is not None
        entry = {
            "id": q.id,
            "kind": q.kind,
            "points": q.points,
            "hint": q.hint,
            "choices": len(q.choices.get("en", ())),
        }
        if q.kind == "numeric":
            entry["tolerance"] = q.tolerance
        entry["hashes"] = sorted(_digest(salt, q.id, t) for t in _tokens(q, q.answer))
        questions.append(entry)
    data = {"lecture": quiz.lecture, "salt": salt, "questions": questions}
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


class PublicQuiz:
    """A quiz read from its public copy; :meth:`accepts` checks an answer against the salted hashes."""

    def __init__(self, number: int, path: Path | None = None) -> None:
        data = json.loads((path or public_path(number)).read_text(encoding="utf-8"))
        self.salt: str = data["salt"]
        self._hashes = {q["id"]: set(q["hashes"]) for q in data["questions"]}
        self.quiz = Quiz(
            int(data["lecture"]),
            tuple(
                Question(
                    q["id"],
                    q["kind"],
                    float(q["points"]),
                    {},
                    dict(q["hint"]),
                    {"en": ("",) * q["choices"], "ko": ("",) * q["choices"]} if q["kind"] == "choice" else {},
                    None,
                    float(q.get("tolerance", 0.0)),
                )
                for q in data["questions"]
            ),
        )

    def accepts(self, question: Question, value: str | bool | float) -> bool:
        if question.kind == "numeric" and question.tolerance > 0:
            token = f"n:{math.floor(float(value) / question.tolerance)}"
        else:
            token = _tokens(question, value)[0]
        return _digest(self.salt, question.id, token) in self._hashes[question.id]


def has_public(number: int) -> bool:
    return public_path(number).is_file()
