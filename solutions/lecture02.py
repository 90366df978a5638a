"""Lecture 2 - Linear algebra, probability and information (선형대수, 확률, 정보 이론).

The mathematics deep learning is written in: norms (놈), the trace (트레이스), rank (랭크) and linear
independence (선형 독립) of vectors; joint (결합), marginal (주변) and conditional (조건부) probability,
expectation (기댓값), variance (분산), covariance (공분산), Bayes' rule (베이즈 정리) and the Gaussian
(가우시안, 정규 분포) density; information (정보량), entropy (엔트로피), cross-entropy (크로스 엔트로피) and
the KL divergence (KL 발산). Every function here is one exercise; `grade lecture2` checks them.

Conventions (see CURRICULUM.md): numpy float64 arrays, natural logarithms, no function modifies its
inputs, probabilities are used as given (never renormalised).
"""

import numpy as np


def lp_norm(x, p):
    """The Lp norm (Lp 놈) of a vector: ``||x||_p = (sum_i |x_i|**p) ** (1/p)`` for ``p >= 1``.

    ``p = 1`` is the L1 norm (sum of absolute values), ``p = 2`` the Euclidean L2 norm, and
    ``p = np.inf`` the max norm ``max_i |x_i|`` (the limit as ``p`` grows). A matrix (or any array) is
    flattened first: its entrywise norm (for ``p = 2`` the Frobenius norm).

    Args:
        x: array of any shape; p: a float ``>= 1`` or ``np.inf``.
    Returns:
        float.
    Hint:
        ``np.abs(x).ravel()``; treat ``p == np.inf`` separately. Dividing by ``m = max|x_i|`` before the
        power and multiplying back, ``m * (sum (|x_i|/m)**p) ** (1/p)``, keeps large entries from
        overflowing (mind the all-zero vector).
    """
    ### BEGIN SOLUTION
    a = np.abs(np.asarray(x, dtype=np.float64)).ravel()
    if a.size == 0:
        return 0.0
    m = float(a.max())
    if p == np.inf or m == 0.0:
        return m
    return float(m * np.sum((a / m) ** p) ** (1.0 / p))
    ### END SOLUTION


def trace(A):
    """The trace (트레이스) of a square matrix: the sum of its diagonal entries, ``sum_i A[i, i]``.

    Args:
        A: (n, n) matrix.
    Returns:
        float.
    Hint:
        ``np.diagonal`` picks ``A[i, i]``. Useful identity: ``trace(A @ B) == trace(B @ A)``.
    """
    ### BEGIN SOLUTION
    A = np.asarray(A, dtype=np.float64)
    return float(sum(A[i, i] for i in range(min(A.shape))))
    ### END SOLUTION


def matrix_rank(A, tol=1e-10):
    """Rank (랭크) of a matrix by Gaussian elimination (가우스 소거법) with partial pivoting.

    The rank is the largest number of linearly independent columns (equivalently rows). Eliminate column
    by column: in the current column pick, among the rows not used yet, the entry of largest absolute value
    (partial pivoting, 부분 피벗팅). If ``|pivot| <= tol * max|A|`` the column has no pivot (it depends on
    the previous ones): move to the next column. Otherwise swap that row up, subtract multiples of it
    from the rows below to zero the column under the pivot, and count one more pivot. The rank is the
    number of pivots. The threshold is *relative* to ``max|A|``, so ``matrix_rank(c * A) ==
    matrix_rank(A)`` for any ``c != 0``; the zero matrix has rank 0.

    ``np.linalg.matrix_rank`` (and ``svd``, ``qr``, ``lstsq``, ``pinv``, ``eig*``) may not be used.

    Args:
        A: (m, n) matrix (not necessarily square); tol: relative pivot threshold.
    Returns:
        int.
    Hint:
        Work on a float copy (``A.astype(float)``) so the input is not modified; keep an index ``r`` of the
        next pivot row and loop over the columns.
    """
    ### BEGIN SOLUTION
    M = np.array(A, dtype=np.float64)
    if M.ndim != 2 or M.size == 0:
        return 0
    m, n = M.shape
    threshold = tol * float(np.max(np.abs(M)))
    rank = 0
    for col in range(n):
        if rank == m:
            break
        best = rank + int(np.argmax(np.abs(M[rank:, col])))
        if abs(M[best, col]) <= threshold:
            continue
        M[[rank, best]] = M[[best, rank]]
        factors = M[rank + 1:, col] / M[rank, col]
        M[rank + 1:, col:] -= np.outer(factors, M[rank, col:])
        rank += 1
    return rank
    ### END SOLUTION


def is_linearly_independent(vectors):
    """Whether the rows of ``vectors`` are linearly independent (선형 독립).

    ``k`` vectors are independent when no one of them is a linear combination (선형 결합) of the others,
    i.e. when the only solution of ``sum_i c_i v_i = 0`` is ``c = 0``: exactly when the ``(k, d)`` matrix
    has rank ``k``. So more than ``d`` vectors in ``d`` dimensions are always dependent, and a set holding
    the zero vector is dependent. A pivot counts as zero below ``1e-10 * max|vectors|`` (as in
    ``matrix_rank``), so scaling the vectors never changes the answer.

    Args:
        vectors: (k, d) array, one vector per row.
    Returns:
        bool.
    Hint:
        Compute the rank by elimination (the idea of ``matrix_rank``; here any method is accepted, even
        ``np.linalg.matrix_rank``) and compare it with ``k``.
    """
    ### BEGIN SOLUTION
    M = np.array(vectors, dtype=np.float64)
    k, d = M.shape
    if k > d:
        return False
    threshold = 1e-10 * float(np.max(np.abs(M))) if M.size else 0.0
    if M.size == 0 or threshold == 0.0:
        return k == 0
    M = M.T.copy()  # columns are the vectors: rank == k means every column gets a pivot
    rank = 0
    for col in range(k):
        best = rank + int(np.argmax(np.abs(M[rank:, col])))
        if abs(M[best, col]) <= threshold:
            return False
        M[[rank, best]] = M[[best, rank]]
        M[rank + 1:, col:] -= np.outer(M[rank + 1:, col] / M[rank, col], M[rank, col:])
        rank += 1
    return True
    ### END SOLUTION


def marginal(joint, axis):
    """Marginal distribution (주변 확률) by summing a joint table over ``axis``.

    For a discrete joint ``P(X, Y)`` stored as ``joint[x, y]``: ``P(X = x) = sum_y P(x, y)``. ``axis`` is the
    axis that is summed out (numpy's meaning), so ``marginal(J, 1)`` is ``P(X)`` and ``marginal(J, 0)`` is
    ``P(Y)``. Works for tables with any number of axes (one axis summed out).

    Args:
        joint: array of joint probabilities; axis: int, the axis to sum out.
    Returns:
        array with that axis removed.
    Hint:
        ``np.sum(..., axis=axis)``.
    """
    ### BEGIN SOLUTION
    return np.sum(np.asarray(joint, dtype=np.float64), axis=axis)
    ### END SOLUTION


def conditional(joint):
    """Conditional distribution (조건부 확률) ``P(Y | X) = P(X, Y) / P(X)`` from ``joint[x, y]``.

    Row ``x`` of the result is the distribution of ``Y`` given ``X = x``: ``joint[x, :] / sum_y joint[x, y]``,
    so every row with ``P(X = x) > 0`` sums to 1. ``P(Y | X = x)`` is undefined when ``P(X = x) = 0``; such
    rows are returned as zeros (no NaN, no warning needed).

    Args:
        joint: (nx, ny) joint probabilities.
    Returns:
        (nx, ny) array of ``P(Y = y | X = x)``.
    Hint:
        Divide by the row sums with ``keepdims=True``; ``np.divide(a, b, out=np.zeros_like(a), where=b > 0)``
        skips the zero rows.
    """
    ### BEGIN SOLUTION
    joint = np.asarray(joint, dtype=np.float64)
    px = joint.sum(axis=1, keepdims=True)
    return np.divide(joint, px, out=np.zeros_like(joint), where=px > 0)
    ### END SOLUTION


def expectation(values, probs):
    """Expectation (기댓값) of a discrete random variable: ``E[f(X)] = sum_x P(x) f(x)``.

    Example: a fair die has ``E = sum_{i=1..6} i / 6 = 3.5``.

    Args:
        values: (K,) values ``f(x)``; probs: (K,) probabilities ``P(x)`` (used as given).
    Returns:
        float.
    """
    ### BEGIN SOLUTION
    return float(np.sum(np.asarray(probs, dtype=np.float64) * np.asarray(values, dtype=np.float64)))
    ### END SOLUTION


def variance(values, probs):
    """Variance (분산): ``Var(f(X)) = E[(f(X) - E[f(X)])**2] = sum_x P(x) (f(x) - mu)**2``.

    It measures how far the values spread around their mean ``mu = E[f(X)]``. Use this definition (two
    passes: the mean first, then the squared deviations): the shortcut ``E[f**2] - E[f]**2`` cancels
    catastrophically when the mean is large compared with the spread (e.g. values near 1e6).

    Args:
        values: (K,) values; probs: (K,) probabilities (summing to 1).
    Returns:
        float, ``>= 0``.
    """
    ### BEGIN SOLUTION
    values = np.asarray(values, dtype=np.float64)
    probs = np.asarray(probs, dtype=np.float64)
    mu = np.sum(probs * values)
    return float(np.sum(probs * (values - mu) ** 2))
    ### END SOLUTION


def covariance(f_values, g_values, probs):
    """Covariance (공분산): ``Cov(f, g) = E[(f - E[f]) (g - E[g])]``.

    Positive when ``f`` and ``g`` move up and down together, negative when they move oppositely;
    ``Cov(f, f) = Var(f)``. Use the two-pass definition (as in ``variance``) for stability.

    Args:
        f_values, g_values: (K,) values of the two functions at each outcome; probs: (K,) probabilities.
    Returns:
        float.
    """
    ### BEGIN SOLUTION
    f = np.asarray(f_values, dtype=np.float64)
    g = np.asarray(g_values, dtype=np.float64)
    probs = np.asarray(probs, dtype=np.float64)
    return float(np.sum(probs * (f - np.sum(probs * f)) * (g - np.sum(probs * g))))
    ### END SOLUTION


def bayes_posterior(prior, likelihood):
    """Bayes' rule (베이즈 정리): the posterior (사후 확률) over ``K`` hypotheses after one observation.

    ``P(k | obs) = P(obs | k) P(k) / P(obs)`` with the evidence (증거) ``P(obs) = sum_j P(obs | j) P(j)``.
    The posterior sums to 1. When the evidence is 0 (no hypothesis can explain the observation) the
    posterior is undefined; return zeros then.

    Args:
        prior: (K,) prior probabilities ``P(k)``; likelihood: (K,) likelihoods ``P(obs | k)``.
    Returns:
        (K,) posterior probabilities.
    Hint:
        Multiply elementwise, then divide by the sum (guard the zero sum).
    """
    ### BEGIN SOLUTION
    prior = np.asarray(prior, dtype=np.float64)
    likelihood = np.asarray(likelihood, dtype=np.float64)
    scale = float(np.max(likelihood)) if likelihood.size else 0.0
    unnormalised = prior * (likelihood / scale) if scale > 0 else np.zeros_like(prior * likelihood)
    evidence = float(np.sum(unnormalised))
    if evidence <= 0.0:
        return np.zeros_like(unnormalised)
    return unnormalised / evidence
    ### END SOLUTION


def gaussian_pdf(x, mu, sigma):
    """Gaussian (normal, 정규 분포) probability density (확률 밀도 함수), elementwise::

        N(x; mu, sigma) = exp(-(x - mu)**2 / (2 sigma**2)) / (sigma * sqrt(2 pi))

    ``mu`` (mean, 평균) and ``sigma > 0`` (standard deviation, 표준편차) are floats or arrays that broadcast
    with ``x``. Far in the tails the density underflows to 0, never NaN.

    Args:
        x: array of any shape; mu, sigma: floats or broadcastable arrays.
    Returns:
        array of densities with the broadcast shape.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    mu = np.asarray(mu, dtype=np.float64)
    sigma = np.asarray(sigma, dtype=np.float64)
    z = (x - mu) / sigma
    return np.exp(-0.5 * z * z) / (sigma * np.sqrt(2.0 * np.pi))
    ### END SOLUTION


def information(p):
    """Information content (정보량, self-information) of an event: ``I(p) = -log p`` (in nats), elementwise.

    Likely events carry little information ("the sun will rise": ``p ≈ 1``, ``I ≈ 0``); rare events carry
    much. An impossible event (``p = 0``) has infinite information: return ``inf`` there.

    Args:
        p: array of probabilities in [0, 1].
    Returns:
        array of the same shape.
    """
    ### BEGIN SOLUTION
    p = np.asarray(p, dtype=np.float64)
    with np.errstate(divide="ignore"):
        return -np.log(p)
    ### END SOLUTION


def entropy(p):
    """Entropy (엔트로피) ``H(P) = E[-log P(X)] = -sum_x P(x) log P(x)`` in nats.

    The uncertainty of a distribution: 0 for a certain outcome, ``log K`` for ``K`` equally likely ones
    (a fair die: ``log 6``). By convention ``0 log 0 = 0`` (outcomes of probability 0 contribute nothing).
    The sum runs over all entries (a 2-D joint table gives the joint entropy); ``p`` is used as given.

    Args:
        p: array of probabilities.
    Returns:
        float.
    Hint:
        Sum only over ``p > 0`` (a boolean mask), so ``log 0`` is never evaluated.
    """
    ### BEGIN SOLUTION
    p = np.asarray(p, dtype=np.float64).ravel()
    nz = p[p > 0]
    return float(-np.sum(nz * np.log(nz)))
    ### END SOLUTION


def cross_entropy(p, q):
    """Cross-entropy (크로스 엔트로피) ``H(P, Q) = -sum_x P(x) log Q(x)``.

    The average information when outcomes drawn from ``P`` are coded with ``Q``; the usual loss of
    classification. Terms with ``P(x) = 0`` contribute 0 (``0 log 0 = 0``, even where ``Q(x) = 0``); it is
    ``inf`` when ``Q(x) = 0 < P(x)`` somewhere. ``H(P, Q) = H(P) + D_KL(P || Q)``. Sums run over all entries.

    Args:
        p, q: arrays of probabilities of the same shape.
    Returns:
        float (possibly ``inf``).
    """
    ### BEGIN SOLUTION
    p = np.asarray(p, dtype=np.float64).ravel()
    q = np.asarray(q, dtype=np.float64).ravel()
    mask = p > 0
    if np.any(q[mask] <= 0):
        return float("inf")
    return float(-np.sum(p[mask] * np.log(q[mask])))
    ### END SOLUTION


def kl_divergence(p, q):
    """Kullback-Leibler divergence (KL 발산) ``D_KL(P || Q) = sum_x P(x) log(P(x) / Q(x))``.

    How much ``Q`` differs from ``P`` (not symmetric; ``>= 0`` for distributions, ``0`` iff ``P = Q``).
    Terms with ``P(x) = 0`` contribute 0; it is ``inf`` where ``P(x) > 0`` and ``Q(x) = 0``. Sums run over all
    entries; probabilities are used as given.

    Args:
        p, q: arrays of probabilities of the same shape.
    Returns:
        float (possibly ``inf``).
    Hint:
        ``log(p / q) = log p - log q``; mask ``p > 0`` first and check ``q`` on that mask.
    """
    ### BEGIN SOLUTION
    p = np.asarray(p, dtype=np.float64).ravel()
    q = np.asarray(q, dtype=np.float64).ravel()
    mask = p > 0
    if np.any(q[mask] <= 0):
        return float("inf")
    return float(np.sum(p[mask] * (np.log(p[mask]) - np.log(q[mask]))))
    ### END SOLUTION
