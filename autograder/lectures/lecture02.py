"""Grading tests for lecture 2 - Linear algebra, probability and information.

Oracles: ``np.linalg.norm`` of the flattened array, ``np.trace`` and the identity
``trace(AB) = trace(BA)``, ``np.linalg.matrix_rank`` (in the grader only: the student may not call it),
sums written out from the definitions with ``math.log`` (``0 log 0 = 0``), ``np.cov`` with probability
weights, ``statistics.NormalDist`` for the Gaussian density, and the identity
``H(P, Q) = H(P) + D_KL(P || Q)`` checked on the student's own three functions. Inputs are seeded random
arrays of several shapes plus edge cases (zero rows, zero evidence, zero probabilities, scaled matrices).
"""

from __future__ import annotations

import ast
import math

import numpy as np

from autograder import checks
from autograder.i18n import msg
from autograder.proxy import StudentError
from autograder.spec import Lecture

lecture = Lecture(2, "Linear algebra, probability and information")


# --- lp_norm ---------------------------------------------------------------------------------------------

lp_norm = lecture.exercise("lp_norm")


def _check_norm(student, x, p, what):
    expected = np.linalg.norm(np.asarray(x, dtype=np.float64).ravel(), ord=p)
    checks.scalar(student.lp_norm(x, p), expected, name=f"lp_norm({what}, p={p})", rtol=1e-9)


@lp_norm.test(points=1)
def vectors_for_several_p(student, rng):
    for n in [1, 5, 17]:
        x = rng.normal(size=n) * 3
        for p in [1, 2, 3.5, np.inf]:
            _check_norm(student, x, p, msg("lecture02.lp_norm.label_vector", n=n))


@lp_norm.test(points=1)
def matrices_are_flattened(student, rng):
    A = rng.normal(size=(4, 3))
    for p in [1, 2, 3.5, np.inf]:
        _check_norm(student, A, p, msg("lecture02.lp_norm.label_matrix"))


### BEGIN HIDDEN TESTS
@lp_norm.test(points=1, hidden=True)
def large_small_and_zero(student, rng):
    for scale in [1000.0, 1e-3]:
        x = rng.normal(size=(3, 5)) * scale
        for p in [1, 2, 3.5, np.inf]:
            _check_norm(student, x, p, msg("lecture02.lp_norm.label_scaled", scale=scale))
    for p in [1, 2, 3.5, np.inf]:
        checks.scalar(student.lp_norm(np.zeros(4), p), 0.0, name=f"lp_norm(zeros(4), p={p})")
        checks.scalar(student.lp_norm(np.array([-2.0]), p), 2.0, name=f"lp_norm([-2], p={p})")


### END HIDDEN TESTS


# --- trace -----------------------------------------------------------------------------------------------

trace = lecture.exercise("trace")


@trace.test(points=1)
def sum_of_the_diagonal(student, rng):
    for n in [1, 3, 8]:
        A = rng.normal(size=(n, n))
        checks.scalar(student.trace(A), float(np.trace(A)), name=msg("lecture02.trace.label_square", n=n), rtol=1e-9)


### BEGIN HIDDEN TESTS
@trace.test(points=1, hidden=True)
def cyclic_identity_and_large_entries(student, rng):
    A, B = rng.normal(size=(5, 3)) * 1000, rng.normal(size=(3, 5))
    t_ab = checks.as_scalar(student.trace(A @ B), name="trace(A @ B)")
    checks.scalar(
        student.trace(B @ A),
        t_ab,
        name=msg("lecture02.trace.cyclic"),
        rtol=1e-9,
    )
    checks.scalar(t_ab, float(np.trace(A @ B)), name="trace(A @ B)", rtol=1e-9)
    checks.scalar(student.trace(np.eye(7)), 7.0, name="trace(eye(7))")


### END HIDDEN TESTS


# --- matrix_rank -------------------------------------------------------------------------------------------

matrix_rank = lecture.exercise("matrix_rank")

_FORBIDDEN_RANK = ["matrix_rank", "svd", "qr", "lstsq", "pinv", "eig", "eigh", "eigvals", "eigvalsh"]
_TRIPWIRES = tuple(f"numpy.linalg.{name}" for name in _FORBIDDEN_RANK)


def _low_rank(rng, m, n, r, scale=1.0):
    """A random (m, n) matrix of rank exactly r (a product of (m, r) and (r, n) factors)."""
    return (rng.normal(size=(m, r)) @ rng.normal(size=(r, n))) * scale if r else np.zeros((m, n))


def _check_rank(student, source, A, what, tol=None):
    """Checks the rank against numpy's (the grader's oracle, forbidden to the student), with the library
    routines forbidden at run time (tripwires) and in the source (static rule, which also sees aliases)."""
    if tol is None:
        expected = int(np.linalg.matrix_rank(A))
        with student.forbidding(*_TRIPWIRES):
            got = student.matrix_rank(A)
    else:  # numpy's tol is absolute on the singular values; ours is relative to max|A|
        expected = int(np.linalg.matrix_rank(A, tol=tol * float(np.max(np.abs(A)))))
        with student.forbidding(*_TRIPWIRES):
            got = student.matrix_rank(A, tol)
    _static_rank_rule(source)
    checks.integer(got, expected, name=f"matrix_rank({what})")


@matrix_rank.test(points=1)
def full_and_deficient_rank(student, source, rng):
    for m, n, r in [(4, 4, 4), (3, 5, 3), (6, 4, 2), (5, 5, 3), (1, 3, 1), (7, 2, 1)]:
        _check_rank(
            student, source, _low_rank(rng, m, n, r), msg("lecture02.matrix_rank.label_low_rank", m=m, n=n, r=r)
        )


@matrix_rank.test(points=1)
def zero_matrix_and_duplicate_rows(student, source, rng):
    _check_rank(student, source, np.zeros((3, 4)), "zeros((3, 4))")
    a = rng.normal(size=4)
    _check_rank(student, source, np.stack([a, 2 * a, -a]), msg("lecture02.matrix_rank.label_multiples"))
    _check_rank(student, source, np.arange(1.0, 10.0).reshape(3, 3), "[[1, 2, 3], [4, 5, 6], [7, 8, 9]]")


@matrix_rank.test(points=1)
def small_thin_and_tolerance(student, source, rng):
    _check_rank(student, source, np.array([[3.0]]), "[[3]]")
    _check_rank(student, source, np.zeros((1, 1)), "[[0]]")
    _check_rank(student, source, rng.normal(size=(5, 1)), msg("lecture02.matrix_rank.label_column"))
    _check_rank(student, source, rng.normal(size=(1, 5)), msg("lecture02.matrix_rank.label_row"))
    _check_rank(student, source, np.eye(6), "eye(6)")
    D = np.diag([1.0, 1e-6, 1e-3])  # for a diagonal matrix the pivots are the diagonal entries
    _check_rank(student, source, D, msg("lecture02.matrix_rank.label_tol4"), tol=1e-4)
    _check_rank(student, source, D, msg("lecture02.matrix_rank.label_tol7"), tol=1e-7)


def _library_rank_uses(source):
    """Static look for numpy's matrix_rank: ``<module>.matrix_rank`` inside the student's ``matrix_rank`` or an
    import of it (at module level or in the function). A bare name ``matrix_rank`` is the student's own function
    (a recursive elimination calls itself), so it does not count; ``checks.forbidden_names`` would flag it."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    scopes = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    scopes += [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "matrix_rank"]
    for node in (inner for scope in scopes for inner in ast.walk(scope)):
        if isinstance(node, ast.Attribute) and node.attr == "matrix_rank":
            return True
        if isinstance(node, ast.alias) and node.name.split(".")[-1] == "matrix_rank":
            return True
    return False


def _static_rank_rule(source):
    why = msg("lecture02.matrix_rank.why")
    checks.not_using(source, "matrix_rank", [n for n in _FORBIDDEN_RANK if n != "matrix_rank"], why=why)
    if _library_rank_uses(source):
        checks.fail(msg("lecture02.matrix_rank.uses_library_rank", why=why))


### BEGIN HIDDEN TESTS
@matrix_rank.test(points=1, hidden=True)
def scaling_keeps_the_rank(student, source, rng):
    A = _low_rank(rng, 5, 6, 3)
    for scale in [1e-8, 1e8, 1e-12, 1e12]:
        _check_rank(student, source, A * scale, msg("lecture02.matrix_rank.label_scaled_rank3", scale=scale))
    B = rng.normal(size=(4, 4))
    for scale in [1e-12, 1e8]:
        _check_rank(student, source, B * scale, msg("lecture02.matrix_rank.label_scaled_random", scale=scale))


@matrix_rank.test(points=1, hidden=True)
def ill_conditioned_but_full_rank(student, source, rng):
    for singular, n in [([1.0, 1e-3, 1e-6], 3), ([1.0, 1.0, 1e-5, 1e-7, 0.0], 5), ([1e3, 1.0, 1e-4, 0.0, 0.0], 5)]:
        U, _ = np.linalg.qr(rng.normal(size=(n, n)))
        V, _ = np.linalg.qr(rng.normal(size=(n, n)))
        A = U @ np.diag(singular) @ V.T
        _check_rank(student, source, A, msg("lecture02.matrix_rank.label_singular", n=n, singular=singular))
    hilbert = 1.0 / (np.arange(1, 6)[:, None] + np.arange(5)[None, :])
    _check_rank(student, source, hilbert, msg("lecture02.matrix_rank.label_hilbert"))


### END HIDDEN TESTS


# --- is_linearly_independent ----------------------------------------------------------------------------------

is_linearly_independent = lecture.exercise("is_linearly_independent")


def _check_independent(student, V, what):
    expected = bool(np.linalg.matrix_rank(V) == V.shape[0])
    checks.boolean(student.is_linearly_independent(V), expected, name=f"is_linearly_independent({what})")


@is_linearly_independent.test(points=1)
def independent_and_dependent_sets(student, rng):
    _check_independent(student, rng.normal(size=(3, 5)), msg("lecture02.is_linearly_independent.label_random_5d"))
    _check_independent(student, rng.normal(size=(4, 4)), msg("lecture02.is_linearly_independent.label_random_4d"))
    a, b = rng.normal(size=4), rng.normal(size=4)
    _check_independent(student, np.stack([a, b, 2 * a - 3 * b]), "[a, b, 2a - 3b]")
    _check_independent(student, rng.normal(size=(4, 3)), msg("lecture02.is_linearly_independent.label_4_in_3d"))


### BEGIN HIDDEN TESTS
@is_linearly_independent.test(points=1, hidden=True)
def zero_vector_duplicates_and_scale(student, rng):
    a = rng.normal(size=3)
    _check_independent(student, np.stack([a, np.zeros(3)]), "[a, 0]")
    _check_independent(student, np.stack([a, a]), "[a, a]")
    _check_independent(student, a[None, :], msg("lecture02.is_linearly_independent.label_single"))
    _check_independent(student, np.eye(3)[:2], "[e1, e2]")
    V = rng.normal(size=(3, 4))
    for scale in [1e-9, 1e9]:
        _check_independent(student, V * scale, msg("lecture02.is_linearly_independent.label_scaled", scale=scale))
        _check_independent(student, np.stack([V[0], V[1], V[0] + V[1]]) * scale, f"{scale:g} * [u, v, u + v]")


@is_linearly_independent.test(points=1, hidden=True)
def single_zero_vector(student):
    # A lone zero vector is dependent (c * 0 = 0 for any c != 0); all its entries are 0, so no relative tolerance helps.
    checks.boolean(student.is_linearly_independent(np.zeros((1, 3))), False, name="is_linearly_independent([0])")


### END HIDDEN TESTS


# --- marginal and conditional --------------------------------------------------------------------------------

marginal = lecture.exercise("marginal")


def _random_joint(rng, shape):
    J = rng.uniform(size=shape)
    return J / J.sum()


@marginal.test(points=1)
def both_axes_of_a_table(student, rng):
    J = _random_joint(rng, (3, 5))
    px = np.array([sum(J[x, y] for y in range(5)) for x in range(3)])
    py = np.array([sum(J[x, y] for x in range(3)) for y in range(5)])
    checks.array(student.marginal(J, 1), px, name=msg("lecture02.marginal.label_px"))
    checks.array(student.marginal(J, 0), py, name=msg("lecture02.marginal.label_py"))


### BEGIN HIDDEN TESTS
@marginal.test(points=1, hidden=True)
def three_axes_and_a_single_row(student, rng):
    J = _random_joint(rng, (2, 3, 4))
    for axis in range(3):
        expected = np.apply_over_axes(np.sum, J, [axis]).squeeze(axis)
        checks.array(student.marginal(J, axis), expected, name=msg("lecture02.marginal.label_3d", axis=axis))
    row = _random_joint(rng, (1, 6))
    checks.array(student.marginal(row, 0), row[0], name=msg("lecture02.marginal.label_row"))


### END HIDDEN TESTS


conditional = lecture.exercise("conditional")


def _conditional_oracle(J):
    out = np.zeros_like(J)
    for x in range(J.shape[0]):
        total = math.fsum(J[x])
        if total > 0:
            out[x] = [v / total for v in J[x]]
    return out


@conditional.test(points=1)
def rows_given_x(student, rng):
    for shape in [(3, 4), (5, 2), (1, 3)]:
        J = _random_joint(rng, shape)
        got = checks.array(
            student.conditional(J), _conditional_oracle(J), name=msg("lecture02.conditional.label_joint", shape=shape)
        )
        checks.array(got.sum(axis=1), np.ones(shape[0]), name=msg("lecture02.conditional.label_row_sums"))


@conditional.test(points=1)
def zero_rows_give_zeros(student, rng):
    J = _random_joint(rng, (4, 3))
    J[1] = 0.0
    J[3] = 0.0
    J = J / J.sum()
    checks.array(student.conditional(J), _conditional_oracle(J), name=msg("lecture02.conditional.label_zero_rows"))


### BEGIN HIDDEN TESTS
@conditional.test(points=1, hidden=True)
def unnormalised_counts_and_single_column(student, rng):
    counts = rng.integers(0, 5, size=(4, 6)).astype(np.float64)
    counts[2] = 0.0
    checks.array(
        student.conditional(counts), _conditional_oracle(counts), name=msg("lecture02.conditional.label_counts")
    )
    col = _random_joint(rng, (5, 1))
    checks.array(student.conditional(col), np.ones((5, 1)), name=msg("lecture02.conditional.label_column"))


### END HIDDEN TESTS


# --- expectation, variance, covariance ------------------------------------------------------------------------

expectation = lecture.exercise("expectation")
variance = lecture.exercise("variance")
covariance = lecture.exercise("covariance")

_DIE = (np.arange(1.0, 7.0), np.full(6, 1.0 / 6.0))


def _random_pmf(rng, k):
    p = rng.uniform(0.05, 1.0, size=k)
    return p / p.sum()


def _weighted_cov(f, g, p):
    """np.cov with probability weights (ddof 0): an independent route to Cov and Var."""
    return float(np.cov(np.stack([f, g]), aweights=p, bias=True)[0, 1])


@expectation.test(points=1)
def die_and_random_pmf(student, rng):
    checks.scalar(student.expectation(*_DIE), 3.5, name=msg("lecture02.expectation.label_die"))
    for k in [1, 4, 9]:
        v, p = rng.normal(size=k) * 5, _random_pmf(rng, k)
        checks.scalar(
            student.expectation(v, p),
            float(np.average(v, weights=p)),
            name=msg("lecture02.expectation.label_outcomes", k=k),
        )


### BEGIN HIDDEN TESTS
@expectation.test(points=1, hidden=True)
def large_values_and_point_mass(student, rng):
    v, p = rng.normal(size=7) * 1000 + 1e6, _random_pmf(rng, 7)
    checks.scalar(
        student.expectation(v, p), float(np.average(v, weights=p)), name=msg("lecture02.expectation.label_large")
    )
    checks.scalar(
        student.expectation(np.array([-3.0, 8.0, 2.0]), np.array([0.0, 1.0, 0.0])),
        8.0,
        name=msg("lecture02.expectation.label_point_mass"),
    )


### END HIDDEN TESTS


@variance.test(points=1)
def variance_of_die_and_random_pmf(student, rng):
    checks.scalar(student.variance(*_DIE), 35.0 / 12.0, name=msg("lecture02.variance.label_die"))
    for k in [2, 5, 11]:
        v, p = rng.normal(size=k) * 3, _random_pmf(rng, k)
        checks.scalar(
            student.variance(v, p), _weighted_cov(v, v, p), name=msg("lecture02.variance.label_outcomes", k=k)
        )


### BEGIN HIDDEN TESTS
@variance.test(points=1, hidden=True)
def large_mean_and_point_mass(student, rng):
    v, p = rng.normal(size=8) + 1e6, _random_pmf(rng, 8)
    checks.scalar(student.variance(v, p), _weighted_cov(v, v, p), name=msg("lecture02.variance.label_large"), rtol=1e-5)
    checks.scalar(
        student.variance(np.array([4.0, -1.0]), np.array([1.0, 0.0])),
        0.0,
        name=msg("lecture02.variance.label_point_mass"),
    )


### END HIDDEN TESTS


@covariance.test(points=1)
def random_pairs(student, rng):
    for k in [3, 10]:
        f, p = rng.normal(size=k), _random_pmf(rng, k)
        g = 2.0 * f + rng.normal(size=k)
        checks.scalar(
            student.covariance(f, g, p), _weighted_cov(f, g, p), name=msg("lecture02.covariance.label_outcomes", k=k)
        )
        checks.scalar(
            student.covariance(f, -g, p), _weighted_cov(f, -g, p), name=msg("lecture02.covariance.label_negated", k=k)
        )


### BEGIN HIDDEN TESTS
@covariance.test(points=1, hidden=True)
def independent_and_offset(student, rng):
    # X uniform on {0, 1}, Y uniform on {0, 1, 2}, independent: f depends on X, g on Y -> Cov = 0
    xs, ys = np.repeat([0.0, 1.0], 3), np.tile([0.0, 1.0, 2.0], 2)
    checks.scalar(
        student.covariance(3 * xs + 1, ys**2, np.full(6, 1 / 6)),
        0.0,
        name=msg("lecture02.covariance.label_independent"),
        atol=1e-12,
    )
    f, g, p = rng.normal(size=6) + 1e6, rng.normal(size=6) - 1e6, _random_pmf(rng, 6)
    checks.scalar(
        student.covariance(f, g, p), _weighted_cov(f, g, p), name=msg("lecture02.covariance.label_large"), rtol=1e-5
    )
    checks.scalar(student.covariance(f, f, p), _weighted_cov(f, f, p), name="Cov(f, f) = Var(f)", rtol=1e-5)


### END HIDDEN TESTS


# --- bayes_posterior ---------------------------------------------------------------------------------------------

bayes_posterior = lecture.exercise("bayes_posterior")


def _posterior_oracle(prior, likelihood):
    joint = [a * b for a, b in zip(prior, likelihood, strict=True)]  # P(k, obs)
    evidence = math.fsum(joint)
    return np.array([j / evidence if evidence > 0 else 0.0 for j in joint])


@bayes_posterior.test(points=1)
def medical_test(student):
    # 1% prevalence, 90% sensitivity, 5% false positives: P(sick | positive) = 0.009 / 0.0585
    got = student.bayes_posterior(np.array([0.01, 0.99]), np.array([0.9, 0.05]))
    checks.array(
        got,
        np.array([0.009 / 0.0585, 0.0495 / 0.0585]),
        name=msg("lecture02.bayes_posterior.label_test"),
        rtol=1e-9,
    )


@bayes_posterior.test(points=1)
def random_posteriors_sum_to_one(student, rng):
    for k in [2, 5, 12]:
        prior, likelihood = _random_pmf(rng, k), rng.uniform(size=k)
        got = checks.array(
            student.bayes_posterior(prior, likelihood),
            _posterior_oracle(prior, likelihood),
            name=msg("lecture02.bayes_posterior.label_hypotheses", k=k),
        )
        checks.scalar(got.sum(), 1.0, name=msg("lecture02.bayes_posterior.label_sum"))


### BEGIN HIDDEN TESTS
@bayes_posterior.test(points=1, hidden=True)
def zero_evidence_and_zero_prior(student, rng):
    got = student.bayes_posterior(np.array([0.5, 0.5, 0.0]), np.array([0.0, 0.0, 0.7]))
    checks.array(got, np.zeros(3), name=msg("lecture02.bayes_posterior.label_zero_evidence"))
    prior, likelihood = np.array([0.0, 0.3, 0.7]), np.array([0.9, 0.2, 0.1])
    checks.array(
        student.bayes_posterior(prior, likelihood),
        _posterior_oracle(prior, likelihood),
        name=msg("lecture02.bayes_posterior.label_zero_prior"),
    )
    prior, likelihood = _random_pmf(rng, 4), rng.uniform(size=4) * 1e-150
    checks.array(
        student.bayes_posterior(prior, likelihood),
        _posterior_oracle(prior, likelihood),
        name=msg("lecture02.bayes_posterior.label_tiny_150"),
    )


@bayes_posterior.test(points=1, hidden=True)
def all_zero_and_tiny_likelihoods(student, rng):
    got = student.bayes_posterior(np.array([0.2, 0.3, 0.5]), np.zeros(3))
    checks.array(got, np.zeros(3), name=msg("lecture02.bayes_posterior.label_all_zero"))
    # Likelihoods of size 1e-200 (a long product of small probabilities): prior * likelihood is still a
    # normal float, so the plain formula works, and so must any rescaling a student adds.
    prior, likelihood = _random_pmf(rng, 5), rng.uniform(0.1, 1.0, size=5) * 1e-200
    checks.array(
        student.bayes_posterior(prior, likelihood),
        _posterior_oracle(prior, likelihood),
        name=msg("lecture02.bayes_posterior.label_tiny_200"),
    )


### END HIDDEN TESTS


# --- gaussian_pdf ---------------------------------------------------------------------------------------------------

gaussian_pdf = lecture.exercise("gaussian_pdf")


def _pdf_oracle(x, mu, sigma):
    from statistics import NormalDist

    x, mu, sigma = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in (x, mu, sigma)))
    return np.array(
        [
            NormalDist(float(m), float(s)).pdf(float(v))
            for v, m, s in zip(x.ravel(), mu.ravel(), sigma.ravel(), strict=True)
        ]
    ).reshape(x.shape)


@gaussian_pdf.test(points=1)
def scalar_parameters(student, rng):
    for mu, sigma in [(0.0, 1.0), (2.5, 0.3), (-4.0, 7.0)]:
        x = mu + sigma * rng.normal(size=9) * 2
        checks.array(
            student.gaussian_pdf(x, mu, sigma),
            _pdf_oracle(x, mu, sigma),
            name=f"gaussian_pdf(x, mu={mu}, sigma={sigma})",
        )


### BEGIN HIDDEN TESTS
@gaussian_pdf.test(points=1, hidden=True)
def array_parameters_and_tails(student, rng):
    x = rng.normal(size=(3, 4))
    mu, sigma = rng.normal(size=(3, 4)), rng.uniform(0.5, 2.0, size=(3, 4))
    checks.array(
        student.gaussian_pdf(x, mu, sigma),
        _pdf_oracle(x, mu, sigma),
        name=msg("lecture02.gaussian_pdf.label_broadcast"),
    )
    x = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    checks.array(
        student.gaussian_pdf(x, 0.0, 1.0),
        _pdf_oracle(x, 0.0, 1.0),
        name=msg("lecture02.gaussian_pdf.label_tails"),
        atol=1e-300,
    )
    checks.array(
        student.gaussian_pdf(x * 1e-3, 0.0, 1e-3),
        _pdf_oracle(x * 1e-3, 0.0, 1e-3),
        name=msg("lecture02.gaussian_pdf.label_narrow"),
    )


### END HIDDEN TESTS


# --- information, entropy, cross-entropy, KL -------------------------------------------------------------------

information = lecture.exercise("information")


def _information_oracle(p):
    return np.array([-math.log(v) if v > 0 else math.inf for v in p.ravel()]).reshape(p.shape)


@information.test(points=1)
def minus_log_p(student, rng):
    p = rng.uniform(size=8)
    checks.array(student.information(p), _information_oracle(p), name="information(p)")
    p = np.array([1.0, 0.5, 0.0, 1e-300])
    got = student.information(p)
    with np.errstate(invalid="ignore"):  # checks subtracts inf - inf where both are inf
        checks.array(got, _information_oracle(p), name="information([1, 0.5, 0, 1e-300])")


### BEGIN HIDDEN TESTS
@information.test(points=1, hidden=True)
def any_shape(student, rng):
    p = rng.uniform(size=(3, 2, 4)) ** 8
    checks.array(student.information(p), _information_oracle(p), name=msg("lecture02.information.label_3d"))


### END HIDDEN TESTS


entropy = lecture.exercise("entropy")
cross_entropy = lecture.exercise("cross_entropy")
kl_divergence = lecture.exercise("kl_divergence")


def _entropy_oracle(p):
    return -math.fsum(v * math.log(v) for v in np.ravel(p) if v > 0)


def _cross_entropy_oracle(p, q):
    terms = [(a, b) for a, b in zip(np.ravel(p), np.ravel(q), strict=True) if a > 0]
    if any(b <= 0 for _, b in terms):
        return math.inf
    return -math.fsum(a * math.log(b) for a, b in terms)


def _kl_oracle(p, q):
    terms = [(a, b) for a, b in zip(np.ravel(p), np.ravel(q), strict=True) if a > 0]
    if any(b <= 0 for _, b in terms):
        return math.inf
    return math.fsum(a * math.log(a / b) for a, b in terms)


def _pmf_with_zeros(rng, shape, zeros):
    p = rng.uniform(0.05, 1.0, size=shape)
    p.ravel()[rng.choice(p.size, size=zeros, replace=False)] = 0.0
    return p / p.sum()


_ORACLES = {"entropy": _entropy_oracle, "cross_entropy": _cross_entropy_oracle, "kl_divergence": _kl_oracle}


def _value_or_oracle(student, name, args, notes):
    """The student's value of ``name`` when it is right, else the oracle's (so blame stays on one exercise)."""
    expected = _ORACLES[name](*args)
    try:
        value = checks.as_scalar(student.call(name, *args))
    except (StudentError, checks.CheckFailure):
        value = None
    if value is None or not math.isfinite(value) or abs(value - expected) > 1e-6 * abs(expected) + 1e-9:
        notes.append(msg("lecture02.identity.stand_in", name=name, expected=f"{expected:.9g}"))
        return expected
    return value


def _check_identity(student, mine, rng):
    """H(P, Q) = H(P) + D_KL(P || Q), checked on the student's own functions: ``mine`` (the function graded)
    must equal what the identity gives from the student's other two (where those are right)."""
    for shape, zeros in [((6,), 2), ((3, 4), 3), ((1,), 0), ((10,), 0)]:
        p, q = _pmf_with_zeros(rng, shape, zeros), _pmf_with_zeros(rng, shape, 0)
        own = student.entropy(p) if mine == "entropy" else student.call(mine, p, q)
        notes: list[str] = []
        if mine == "cross_entropy":
            h_p, kl = (
                _value_or_oracle(student, "entropy", (p,), notes),
                _value_or_oracle(student, "kl_divergence", (p, q), notes),
            )
            expected, rule = h_p + kl, f"entropy(p) + kl_divergence(p, q) = {h_p:.9g} + {kl:.9g}"
        elif mine == "entropy":
            h_pq, kl = (
                _value_or_oracle(student, "cross_entropy", (p, q), notes),
                _value_or_oracle(student, "kl_divergence", (p, q), notes),
            )
            expected, rule = h_pq - kl, f"cross_entropy(p, q) - kl_divergence(p, q) = {h_pq:.9g} - {kl:.9g}"
        else:
            h_pq, h_p = (
                _value_or_oracle(student, "cross_entropy", (p, q), notes),
                _value_or_oracle(student, "entropy", (p,), notes),
            )
            expected, rule = h_pq - h_p, f"cross_entropy(p, q) - entropy(p) = {h_pq:.9g} - {h_p:.9g}"
        note = f"; {'; '.join(notes)}" if notes else ""
        checks.scalar(
            own,
            expected,
            name=msg("lecture02.identity.check", mine=mine, shape=shape, rule=rule, notes=note),
        )


@entropy.test(points=1)
def known_entropies(student):
    checks.scalar(student.entropy(np.full(6, 1 / 6)), math.log(6), name=msg("lecture02.entropy.label_die"))
    checks.scalar(student.entropy(np.array([0.0, 1.0, 0.0])), 0.0, name=msg("lecture02.entropy.label_certain"))
    checks.scalar(student.entropy(np.array([0.5, 0.5])), math.log(2), name=msg("lecture02.entropy.label_coin"))


@entropy.test(points=1)
def zeros_contribute_nothing(student, rng):
    for shape, zeros in [((7,), 3), ((12,), 1), ((2,), 0)]:
        p = _pmf_with_zeros(rng, shape, zeros)
        checks.scalar(
            student.entropy(p), _entropy_oracle(p), name=msg("lecture02.entropy.label_zeros", shape=shape, zeros=zeros)
        )


### BEGIN HIDDEN TESTS
@entropy.test(points=1, hidden=True)
def joint_tables_and_unnormalised(student, rng):
    J = _pmf_with_zeros(rng, (3, 4), 2)
    checks.scalar(student.entropy(J), _entropy_oracle(J), name=msg("lecture02.entropy.label_joint"))
    p = np.array([0.5, 0.25])
    checks.scalar(student.entropy(p), _entropy_oracle(p), name=msg("lecture02.entropy.label_as_given"))
    p = np.array([1e-300, 1.0 - 1e-12, 1e-12])
    checks.scalar(student.entropy(p), _entropy_oracle(p), name=msg("lecture02.entropy.label_tiny"))


@entropy.test(points=1, hidden=True)
def entropy_in_the_cross_entropy_identity(student, rng):
    _check_identity(student, "entropy", rng)


### END HIDDEN TESTS


@cross_entropy.test(points=1)
def cross_entropy_matches_definition(student, rng):
    for shape, zeros in [((5,), 0), ((8,), 3), ((2, 3), 1)]:
        p, q = _pmf_with_zeros(rng, shape, zeros), _pmf_with_zeros(rng, shape, 0)
        checks.scalar(
            student.cross_entropy(p, q),
            _cross_entropy_oracle(p, q),
            name=msg("lecture02.cross_entropy.label_shape", shape=shape),
        )


@cross_entropy.test(points=1)
def cross_entropy_zero_and_infinite_terms(student):
    p, q = np.array([0.0, 0.5, 0.5]), np.array([0.0, 0.25, 0.75])
    checks.scalar(
        student.cross_entropy(p, q), _cross_entropy_oracle(p, q), name=msg("lecture02.cross_entropy.label_zero_both")
    )
    p, q = np.array([0.2, 0.8]), np.array([0.0, 1.0])
    got = student.cross_entropy(p, q)
    with np.errstate(invalid="ignore"):  # checks subtracts inf - inf when both are inf
        checks.scalar(got, math.inf, name=msg("lecture02.cross_entropy.label_q_zero"))


### BEGIN HIDDEN TESTS
@cross_entropy.test(points=1, hidden=True)
def cross_entropy_in_the_identity(student, rng):
    _check_identity(student, "cross_entropy", rng)
    p = np.array([0.0, 1.0, 0.0])
    q = np.array([0.3, 0.4, 0.3])
    checks.scalar(student.cross_entropy(p, q), -math.log(0.4), name="H(one-hot, q) = -log q[label]")


### END HIDDEN TESTS


@kl_divergence.test(points=1)
def kl_matches_definition(student, rng):
    for shape, zeros in [((5,), 0), ((9,), 4), ((3, 3), 2)]:
        p, q = _pmf_with_zeros(rng, shape, zeros), _pmf_with_zeros(rng, shape, 0)
        checks.scalar(
            student.kl_divergence(p, q), _kl_oracle(p, q), name=msg("lecture02.kl_divergence.label_shape", shape=shape)
        )
    p = _pmf_with_zeros(rng, (6,), 2)
    checks.scalar(student.kl_divergence(p, p), 0.0, name="D_KL(P || P)", atol=1e-12)


@kl_divergence.test(points=1)
def kl_zero_and_infinite_terms(student):
    p, q = np.array([0.0, 0.4, 0.6]), np.array([0.0, 0.5, 0.5])
    checks.scalar(student.kl_divergence(p, q), _kl_oracle(p, q), name=msg("lecture02.kl_divergence.label_zero_both"))
    p, q = np.array([0.5, 0.5, 0.0]), np.array([1.0, 0.0, 0.0])
    got = student.kl_divergence(p, q)
    with np.errstate(invalid="ignore"):  # checks subtracts inf - inf when both are inf
        checks.scalar(got, math.inf, name=msg("lecture02.kl_divergence.label_q_zero"))
    checks.scalar(student.kl_divergence(q, p), math.log(2), name=msg("lecture02.kl_divergence.label_reverse_finite"))


### BEGIN HIDDEN TESTS
@kl_divergence.test(points=1, hidden=True)
def kl_in_the_identity(student, rng):
    _check_identity(student, "kl_divergence", rng)


@kl_divergence.test(points=1, hidden=True)
def kl_unnormalised_and_asymmetric(student, rng):
    p, q = np.array([0.3, 0.2]), np.array([0.1, 0.6])  # used as given, not renormalised
    checks.scalar(student.kl_divergence(p, q), _kl_oracle(p, q), name="D_KL([0.3, 0.2] || [0.1, 0.6])")
    p, q = _pmf_with_zeros(rng, (5,), 0), _pmf_with_zeros(rng, (5,), 0)
    checks.scalar(student.kl_divergence(q, p), _kl_oracle(q, p), name=msg("lecture02.kl_divergence.label_order"))


### END HIDDEN TESTS
