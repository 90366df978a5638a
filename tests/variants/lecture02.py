"""Lecture 2 variants: realistic bugs (each must lose points on its own exercise only) and differently
written correct implementations (each must score full marks)."""

BUGGY = {
    "lp_norm_inf_by_the_power_formula": ("lp_norm", """
def lp_norm(x, p):
    return float(np.sum(np.abs(x) ** p) ** (1.0 / p))
"""),
    "lp_norm_without_abs": ("lp_norm", """
def lp_norm(x, p):
    x = np.ravel(x)
    if p == np.inf:
        return float(np.max(x))
    return float(np.sum(x ** p) ** (1.0 / p))
"""),
    "lp_norm_matrix_operator_norm": ("lp_norm", """
def lp_norm(x, p):
    return float(np.linalg.norm(x, ord=p))
"""),
    "lp_norm_scaled_without_zero_guard": ("lp_norm", """
def lp_norm(x, p):
    a = np.abs(np.ravel(x))
    m = a.max()
    if p == np.inf:
        return float(m)
    with np.errstate(invalid="ignore"):
        return float(m * np.sum((a / m) ** p) ** (1.0 / p))
"""),
    "trace_sums_every_entry": ("trace", """
def trace(A):
    return float(np.sum(A))
"""),
    "trace_antidiagonal": ("trace", """
def trace(A):
    return float(np.trace(np.fliplr(A)))
"""),
    "rank_absolute_tolerance": ("matrix_rank", """
def matrix_rank(A, tol=1e-10):
    M = np.array(A, dtype=np.float64)
    m, n = M.shape
    r = 0
    for c in range(n):
        if r == m:
            break
        i = r + int(np.argmax(np.abs(M[r:, c])))
        if abs(M[i, c]) <= tol:
            continue
        M[[r, i]] = M[[i, r]]
        M[r + 1:] -= np.outer(M[r + 1:, c] / M[r, c], M[r])
        r += 1
    return r
"""),
    "rank_counts_nonzero_rows": ("matrix_rank", """
def matrix_rank(A, tol=1e-10):
    return int(np.sum(np.any(np.abs(A) > tol * np.max(np.abs(A)), axis=1)))
"""),
    "rank_calls_numpy": ("matrix_rank", """
def matrix_rank(A, tol=1e-10):
    return int(np.linalg.matrix_rank(A))
"""),
    "rank_counts_singular_values": ("matrix_rank", """
def matrix_rank(A, tol=1e-10):
    s = np.linalg.svd(A, compute_uv=False)
    return int(np.sum(s > tol * s.max())) if s.size and s.max() > 0 else 0
"""),
    "rank_returns_float": ("matrix_rank", """
def matrix_rank(A, tol=1e-10):
    M = np.array(A, dtype=np.float64)
    m, n = M.shape
    thr = tol * np.max(np.abs(M))
    r = 0
    for c in range(n):
        if r == m:
            break
        i = r + int(np.argmax(np.abs(M[r:, c])))
        if abs(M[i, c]) <= thr:
            continue
        M[[r, i]] = M[[i, r]]
        M[r + 1:] -= np.outer(M[r + 1:, c] / M[r, c], M[r])
        r += 1
    return float(r)
"""),
    "independent_compares_with_min_k_d": ("is_linearly_independent", """
def is_linearly_independent(vectors):
    return bool(np.linalg.matrix_rank(vectors) == min(vectors.shape))
"""),
    "independent_by_absolute_gram_determinant": ("is_linearly_independent", """
def is_linearly_independent(vectors):
    return bool(abs(np.linalg.det(vectors @ vectors.T)) > 1e-10)
"""),
    "marginal_sums_the_other_axis": ("marginal", """
def marginal(joint, axis):
    return joint.sum(axis=1 - axis)
"""),
    "conditional_divides_by_column_sums": ("conditional", """
def conditional(joint):
    py = joint.sum(axis=0, keepdims=True)
    return np.divide(joint, py, out=np.zeros_like(joint), where=py > 0)
"""),
    "conditional_nan_for_zero_rows": ("conditional", """
def conditional(joint):
    with np.errstate(invalid="ignore"):
        return joint / joint.sum(axis=1, keepdims=True)
"""),
    "expectation_mean_not_sum": ("expectation", """
def expectation(values, probs):
    return float(np.mean(values * probs))
"""),
    "variance_shortcut_cancels": ("variance", """
def variance(values, probs):
    return float(np.sum(probs * values ** 2) - np.sum(probs * values) ** 2)
"""),
    "variance_ignores_probs": ("variance", """
def variance(values, probs):
    return float(np.var(values))
"""),
    "covariance_without_centering": ("covariance", """
def covariance(f_values, g_values, probs):
    return float(np.sum(probs * f_values * g_values))
"""),
    "bayes_unnormalised": ("bayes_posterior", """
def bayes_posterior(prior, likelihood):
    return prior * likelihood
"""),
    "bayes_nan_for_zero_evidence": ("bayes_posterior", """
def bayes_posterior(prior, likelihood):
    u = prior * likelihood
    with np.errstate(invalid="ignore"):
        return u / u.sum()
"""),
    "bayes_divides_by_likelihood_sum": ("bayes_posterior", """
def bayes_posterior(prior, likelihood):
    s = likelihood.sum()
    return prior * likelihood / s if s > 0 else np.zeros_like(prior)
"""),
    "gaussian_sigma_used_as_variance": ("gaussian_pdf", """
def gaussian_pdf(x, mu, sigma):
    return np.exp(-(x - mu) ** 2 / (2 * sigma)) / np.sqrt(2 * np.pi * sigma)
"""),
    "gaussian_without_sqrt": ("gaussian_pdf", """
def gaussian_pdf(x, mu, sigma):
    return np.exp(-(x - mu) ** 2 / (2 * sigma ** 2)) / (sigma * 2 * np.pi)
"""),
    "information_in_bits": ("information", """
def information(p):
    with np.errstate(divide="ignore"):
        return -np.log2(p)
"""),
    "entropy_nan_for_zero_probabilities": ("entropy", """
def entropy(p):
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.sum(p * np.log(p)))
"""),
    "entropy_renormalises": ("entropy", """
def entropy(p):
    p = np.ravel(p) / np.sum(p)
    nz = p[p > 0]
    return float(-np.sum(nz * np.log(nz)))
"""),
    "cross_entropy_arguments_swapped": ("cross_entropy", """
def cross_entropy(p, q):
    p, q = np.ravel(q), np.ravel(p)
    m = p > 0
    if np.any(q[m] == 0):
        return float("inf")
    return float(-np.sum(p[m] * np.log(q[m])))
"""),
    "cross_entropy_nan_where_p_and_q_are_zero": ("cross_entropy", """
def cross_entropy(p, q):
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.sum(p * np.log(q)))
"""),
    "kl_arguments_swapped": ("kl_divergence", """
def kl_divergence(p, q):
    p, q = np.ravel(q), np.ravel(p)
    m = p > 0
    if np.any(q[m] == 0):
        return float("inf")
    return float(np.sum(p[m] * np.log(p[m] / q[m])))
"""),
    "kl_drops_terms_where_q_is_zero": ("kl_divergence", """
def kl_divergence(p, q):
    p, q = np.ravel(p), np.ravel(q)
    m = (p > 0) & (q > 0)
    return float(np.sum(p[m] * np.log(p[m] / q[m])))
"""),
    "kl_in_bits": ("kl_divergence", """
def kl_divergence(p, q):
    p, q = np.ravel(p), np.ravel(q)
    m = p > 0
    if np.any(q[m] == 0):
        return float("inf")
    return float(np.sum(p[m] * np.log2(p[m] / q[m])))
"""),
}

CORRECT = {
    "loops": {
        "lp_norm": """
def lp_norm(x, p):
    flat = [abs(float(v)) for v in np.ravel(x)]
    if p == float("inf"):
        return max(flat)
    return sum(v ** p for v in flat) ** (1 / p)
""",
        "trace": """
def trace(A):
    total = 0.0
    for i in range(A.shape[0]):
        total += A[i][i]
    return total
""",
        "matrix_rank": """
def matrix_rank(A, tol=1e-10):
    rows = [list(map(float, row)) for row in A]
    m, n = len(rows), len(rows[0])
    biggest = max(abs(v) for row in rows for v in row)
    rank = 0
    for c in range(n):
        pivot_row = None
        best = 0.0
        for i in range(rank, m):
            if abs(rows[i][c]) > best:
                best, pivot_row = abs(rows[i][c]), i
        if pivot_row is None or best <= tol * biggest:
            continue
        rows[rank], rows[pivot_row] = rows[pivot_row], rows[rank]
        for i in range(rank + 1, m):
            f = rows[i][c] / rows[rank][c]
            for j in range(c, n):
                rows[i][j] -= f * rows[rank][j]
        rank += 1
    return rank
""",
        "is_linearly_independent": """
def is_linearly_independent(vectors):
    basis = []
    scale = max(float(np.linalg.norm(v)) for v in vectors)
    for v in vectors:
        r = v.astype(np.float64)
        for b in basis:
            r = r - (r @ b) * b
        for b in basis:
            r = r - (r @ b) * b
        n = float(np.linalg.norm(r))
        if n <= 1e-10 * scale:
            return False
        basis.append(r / n)
    return True
""",
        "marginal": """
def marginal(joint, axis):
    moved = np.moveaxis(joint, axis, 0)
    out = np.zeros(moved.shape[1:])
    for i in range(moved.shape[0]):
        out = out + moved[i]
    return out
""",
        "conditional": """
def conditional(joint):
    out = np.zeros(joint.shape)
    for x in range(joint.shape[0]):
        s = sum(joint[x])
        if s > 0:
            for y in range(joint.shape[1]):
                out[x, y] = joint[x, y] / s
    return out
""",
        "expectation": """
def expectation(values, probs):
    return sum(float(v) * float(p) for v, p in zip(values, probs))
""",
        "variance": """
def variance(values, probs):
    mu = sum(v * p for v, p in zip(values, probs))
    return sum(p * (v - mu) ** 2 for v, p in zip(values, probs))
""",
        "covariance": """
def covariance(f_values, g_values, probs):
    ef = sum(f * p for f, p in zip(f_values, probs))
    eg = sum(g * p for g, p in zip(g_values, probs))
    return sum(p * (f - ef) * (g - eg) for f, g, p in zip(f_values, g_values, probs))
""",
        "bayes_posterior": """
def bayes_posterior(prior, likelihood):
    joint = [a * b for a, b in zip(prior, likelihood)]
    evidence = sum(joint)
    return np.array([j / evidence if evidence > 0 else 0.0 for j in joint])
""",
        "gaussian_pdf": """
def gaussian_pdf(x, mu, sigma):
    log_density = -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)
    return np.exp(log_density)
""",
        "information": """
def information(p):
    out = np.empty(np.shape(p))
    for idx in np.ndindex(out.shape):
        out[idx] = -np.log(p[idx]) if p[idx] > 0 else np.inf
    return out
""",
        "entropy": """
def entropy(p):
    import math
    return -sum(v * math.log(v) for v in np.ravel(p) if v > 0)
""",
        "cross_entropy": """
def cross_entropy(p, q):
    import math
    total = 0.0
    for a, b in zip(np.ravel(p), np.ravel(q)):
        if a > 0:
            if b == 0:
                return math.inf
            total -= a * math.log(b)
    return total
""",
        "kl_divergence": """
def kl_divergence(p, q):
    import math
    total = 0.0
    for a, b in zip(np.ravel(p), np.ravel(q)):
        if a > 0:
            if b == 0:
                return math.inf
            total += a * (math.log(a) - math.log(b))
    return total
""",
    },
    "vectorised_and_scipy": {
        "lp_norm": """
def lp_norm(x, p):
    return np.linalg.norm(np.ravel(x), ord=p)
""",
        "trace": """
def trace(A):
    return np.einsum("ii->", A)
""",
        "matrix_rank": """
def matrix_rank(A, tol=1e-10):
    U = np.array(A, dtype=np.float64).T  # the row rank of A^T: eliminate along the rows of A
    limit = tol * np.abs(U).max() if U.size else 0.0
    rank, (m, n) = 0, U.shape
    for c in range(n):
        if rank >= m:
            break
        col = np.abs(U[rank:, c])
        i = rank + col.argmax()
        if col.max() <= limit:
            continue
        U[[rank, i]] = U[[i, rank]]
        U[rank + 1:] = U[rank + 1:] - U[rank + 1:, c:c + 1] / U[rank, c] * U[rank]
        rank += 1
    return np.int64(rank)
""",
        "is_linearly_independent": """
def is_linearly_independent(vectors):
    return np.linalg.matrix_rank(vectors) == len(vectors)
""",
        "marginal": """
def marginal(joint, axis):
    return np.add.reduce(joint, axis=axis)
""",
        "conditional": """
def conditional(joint):
    px = joint @ np.ones(joint.shape[1])
    safe = np.where(px > 0, px, 1.0)
    return np.where(px[:, None] > 0, joint / safe[:, None], 0.0)
""",
        "expectation": """
def expectation(values, probs):
    return values @ probs
""",
        "variance": """
def variance(values, probs):
    d = values - values @ probs
    return np.average(d * d, weights=probs)
""",
        "covariance": """
def covariance(f_values, g_values, probs):
    df = f_values - np.dot(probs, f_values)
    dg = g_values - np.dot(probs, g_values)
    return np.einsum("k,k,k->", probs, df, dg)
""",
        "bayes_posterior": """
def bayes_posterior(prior, likelihood):
    u = prior * likelihood
    return np.divide(u, u.sum(), out=np.zeros_like(u), where=u.sum() > 0)
""",
        "gaussian_pdf": """
def gaussian_pdf(x, mu, sigma):
    return np.exp(-np.square(x - mu) / (2 * np.square(sigma))) / np.sqrt(2 * np.pi * np.square(sigma))
""",
        "information": """
def information(p):
    with np.errstate(divide="ignore"):
        return np.negative(np.log(p))
""",
        "entropy": """
def entropy(p):
    from scipy.special import entr
    return entr(p).sum()
""",
        "cross_entropy": """
def cross_entropy(p, q):
    from scipy.special import xlogy
    with np.errstate(divide="ignore"):
        return -xlogy(p, q).sum()
""",
        "kl_divergence": """
def kl_divergence(p, q):
    from scipy.special import rel_entr
    return np.sum(rel_entr(p, q))
""",
    },
}
