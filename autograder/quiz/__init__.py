"""Concept quizzes: one per lecture, answered in a plain text sheet beside the student's module.

- ``key.py``: the quiz and its answer key, ``solutions/lectureNN_quiz.toml`` (hidden like a reference
  solution; never ships);
- ``sheet.py``: the students' answer sheet ``assignments/lectureNN_quiz.txt`` (generated from the key,
  without answers) and its forgiving parser;
- ``selfcheck.py``: the public copy of a quiz ``autograder/quizzes/lectureNN.json`` (questions, points,
  hints and salted hashes of the accepted answers), so a student release can check answers locally;
- ``grading.py``: turns a sheet into a scored quiz section of the results (one test per question).

The quiz is graded in the grading process: a sheet is data, never code, so no worker is involved.
"""
