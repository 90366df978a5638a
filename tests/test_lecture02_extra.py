"""Lecture 2 properties the generic kit tests do not cover: the matrix_rank rule against library calls.

- a module-level alias import of numpy's matrix_rank is caught statically (the worker's tripwire patches
  ``numpy.linalg.matrix_rank``, which an alias bound at import time bypasses);
- a recursive elimination, which names its own ``matrix_rank``, is not mistaken for the library call.
"""

from harness import grade_source, variant_source

_ALIASED = """
def matrix_rank(A, tol=1e-10):
    return int(mr(A))
"""

_RECURSIVE = """
def matrix_rank(A, tol=1e-10, _scale=None):
    A = np.array(A, dtype=np.float64)
    if _scale is None:
        _scale = float(np.max(np.abs(A))) if A.size else 0.0
    if A.size == 0 or A.shape[1] == 0 or A.shape[0] == 0:
        return 0
    i = int(np.argmax(np.abs(A[:, 0])))
    if abs(A[i, 0]) <= tol * _scale:
        return matrix_rank(A[:, 1:], tol, _scale)
    A[[0, i]] = A[[i, 0]]
    rest = A[1:, 1:] - np.outer(A[1:, 0] / A[0, 0], A[0, 1:])
    return 1 + matrix_rank(rest, tol, _scale)
"""


def _rank_tests(result):
    return {t.name: t for t in result.tests() if t.exercise == "matrix_rank"}


def test_aliased_numpy_rank_is_caught_statically(tmp_path):
    source = variant_source(2, {"matrix_rank": _ALIASED}, extra_imports="from numpy.linalg import matrix_rank as mr")
    tests = _rank_tests(grade_source(tmp_path, 2, source, exercises=["matrix_rank"]))
    assert tests and all(not t.passed and "forbids" in t.message for t in tests.values()), {
        name: t.message for name, t in tests.items()
    }


def test_recursive_elimination_is_allowed(tmp_path):
    source = variant_source(2, {"matrix_rank": _RECURSIVE})
    tests = _rank_tests(grade_source(tmp_path, 2, source, exercises=["matrix_rank"]))
    failed = {name: t.message for name, t in tests.items() if not t.passed}
    assert not failed, failed
