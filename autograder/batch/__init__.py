"""Batch grading of a whole class: ``grade batch SUBMISSIONS --lecture N --out RESULTS``.

One job per module:

- :mod:`~autograder.batch.jobs`: the :class:`Job` / :class:`Outcome` data, :func:`run_job`, the ``Executor`` protocol;
- :mod:`~autograder.batch.discover`: the students of a class folder and the hash of each submission;
- :mod:`~autograder.batch.unpack`: a folder, ``.py``, notebook or zip as the ``lectureNN.py`` to grade;
- :mod:`~autograder.batch.local`: the local executor (pre-imported fork server, one process per submission);
- :mod:`~autograder.batch.gradebook`: the SQLite gradebook (crash-safe, resumable);
- :mod:`~autograder.batch.csv_export`: the class CSV; :mod:`~autograder.batch.summary`: the class summary;
- :mod:`~autograder.batch.cli_commands`: the command itself (progress, outputs, exit status).
"""
