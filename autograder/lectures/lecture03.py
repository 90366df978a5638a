"""Grading tests for lecture 3 - Supervised learning.

Oracles: sums and loops written out from the definitions, ``np.linalg.lstsq`` for every regression fit
(on ``[x, 1]`` and on ``np.vander``), a solve of the ridge normal equations written in the test,
``np.polynomial.polynomial.polyval``, ``np.vander(..., increasing=True)``, ``np.argmax`` for one-vs-rest,
and for model selection the validation errors recomputed with ``lstsq`` (data built so that the answer is
separated from the tie band by orders of magnitude, or ties exactly / within the band).
"""

from __future__ import annotations

import numpy as np

from autograder import checks
from autograder.i18n import msg
from autograder.spec import Lecture

lecture = Lecture(3, "Supervised learning")


# --- linear decision and binary prediction -------------------------------------------------------------

linear_decision = lecture.exercise("linear_decision")


def _scores(X, w, b):
    return np.array([sum(X[i, j] * w[j] for j in range(X.shape[1])) + b for i in range(X.shape[0])])


@linear_decision.test(points=1)
def scores_match_definition(student, rng):
    for n, d in [(10, 2), (1, 4), (7, 1)]:
        X, w, b = rng.normal(size=(n, d)), rng.normal(size=d), float(rng.normal())
        checks.array(student.linear_decision(X, w, b), _scores(X, w, b), name=f"g (N={n}, D={d})")


### BEGIN HIDDEN TESTS
@linear_decision.test(points=1, hidden=True)
def large_features(student, rng):
    X, w = rng.normal(size=(9, 3)) * 1000, rng.normal(size=3)
    checks.array(
        student.linear_decision(X, w, -1000.0),
        _scores(X, w, -1000.0),
        name=msg("lecture03.linear_decision.label_large"),
    )


### END HIDDEN TESTS


predict_binary = lecture.exercise("predict_binary")


@predict_binary.test(points=1)
def classes_from_the_sign(student, rng):
    X, w, b = rng.normal(size=(25, 2)), np.array([1.5, -1.0]), 0.2
    checks.array(
        student.predict_binary(X, w, b),
        (_scores(X, w, b) > 0).astype(int),
        name=msg("lecture03.predict_binary.label_classes"),
        dtype="value",
    )


@predict_binary.test(points=1)
def boundary_is_class_zero(student, rng):
    X = rng.integers(-3, 4, size=(15, 3)).astype(np.float64)
    w = np.array([1.0, -2.0, 1.0])
    b = -float(X[0] @ w)  # sample 0 lies exactly on the boundary
    X[1] = X[0]
    expected = (_scores(X, w, b) > 0).astype(int)
    checks.array(
        student.predict_binary(X, w, b), expected, name=msg("lecture03.predict_binary.label_boundary"), dtype="value"
    )


### BEGIN HIDDEN TESTS
@predict_binary.test(points=1, hidden=True)
def single_sample_and_large_scores(student, rng):
    checks.array(
        student.predict_binary(np.array([[2.0]]), np.array([3.0]), -6.0),
        np.array([0]),
        name=msg("lecture03.predict_binary.label_on_boundary"),
        dtype="value",
    )
    X = rng.normal(size=(12, 4)) * 1000
    w, b = rng.normal(size=4), 5.0
    checks.array(
        student.predict_binary(X, w, b),
        (_scores(X, w, b) > 0).astype(int),
        name=msg("lecture03.predict_binary.label_large"),
        dtype="value",
    )


### END HIDDEN TESTS


# --- zero_one_loss ------------------------------------------------------------------------------------------

zero_one_loss = lecture.exercise("zero_one_loss")


def _count(y_true, y_pred):
    return sum(1 for a, b in zip(y_true, y_pred, strict=True) if a != b)


@zero_one_loss.test(points=1)
def counts_mistakes(student, rng):
    for n in [10, 37, 1]:
        y, y_hat = rng.integers(0, 2, size=n), rng.integers(0, 2, size=n)
        checks.integer(
            student.zero_one_loss(y, y_hat), _count(y, y_hat), name=msg("lecture03.zero_one_loss.label_samples", n=n)
        )
    y = np.array([0, 1, 1, 0])
    checks.integer(student.zero_one_loss(y, y), 0, name=msg("lecture03.zero_one_loss.label_perfect"))


### BEGIN HIDDEN TESTS
@zero_one_loss.test(points=1, hidden=True)
def multiclass_and_float_labels(student, rng):
    y, y_hat = rng.integers(0, 5, size=30), rng.integers(0, 5, size=30)
    checks.integer(
        student.zero_one_loss(y, y_hat), _count(y, y_hat), name=msg("lecture03.zero_one_loss.label_five_classes")
    )
    y = np.array([1, 0, 1, 1, 0])
    y_hat = np.array([1.0, 1.0, 0.0, 1.0, 0.0])
    checks.integer(student.zero_one_loss(y, y_hat), 2, name=msg("lecture03.zero_one_loss.label_float"))
    checks.integer(student.zero_one_loss(y, 1 - y), 5, name=msg("lecture03.zero_one_loss.label_all_wrong"))


### END HIDDEN TESTS


# --- one_vs_rest_predict --------------------------------------------------------------------------------------

one_vs_rest_predict = lecture.exercise("one_vs_rest_predict")


def _ovr_oracle(X, W, b):
    labels = []
    for i in range(X.shape[0]):
        s = [float(X[i] @ W[:, c]) + b[c] for c in range(W.shape[1])]
        labels.append(max(range(len(s)), key=lambda c, s=s: (s[c], -c)))  # largest score, lowest index on ties
    return np.array(labels, dtype=np.int64)


@one_vs_rest_predict.test(points=1)
def largest_score_wins(student, rng):
    for n, d, c in [(20, 3, 3), (1, 2, 4), (9, 5, 2)]:
        X, W, b = rng.normal(size=(n, d)), rng.normal(size=(d, c)), rng.normal(size=c)
        checks.array(
            student.one_vs_rest_predict(X, W, b), _ovr_oracle(X, W, b), name=f"labels (N={n}, C={c})", dtype="int"
        )


### BEGIN HIDDEN TESTS
@one_vs_rest_predict.test(points=1, hidden=True)
def bias_matters_and_ties_go_low(student, rng):
    X, W = rng.normal(size=(10, 2)), np.zeros((2, 3))
    checks.array(
        student.one_vs_rest_predict(X, W, np.array([0.0, 2.0, 1.0])),
        np.full(10, 1),
        name=msg("lecture03.one_vs_rest_predict.label_bias_only"),
        dtype="int",
    )
    X = rng.integers(-2, 3, size=(12, 2)).astype(np.float64)
    W = np.array([[1.0, 2.0, 2.0, -1.0], [0.0, 1.0, 1.0, 1.0]])  # classes 1 and 2 always score the same
    b = np.array([0.0, 0.5, 0.5, 0.0])
    checks.array(
        student.one_vs_rest_predict(X, W, b),
        _ovr_oracle(X, W, b),
        name=msg("lecture03.one_vs_rest_predict.label_ties"),
        dtype="int",
    )


### END HIDDEN TESTS


# --- fit_linear_regression --------------------------------------------------------------------------------------

fit_linear_regression = lecture.exercise("fit_linear_regression")


def _line_oracle(x, y):
    coef = np.linalg.lstsq(np.stack([x, np.ones_like(x)], axis=1), y, rcond=None)[0]
    return float(coef[0]), float(coef[1])


def _check_line(student, x, y, what, check_b=True):
    w_exp, b_exp = _line_oracle(x, y)
    w, b = checks.parts(student.fit_linear_regression(x, y), 2, name=f"fit_linear_regression{what}", labels=("w", "b"))
    w = checks.scalar(w, w_exp, name=f"w{what}", rtol=1e-6)
    b = checks.scalar(b, b_exp, name=f"b{what}", rtol=1e-6) if check_b else checks.as_scalar(b, name=f"b{what}")
    checks.array(
        w * x + b, w_exp * x + b_exp, name=msg("lecture03.fit_linear_regression.label_fitted", what=what), rtol=1e-6
    )


@fit_linear_regression.test(points=1)
def matches_lstsq(student, rng):
    for n in [2, 10, 51]:
        x = rng.uniform(-5, 5, size=n)
        y = -1.3 * x + 2.0 + rng.normal(size=n)
        _check_line(student, x, y, f" (N={n})")


@fit_linear_regression.test(points=1)
def recovers_an_exact_line(student, rng):
    x = rng.uniform(0, 10, size=12)
    w, b = checks.parts(student.fit_linear_regression(x, 0.75 * x - 3.0), 2, labels=("w", "b"))
    checks.scalar(w, 0.75, name=msg("lecture03.fit_linear_regression.label_w_exact"), rtol=1e-9)
    checks.scalar(b, -3.0, name=msg("lecture03.fit_linear_regression.label_b_exact"), rtol=1e-9)


### BEGIN HIDDEN TESTS
@fit_linear_regression.test(points=1, hidden=True)
def far_from_the_origin(student, rng):
    x = rng.normal(size=30) + 1e6  # mileage-like inputs: raw sums of squares cancel catastrophically
    y = 0.5 * x + rng.normal(size=30)
    _check_line(student, x, y, msg("lecture03.fit_linear_regression.label_far"), check_b=False)
    x = rng.normal(size=20) * 1000
    _check_line(student, x, 1000 * rng.normal(size=20), msg("lecture03.fit_linear_regression.label_large"))


@fit_linear_regression.test(points=1, hidden=True)
def constant_input_gives_flat_line(student, rng):
    x, y = np.full(6, 2.5), rng.normal(size=6)
    w, b = checks.parts(student.fit_linear_regression(x, y), 2, labels=("w", "b"))
    checks.scalar(w, 0.0, name=msg("lecture03.fit_linear_regression.label_w_constant"))
    checks.scalar(b, float(np.mean(y)), name=msg("lecture03.fit_linear_regression.label_b_constant"))


### END HIDDEN TESTS


# --- polynomial features, fit, predict ----------------------------------------------------------------------------

polynomial_features = lecture.exercise("polynomial_features")


@polynomial_features.test(points=1)
def columns_are_increasing_powers(student, rng):
    for n, degree in [(6, 3), (1, 2), (9, 5)]:
        x = rng.uniform(-2, 2, size=n)
        checks.array(
            student.polynomial_features(x, degree),
            np.vander(x, degree + 1, increasing=True),
            name=msg("lecture03.polynomial_features.label_samples", degree=degree, n=n),
        )


### BEGIN HIDDEN TESTS
@polynomial_features.test(points=1, hidden=True)
def degree_zero_zeros_and_large(student, rng):
    x = np.array([0.0, -1.0, 3.0])
    checks.array(student.polynomial_features(x, 0), np.ones((3, 1)), name="polynomial_features(x, 0)")
    checks.array(
        student.polynomial_features(x, 2),
        np.vander(x, 3, increasing=True),
        name="polynomial_features([0, -1, 3], 2) (0**0 = 1)",
    )
    x = rng.normal(size=4) * 1000
    checks.array(
        student.polynomial_features(x, 3),
        np.vander(x, 4, increasing=True),
        name=msg("lecture03.polynomial_features.label_large"),
    )


### END HIDDEN TESTS


fit_polynomial = lecture.exercise("fit_polynomial")


def _ridge_oracle(x, y, degree, l2):
    """The normal equations written from the definition (l2 > 0), or minimum-norm lstsq (l2 = 0)."""
    phi = np.vander(x, degree + 1, increasing=True)
    if l2 == 0:
        return np.linalg.lstsq(phi, y, rcond=None)[0]
    return np.linalg.solve(phi.T @ phi + l2 * np.eye(degree + 1), phi.T @ y)


def _check_poly_fit(student, x, y, degree, l2, what):
    expected = _ridge_oracle(x, y, degree, l2)
    got = checks.array(
        student.fit_polynomial(x, y, degree, l2),
        expected,
        name=msg("lecture03.fit_polynomial.label_coefficients", what=what),
        rtol=1e-6,
        atol_scale=1e-8,
    )
    phi = np.vander(x, degree + 1, increasing=True)
    checks.array(
        phi @ got,
        phi @ expected,
        name=msg("lecture03.fit_polynomial.label_fitted", what=what),
        rtol=1e-6,
        atol_scale=1e-8,
    )


@fit_polynomial.test(points=1)
def least_squares_without_penalty(student, rng):
    for n, degree in [(20, 1), (15, 3), (30, 5), (5, 0)]:
        x = rng.uniform(-1.5, 1.5, size=n)
        y = np.sin(2 * x) + 0.1 * rng.normal(size=n)
        _check_poly_fit(student, x, y, degree, 0.0, msg("lecture03.fit_polynomial.label_plain", degree=degree, n=n))


@fit_polynomial.test(points=1)
def ridge_penalty(student, rng):
    x = rng.uniform(-1, 1, size=12)
    y = 1 + x - 2 * x**3 + 0.2 * rng.normal(size=12)
    for l2 in [0.1, 1.0, 25.0]:
        _check_poly_fit(student, x, y, 4, l2, msg("lecture03.fit_polynomial.label_ridge", l2=l2))


### BEGIN HIDDEN TESTS
@fit_polynomial.test(points=1, hidden=True)
def penalty_includes_the_constant_and_shrinks(student, rng):
    x = rng.uniform(-1, 1, size=10)
    y = 5.0 + 0.1 * rng.normal(size=10)  # a large constant: penalising c[0] or not makes a difference
    _check_poly_fit(student, x, y, 2, 3.0, msg("lecture03.fit_polynomial.label_constant"))
    big = checks.array(
        student.fit_polynomial(x, y, 2, 1e8),
        _ridge_oracle(x, y, 2, 1e8),
        name=msg("lecture03.fit_polynomial.label_huge_l2"),
        rtol=1e-6,
        atol_scale=1e-8,
    )
    checks.that(np.all(np.abs(big) < 1e-6), msg("lecture03.fit_polynomial.not_shrunk", coefficients=big))


@fit_polynomial.test(points=1, hidden=True)
def more_coefficients_than_distinct_points(student, rng):
    x = np.array([-1.0, -1.0, 1.0, 1.0, 1.0])  # two distinct inputs, 4 coefficients: minimum-norm solution
    y = np.array([0.5, 0.7, 2.0, 2.2, 1.9])
    _check_poly_fit(student, x, y, 3, 0.0, msg("lecture03.fit_polynomial.label_min_norm"))
    _check_poly_fit(student, x, y, 3, 0.5, msg("lecture03.fit_polynomial.label_two_points"))


### END HIDDEN TESTS


predict_polynomial = lecture.exercise("predict_polynomial")


@predict_polynomial.test(points=1)
def matches_polyval(student, rng):
    from numpy.polynomial import polynomial

    for n, k in [(8, 4), (1, 1), (13, 7)]:
        x, coeffs = rng.uniform(-2, 2, size=n), rng.normal(size=k)
        checks.array(
            student.predict_polynomial(x, coeffs),
            polynomial.polyval(x, coeffs),
            name=msg("lecture03.predict_polynomial.label_coefficients", k=k),
        )


### BEGIN HIDDEN TESTS
@predict_polynomial.test(points=1, hidden=True)
def constants_and_large_inputs(student, rng):
    from numpy.polynomial import polynomial

    x = rng.normal(size=5)
    checks.array(
        student.predict_polynomial(x, np.array([2.5])),
        np.full(5, 2.5),
        name=msg("lecture03.predict_polynomial.label_constant"),
    )
    x, coeffs = rng.normal(size=6) * 1000, rng.normal(size=4)
    checks.array(
        student.predict_polynomial(x, coeffs),
        polynomial.polyval(x, coeffs),
        name=msg("lecture03.predict_polynomial.label_large"),
    )


### END HIDDEN TESTS


# --- select_degree ------------------------------------------------------------------------------------------------

select_degree = lecture.exercise("select_degree")


def _validation_errors(x_train, y_train, x_val, y_val, degrees):
    errors = {}
    for d in degrees:
        coef = np.linalg.lstsq(np.vander(x_train, d + 1, increasing=True), y_train, rcond=None)[0]
        errors[d] = float(np.mean((np.vander(x_val, d + 1, increasing=True) @ coef - y_val) ** 2))
    return errors


def _separated_choice(errors, y_val):
    """The best degree, after checking that no correct implementation could choose differently."""
    best = min(errors, key=errors.get)
    band = 1e-12 * float(np.mean(y_val**2))
    others = [e for d, e in errors.items() if d != best]
    if others and min(others) - errors[best] < max(1e3 * band, 1e-6 * errors[best]):
        raise AssertionError(f"internal: validation errors {errors} are too close to call")
    return best


def _noisy(rng, f, n, noise, low=-1.0, high=1.0):
    x = rng.uniform(low, high, size=n)
    return x, f(x) + noise * rng.normal(size=n)


@select_degree.test(points=1)
def picks_the_lowest_validation_error(student, rng):
    f = lambda x: 1.0 - 2.0 * x + 3.0 * x**3  # noqa: E731
    x_tr, y_tr = _noisy(rng, f, 40, 0.3)
    x_va, y_va = _noisy(rng, f, 40, 0.3)
    degrees = [0, 1, 2, 3, 4, 5, 6, 7]
    expected = _separated_choice(_validation_errors(x_tr, y_tr, x_va, y_va, degrees), y_va)
    checks.integer(
        student.select_degree(x_tr, y_tr, x_va, y_va, degrees),
        expected,
        name=msg("lecture03.select_degree.label_cubic"),
    )


@select_degree.test(points=1)
def noise_free_ties_go_to_the_lowest_degree(student, rng):
    # A noise-free quadratic: every degree >= 2 fits exactly, validation errors differ only by rounding
    # (far inside the 1e-12 * mean(y_val**2) band): Occam's razor picks 2.
    f = lambda x: 40.0 - 25.0 * x + 7.0 * x**2  # noqa: E731
    x_tr, x_va = rng.uniform(-3, 3, size=25), rng.uniform(-3, 3, size=25)
    degrees = [0, 1, 2, 3, 4, 5, 6]
    checks.integer(
        student.select_degree(x_tr, f(x_tr), x_va, f(x_va), degrees),
        2,
        name=msg("lecture03.select_degree.label_quadratic"),
    )


### BEGIN HIDDEN TESTS
@select_degree.test(points=1, hidden=True)
def exact_ties_and_unsorted_degrees(student, rng):
    x_tr, x_va = rng.uniform(-1, 1, size=12), rng.uniform(-1, 1, size=9)
    y_va = rng.normal(size=9)
    # y_train = 0: every fit is exactly 0, so all validation errors equal mean(y_val**2) exactly.
    checks.integer(
        student.select_degree(x_tr, np.zeros(12), x_va, y_va, [5, 2, 3, 4]),
        2,
        name=msg("lecture03.select_degree.label_equal"),
    )
    f = lambda x: 0.5 + 2.0 * x - x**2  # noqa: E731
    checks.integer(
        student.select_degree(x_tr, f(x_tr), x_va, f(x_va), [6, 5, 4, 3, 2, 1]),
        2,
        name=msg("lecture03.select_degree.label_descending"),
    )


@select_degree.test(points=1, hidden=True)
def underfitting_and_overfitting(student, rng):
    f = lambda x: np.sin(3 * x)  # noqa: E731
    x_tr, y_tr = _noisy(rng, f, 15, 0.2)
    x_va, y_va = _noisy(rng, f, 60, 0.2)
    degrees = [1, 2, 3, 5, 9, 12]
    errors = _validation_errors(x_tr, y_tr, x_va, y_va, degrees)
    expected = _separated_choice(errors, y_va)
    checks.integer(
        student.select_degree(x_tr, y_tr, x_va, y_va, degrees),
        expected,
        name=msg("lecture03.select_degree.label_sin"),
    )
    x_tr, y_tr = _noisy(rng, f, 30, 0.05, low=-2, high=2)
    x_va, y_va = _noisy(rng, f, 30, 0.05, low=-2, high=2)
    degrees = [0, 1, 3, 7]
    expected = _separated_choice(_validation_errors(x_tr, y_tr, x_va, y_va, degrees), y_va)
    checks.integer(
        student.select_degree(x_tr, 1e3 * y_tr, x_va, 1e3 * y_va, degrees),
        expected,
        name=msg("lecture03.select_degree.label_scaled"),
    )


### END HIDDEN TESTS
