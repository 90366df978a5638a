"""Instructor releases built from the single source of truth (``solutions/`` and ``autograder/lectures/``).

- :mod:`.sources`: what a release filters (hidden-test regions, solution bodies, hidden test names);
- :mod:`.bundle`: the student release folder and its zip (``grade release``);
- :mod:`.leaks`: the scan that proves a release holds no reference code, hidden test or answer key;
- :mod:`.gradescope`: the Gradescope autograder zip and the ``results.json`` its run writes;
- :mod:`.notebooks` and :mod:`.nbcheck`: the nbgrader course folder and the checks its test cells call;
- :mod:`.mutants` and :mod:`.mutation`: the mutation self-check of ``grade verify`` (:mod:`.verify`).

This package is instructor tooling: a student release does not contain it.
"""
