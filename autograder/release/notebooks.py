"""The nbgrader course folder: one source notebook per lecture, then nbgrader's own student version.

``build_course`` writes ``nbgrader_config.py`` and ``source/lectureNN/lectureNN.ipynb`` (cell metadata
schema 3) and runs ``nbgrader generate_assignment`` for each lecture, which writes the student notebooks
to ``release/lectureNN/`` (solutions replaced by stubs, hidden tests removed, checksums added).

A source notebook has: a read-only markdown summary (the lecture's exercises and points), a read-only
imports cell (the reference module without its functions), a read-only setup cell making the kit's
:class:`autograder.notebook_check.Checker`, and per function a solution cell (the reference function with
its ``### BEGIN/END SOLUTION`` regions) followed by one autograded test cell per kit test with points
(hidden ones between ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``, named by number only).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from autograder import paths, registry
from autograder.i18n import msg
from autograder.release import sources

CONFIG = """c = get_config()  # noqa: F821 - nbgrader's configuration file
c.CourseDirectory.root = {root!r}
c.CourseDirectory.assignment_id = ""
c.Execute.timeout = 600  # seconds per cell: a cell grades one exercise with the kit (training included)
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
"""


def _cell(kind: str, source: str, grade_id: str, *, grade=False, solution=False, locked=True, points=None):
    meta: dict[str, Any] = {"schema_version": 3, "grade": grade, "solution": solution, "locked": locked}
    meta["task"] = False
    meta["grade_id"] = grade_id
    if points is not None:
        meta["points"] = points
    cell: dict[str, Any] = {"cell_type": kind, "metadata": {"nbgrader": meta}, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _imports_cell(preamble: str) -> dict[str, Any]:
    """Read-only, unless it holds a module-level solution region (none today): then an answer cell."""
    if sources.has_solution(preamble):
        return _cell("code", preamble, "imports", solution=True, locked=False)
    return _cell("code", preamble, "imports")


def _summary(number: int) -> str:
    lecture = registry.load(number)
    text = paths.reference_path(number).read_text(encoding="utf-8")
    doc = ast.get_docstring(ast.parse(text)) or ""
    rows = [
        f"| `{ex.name}`{' [device]' if ex.device else ''} | {ex.max_points(hidden=True):g} | "
        + msg(
            "release.notebook.tests",
            public=len([t for t in ex.tests if not t.hidden]),
            hidden=len([t for t in ex.tests if t.hidden]),
        )
        + " |"
        for ex in lecture.exercises.values()
    ]
    total = sum(ex.max_points(hidden=True) for ex in lecture.exercises.values())
    return "\n".join(
        [
            msg("release.notebook.heading", number=number, title=lecture.display_title),
            "",
            doc,
            "",
            msg("release.notebook.columns"),
            "|---|---:|---|",
            *rows,
            msg("release.notebook.total", total=total),
            "",
            msg("release.notebook.how_to"),
        ]
    )


def source_notebook(number: int) -> dict[str, Any]:
    text = paths.reference_path(number).read_text(encoding="utf-8")
    tree = ast.parse(text)
    lines = text.splitlines()
    lecture = registry.load(number)
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    taken: set[int] = set()
    for node in functions:
        start = min([node.lineno] + [d.lineno for d in node.decorator_list])
        taken.update(range(start, _end_line(tree, node, len(lines)) + 1))
    body = tree.body[1:] if ast.get_docstring(tree) else tree.body
    preamble_start = body[0].lineno if body else 1
    preamble = "\n".join(line for i, line in enumerate(lines, 1) if i >= preamble_start and i not in taken).strip()
    cells = [
        _cell("markdown", _summary(number), "summary"),
        _imports_cell(preamble or "import numpy as np"),
        _cell("code", f"from autograder.notebook_check import Checker\n\n_kit = Checker({number}, globals())", "setup"),
    ]
    for node in functions:
        start = min([node.lineno] + [d.lineno for d in node.decorator_list])
        code = "\n".join(lines[start - 1 : _end_line(tree, node, len(lines))]).strip()
        cells.append(_cell("code", code, f"{node.name}_solution", solution=True, locked=False))
        exercise = lecture.exercises.get(node.name)
        if exercise is None:
            continue
        hidden_count = 0
        for test in exercise.tests:
            if test.points <= 0:
                continue  # timing tests carry no points
            call = f"_kit.check({exercise.name!r}, {test.name!r})"
            if test.hidden:
                hidden_count += 1
                grade_id = f"{exercise.name}_hidden_{hidden_count}"
                code = (
                    f"# A hidden test of {exercise.name} ({test.points:g} point(s)): run when your notebook is graded\n"
                    f"{sources.BEGIN_HIDDEN}\n{call}\n{sources.END_HIDDEN}"
                )
            else:
                grade_id = f"{exercise.name}_{test.name}"
                code = f"# Test of {exercise.name}: {test.name} ({test.points:g} point(s))\n{call}"
            cells.append(_cell("code", code, grade_id, grade=True, points=test.points))
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _end_line(tree: ast.Module, node: ast.FunctionDef, last: int) -> int:
    """The function's last line, including the trailing ``### END SOLUTION`` comment after its body."""
    following = [n for n in tree.body if n.lineno > node.lineno]
    end = (min(n.lineno for n in following) - 1) if following else last
    return end


def write_course(numbers: list[int], root: Path) -> Path:
    root = Path(root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(CONFIG.format(root=str(root)), encoding="utf-8")
    for number in sources.selected(numbers):
        name = paths.module_name(number)
        folder = root / "source" / name
        folder.mkdir(parents=True, exist_ok=True)
        notebook = json.dumps(source_notebook(number), indent=1, ensure_ascii=False) + "\n"
        (folder / f"{name}.ipynb").write_text(notebook, encoding="utf-8")
    return root


def nbgrader(root: Path, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    """Run nbgrader (the installed one, same interpreter) in the course folder; raises on failure."""
    command = [sys.executable, "-m", "nbgrader", *args]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done


def build_course(numbers: list[int], root: Path) -> Path:
    """The course folder with source notebooks and nbgrader's student notebooks in ``release/``."""
    root = write_course(numbers, root)
    for number in sources.selected(numbers):
        nbgrader(root, "generate_assignment", paths.module_name(number), "--force")
    return root


def fill_solutions(student: dict[str, Any], source: str) -> dict[str, Any]:
    """A copy of the student notebook whose solution cells hold the functions of the same name in ``source``.

    How a student's answers (or the reference, or a buggy variant) become a submitted notebook: each
    nbgrader solution cell (``grade_id`` ``<function>_solution``) gets that function's source text; cells
    whose function ``source`` lacks are left as they are.
    """
    tree = ast.parse(source)
    lines = source.splitlines()
    functions = {
        n.name: "\n".join(lines[n.lineno - 1 : n.end_lineno]) for n in tree.body if isinstance(n, ast.FunctionDef)
    }
    notebook = json.loads(json.dumps(student))
    for cell in notebook["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        name = meta.get("grade_id", "").removesuffix("_solution")
        if meta.get("solution") and name in functions:
            cell["source"] = functions[name]
    return notebook
