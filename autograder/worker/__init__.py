"""Code that runs inside the worker process, next to the student's module.

Everything in this folder must import only the standard library and numpy (torch lazily): the worker's
``sys.path`` holds this folder and site-packages, never the rest of ``autograder`` (hidden tests) or
``solutions/``.
"""
