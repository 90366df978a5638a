"""Which lectures exist, found by file name so that start-up imports nothing heavy."""

from __future__ import annotations

import importlib
import re

from autograder.paths import LECTURE_TESTS
from autograder.spec import Lecture

_NAME = re.compile(r"^(?:lecture)?0*(\d{1,2})$", re.IGNORECASE)


def available() -> list[int]:
    """Numbers of the lectures that have grading tests, in order."""
    numbers = []
    for path in LECTURE_TESTS.glob("lecture[0-9][0-9].py"):
        numbers.append(int(path.stem[len("lecture") :]))
    return sorted(numbers)


def parse(name: str) -> int | None:
    """``"lecture4"``, ``"lecture04"`` or ``"4"`` -> 4; ``None`` when it names no lecture."""
    match = _NAME.match(name.strip())
    return int(match.group(1)) if match else None


def load(number: int) -> Lecture:
    """Import a lecture's test file and return its :class:`Lecture`."""
    module = importlib.import_module(f"autograder.lectures.lecture{number:02d}")
    lecture = module.lecture
    if not isinstance(lecture, Lecture) or lecture.number != number:
        raise RuntimeError(f"autograder/lectures/lecture{number:02d}.py must define `lecture = Lecture({number}, ...)`")
    return lecture
