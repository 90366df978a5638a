"""Imported once by the batch's fork server, so that every grading process starts warm.

:mod:`autograder.batch.local` forks one fresh grading process per submission from a *fork server*: a
process that has already imported what grading a lecture needs. This module is what the fork server
imports. It reads the lecture from the environment variable ``GRADE_BATCH_LECTURE`` (set by the local
executor before the fork server starts) and imports numpy, the engine, that lecture's tests, its
reference solution and the heavy modules the lecture preloads (torch for the torch lectures). A forked
grading process then finds them all in ``sys.modules``: ``import torch`` is paid once per batch, not
once per submission. Only trusted code (the kit) is imported here; student code never runs in the
grading processes.
"""

from __future__ import annotations

import importlib
import os


def warm(number: int) -> None:
    """Import everything grading lecture ``number`` needs (errors are left for the grading process to report)."""
    import numpy  # noqa: F401

    from autograder import isolation, proxy, registry, runner, sandbox  # noqa: F401
    from autograder.batch import jobs, unpack  # noqa: F401
    from autograder.i18n import catalogue
    from autograder.quiz import grading

    lecture = registry.load(number)
    for name in lecture.preload:
        importlib.import_module(name)
    runner.load_reference(number)
    catalogue()  # every message file parsed once here, not once per grading process (~0.1 s each)
    grading.load_quiz(number)


_number = os.environ.get("GRADE_BATCH_LECTURE", "")
if _number.isdigit():
    try:
        warm(int(_number))
    except Exception:  # noqa: BLE001 - a warm-up failure only costs speed; grading reports the real error
        pass
