"""The checks that nbgrader test cells call, so that nbgrader and ``grade`` give the same score.

The notebook's setup cell makes ``_kit = Checker(N, globals())``; each autograded test cell calls
``_kit.check("exercise", "test")`` for one of the kit's tests (hidden ones inside nbgrader's hidden-test
markers). A check grades the code cells run so far (IPython's ``In`` history, test cells left out) with
the kit's engine, exactly as ``grade lectureN --submission notebook.ipynb`` would: the code goes to a
private temporary ``lectureNN.py`` and runs in the worker, never in this kernel's grading side. Each
exercise is graded once per version of the code; a failed test raises ``AssertionError`` with the kit's
message, which fails the cell (nbgrader gives a test cell all or none of its points, like the kit).
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

from autograder import paths
from autograder.i18n import msg

CHECK_CALL = "_kit.check("


def is_kit_cell(source: str) -> bool:
    """A cell of the kit's own (the setup cell making the Checker, a test cell): never part of the student's module."""
    return CHECK_CALL in source or "Checker(" in source


class Checker:
    def __init__(self, number: int, namespace: dict[str, Any]) -> None:
        self.number = number
        self.namespace = namespace
        self._cache: dict[tuple[str, str], Any] = {}

    def source(self) -> str:
        """The module the notebook's cells make so far (magics commented out, test and setup cells left out)."""
        history = self.namespace.get("In")
        if not isinstance(history, list):
            raise RuntimeError(msg("engine.notebook.not_ipython"))
        cells = [cell for cell in history if cell and not is_kit_cell(cell)]
        lines = []
        for cell in cells:
            for line in cell.splitlines():
                lines.append("# " + line if "get_ipython()" in line else line)
            lines.append("")
        return "\n".join(lines) + "\n"

    def grade(self, exercise: str) -> Any:
        from autograder import runner

        source = self.source()
        key = (hashlib.sha256(source.encode()).hexdigest(), exercise)
        if key not in self._cache:
            with tempfile.TemporaryDirectory(prefix="grade-notebook-") as folder:
                path = Path(folder) / f"{paths.module_name(self.number)}.py"
                path.write_text(source, encoding="utf-8")
                options = runner.GradeOptions(hidden=True, exercises=[exercise])
                self._cache[key] = runner.grade(self.number, path, options)
        return self._cache[key]

    def check(self, exercise: str, test: str) -> None:
        result = self.grade(exercise)
        for found in result.tests():
            if found.exercise == exercise and found.name == test:
                if not found.passed:
                    raise AssertionError(found.message or found.status)
                print(msg("engine.notebook.passed", exercise=exercise, score=found.score))
                return
        raise AssertionError(msg("engine.notebook.unknown_test", test=test, exercise=exercise))
