"""Generate the student stubs (``assignments/``) from the reference solutions (``solutions/``).

Quiz keys (``solutions/lectureNN_quiz.toml``) generate the blank answer sheets
(``assignments/lectureNN_quiz.txt``) and their public self-check copies (``autograder/quizzes/``).

``solutions/lectureNN.py`` is the single source: docstrings, signatures and imports are shared, and the
code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` lines (nbgrader's markers) is replaced in the
stub by ``raise NotImplementedError(...)``. A region at module level is dropped entirely.

    python -m autograder.stubs           # rewrite assignments/ from solutions/
    python -m autograder.stubs --check   # exit 1 if assignments/ is out of date
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from autograder import paths

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_MARKER = re.compile(r"^(\s*)### (BEGIN|END) SOLUTION\s*$")


class MarkerError(ValueError):
    pass


def make_stub(source: str, filename: str = "<solution>") -> str:
    """The student version of a solution module's source text."""
    owners = _function_lines(source)
    out: list[str] = []
    inside: tuple[str, int] | None = None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        match = _MARKER.match(line)
        if match and match.group(2) == "BEGIN":
            if inside:
                raise MarkerError(f"{filename}:{number}: nested {BEGIN}")
            inside = (match.group(1), number)
            continue
        if match and match.group(2) == "END":
            if not inside:
                raise MarkerError(f"{filename}:{number}: {END} without {BEGIN}")
            indent, begin_line = inside
            if indent:
                name = owners.get(begin_line, "this function")
                out.append(f'{indent}raise NotImplementedError("{name}: not implemented yet")\n')
            inside = None
            continue
        if not inside:
            out.append(line)
    if inside:
        raise MarkerError(f"{filename}:{inside[1]}: {BEGIN} without {END}")
    return "".join(out)


def _function_lines(source: str) -> dict[int, str]:
    """Line number -> name of the innermost function that contains it."""
    owners: dict[int, str] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                owners[line] = node.name  # inner functions come later in the walk and win
    return owners


def stub_for(number: int) -> str:
    solution = paths.reference_path(number)
    return make_stub(solution.read_text(encoding="utf-8"), str(solution))


def lectures_with_solutions() -> list[int]:
    return sorted(int(p.stem[len("lecture") :]) for p in paths.SOLUTIONS.glob("lecture[0-9][0-9].py"))


def generated_files() -> dict[Path, str]:
    """Every generated file and its text: the stubs, and per quiz key its answer sheet and public copy."""
    from autograder.quiz.generate import files_for, lectures_with_quizzes

    files = {paths.assignment_path(number): stub_for(number) for number in lectures_with_solutions()}
    for number in lectures_with_quizzes():
        files.update(files_for(number))
    return files


def out_of_date() -> list[Path]:
    """Generated files that differ from what their source generates."""
    return [
        target
        for target, text in generated_files().items()
        if not target.exists() or target.read_text(encoding="utf-8") != text
    ]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--check" in argv:
        stale = out_of_date()
        for path in stale:
            print(f"out of date: {path.relative_to(paths.ROOT)} (run python -m autograder.stubs)")
        return 1 if stale else 0
    for target, text in generated_files().items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target.relative_to(paths.ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
