"""The deep-learning exercise and autograding kit.

Layout: ``spec`` (how tests are declared), ``checks`` (shared comparisons), ``proxy`` + ``isolation`` +
``worker/`` (the trust boundary), ``runner`` (scoring), ``results`` / ``report`` (what machines and people
read), ``lectures/`` (the grading tests of each lecture).
"""

__version__ = "0.1.0"
