"""Grading tests, one file per lecture (public and hidden tests side by side).

Never importable from the worker: this folder is not on its path.
"""
