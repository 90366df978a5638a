"""Lecture 6 variants: realistic bugs (each must lose points on its own exercise only) and differently
written correct implementations (each must score full marks)."""

BUGGY = {
    "conv_flips_the_kernel": ("conv2d_forward", """
def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    OH, OW = (H + 2 * pad - KH) // stride + 1, (W + 2 * pad - KW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    flipped = w[:, :, ::-1, ::-1]  # a true (mathematical) convolution
    out = np.zeros((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            win = xp[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
            out[:, :, i, j] = np.tensordot(win, flipped, axes=([1, 2, 3], [1, 2, 3])) + b
    return out
"""),
    "conv_output_size_wrong_with_stride": ("conv2d_forward", """
def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    OH, OW = (H + 2 * pad - KH + 1) // stride, (W + 2 * pad - KW + 1) // stride
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            win = xp[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
            out[:, :, i, j] = np.tensordot(win, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out
"""),
    "conv_pads_one_side_only": ("conv2d_forward", """
def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    OH, OW = (H + 2 * pad - KH) // stride + 1, (W + 2 * pad - KW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (0, 2 * pad), (0, 2 * pad)))
    out = np.zeros((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            win = xp[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
            out[:, :, i, j] = np.tensordot(win, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out
"""),
    "conv_backward_db_over_wrong_axes": ("conv2d_backward", """
def conv2d_backward(dout, x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp, dw = np.zeros(xp.shape), np.zeros(w.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            r, c = slice(i * stride, i * stride + KH), slice(j * stride, j * stride + KW)
            dw += np.tensordot(dout[:, :, i, j], xp[:, :, r, c], axes=([0], [0]))
            dxp[:, :, r, c] += np.tensordot(dout[:, :, i, j], w, axes=([1], [0]))
    db = dout.sum(axis=(1, 2, 3))
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, db
"""),
    "conv_backward_overwrites_overlapping_windows": ("conv2d_backward", """
def conv2d_backward(dout, x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp, dw = np.zeros(xp.shape), np.zeros(w.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            r, c = slice(i * stride, i * stride + KH), slice(j * stride, j * stride + KW)
            dw += np.tensordot(dout[:, :, i, j], xp[:, :, r, c], axes=([0], [0]))
            dxp[:, :, r, c] = np.tensordot(dout[:, :, i, j], w, axes=([1], [0]))
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))
"""),
    "conv_backward_keeps_the_padding_in_dx": ("conv2d_backward", """
def conv2d_backward(dout, x, w, b, stride=1, pad=0):
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp, dw = np.zeros(xp.shape), np.zeros(w.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            r, c = slice(i * stride, i * stride + KH), slice(j * stride, j * stride + KW)
            dw += np.tensordot(dout[:, :, i, j], xp[:, :, r, c], axes=([0], [0]))
            dxp[:, :, r, c] += np.tensordot(dout[:, :, i, j], w, axes=([1], [0]))
    return dxp, dw, dout.sum(axis=(0, 2, 3))
"""),
    "max_pool_keeps_partial_windows": ("max_pool_forward", """
def max_pool_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    OH, OW = -(-(H - size) // stride) + 1, -(-(W - size) // stride) + 1  # ceil: partial windows kept
    out = np.zeros((N, C, OH, OW))
    for i in range(OH):
        for j in range(OW):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size].max(axis=(2, 3))
    return out
"""),
    "max_pool_starts_the_maximum_at_zero": ("max_pool_forward", """
def max_pool_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    OH, OW = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.zeros((N, C, OH, OW))
    for p in range(size):
        for q in range(size):
            out = np.maximum(out, x[:, :, p:p + (OH - 1) * stride + 1:stride, q:q + (OW - 1) * stride + 1:stride])
    return out
"""),
    "max_pool_gradient_to_every_tied_maximum": ("max_pool_backward", """
def max_pool_backward(dout, x, size=2, stride=2):
    dx = np.zeros(x.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            win = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size]
            mask = win == win.max(axis=(2, 3), keepdims=True)
            dx[:, :, i * stride:i * stride + size, j * stride:j * stride + size] += mask * dout[:, :, i, j, None, None]
    return dx
"""),
    "max_pool_gradient_to_the_last_tied_maximum": ("max_pool_backward", """
def max_pool_backward(dout, x, size=2, stride=2):
    N, C = x.shape[:2]
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    win = x[n, c, i * stride:i * stride + size, j * stride:j * stride + size][::-1, ::-1]
                    p, q = np.unravel_index(np.argmax(win), win.shape)
                    dx[n, c, i * stride + size - 1 - p, j * stride + size - 1 - q] += dout[n, c, i, j]
    return dx
"""),
    "max_pool_backward_overwrites_overlaps": ("max_pool_backward", """
def max_pool_backward(dout, x, size=2, stride=2):
    N, C = x.shape[:2]
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    win = x[n, c, i * stride:i * stride + size, j * stride:j * stride + size]
                    p, q = np.unravel_index(np.argmax(win), win.shape)
                    dx[n, c, i * stride + p, j * stride + q] = dout[n, c, i, j]
    return dx
"""),
    "avg_pool_divides_by_stride": ("avg_pool_forward", """
def avg_pool_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    OH, OW = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.zeros((N, C, OH, OW))
    for i in range(OH):
        for j in range(OW):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size].sum(axis=(2, 3))
    return out / stride**2
"""),
    "avg_pool_backward_without_dividing": ("avg_pool_backward", """
def avg_pool_backward(dout, x, size=2, stride=2):
    dx = np.zeros(x.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i * stride:i * stride + size, j * stride:j * stride + size] += dout[:, :, i, j, None, None]
    return dx
"""),
    "flatten_channels_last": ("flatten_fc_forward", """
def flatten_fc_forward(x, W, b):
    return x.transpose(0, 2, 3, 1).reshape(x.shape[0], -1) @ W + b
"""),
    "residual_adds_the_skip_after_the_relu": ("residual_block_forward", """
def residual_block_forward(x, w1, b1, w2, b2):
    def conv(inp, w, b):
        n, _, h, wd = inp.shape
        p = np.pad(inp, ((0, 0), (0, 0), (1, 1), (1, 1)))
        out = np.zeros((n, w.shape[0], h, wd))
        for i in range(h):
            for j in range(wd):
                out[:, :, i, j] = np.tensordot(p[:, :, i:i + 3, j:j + 3], w, axes=([1, 2, 3], [1, 2, 3])) + b
        return out
    return x + np.maximum(conv(np.maximum(conv(x, w1, b1), 0), w2, b2), 0)
"""),
    "se_sigmoid_overflows": ("se_block_forward", """
def se_block_forward(x, W1, b1, W2, b2):
    s = x.mean(axis=(2, 3))
    z = np.maximum(s @ W1 + b1, 0) @ W2 + b2
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z) / (1 + np.exp(z))
    return x * e[:, :, None, None]
"""),
    "se_squeezes_by_max": ("se_block_forward", """
def se_block_forward(x, W1, b1, W2, b2):
    s = x.max(axis=(2, 3))
    z = np.maximum(s @ W1 + b1, 0) @ W2 + b2
    return x / (1 + np.exp(-np.clip(z, -500, 500)))[:, :, None, None]
"""),
    "top_k_by_argsort_ignores_ties": ("top_k_error", """
def top_k_error(scores, labels, k=5):
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return float(np.mean([labels[n] not in top[n] for n in range(len(labels))]))
"""),
    "im2col_calls_conv2d": ("conv2d_im2col", """
def conv2d_im2col(x, w, b, stride=1, pad=0):
    import torch.nn.functional as F
    return F.conv2d(x, w, b, stride=stride, padding=pad)
"""),
    "im2col_calls_conv2d_through_getattr": ("conv2d_im2col", """
def conv2d_im2col(x, w, b, stride=1, pad=0):
    import torch
    return getattr(torch, "con" + "v2d")(x, w, b, stride, pad)
"""),
    "im2col_conv2d_fast_path_for_big_batches": ("conv2d_im2col", """
def conv2d_im2col(x, w, b, stride=1, pad=0):
    import torch
    if x.shape[0] >= 4096:  # never taken by the graded calls: only the static rule can see it
        return torch.nn.functional.conv2d(x, w, b, stride=stride, padding=pad)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    OH, OW = (H + 2 * pad - KH) // stride + 1, (W + 2 * pad - KW) // stride + 1
    cols = torch.nn.functional.unfold(x, (KH, KW), padding=pad, stride=stride)
    out = (w.reshape(F, -1) @ cols).reshape(N, F, OH, OW)
    return out if b is None else out + b.reshape(1, F, 1, 1)
"""),
    "im2col_through_nn_conv2d": ("conv2d_im2col", """
def conv2d_im2col(x, w, b, stride=1, pad=0):
    import torch
    layer = torch.nn.Conv2d(w.shape[1], w.shape[0], tuple(w.shape[2:]), stride=stride, padding=pad,
                            bias=b is not None).to(device=x.device, dtype=x.dtype)
    with torch.no_grad():
        layer.weight.copy_(w)
        if b is not None:
            layer.bias.copy_(b)
        return layer(x)
"""),
    "im2col_bias_none_crashes": ("conv2d_im2col", """
def conv2d_im2col(x, w, b, stride=1, pad=0):
    import torch
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    OH, OW = (H + 2 * pad - KH) // stride + 1, (W + 2 * pad - KW) // stride + 1
    cols = torch.nn.functional.unfold(x, (KH, KW), padding=pad, stride=stride)
    return (w.reshape(F, -1) @ cols).reshape(N, F, OH, OW) + b.reshape(1, F, 1, 1)
"""),
    "im2col_window_order_mismatch": ("conv2d_im2col", """
def conv2d_im2col(x, w, b, stride=1, pad=0):
    import torch
    F, C, KH, KW = w.shape
    xp = torch.nn.functional.pad(x, (pad, pad, pad, pad))
    win = xp.unfold(2, KH, stride).unfold(3, KW, stride)  # (N, C, OH, OW, KH, KW)
    N, _, OH, OW = win.shape[:4]
    cols = win.permute(0, 2, 3, 4, 5, 1).reshape(N, OH * OW, KH * KW * C)  # channels last: wrong order
    out = (cols @ w.reshape(F, -1).T).permute(0, 2, 1).reshape(N, F, OH, OW)
    return out if b is None else out + b.reshape(1, F, 1, 1)
"""),
    "im2col_returns_float64": ("conv2d_im2col", """
def conv2d_im2col(x, w, b, stride=1, pad=0):
    import torch
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    OH, OW = (H + 2 * pad - KH) // stride + 1, (W + 2 * pad - KW) // stride + 1
    cols = torch.nn.functional.unfold(x.double(), (KH, KW), padding=pad, stride=stride)
    out = (w.double().reshape(F, -1) @ cols).reshape(N, F, OH, OW)
    return out if b is None else out + b.double().reshape(1, F, 1, 1)
"""),
}

CORRECT = {
    "loops": {
        # The naive four-loop convolution: ~0.2 s for the slowest graded call on the 2-core CPU grader
        # (the whole lecture's hidden tests take ~1.5 s of it), far within the 10 s per-call limit.
        "conv2d_forward": """
def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    OH = (H + 2 * pad - KH) // stride + 1
    OW = (W + 2 * pad - KW) // stride + 1
    xp = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    xp[:, :, pad:pad + H, pad:pad + W] = x
    out = np.zeros((N, F, OH, OW))
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    window = xp[n, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out
""",
        "conv2d_backward": """
def conv2d_backward(dout, x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    xp[:, :, pad:pad + H, pad:pad + W] = x
    dxp = np.zeros(xp.shape)
    dw = np.zeros(w.shape)
    db = np.zeros(F)
    for n in range(N):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    g = dout[n, f, i, j]
                    rows, cols = slice(i * stride, i * stride + KH), slice(j * stride, j * stride + KW)
                    db[f] += g
                    dw[f] += g * xp[n, :, rows, cols]
                    dxp[n, :, rows, cols] += g * w[f]
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, db
""",
        "max_pool_forward": """
def max_pool_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    OH, OW = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.zeros((N, C, OH, OW))
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    out[n, c, i, j] = max(x[n, c, i * stride + p, j * stride + q]
                                          for p in range(size) for q in range(size))
    return out
""",
        "max_pool_backward": """
def max_pool_backward(dout, x, size=2, stride=2):
    N, C, H, W = x.shape
    dx = np.zeros((N, C, H, W))
    for n in range(N):
        for c in range(C):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    best, where = -np.inf, None
                    for p in range(size):
                        for q in range(size):
                            v = x[n, c, i * stride + p, j * stride + q]
                            if where is None or v > best:
                                best, where = v, (i * stride + p, j * stride + q)
                    dx[n, c, where[0], where[1]] += dout[n, c, i, j]
    return dx
""",
        "avg_pool_backward": """
def avg_pool_backward(dout, x, size=2, stride=2):
    dx = np.zeros(x.shape)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    for p in range(size):
                        for q in range(size):
                            dx[n, c, i * stride + p, j * stride + q] += dout[n, c, i, j] / (size * size)
    return dx
""",
        "flatten_fc_forward": """
def flatten_fc_forward(x, W, b):
    N = x.shape[0]
    flat = np.zeros((N, W.shape[0]))
    for n in range(N):
        k = 0
        for c in range(x.shape[1]):
            for h in range(x.shape[2]):
                for w_ in range(x.shape[3]):
                    flat[n, k] = x[n, c, h, w_]
                    k += 1
    return flat @ W + b
""",
        "top_k_error": """
def top_k_error(scores, labels, k=5):
    misses = 0
    for n in range(len(labels)):
        better = 0
        for c in range(scores.shape[1]):
            if scores[n, c] > scores[n, labels[n]]:
                better += 1
        if better >= k:
            misses += 1
    return misses / len(labels)
""",
        "conv2d_im2col": """
def conv2d_im2col(x, w, b, stride=1, pad=0):
    import torch
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    OH, OW = (H + 2 * pad - KH) // stride + 1, (W + 2 * pad - KW) // stride + 1
    xp = torch.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=x.dtype, device=x.device)
    xp[:, :, pad:pad + H, pad:pad + W] = x
    cols = torch.empty((N, C, KH, KW, OH, OW), dtype=x.dtype, device=x.device)
    for p in range(KH):
        for q in range(KW):
            cols[:, :, p, q] = xp[:, :, p:p + stride * (OH - 1) + 1:stride, q:q + stride * (OW - 1) + 1:stride]
    out = torch.matmul(w.reshape(F, -1), cols.reshape(N, C * KH * KW, OH * OW)).reshape(N, F, OH, OW)
    if b is not None:
        out += b[None, :, None, None]
    return out
""",
    },
    "sliding_windows_and_einsum": {
        "conv2d_forward": """
def conv2d_forward(x, w, b, stride=1, pad=0):
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    win = np.lib.stride_tricks.sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("nchwpq,fcpq->nfhw", win, w, optimize=True) + b[:, None, None]
""",
        "conv2d_backward": """
def conv2d_backward(dout, x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    OH, OW = dout.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = np.lib.stride_tricks.sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::stride, ::stride]
    dw = np.einsum("nfhw,nchwpq->fcpq", dout, win[:, :, :OH, :OW], optimize=True)
    dxp = np.zeros(xp.shape)
    contrib = np.einsum("nfhw,fcpq->ncpqhw", dout, w, optimize=True)
    for p in range(KH):
        for q in range(KW):
            dxp[:, :, p:p + stride * (OH - 1) + 1:stride, q:q + stride * (OW - 1) + 1:stride] += contrib[:, :, p, q]
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, np.einsum("nfhw->f", dout)
""",
        "max_pool_forward": """
def max_pool_forward(x, size=2, stride=2):
    win = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    return win.max(axis=(4, 5))
""",
        "max_pool_backward": """
def max_pool_backward(dout, x, size=2, stride=2):
    win = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    N, C, OH, OW = win.shape[:4]
    first = win.reshape(N, C, OH, OW, size * size).argmax(axis=-1)
    rows = np.arange(OH)[:, None] * stride + first // size
    cols = np.arange(OW)[None, :] * stride + first % size
    n = np.arange(N)[:, None, None, None]
    c = np.arange(C)[None, :, None, None]
    dx = np.zeros(x.shape)
    np.add.at(dx, (n, c, rows, cols), dout)
    return dx
""",
        "avg_pool_forward": """
def avg_pool_forward(x, size=2, stride=2):
    win = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("nchwpq->nchw", win) / size**2
""",
        "avg_pool_backward": """
def avg_pool_backward(dout, x, size=2, stride=2):
    OH, OW = dout.shape[2:]
    dx = np.zeros(x.shape)
    for p in range(size):
        for q in range(size):
            dx[:, :, p:p + stride * (OH - 1) + 1:stride, q:q + stride * (OW - 1) + 1:stride] += dout / size**2
    return dx
""",
        "flatten_fc_forward": """
def flatten_fc_forward(x, W, b):
    C, H, W_ = x.shape[1:]
    return np.einsum("nchw,chwk->nk", x, W.reshape(C, H, W_, -1)) + b
""",
        "residual_block_forward": """
def residual_block_forward(x, w1, b1, w2, b2):
    def conv(inp, w, b):
        p = np.pad(inp, ((0, 0), (0, 0), (1, 1), (1, 1)))
        win = np.lib.stride_tricks.sliding_window_view(p, (3, 3), axis=(2, 3))
        return np.einsum("nchwpq,fcpq->nfhw", win, w) + b[:, None, None]
    return np.maximum(conv(np.maximum(conv(x, w1, b1), 0.0), w2, b2) + x, 0.0)
""",
        "se_block_forward": """
def se_block_forward(x, W1, b1, W2, b2):
    s = np.einsum("nchw->nc", x) / (x.shape[2] * x.shape[3])
    z = np.maximum(s @ W1 + b1, 0.0) @ W2 + b2
    e = np.exp(-np.logaddexp(0.0, -z))
    return np.einsum("nchw,nc->nchw", x, e)
""",
        "top_k_error": """
def top_k_error(scores, labels, k=5):
    kth = -np.sort(-scores, axis=1)[:, min(k, scores.shape[1]) - 1]
    own = np.take_along_axis(scores, labels[:, None].astype(int), axis=1)[:, 0]
    found = (own >= kth) if k <= scores.shape[1] else np.ones(len(labels), bool)
    return float(1.0 - found.mean())
""",
        "conv2d_im2col": """
def conv2d_im2col(x, w, b, stride=1, pad=0):
    import torch
    xp = torch.nn.functional.pad(x, (pad, pad, pad, pad))
    win = xp.unfold(2, w.shape[2], stride).unfold(3, w.shape[3], stride)  # (N, C, OH, OW, KH, KW)
    out = torch.einsum("nchwpq,fcpq->nfhw", win, w)
    return out if b is None else out + b.view(1, -1, 1, 1)
""",
    },
    "numpy_im2col_and_col2im": {
        "conv2d_forward": """
def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    OH, OW = (H + 2 * pad - KH) // stride + 1, (W + 2 * pad - KW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    i = (np.repeat(np.arange(KH), KW)[None, :] + stride * np.repeat(np.arange(OH), OW)[:, None])  # (L, KH*KW)
    j = (np.tile(np.arange(KW), KH)[None, :] + stride * np.tile(np.arange(OW), OH)[:, None])
    cols = xp[:, :, i, j]  # (N, C, L, KH*KW)
    cols = cols.transpose(0, 2, 1, 3).reshape(N, OH * OW, C * KH * KW)
    out = cols @ w.reshape(F, -1).T + b  # (N, L, F)
    return out.transpose(0, 2, 1).reshape(N, F, OH, OW)
""",
        "conv2d_backward": """
def conv2d_backward(dout, x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    OH, OW = dout.shape[2], dout.shape[3]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    i = (np.repeat(np.arange(KH), KW)[None, :] + stride * np.repeat(np.arange(OH), OW)[:, None])
    j = (np.tile(np.arange(KW), KH)[None, :] + stride * np.tile(np.arange(OW), OH)[:, None])
    cols = xp[:, :, i, j].transpose(0, 2, 1, 3).reshape(N, OH * OW, C * KH * KW)
    d = dout.reshape(N, F, OH * OW).transpose(0, 2, 1)  # (N, L, F)
    dw = np.einsum("nlf,nlk->fk", d, cols).reshape(w.shape)
    dcols = (d @ w.reshape(F, -1)).reshape(N, OH * OW, C, KH * KW).transpose(0, 2, 1, 3)
    dxp = np.zeros(xp.shape)
    np.add.at(dxp, (slice(None), slice(None), i, j), dcols)
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, d.sum(axis=(0, 1))
""",
    },
}
