"""Lecture 11 - Autoregressive generative models: PixelRNN and PixelCNN (생성 모델 1).

A generative model (생성 모델) estimates the data distribution ``p(x)`` and samples new data from it.
PixelRNN and PixelCNN are explicit, tractable density models (명시적 밀도 추정, tractable density): the chain
rule of probability (연쇄 법칙) factorises an image of ``n = H * W`` pixels, taken in a fixed order
(입력 순서, raster scan: 좌상단 -> 우하단, row by row, left to right)::

    p(x) = prod_i p(x_i | x_1, ..., x_{i-1})        log p(x) = sum_i log p(x_i | x_<i)

so the likelihood (우도) of a training image can be computed exactly and maximised directly. PixelRNN
predicts each conditional with an RNN/LSTM running over the pixels; PixelCNN with convolutions whose kernels
are masked (마스킹) so that a pixel only sees the pixels before it: mask "A" (first layer) also hides the
centre pixel itself, mask "B" (later layers) lets a layer see its own position, which by then only holds
information about earlier pixels. Sampling (샘플 생성) is sequential: one pixel at a time, each drawn from
its conditional given the pixels already drawn - exact but slow (한 픽셀씩 생성하므로 느림).

Conventions (see CURRICULUM.md): numpy float64 arrays, batch first, images ``NCHW`` and conv weights
``(F, C, KH, KW)``, natural logarithms, randomness only through the given ``rng``, no function modifies
its inputs, each function is self-contained.
"""

import numpy as np


def chain_rule_log_likelihood(cond_probs):
    """Log-likelihood by the chain rule (연쇄 법칙): ``log p(x) = sum_i log p(x_i | x_<i)``.

    ``cond_probs`` holds the probability the model gave to the value each position actually took,
    ``p(x_i | x_<i)``. Sum the logarithms - never take the log of the product: a product of thousands of
    probabilities underflows to 0 in floating point, while the sum of logs stays finite. A zero
    probability makes the whole sequence impossible: ``log p(x) = -inf`` (no warning needed).

    Args:
        cond_probs: a 1-D array ``(n,)`` for one sequence, or ``(N, ...)``: the first axis is the batch and
            every other axis holds positions (e.g. ``(N, H, W)`` for images).
    Returns:
        a float for 1-D input; otherwise an ``(N,)`` float64 array (the sum over all non-batch axes).
    Hint:
        ``with np.errstate(divide="ignore"):`` silences ``log(0)``; ``a.reshape(len(a), -1).sum(axis=1)``.
    """
    ### BEGIN SOLUTION
    p = np.asarray(cond_probs, dtype=np.float64)
    with np.errstate(divide="ignore"):
        log_p = np.log(p)
    if p.ndim == 1:
        return float(log_p.sum())
    return log_p.reshape(p.shape[0], -1).sum(axis=1)
    ### END SOLUTION


def raster_scan_order(H, W):
    """The raster scan order (래스터 스캔 순서) of an ``H x W`` image: top-left to bottom-right.

    Row by row from the top, left to right within a row: position ``t`` is ``(t // W, t % W)``::

        raster_scan_order(2, 3) = [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]

    Args:
        H, W: image height and width (ints >= 1).
    Returns:
        ``(H * W, 2)`` integer array of ``(row, col)`` pairs.
    Hint:
        ``np.divmod(np.arange(H * W), W)`` gives the rows and the columns.
    """
    ### BEGIN SOLUTION
    rows, cols = np.divmod(np.arange(H * W), W)
    return np.stack([rows, cols], axis=1)
    ### END SOLUTION


def causal_mask(kernel_size, mask_type):
    """The PixelCNN kernel mask (마스크): 1 where the kernel may look, 0 at "future" pixels.

    For odd ``k`` with centre ``c = k // 2``, kernel entry ``(i, j)`` looks at the pixel offset by
    ``(i - c, j - c)``; it comes before the centre in raster order when ``i < c``, or ``i == c and j < c``::

        mask[i, j] = 1  if (i, j) is before (c, c) in raster order
        mask[c, c] = 0 for type "A" (the pixel may not see itself), 1 for type "B"
        mask[i, j] = 0  otherwise (the rest of the centre row and every row below)

    e.g. ``k = 3``: A = ``[[1, 1, 1], [1, 0, 0], [0, 0, 0]]``, B = ``[[1, 1, 1], [1, 1, 0], [0, 0, 0]]``.

    Args:
        kernel_size: odd int ``k >= 1``; mask_type: ``"A"`` or ``"B"``, case-insensitive.
    Returns:
        ``(k, k)`` float64 array of 0.0 and 1.0.
    Hint:
        Start from zeros, set the rows above the centre, then the left part of the centre row.
    """
    ### BEGIN SOLUTION
    kind = str(mask_type).upper()
    if kind not in ("A", "B"):
        raise ValueError(f"mask_type must be 'A' or 'B', got {mask_type!r}")
    if kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError(f"kernel_size must be odd and positive, got {kernel_size}")
    c = kernel_size // 2
    mask = np.zeros((kernel_size, kernel_size))
    mask[:c, :] = 1.0
    mask[c, :c] = 1.0
    if kind == "B":
        mask[c, c] = 1.0
    return mask
    ### END SOLUTION


def masked_conv2d_forward(x, w, b, mask_type):
    """Masked convolution (마스크드 합성곱) of PixelCNN: a conv layer that never looks at future pixels.

    The kernel is multiplied by ``causal_mask(k, mask_type)`` (the same spatial mask for every pair of
    input and output channels), then applied as an ordinary cross-correlation (as ``torch.nn.functional
    .conv2d``, no kernel flip) with stride 1 and "same" zero padding ``pad = k // 2``, so the output has
    the input's spatial size::

        out[n, f, r, s] = b[f] + sum_{c, i, j} x_pad[n, c, r + i, s + j] * w[f, c, i, j] * mask[i, j]

    Output size: ``(H + 2 * pad - k) // 1 + 1 = H`` (and ``W``). With mask "A", ``out[..., r, s]`` depends
    only on input pixels strictly before ``(r, s)`` in raster order; with mask "B", also on ``(r, s)``.

    Args:
        x: (N, C, H, W) input; w: (F, C, k, k) weights with odd ``k``; b: (F,) biases;
        mask_type: ``"A"`` or ``"B"`` (case-insensitive).
    Returns:
        (N, F, H, W) float64 array.
    Hint:
        Build the mask inline (each exercise is graded on its own). Loop over the ``k * k`` kernel offsets
        that the mask keeps and add ``np.einsum("nchw,fc->nfhw", window, w[:, :, i, j])`` each time.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    F, _, k, _ = w.shape
    c = k // 2
    mask = np.zeros((k, k))
    mask[:c, :] = 1.0
    mask[c, :c] = 1.0
    if str(mask_type).upper() == "B":
        mask[c, c] = 1.0
    N, _, H, W = x.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (c, c), (c, c)))
    out = np.zeros((N, F, H, W)) + np.asarray(b, dtype=np.float64)[None, :, None, None]
    for i in range(k):
        for j in range(k):
            if mask[i, j]:
                window = x_pad[:, :, i : i + H, j : j + W]
                out += np.einsum("nchw,fc->nfhw", window, w[:, :, i, j])
    return out
    ### END SOLUTION


def pixelcnn_log_likelihood(x, logits):
    """Per-image log-likelihood of binary images (이진 이미지) under Bernoulli conditionals given as logits.

    A PixelCNN outputs, for every pixel, the logit ``l = log(p / (1 - p))`` of ``p(x_i = 1 | x_<i)``; by
    the chain rule the image's log-likelihood is the sum over its pixels of the Bernoulli log-probability::

        log p(x) = sum_i [ x_i log sigmoid(l_i) + (1 - x_i) log(1 - sigmoid(l_i)) ]
                 = sum_i [ x_i l_i - softplus(l_i) ],     softplus(l) = log(1 + e^l)

    Compute it stably for logits of +-1000: ``softplus(l) = max(l, 0) + log1p(exp(-|l|))``; never take
    ``log(sigmoid(l))`` of an overflowed or underflowed sigmoid.

    Args:
        x: (N, ...) binary images (0.0/1.0), e.g. (N, H, W) or (N, 1, H, W); logits: the same shape.
    Returns:
        (N,) float64 array of per-image log-likelihoods (the sum over all non-batch axes).
    Hint:
        ``np.logaddexp(0, l)`` is a stable softplus.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    logits = np.asarray(logits, dtype=np.float64)
    softplus = np.maximum(logits, 0.0) + np.log1p(np.exp(-np.abs(logits)))
    per_pixel = x * logits - softplus
    return per_pixel.reshape(x.shape[0], -1).sum(axis=1)
    ### END SOLUTION


def sample_autoregressive(cond_fn, shape, rng):
    """Autoregressive sampling (자기회귀 샘플링): draw a binary image one pixel at a time in raster order.

    Start from an all-zero ``(H, W)`` image. For each pixel ``(i, j)`` in raster order (row by row, left to
    right), ask the model for ``p = cond_fn(x_partial, i, j)``, the probability that ``x_ij = 1`` given the
    pixels drawn so far, then draw ``x_ij = 1`` with probability ``p`` (e.g. ``rng.random() < p``) and go on.
    ``x_partial`` is a copy of the image so far, in which the pixels not drawn yet are 0; ``i`` and ``j``
    are ints. Call ``cond_fn`` exactly once per pixel. All randomness comes from ``rng`` (any way of
    drawing from it is fine: the grader checks the order, the conditionals and the statistics).

    Args:
        cond_fn: callable ``(x_partial: (H, W) float64 array, i: int, j: int) -> float`` in ``[0, 1]``.
        shape: ``(H, W)``; rng: a ``numpy.random.Generator``.
    Returns:
        (H, W) float64 array of 0.0 and 1.0.
    Hint:
        ``x.copy()`` before each call: the model must not be able to change (or see into) your image.
    """
    ### BEGIN SOLUTION
    H, W = shape
    x = np.zeros((H, W))
    for i in range(H):
        for j in range(W):
            p = float(cond_fn(x.copy(), i, j))
            x[i, j] = 1.0 if rng.random() < p else 0.0
    return x
    ### END SOLUTION
