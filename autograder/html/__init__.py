"""Self-contained HTML pages of grading results: one per student, one for the class.

The pages are single files a person opens in any browser, offline: inline CSS, plots as inline SVG, no
script, no external URL. Every string that came from a submission (messages, captured output, names) is
escaped, so a student cannot inject markup into the page course staff open.

- ``page.py``: the document skeleton, the style sheet, escaping and the labels in English or Korean;
- ``summary.py``: class statistics from results dicts (scores per exercise, failure reasons, timings);
- ``plots.py``: the class plots as inline SVG with matplotlib (optional: the ``report`` extra);
- ``student.py`` and ``classroom.py``: the two pages.

The public entry points are in :mod:`autograder.html_report`.
"""
