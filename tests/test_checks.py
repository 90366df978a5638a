"""The shared checks give precise messages and never fail a correct result."""

import numpy as np
import pytest

from autograder import checks
from autograder.checks import CheckFailure


def fails_with(fn, *args, match, **kwargs):
    with pytest.raises(CheckFailure, match=match):
        fn(*args, **kwargs)


def test_array_reports_type_shape_dtype_nan_and_worst_error():
    expected = np.arange(6.0).reshape(2, 3)
    fails_with(checks.array, None, expected, match="is None")
    fails_with(checks.array, [[0, 1, 2]], expected, match="is a list")
    fails_with(checks.array, np.zeros((3, 2)), expected, match=r"shape \(3, 2\), expected \(2, 3\)")
    fails_with(checks.array, expected.astype(np.float32), expected, match="loses precision")
    fails_with(checks.array, expected.astype(int), expected, match="expected a floating dtype")
    bad = expected.copy()
    bad[1, 2] = np.nan
    fails_with(checks.array, bad, expected, match=r"NaN at 1 of 6 entries, first at \[1, 2\]")
    bad = expected.copy()
    bad[0, 1] += 0.5
    bad[1, 0] += 2.0
    fails_with(
        checks.array,
        bad,
        expected,
        match=r"wrong in 2 of 6 entries: max abs error 2 at \[1, 0\].*first bad index \[0, 1\]",
    )


def test_array_accepts_tiny_true_values_and_matching_infinities():
    z = np.array([-40.0, -700.0, 0.0, 30.0])
    exact = 1 / (1 + np.exp(-z))
    naive = 1 - 1 / (1 + np.exp(z))  # loses the tiny values to cancellation, within the absolute floor
    checks.array(naive, exact, name="sigmoid")
    checks.array(np.array([np.inf, 1.0]), np.array([np.inf, 1.0]))
    fails_with(checks.array, np.array([1e300, 1.0]), np.array([np.inf, 1.0]), match="expected inf")


def test_value_dtype_and_exact_ints():
    checks.array(np.array([1.0, -1.0]), np.array([1, -1]), dtype="value")
    fails_with(checks.array, np.array([1, 2]), np.array([1, 3]), dtype="int", match="differs in 1 of 2")


def test_scalars_integers_and_bools():
    checks.scalar(np.float64(2.0), 2.0)
    checks.scalar(np.array(2.0), 2.0)
    fails_with(checks.scalar, np.array([2.0]), 2.0, match="expected a scalar")
    fails_with(checks.scalar, 2.1, 2.0, match="wrong")
    checks.integer(np.int64(3), 3)
    fails_with(checks.integer, 3.0, 3, match="return an int")
    checks.boolean(np.bool_(True), True)
    fails_with(checks.boolean, 1, True, match="expected a bool")


def test_parts_and_mapping():
    assert checks.parts([1, 2], 2) == (1, 2)
    fails_with(checks.parts, (1,), 2, labels=("loss", "grad"), match=r"1 items; expected a tuple \(loss, grad\)")
    fails_with(checks.mapping, {"W": 1}, ["W", "b"], match="missing the key")


def test_gradient_check_names_the_failed_parameter():
    x = np.array([1.0, 2.0])
    checks.gradient(2 * x, lambda v: float(v @ v), x, name="dx")
    fails_with(checks.gradient, x, lambda v: float(v @ v), x, name="dx", match="numerical-gradient check failed for dx")


def test_forbidden_names_static_scan():
    source = "import numpy as np\nfrom numpy.linalg import matrix_rank as r\ndef matrix_rank(A):\n    return r(A)\n"
    assert checks.forbidden_names(source, "matrix_rank", ["matrix_rank"]) == ["matrix_rank"]
    clean = "import numpy as np\ndef matrix_rank(A):\n    return 0\n"
    assert checks.forbidden_names(clean, "matrix_rank", ["svd"]) == []
    fails_with(checks.not_using, source, "matrix_rank", ["matrix_rank"], match="which this exercise forbids")
