"""Machine-readable outputs of a grading run: ``grade lectureN --format NAME [--out FILE]``.

:data:`FORMATS` maps each name to the function that renders a :class:`~autograder.results.LectureResult`
as text:

- ``json``: the kit's own versioned results (:mod:`autograder.results`, ``schema_version`` 1; ``--json``);
- ``gradescope``: Gradescope's ``results.json`` (:mod:`autograder.formats.gradescope`);
- ``junit``: JUnit / Ant XML, one test suite per exercise (:mod:`autograder.formats.junit`; GitLab, Jenkins);
- ``markdown``: a summary table and the failures (:mod:`autograder.formats.markdown`);
- ``classroom``: the base64 result a GitHub Classroom reporter reads (:mod:`autograder.formats.classroom`).

:func:`write` puts one of them in a file (atomically, by the grading process, after the worker is gone) or
on a stream. When ``GITHUB_STEP_SUMMARY`` names a file (GitHub Actions sets it for every step),
:func:`append_step_summary` appends the Markdown summary there, whatever ``--format`` was asked for.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

from autograder.formats import classroom, gradescope, junit, markdown
from autograder.formats.text import json_text
from autograder.results import LectureResult, write_atomic

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


def _json(result: LectureResult) -> str:
    return json_text(result.to_dict()) + "\n"


FORMATS: dict[str, Callable[[LectureResult], str]] = {
    "json": _json,
    "gradescope": gradescope.render,
    "junit": junit.render,
    "markdown": markdown.render,
    "classroom": classroom.render,
}


def render(result: LectureResult, fmt: str) -> str:
    """``result`` as the text of format ``fmt`` (a key of :data:`FORMATS`)."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    return renderer(result)


def write(result: LectureResult, fmt: str, path: Path | None, stream: TextIO | None = None) -> None:
    """Write ``result`` in format ``fmt`` to ``path`` (atomically), or to ``stream`` (stdout) without one."""
    text = render(result, fmt)
    if path is not None:
        write_atomic(Path(path), text)
        return
    stream = stream or sys.stdout
    stream.write(text)
    stream.flush()


def append_step_summary(result: LectureResult, environ: Mapping[str, str] | None = None) -> Path | None:
    """Append the Markdown summary to ``$GITHUB_STEP_SUMMARY`` when it is set; returns that path (or None)."""
    environ = os.environ if environ is None else environ
    target = environ.get(STEP_SUMMARY, "").strip()
    if not target:
        return None
    path = Path(target)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(markdown.render(result) + "\n")
    return path
