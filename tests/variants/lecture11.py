"""Lecture 11 variants: realistic bugs (each must lose points on its own exercise only) and differently
written correct implementations (each must score full marks)."""

BUGGY = {
    "chain_rule_log_of_product": ("chain_rule_log_likelihood", """
def chain_rule_log_likelihood(cond_probs):
    p = np.asarray(cond_probs, dtype=np.float64)
    with np.errstate(divide="ignore"):
        if p.ndim == 1:
            return float(np.log(np.prod(p)))
        return np.log(np.prod(p.reshape(p.shape[0], -1), axis=1))
"""),
    "chain_rule_sums_last_axis_only": ("chain_rule_log_likelihood", """
def chain_rule_log_likelihood(cond_probs):
    with np.errstate(divide="ignore"):
        log_p = np.log(cond_probs)
    return float(log_p.sum()) if log_p.ndim == 1 else log_p.sum(axis=-1)
"""),
    "chain_rule_clips_zero": ("chain_rule_log_likelihood", """
def chain_rule_log_likelihood(cond_probs):
    log_p = np.log(np.clip(cond_probs, 1e-12, 1.0))
    return float(log_p.sum()) if log_p.ndim == 1 else log_p.reshape(len(log_p), -1).sum(axis=1)
"""),
    "raster_column_order": ("raster_scan_order", """
def raster_scan_order(H, W):
    return np.array([(r, c) for c in range(W) for r in range(H)])
"""),
    "raster_float_positions": ("raster_scan_order", """
def raster_scan_order(H, W):
    rows, cols = np.divmod(np.arange(H * W, dtype=np.float64), W)
    return np.stack([rows, cols], axis=1)
"""),
    "mask_a_includes_centre": ("causal_mask", """
def causal_mask(kernel_size, mask_type):
    c = kernel_size // 2
    mask = np.zeros((kernel_size, kernel_size))
    mask[:c, :] = 1.0
    mask[c, :c + 1] = 1.0
    return mask
"""),
    "mask_b_excludes_centre": ("causal_mask", """
def causal_mask(kernel_size, mask_type):
    c = kernel_size // 2
    mask = np.zeros((kernel_size, kernel_size))
    mask[:c, :] = 1.0
    mask[c, :c] = 1.0
    return mask
"""),
    "mask_case_sensitive": ("causal_mask", """
def causal_mask(kernel_size, mask_type):
    c = kernel_size // 2
    mask = np.zeros((kernel_size, kernel_size))
    mask[:c, :] = 1.0
    mask[c, :c] = 1.0
    if mask_type == "B":
        mask[c, c] = 1.0
    return mask
"""),
    "mask_off_by_one_in_centre_row": ("causal_mask", """
def causal_mask(kernel_size, mask_type):
    c = kernel_size // 2
    mask = np.zeros((kernel_size, kernel_size))
    mask[:c, :] = 1.0
    mask[c, :c + 1] = 1.0
    mask[c, c] = 1.0 if mask_type.upper() == "B" else 0.0
    if c + 1 < kernel_size:
        mask[c, c + 1] = 1.0
    return mask
"""),
    "conv_mask_a_includes_centre": ("masked_conv2d_forward", """
def masked_conv2d_forward(x, w, b, mask_type):
    F, _, k, _ = w.shape
    c = k // 2
    mask = np.zeros((k, k))
    mask[:c, :] = 1.0
    mask[c, :c + 1] = 1.0
    N, _, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (c, c), (c, c)))
    out = np.zeros((N, F, H, W)) + b[None, :, None, None]
    wm = w * mask
    for i in range(k):
        for j in range(k):
            out += np.einsum("nchw,fc->nfhw", xp[:, :, i:i + H, j:j + W], wm[:, :, i, j])
    return out
"""),
    "conv_mask_b_excludes_centre": ("masked_conv2d_forward", """
def masked_conv2d_forward(x, w, b, mask_type):
    F, _, k, _ = w.shape
    c = k // 2
    mask = np.zeros((k, k))
    mask[:c, :] = 1.0
    mask[c, :c] = 1.0
    N, _, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (c, c), (c, c)))
    out = np.zeros((N, F, H, W)) + b[None, :, None, None]
    wm = w * mask
    for i in range(k):
        for j in range(k):
            out += np.einsum("nchw,fc->nfhw", xp[:, :, i:i + H, j:j + W], wm[:, :, i, j])
    return out
"""),
    "conv_mask_transposed": ("masked_conv2d_forward", """
def masked_conv2d_forward(x, w, b, mask_type):
    F, _, k, _ = w.shape
    c = k // 2
    mask = np.zeros((k, k))
    mask[:c, :] = 1.0
    mask[c, :c] = 1.0
    if mask_type.upper() == "B":
        mask[c, c] = 1.0
    mask = mask.T  # column-major "raster" order
    N, _, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (c, c), (c, c)))
    out = np.zeros((N, F, H, W)) + b[None, :, None, None]
    wm = w * mask
    for i in range(k):
        for j in range(k):
            out += np.einsum("nchw,fc->nfhw", xp[:, :, i:i + H, j:j + W], wm[:, :, i, j])
    return out
"""),
    "conv_flips_kernel": ("masked_conv2d_forward", """
def masked_conv2d_forward(x, w, b, mask_type):
    F, _, k, _ = w.shape
    c = k // 2
    mask = np.zeros((k, k))
    mask[:c, :] = 1.0
    mask[c, :c] = 1.0
    if mask_type.upper() == "B":
        mask[c, c] = 1.0
    wm = (w * mask)[:, :, ::-1, ::-1]  # a true convolution instead of torch's cross-correlation
    N, _, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (c, c), (c, c)))
    out = np.zeros((N, F, H, W)) + b[None, :, None, None]
    for i in range(k):
        for j in range(k):
            out += np.einsum("nchw,fc->nfhw", xp[:, :, i:i + H, j:j + W], wm[:, :, i, j])
    return out
"""),
    "loglik_sigmoid_overflow": ("pixelcnn_log_likelihood", """
def pixelcnn_log_likelihood(x, logits):
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        p = 1.0 / (1.0 + np.exp(-logits))
        ll = x * np.log(p) + (1 - x) * np.log(1 - p)
    return ll.reshape(len(x), -1).sum(axis=1)
"""),
    "loglik_mean_over_pixels": ("pixelcnn_log_likelihood", """
def pixelcnn_log_likelihood(x, logits):
    ll = x * logits - np.logaddexp(0.0, logits)
    return ll.reshape(len(x), -1).mean(axis=1)
"""),
    "loglik_wrong_sign_of_logit": ("pixelcnn_log_likelihood", """
def pixelcnn_log_likelihood(x, logits):
    ll = (1 - x) * logits - np.logaddexp(0.0, logits)
    return ll.reshape(len(x), -1).sum(axis=1)
"""),
    "sample_column_order": ("sample_autoregressive", """
def sample_autoregressive(cond_fn, shape, rng):
    H, W = shape
    x = np.zeros((H, W))
    for j in range(W):
        for i in range(H):
            x[i, j] = float(rng.random() < cond_fn(x.copy(), i, j))
    return x
"""),
    "sample_inverted_threshold": ("sample_autoregressive", """
def sample_autoregressive(cond_fn, shape, rng):
    H, W = shape
    x = np.zeros((H, W))
    for i in range(H):
        for j in range(W):
            x[i, j] = float(rng.random() > cond_fn(x.copy(), i, j))
    return x
"""),
    "sample_takes_most_likely_value": ("sample_autoregressive", """
def sample_autoregressive(cond_fn, shape, rng):
    H, W = shape
    x = np.zeros((H, W))
    for i in range(H):
        for j in range(W):
            x[i, j] = float(cond_fn(x.copy(), i, j) > 0.5)
    return x
"""),
    "sample_unfilled_marked_minus_one": ("sample_autoregressive", """
def sample_autoregressive(cond_fn, shape, rng):
    H, W = shape
    x = np.full((H, W), -1.0)
    for i in range(H):
        for j in range(W):
            x[i, j] = float(rng.random() < cond_fn(x.copy(), i, j))
    return x
"""),
    "sample_global_random_state": ("sample_autoregressive", """
def sample_autoregressive(cond_fn, shape, rng):
    H, W = shape
    x = np.zeros((H, W))
    for i in range(H):
        for j in range(W):
            x[i, j] = float(np.random.random() < cond_fn(x.copy(), i, j))
    return x
"""),
}

CORRECT = {
    "loops_and_definitions": {
        "chain_rule_log_likelihood": """
def chain_rule_log_likelihood(cond_probs):
    import math
    p = np.asarray(cond_probs, dtype=np.float64)
    def total(values):
        return -math.inf if np.any(values == 0) else float(np.sum([math.log(v) for v in values]))
    if p.ndim == 1:
        return total(p)
    return np.array([total(row.ravel()) for row in p])
""",
        "raster_scan_order": """
def raster_scan_order(H, W):
    out = np.empty((H * W, 2), dtype=np.int32)
    t = 0
    for r in range(H):
        for c in range(W):
            out[t] = (r, c)
            t += 1
    return out
""",
        "causal_mask": """
def causal_mask(kernel_size, mask_type):
    k = kernel_size
    c = k // 2
    mask = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            if i * k + j < c * k + c or (mask_type in ("b", "B") and i == c and j == c):
                mask[i, j] = 1.0
    return mask
""",
        "masked_conv2d_forward": """
def masked_conv2d_forward(x, w, b, mask_type):
    N, C, H, W = x.shape
    F, _, k, _ = w.shape
    c = k // 2
    mask = np.array([[1.0 if (i < c or (i == c and j < c) or (i == c and j == c and mask_type.upper() == "B"))
                      else 0.0 for j in range(k)] for i in range(k)])
    wm = w * mask
    xp = np.zeros((N, C, H + 2 * c, W + 2 * c))
    xp[:, :, c:c + H, c:c + W] = x
    out = np.empty((N, F, H, W))
    for n in range(N):
        for f in range(F):
            for r in range(H):
                for s in range(W):
                    out[n, f, r, s] = np.sum(xp[n, :, r:r + k, s:s + k] * wm[f]) + b[f]
    return out
""",
        "pixelcnn_log_likelihood": """
def pixelcnn_log_likelihood(x, logits):
    flat_x = x.reshape(len(x), -1)
    flat_l = logits.reshape(len(x), -1)
    log_p1 = -np.logaddexp(0.0, -flat_l)  # log sigmoid(l)
    log_p0 = -np.logaddexp(0.0, flat_l)   # log (1 - sigmoid(l))
    return np.sum(np.where(flat_x > 0.5, log_p1, log_p0), axis=1)
""",
        "sample_autoregressive": """
def sample_autoregressive(cond_fn, shape, rng):
    H, W = shape
    x = np.zeros(shape)
    for t in range(H * W):
        i, j = divmod(t, W)
        p = cond_fn(np.array(x), i, j)
        x[i, j] = rng.binomial(1, p)
    return x
""",
    },
    "vectorised_and_unfolded": {
        "chain_rule_log_likelihood": """
def chain_rule_log_likelihood(cond_probs):
    p = np.asarray(cond_probs, dtype=np.float64)
    with np.errstate(divide="ignore"):
        logs = np.log(p.reshape(1, -1) if p.ndim == 1 else p.reshape(p.shape[0], -1))
    totals = np.add.reduce(logs, axis=1)
    return totals[0].item() if p.ndim == 1 else totals
""",
        "raster_scan_order": """
def raster_scan_order(H, W):
    rows, cols = np.meshgrid(np.arange(H), np.arange(W), indexing="ij")
    return np.column_stack([rows.ravel(), cols.ravel()])
""",
        "causal_mask": """
def causal_mask(kernel_size, mask_type):
    k = kernel_size
    flat = np.arange(k * k)
    centre = (k * k) // 2
    keep = flat < centre if mask_type.lower() == "a" else flat <= centre
    return keep.reshape(k, k).astype(np.float64)
""",
        "masked_conv2d_forward": """
def masked_conv2d_forward(x, w, b, mask_type):
    N, C, H, W = x.shape
    F, _, k, _ = w.shape
    p = k // 2
    centre = (k * k) // 2
    keep = np.arange(k * k) < centre + (1 if mask_type.lower() == "b" else 0)
    wm = (w.reshape(F, C, k * k) * keep).reshape(F, C * k * k)
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    windows = np.lib.stride_tricks.sliding_window_view(xp, (k, k), axis=(2, 3))  # (N, C, H, W, k, k)
    cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(N, H, W, C * k * k)
    out = cols @ wm.T + b  # (N, H, W, F)
    return out.transpose(0, 3, 1, 2).copy()
""",
        "pixelcnn_log_likelihood": """
def pixelcnn_log_likelihood(x, logits):
    axes = tuple(range(1, x.ndim))
    # log sigmoid(s * l) with s = +1 for x = 1 and -1 for x = 0, stable on both sides
    z = (2.0 * x - 1.0) * logits
    log_sig = np.minimum(z, 0.0) - np.log1p(np.exp(-np.abs(z)))
    return log_sig.sum(axis=axes)
""",
        "sample_autoregressive": """
def sample_autoregressive(cond_fn, shape, rng):
    H, W = shape
    x = np.zeros((H, W))
    for r, c in np.ndindex(H, W):
        u = rng.uniform()
        x[r, c] = 1.0 if u < cond_fn(x.copy(), r, c) else 0.0
    return x
""",
    },
}
