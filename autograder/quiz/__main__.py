"""``python -m autograder.quiz --check [NN ...]``: validate quiz keys and show each quiz's summary."""

from __future__ import annotations

import sys

from autograder.quiz.key import QuizKeyError, has_key, load_key


def main(argv: list[str]) -> int:
    numbers = [int(a) for a in argv if a.isdigit()] or [n for n in range(1, 14) if has_key(n)]
    status = 0
    for number in numbers:
        if not has_key(number):
            print(f"lecture {number}: no quiz key")
            status = 1
            continue
        try:
            quiz = load_key(number)
        except QuizKeyError as exc:
            print(f"lecture {number}: {exc}")
            status = 1
            continue
        kinds = {k: sum(q.kind == k for q in quiz.questions) for k in ("choice", "truefalse", "numeric")}
        ok = 6 <= len(quiz.questions) <= 12 and all(kinds.values())
        print(
            f"lecture {number}: {len(quiz.questions)} questions, {quiz.max_points:g} points "
            f"({', '.join(f'{v} {k}' for k, v in kinds.items())})" + ("" if ok else "  <- needs 6-12 and every kind")
        )
        status |= 0 if ok else 1
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
