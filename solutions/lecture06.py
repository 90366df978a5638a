"""Lecture 6 - Convolutional networks (합성곱 신경망, CNN).

A CNN is a feed-forward network (피드포워드 신경망) built for images from three kinds of layers:
convolution layers (합성곱 레이어) that slide small filters/kernels (필터, 커널) over the image to extract
local features (지역적 특징) with few, shared parameters; pooling layers (풀링 레이어) that summarise each
small window by its maximum or average (다운샘플링, downsampling); and a fully connected layer
(완전 연결 레이어) on the flattened feature maps that produces the class scores. Lower layers detect lines
and edges, higher ones abstract patterns (계층적 표현, hierarchical representation).

You implement the forward pass (순전파) and the backward pass (역전파) of convolution and pooling, the
flatten + fully connected head, the residual block (잔차 블록) of ResNet and the squeeze-and-excitation
block (SE 블록), the ImageNet top-k error (Top-5 에러율), and a vectorised torch convolution by im2col.

Conventions (see CURRICULUM.md): numpy float64 arrays, images ``NCHW`` (batch, channels, height, width),
conv weights ``(F, C, KH, KW)``, ``stride`` and ``pad`` are ints used for both axes, zero padding, and the
output size of a convolution is ``OH = (H + 2*pad - KH) // stride + 1`` (same for the width).
"Convolution" here means what every deep-learning library computes: cross-correlation (상호상관), the
kernel is NOT flipped. No function modifies its inputs.
"""

import numpy as np


def conv2d_forward(x, w, b, stride=1, pad=0):
    """Forward pass of a 2-D convolution layer (합성곱 레이어의 순전파).

    Zero-pad ``x`` by ``pad`` on all four sides, then for every sample ``n``, filter ``f`` and output
    position ``(i, j)``::

        out[n, f, i, j] = b[f] + sum_{c, p, q} x_pad[n, c, i*stride + p, j*stride + q] * w[f, c, p, q]

    (cross-correlation: the kernel is used as given, not flipped). Each filter looks at all ``C`` input
    channels (다채널 입력) and gives one output channel (feature map, 특징 맵).

    Args:
        x: (N, C, H, W) input images.
        w: (F, C, KH, KW) filters.
        b: (F,) biases, one per filter.
        stride: step of the window (보폭), the same along both axes.
        pad: number of zero rows/columns added on each side (제로 패딩).
    Returns:
        out: (N, F, OH, OW) with ``OH = (H + 2*pad - KH) // stride + 1``, ``OW = (W + 2*pad - KW) // stride + 1``.
    Hint:
        ``np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))`` pads only the spatial axes. Looping over
        the ``OH * OW`` output positions and using ``np.tensordot`` (or ``einsum``) over ``(C, KH, KW)`` is
        both simple and fast. A correct naive version with four loops (n, f, i, j) and ``np.sum`` over
        each window also passes: every graded input is small, and it takes under 20 ms per graded call
        (measured on the 2-core CPU grader), far within the 10 s limit.
    """
    ### BEGIN SOLUTION
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    OH = (H + 2 * pad - KH) // stride + 1
    OW = (W + 2 * pad - KW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.empty((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = xp[:, :, i * stride : i * stride + KH, j * stride : j * stride + KW]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3]))
    return out + b.reshape(1, F, 1, 1)
    ### END SOLUTION


def conv2d_backward(dout, x, w, b, stride=1, pad=0):
    """Backward pass of the convolution layer (합성곱 레이어의 역전파).

    ``dout = dL/dout`` has the output's shape. With ``x_pad`` the padded input (see ``conv2d_forward``)::

        db[f]          = sum_{n, i, j} dout[n, f, i, j]
        dw[f, c, p, q] = sum_{n, i, j} dout[n, f, i, j] * x_pad[n, c, i*stride + p, j*stride + q]
        dx_pad[n, c, i*stride + p, j*stride + q] += dout[n, f, i, j] * w[f, c, p, q]   (over f, i, j, p, q)

    and ``dx`` is ``dx_pad`` with the padding cut off (the padded zeros are constants, they get no
    gradient). Where windows overlap (stride < kernel size), their contributions add up.

    Args:
        dout: (N, F, OH, OW) upstream gradient.
        x, w, b, stride, pad: the forward pass's inputs (``b`` is only needed for its shape).
    Returns:
        (dx, dw, db) with the shapes of ``x`` (N, C, H, W), ``w`` (F, C, KH, KW) and ``b`` (F,).
    Hint:
        Loop over the output positions ``(i, j)``: each one sends ``dout[:, :, i, j]`` back to one window
        of ``dx_pad`` and takes one window of ``x_pad`` into ``dw``. Input rows that no window reaches
        (when ``(H + 2*pad - KH)`` is not a multiple of ``stride``) get a zero gradient.
    """
    ### BEGIN SOLUTION
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    OH, OW = dout.shape[2], dout.shape[3]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros_like(xp, dtype=np.float64)
    dw = np.zeros(w.shape)
    for i in range(OH):
        for j in range(OW):
            rows = slice(i * stride, i * stride + KH)
            cols = slice(j * stride, j * stride + KW)
            g = dout[:, :, i, j]  # (N, F)
            dw += np.tensordot(g, xp[:, :, rows, cols], axes=([0], [0]))
            dxp[:, :, rows, cols] += np.tensordot(g, w, axes=([1], [0]))
    db = dout.sum(axis=(0, 2, 3))
    dx = dxp[:, :, pad : pad + H, pad : pad + W]
    return dx.copy(), dw, db.reshape(np.shape(b))
    ### END SOLUTION


def max_pool_forward(x, size=2, stride=2):
    """Max pooling (최대 풀링): the maximum of each ``size x size`` window, channel by channel.

    ``out[n, c, i, j] = max_{p, q < size} x[n, c, i*stride + p, j*stride + q]``. There is no padding;
    rows and columns that do not fill a whole window are dropped, so ``OH = (H - size) // stride + 1``
    and ``OW = (W - size) // stride + 1``. Windows overlap when ``stride < size``.

    Args:
        x: (N, C, H, W); size: window side; stride: window step.
    Returns:
        (N, C, OH, OW).
    Hint:
        Loop over the output positions and take ``.max(axis=(2, 3))`` of each window.
    """
    ### BEGIN SOLUTION
    N, C, H, W = x.shape
    OH, OW = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.empty((N, C, OH, OW))
    for i in range(OH):
        for j in range(OW):
            out[:, :, i, j] = x[:, :, i * stride : i * stride + size, j * stride : j * stride + size].max(axis=(2, 3))
    return out
    ### END SOLUTION


def max_pool_backward(dout, x, size=2, stride=2):
    """Backward pass of max pooling (최대 풀링의 역전파).

    Only the input that was the maximum of a window influenced the output, so the window's upstream
    gradient ``dout[n, c, i, j]`` goes entirely to that input and the others get 0. Decisions the
    curriculum fixes:

    - ties: when several entries of a window share the maximum, the gradient goes to the FIRST one in
      row-major order (the lowest row, then the lowest column within the window), never split;
    - overlapping windows (``stride < size``) ACCUMULATE: an input that is the maximum of two windows
      receives the sum of both gradients.

    Args:
        dout: (N, C, OH, OW) upstream gradient; x, size, stride: the forward pass's inputs.
    Returns:
        dx: (N, C, H, W); zero where no window took its maximum (and in dropped rows/columns).
    Hint:
        ``np.argmax`` on a window flattened in C order returns the first maximum; ``np.unravel_index``
        turns it back into ``(p, q)``. Add with ``+=`` so that overlapping windows accumulate.
    """
    ### BEGIN SOLUTION
    N, C, H, W = x.shape
    OH, OW = dout.shape[2], dout.shape[3]
    dx = np.zeros((N, C, H, W))
    n_idx, c_idx = np.meshgrid(np.arange(N), np.arange(C), indexing="ij")
    for i in range(OH):
        for j in range(OW):
            window = x[:, :, i * stride : i * stride + size, j * stride : j * stride + size].reshape(N, C, -1)
            first = window.argmax(axis=2)  # argmax returns the first maximum in row-major order
            p, q = np.divmod(first, size)
            np.add.at(dx, (n_idx, c_idx, i * stride + p, j * stride + q), dout[:, :, i, j])
    return dx
    ### END SOLUTION


def avg_pool_forward(x, size=2, stride=2):
    """Average pooling (평균 풀링): the mean of each ``size x size`` window, channel by channel.

    ``out[n, c, i, j] = (1 / size**2) * sum_{p, q < size} x[n, c, i*stride + p, j*stride + q]``, no
    padding, leftover rows/columns dropped: ``OH = (H - size) // stride + 1``, ``OW = (W - size) // stride + 1``.

    Args:
        x: (N, C, H, W); size: window side; stride: window step.
    Returns:
        (N, C, OH, OW).
    Hint:
        The same loop as max pooling with ``.mean(axis=(2, 3))``; windows overlap when ``stride < size``.
    """
    ### BEGIN SOLUTION
    N, C, H, W = x.shape
    OH, OW = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.empty((N, C, OH, OW))
    for i in range(OH):
        for j in range(OW):
            out[:, :, i, j] = x[:, :, i * stride : i * stride + size, j * stride : j * stride + size].mean(axis=(2, 3))
    return out
    ### END SOLUTION


def avg_pool_backward(dout, x, size=2, stride=2):
    """Backward pass of average pooling (평균 풀링의 역전파).

    Every input of a window contributed ``1 / size**2`` of the output, so each receives
    ``dout[n, c, i, j] / size**2``; overlapping windows accumulate, dropped rows/columns get 0.

    Args:
        dout: (N, C, OH, OW) upstream gradient; x, size, stride: the forward pass's inputs.
    Returns:
        dx: (N, C, H, W).
    Hint:
        Do not forget the division by the window's size ``size * size``.
    """
    ### BEGIN SOLUTION
    OH, OW = dout.shape[2], dout.shape[3]
    dx = np.zeros(x.shape)
    share = dout / (size * size)
    for i in range(OH):
        for j in range(OW):
            dx[:, :, i * stride : i * stride + size, j * stride : j * stride + size] += share[:, :, i, j, None, None]
    return dx
    ### END SOLUTION


def flatten_fc_forward(x, W, b):
    """Flatten the feature maps and apply a fully connected layer (완전 연결 레이어).

    ``x`` is flattened per sample in C order, channel-major: feature index ``c*H*W + h*W + w`` (what
    ``x.reshape(N, -1)`` and ``torch.flatten(x, 1)`` give), then ``scores = x_flat @ W + b``.

    Args:
        x: (N, C, H, W); W: (C*H*W, K); b: (K,).
    Returns:
        scores: (N, K).
    Hint:
        ``x.reshape(N, -1)`` already is the channel-major order; transposing to channels-last
        (``NHWC``) first would pair the features with the wrong rows of ``W``.
    """
    ### BEGIN SOLUTION
    return x.reshape(x.shape[0], -1) @ W + b
    ### END SOLUTION


def residual_block_forward(x, w1, b1, w2, b2):
    """Forward pass of a ResNet residual block (잔차 블록) with an identity skip connection (스킵 연결).

    ``out = relu(x + conv(relu(conv(x, w1, b1)), w2, b2))`` with 3x3 kernels, stride 1 and pad 1 in both
    convolutions, so the spatial size is kept and the input can be added to the result. The skip path
    passes ``x`` unchanged: the block only has to learn the residual ``F(x) = out - x`` (before the last
    ReLU), which keeps gradients flowing through very deep networks (기울기 소실 완화).

    Args:
        x: (N, C, H, W); w1: (M, C, 3, 3), b1: (M,); w2: (C, M, 3, 3), b2: (C,) (``M`` may differ from ``C``).
    Returns:
        out: (N, C, H, W).
    Hint:
        Write the convolution inline (this function must not call ``conv2d_forward``): with pad 1 and
        stride 1, output ``(i, j)`` uses the padded rows ``i..i+2`` and columns ``j..j+2``.
    """
    ### BEGIN SOLUTION
    def conv3x3(inp, weight, bias):
        n, _, height, width = inp.shape
        padded = np.pad(inp, ((0, 0), (0, 0), (1, 1), (1, 1)))
        result = np.zeros((n, weight.shape[0], height, width))
        for p in range(3):
            for q in range(3):
                result += np.einsum("nchw,fc->nfhw", padded[:, :, p : p + height, q : q + width], weight[:, :, p, q])
        return result + bias.reshape(1, -1, 1, 1)

    hidden = np.maximum(conv3x3(x, w1, b1), 0.0)
    return np.maximum(x + conv3x3(hidden, w2, b2), 0.0)
    ### END SOLUTION


def se_block_forward(x, W1, b1, W2, b2):
    """Squeeze-and-excitation block (SE 블록): reweight each channel by a learned importance (채널별 중요도).

    - squeeze (압축): global average pooling, ``s[n, c] = mean_{h, w} x[n, c, h, w]``, shape (N, C);
    - excitation (활성): ``e = sigmoid(relu(s @ W1 + b1) @ W2 + b2)``, shape (N, C), each in (0, 1);
    - rescale: ``out[n, c, h, w] = e[n, c] * x[n, c, h, w]``.

    Args:
        x: (N, C, H, W); W1: (C, R), b1: (R,); W2: (R, C), b2: (C,) (``R`` is the reduced width, e.g. C / 16).
    Returns:
        out: (N, C, H, W).
    Hint:
        Use a numerically stable sigmoid (``exp(-|z|)`` never overflows): the excitation logits may be
        as large as +-1000.
    """
    ### BEGIN SOLUTION
    s = x.mean(axis=(2, 3))
    z = np.maximum(s @ W1 + b1, 0.0) @ W2 + b2
    ez = np.exp(-np.abs(z))
    e = np.where(z >= 0, 1.0 / (1.0 + ez), ez / (1.0 + ez))
    return x * e[:, :, None, None]
    ### END SOLUTION


def top_k_error(scores, labels, k=5):
    """Top-k error rate (Top-k 에러율), the ImageNet challenge's measure with ``k = 5``.

    A sample counts as correct when its true label is among the ``k`` best-scored classes; with ties,
    the label is among them when FEWER than ``k`` classes score strictly higher than it (ties are
    resolved in the label's favour). The error is the fraction of samples that are not correct.

    Args:
        scores: (N, K) class scores; labels: (N,) ints in ``[0, K)``; k: how many guesses count (``k >= 1``;
            ``k >= K`` gives 0 error).
    Returns:
        a float in [0, 1].
    Hint:
        Compare every score with the label's own score: ``(scores > scores[np.arange(N), labels][:, None])``.
    """
    ### BEGIN SOLUTION
    n = scores.shape[0]
    own = scores[np.arange(n), labels][:, None]
    higher = (scores > own).sum(axis=1)
    return float(np.mean(higher >= k))
    ### END SOLUTION


def conv2d_im2col(x, w, b, stride=1, pad=0):
    """[device] A vectorised torch convolution by im2col (이미지를 열로 펼치기) and one matrix product.

    The same layer as ``conv2d_forward`` (cross-correlation, zero padding, the same output size), on
    torch tensors: unfold every ``C x KH x KW`` window of the padded input into a column, so that the
    convolution becomes one matrix product ``(F, C*KH*KW) @ (C*KH*KW, OH*OW)`` per sample - which is how
    fast libraries run convolutions on a GPU.

    You may NOT call any convolution op at any level (``F.conv2d``, ``torch.conv2d``,
    ``torch.convolution``, ``torch.nn.Conv2d``, transposed or 1-D/3-D convolutions, ...): the grader
    checks the source and trips such calls at run time. ``torch.nn.functional.unfold``,
    ``torch.nn.functional.pad``, ``Tensor.unfold``, ``matmul`` and ``einsum`` are allowed.

    Args:
        x: (N, C, H, W) tensor on some device (CPU or CUDA), float32 or float64.
        w: (F, C, KH, KW) tensor, same device and dtype; b: (F,) tensor or ``None`` (no bias).
        stride, pad: ints.
    Returns:
        (N, F, OH, OW) tensor on ``x``'s device with ``x``'s dtype. It is checked against
        ``torch.nn.functional.conv2d`` and timed against it (a typical 3x3 layer, N=32, C=F=64, 56x56).
    Hint:
        ``cols = torch.nn.functional.unfold(x, (KH, KW), padding=pad, stride=stride)`` is (N, C*KH*KW, L);
        ``w.reshape(F, -1) @ cols`` is (N, F, L); reshape to (N, F, OH, OW) and add ``b.view(1, F, 1, 1)``.
    """
    ### BEGIN SOLUTION
    import torch

    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    OH = (H + 2 * pad - KH) // stride + 1
    OW = (W + 2 * pad - KW) // stride + 1
    cols = torch.nn.functional.unfold(x, (KH, KW), padding=pad, stride=stride)  # (N, C*KH*KW, OH*OW)
    out = torch.matmul(w.reshape(F, -1), cols).reshape(N, F, OH, OW)
    if b is not None:
        out = out + b.reshape(1, F, 1, 1)
    return out
    ### END SOLUTION
