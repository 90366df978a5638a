"""Notebook submissions: a Jupyter notebook's code cells as the ``lectureNN.py`` the worker imports.

The grading process only reads the notebook's JSON; it never executes it. The code cells are joined in
order into a module written to a private temporary folder, and that file is graded like any other
submission (functions are found by name, a later definition wins as in the notebook). IPython magics and
shell escapes (``%...``, ``!...``) become comments so the module stays importable.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from autograder.i18n import msg

_MAGIC = re.compile(r"^(\s*)([%!].*)$")


class NotebookError(ValueError):
    """The file is not a notebook the grader can read (the message says why)."""


def code_cells(text: str) -> list[str]:
    """The sources of a notebook's code cells, in order."""
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(msg("engine.notebook.invalid_json", error=exc.msg, line=exc.lineno)) from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise NotebookError(msg("engine.notebook.no_cells"))
    sources = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        sources.append("".join(source) if isinstance(source, list) else str(source))
    return sources


def to_module(text: str) -> str:
    """The module source of a notebook's code cells (``# In[k]`` comments mark where each cell starts)."""
    from autograder.notebook_check import is_kit_cell

    parts = []
    for index, source in enumerate(code_cells(text), start=1):
        if is_kit_cell(source):  # an nbgrader notebook's setup and test cells: graded here as they are there
            continue
        lines = [_MAGIC.sub(r"\1# \2", line) for line in source.splitlines()]
        parts.append(f"# In[{index}]\n" + "\n".join(lines) + "\n")
    return "\n".join(parts)


@contextmanager
def as_module(notebook: Path, module_name: str) -> Iterator[Path]:
    """A private temporary ``module_name``.py holding the notebook's code, removed afterwards."""
    source = to_module(Path(notebook).read_text(encoding="utf-8", errors="replace"))
    with tempfile.TemporaryDirectory(prefix="grade-notebook-") as folder:  # mode 0700
        path = Path(folder) / f"{module_name}.py"
        path.write_text(source, encoding="utf-8")
        yield path
