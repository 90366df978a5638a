"""Where things live in a checkout of the kit."""

from __future__ import annotations

from pathlib import Path

from autograder.i18n import msg

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = ROOT / "assignments"
SOLUTIONS = ROOT / "solutions"
LECTURE_TESTS = Path(__file__).resolve().parent / "lectures"


def module_name(number: int) -> str:
    return f"lecture{number:02d}"


def assignment_path(number: int) -> Path:
    """The student's module for a lecture: ``assignments/lectureNN.py``."""
    return ASSIGNMENTS / f"{module_name(number)}.py"


def reference_path(number: int) -> Path:
    """The hidden reference solution: ``solutions/lectureNN.py``."""
    return SOLUTIONS / f"{module_name(number)}.py"


def find_submission(number: int, given: Path | None) -> Path:
    """The file to grade: ``given`` (a ``lectureNN.py`` file or a folder holding one) or the assignment.

    Raises ``FileNotFoundError`` with a message for the user when nothing gradable is there.
    """
    if given is None:
        path = assignment_path(number)
    else:
        given = Path(given).expanduser()
        path = given / f"{module_name(number)}.py" if given.is_dir() else given
    if not path.is_file():
        if given is not None and given.is_dir():
            raise FileNotFoundError(
                msg("engine.folder_without_module", folder=given, filename=f"{module_name(number)}.py")
            )
        raise FileNotFoundError(msg("engine.no_submission", path=path))
    return path.resolve()
