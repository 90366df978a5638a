"""Grading tests for lecture 6 - Convolutional networks.

Oracles: ``torch.nn.functional`` (conv2d, max_pool2d, avg_pool2d, linear, relu, sigmoid) in float64,
torch autograd for the backward passes, central differences, and slow loop oracles written here from
the definitions where torch documents nothing (the max-pool gradient on tied maxima, the top-k rule on
tied scores). Inputs are seeded random arrays of odd shapes (non-square images, batch 1, stride 2 and 3,
pad 0-2, kernels 1x1 to 5x5, channel counts that are not powers of two) plus large magnitudes.

Sizes are chosen so that a correct naive implementation (four Python loops for a convolution) finishes
every call in well under a second.
"""

from __future__ import annotations

import numpy as np

from autograder import checks
from autograder.i18n import msg
from autograder.oracles import lazy_torch as _torch
from autograder.spec import Lecture

lecture = Lecture(6, "Convolutional networks", preload=("torch",))


def _F():
    # `import torch.nn.functional` here could deadlock with the runner's background `import torch`
    # (it takes the submodule's import lock before the parent's); importing torch first cannot.
    return _torch().nn.functional


def _t(a, grad=False):
    """A float64 torch tensor from a numpy array (optionally tracking gradients)."""
    torch = _torch()
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def _out_size(size, k, stride, pad):
    return (size + 2 * pad - k) // stride + 1


# (N, C, H, W, F, KH, KW, stride, pad): odd, non-square, batch 1, strides 1-3, pads 0-2, kernels 1x1-5x5
_BASIC = [(2, 3, 7, 5, 4, 3, 3, 1, 0), (1, 1, 6, 6, 1, 3, 3, 1, 1)]
_STRIDED = [(2, 3, 9, 8, 5, 3, 3, 2, 1), (1, 2, 11, 7, 3, 5, 5, 3, 2), (3, 5, 8, 10, 6, 4, 4, 2, 0)]
_MORE = [
    (2, 3, 5, 7, 7, 1, 1, 1, 0),  # 1x1 kernel
    (1, 5, 9, 12, 3, 5, 5, 1, 2),  # 5x5 kernel, pad 2 ("same" size)
    (2, 3, 10, 9, 5, 2, 3, 3, 1),  # rectangular kernel, stride 3, leftover rows and columns
    (1, 7, 6, 13, 2, 3, 3, 2, 2),  # pad 2 with stride 2, wide image
    (3, 1, 4, 4, 3, 4, 4, 1, 0),  # kernel as large as the image: a 1x1 output
]


def _conv_inputs(rng, case, scale=1.0):
    N, C, H, W, F, KH, KW, stride, pad = case
    x = rng.normal(size=(N, C, H, W)) * scale
    w = rng.normal(size=(F, C, KH, KW)) / np.sqrt(C * KH * KW)
    b = rng.normal(size=F)
    return x, w, b, stride, pad


def _describe(case):
    N, C, H, W, F, KH, KW, stride, pad = case
    return f"x {(N, C, H, W)}, w {(F, C, KH, KW)}, stride={stride}, pad={pad}"


def _conv_oracle(x, w, b, stride, pad):
    return _F().conv2d(_t(x), _t(w), _t(b), stride=stride, padding=pad).numpy()


# --- conv2d_forward ------------------------------------------------------------------------------------------

conv2d_forward = lecture.exercise("conv2d_forward")


def _check_conv_forward(student, rng, cases, scale=1.0):
    for case in cases:
        x, w, b, stride, pad = _conv_inputs(rng, case, scale)
        checks.array(
            student.conv2d_forward(x, w, b, stride, pad),
            _conv_oracle(x, w, b, stride, pad),
            name=msg("lecture06.conv2d_forward.label_case", case=_describe(case)),
        )


@conv2d_forward.test(points=1)
def matches_torch(student, rng):
    _check_conv_forward(student, rng, _BASIC)


@conv2d_forward.test(points=1)
def kernel_is_not_flipped(student):
    # One image, one asymmetric kernel: deep-learning "convolution" is cross-correlation (no flip).
    x = np.arange(20, dtype=np.float64).reshape(1, 1, 4, 5)
    w = np.array([[[[1.0, 2.0], [0.0, -1.0]]]])
    b = np.array([0.5])
    checks.array(
        student.conv2d_forward(x, w, b, 1, 0),
        _conv_oracle(x, w, b, 1, 0),
        name=msg("lecture06.conv2d_forward.label_asymmetric"),
    )


@conv2d_forward.test(points=1)
def stride_and_padding(student, rng):
    _check_conv_forward(student, rng, _STRIDED)


### BEGIN HIDDEN TESTS
@conv2d_forward.test(points=1, hidden=True)
def kernels_from_1x1_to_5x5(student, rng):
    _check_conv_forward(student, rng, _MORE)
    x, w, b, _, _ = _conv_inputs(rng, _BASIC[0])
    checks.array(
        student.conv2d_forward(x, w, b),
        _conv_oracle(x, w, b, 1, 0),
        name=msg("lecture06.conv2d_forward.label_defaults"),
    )


@conv2d_forward.test(points=1, hidden=True)
def large_magnitudes(student, rng):
    _check_conv_forward(student, rng, [(2, 3, 6, 7, 4, 3, 3, 2, 1)], scale=1000.0)


### END HIDDEN TESTS


# --- conv2d_backward -----------------------------------------------------------------------------------------

conv2d_backward = lecture.exercise("conv2d_backward")


def _conv_grads(x, w, b, stride, pad, dout):
    xt, wt, bt = _t(x, True), _t(w, True), _t(b, True)
    _F().conv2d(xt, wt, bt, stride=stride, padding=pad).backward(_t(dout))
    return xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()


def _check_conv_backward(student, rng, cases, which=("dx", "dw", "db")):
    for case in cases:
        x, w, b, stride, pad = _conv_inputs(rng, case)
        N, _, H, W, F, KH, KW, _, _ = case
        dout = rng.normal(size=(N, F, _out_size(H, KH, stride, pad), _out_size(W, KW, stride, pad)))
        expected = dict(zip(("dx", "dw", "db"), _conv_grads(x, w, b, stride, pad, dout), strict=True))
        got = checks.parts(
            student.conv2d_backward(dout, x, w, b, stride, pad),
            3,
            name="conv2d_backward(...)",
            labels=("dx", "dw", "db"),
        )
        got = dict(zip(("dx", "dw", "db"), got, strict=True))
        for key in which:
            checks.array(
                got[key], expected[key], name=msg("lecture06.conv2d_backward.label_case", key=key, case=_describe(case))
            )


@conv2d_backward.test(points=1)
def dx_matches_autograd(student, rng):
    _check_conv_backward(student, rng, _BASIC, which=("dx",))


@conv2d_backward.test(points=1)
def dw_matches_autograd(student, rng):
    _check_conv_backward(student, rng, _BASIC, which=("dw",))


@conv2d_backward.test(points=1)
def db_matches_autograd(student, rng):
    _check_conv_backward(student, rng, _BASIC, which=("db",))


### BEGIN HIDDEN TESTS
@conv2d_backward.test(points=1, hidden=True)
def strided_and_padded(student, rng):
    _check_conv_backward(student, rng, _STRIDED + _MORE[1:3])


@conv2d_backward.test(points=1, hidden=True)
def kernels_1x1_and_whole_image(student, rng):
    _check_conv_backward(student, rng, [_MORE[0], _MORE[3], _MORE[4]])


@conv2d_backward.test(points=1, hidden=True)
def gradient_check(student, rng):
    # Central differences of L = sum(conv(x, w, b) * dout): independent of torch's backward.
    case = (1, 2, 5, 4, 2, 3, 2, 2, 1)
    x, w, b, stride, pad = _conv_inputs(rng, case)
    dout = rng.normal(size=(1, 2, _out_size(5, 3, 2, 1), _out_size(4, 2, 2, 1)))
    dx, dw, db = checks.parts(
        student.conv2d_backward(dout, x, w, b, stride, pad), 3, name="conv2d_backward(...)", labels=("dx", "dw", "db")
    )

    def loss(xx, ww, bb):  # the definition, with numpy's sliding windows (F.conv2d in float64 is slow per call)
        xp = np.pad(xx, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
        windows = np.lib.stride_tricks.sliding_window_view(xp, ww.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
        out = np.einsum("nchwpq,fcpq->nfhw", windows, ww) + bb[None, :, None, None]
        return float(np.sum(out * dout))

    checks.gradient(dx, lambda v: loss(v, w, b), x, name="dx")
    checks.gradient(dw, lambda v: loss(x, v, b), w, name="dw")
    checks.gradient(db, lambda v: loss(x, w, v), b, name="db")


### END HIDDEN TESTS


# --- pooling -------------------------------------------------------------------------------------------------

# (N, C, H, W, size, stride): leftover rows/columns, overlapping windows (stride < size), batch 1
_POOL_BASIC = [(2, 3, 6, 8, 2, 2), (1, 5, 7, 5, 2, 2)]
_POOL_MORE = [(2, 3, 9, 7, 3, 3), (1, 2, 7, 8, 3, 2), (2, 3, 5, 6, 2, 1), (3, 1, 4, 9, 4, 3), (1, 7, 3, 3, 1, 1)]


def _pool_describe(case):
    N, C, H, W, size, stride = case
    return f"x {(N, C, H, W)}, size={size}, stride={stride}"


max_pool_forward = lecture.exercise("max_pool_forward")


def _check_pool_forward(student, rng, cases, kind, scale=1.0):
    F = _F()
    for case in cases:
        N, C, H, W, size, stride = case
        x = rng.normal(size=(N, C, H, W)) * scale
        if kind == "max":
            got, expected = student.max_pool_forward(x, size, stride), F.max_pool2d(_t(x), size, stride)
        else:
            got, expected = student.avg_pool_forward(x, size, stride), F.avg_pool2d(_t(x), size, stride)
        checks.array(
            got,
            expected.numpy(),
            name=msg("lecture06.max_pool_forward.label_case", kind=kind, case=_pool_describe(case)),
        )


@max_pool_forward.test(points=1)
def matches_torch_max_pool2d(student, rng):
    _check_pool_forward(student, rng, _POOL_BASIC, "max")


### BEGIN HIDDEN TESTS
@max_pool_forward.test(points=1, hidden=True)
def other_sizes_and_strides(student, rng):
    _check_pool_forward(student, rng, _POOL_MORE, "max")
    x = rng.normal(size=(2, 3, 5, 7))
    checks.array(
        student.max_pool_forward(x),
        _F().max_pool2d(_t(x), 2, 2).numpy(),
        name=msg("lecture06.max_pool_forward.label_defaults"),
    )


@max_pool_forward.test(points=1, hidden=True)
def negative_and_large_values(student, rng):
    # All-negative windows catch a running maximum started at 0.
    _check_pool_forward(student, rng, [(2, 3, 7, 6, 3, 2)], "max", scale=1000.0)
    x = -np.abs(rng.normal(size=(1, 2, 4, 6))) - 1.0
    checks.array(
        student.max_pool_forward(x, 2, 2),
        _F().max_pool2d(_t(x), 2, 2).numpy(),
        name=msg("lecture06.max_pool_forward.label_negative"),
    )


### END HIDDEN TESTS


max_pool_backward = lecture.exercise("max_pool_backward")


def _max_pool_grad_oracle(dout, x, size, stride):
    """The rule written out with plain loops: first maximum in row-major order, overlaps accumulate."""
    N, C, H, W = x.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    best = None
                    for p in range(size):
                        for q in range(size):
                            r, s = i * stride + p, j * stride + q
                            if best is None or x[n, c, r, s] > x[n, c, best[0], best[1]]:
                                best = (r, s)
                    dx[n, c, best[0], best[1]] += dout[n, c, i, j]
    return dx


def _pool_dout(rng, case):
    N, C, H, W, size, stride = case
    return rng.normal(size=(N, C, (H - size) // stride + 1, (W - size) // stride + 1))


def _check_max_backward_autograd(student, rng, cases):
    for case in cases:
        N, C, H, W, size, stride = case
        x = rng.normal(size=(N, C, H, W))  # continuous values: no ties, so autograd's gradient is the rule
        dout = _pool_dout(rng, case)
        xt = _t(x, True)
        _F().max_pool2d(xt, size, stride).backward(_t(dout))
        checks.array(
            student.max_pool_backward(dout, x, size, stride),
            xt.grad.numpy(),
            name=msg("lecture06.max_pool_backward.label_case", case=_pool_describe(case)),
        )


def _check_max_backward_ties(student, rng, cases):
    for case in cases:
        N, C, H, W, size, stride = case
        x = rng.integers(-1, 2, size=(N, C, H, W)).astype(np.float64)  # many tied maxima
        dout = _pool_dout(rng, case)
        checks.array(
            student.max_pool_backward(dout, x, size, stride),
            _max_pool_grad_oracle(dout, x, size, stride),
            name=msg("lecture06.max_pool_backward.label_ties_case", case=_pool_describe(case)),
        )


@max_pool_backward.test(points=1)
def matches_autograd_without_ties(student, rng):
    _check_max_backward_autograd(student, rng, _POOL_BASIC)


@max_pool_backward.test(points=1)
def ties_go_to_the_first_maximum(student):
    # 2x2 windows, stride 2: window 0 has three tied maxima, window 1 ties down a column, window 2 on the
    # anti-diagonal, window 3 everywhere. The first maximum in row-major order gets the whole gradient.
    x = np.array([[[[5.0, 5.0, 1.0, 7.0, 2.0, 9.0, 3.0, 3.0], [1.0, 5.0, 1.0, 7.0, 9.0, 1.0, 3.0, 3.0]]]])
    dout = np.array([[[[1.0, 2.0, 3.0, 4.0]]]])
    expected = np.zeros_like(x)
    expected[0, 0, 0, 0], expected[0, 0, 0, 3], expected[0, 0, 0, 5], expected[0, 0, 0, 6] = 1.0, 2.0, 3.0, 4.0
    checks.array(
        student.max_pool_backward(dout, x, 2, 2),
        expected,
        name=msg("lecture06.max_pool_backward.label_ties"),
    )


### BEGIN HIDDEN TESTS
@max_pool_backward.test(points=1, hidden=True)
def overlapping_windows_accumulate(student, rng):
    _check_max_backward_autograd(student, rng, _POOL_MORE)
    # A single large value that is the maximum of all four overlapping windows collects all four gradients.
    x = np.zeros((1, 1, 3, 3)) - 1.0
    x[0, 0, 1, 1] = 10.0
    dout = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    expected = np.zeros((1, 1, 3, 3))
    expected[0, 0, 1, 1] = 10.0
    checks.array(
        student.max_pool_backward(dout, x, 2, 1),
        expected,
        name=msg("lecture06.max_pool_backward.label_shared"),
    )


@max_pool_backward.test(points=1, hidden=True)
def ties_with_overlaps_and_leftovers(student, rng):
    _check_max_backward_ties(
        student, rng, [(2, 3, 6, 8, 2, 2), (1, 2, 7, 8, 3, 2), (2, 2, 5, 6, 2, 1), (1, 3, 9, 7, 3, 3)]
    )


### END HIDDEN TESTS


avg_pool_forward = lecture.exercise("avg_pool_forward")


@avg_pool_forward.test(points=1)
def matches_torch_avg_pool2d(student, rng):
    _check_pool_forward(student, rng, _POOL_BASIC, "avg")


### BEGIN HIDDEN TESTS
@avg_pool_forward.test(points=1, hidden=True)
def overlapping_windows_and_large_inputs(student, rng):
    _check_pool_forward(student, rng, _POOL_MORE, "avg")
    _check_pool_forward(student, rng, [(2, 2, 6, 5, 2, 2)], "avg", scale=1000.0)
    x = rng.normal(size=(1, 3, 7, 4))
    checks.array(
        student.avg_pool_forward(x),
        _F().avg_pool2d(_t(x), 2, 2).numpy(),
        name=msg("lecture06.avg_pool_forward.label_defaults"),
    )


### END HIDDEN TESTS


avg_pool_backward = lecture.exercise("avg_pool_backward")


def _check_avg_backward(student, rng, cases):
    for case in cases:
        N, C, H, W, size, stride = case
        x = rng.normal(size=(N, C, H, W))
        dout = _pool_dout(rng, case)
        xt = _t(x, True)
        _F().avg_pool2d(xt, size, stride).backward(_t(dout))
        checks.array(
            student.avg_pool_backward(dout, x, size, stride),
            xt.grad.numpy(),
            name=msg("lecture06.avg_pool_backward.label_case", case=_pool_describe(case)),
        )


@avg_pool_backward.test(points=1)
def matches_autograd(student, rng):
    _check_avg_backward(student, rng, _POOL_BASIC)


### BEGIN HIDDEN TESTS
@avg_pool_backward.test(points=1, hidden=True)
def overlapping_windows_and_leftovers(student, rng):
    _check_avg_backward(student, rng, _POOL_MORE)


@avg_pool_backward.test(points=1, hidden=True)
def numerical_gradient_check(student, rng):
    x, size, stride = rng.normal(size=(1, 2, 5, 4)), 3, 1
    dout = _pool_dout(rng, (1, 2, 5, 4, size, stride))
    got = student.avg_pool_backward(dout, x, size, stride)

    def loss(v):  # the definition with numpy's sliding windows (cheaper per call than torch)
        windows = np.lib.stride_tricks.sliding_window_view(v, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
        return float(np.sum(windows.mean(axis=(4, 5)) * dout))

    checks.gradient(got, loss, x, name="avg_pool_backward, size=3, stride=1")


### END HIDDEN TESTS


# --- flatten + fully connected -------------------------------------------------------------------------------

flatten_fc_forward = lecture.exercise("flatten_fc_forward")


def _check_fc(student, rng, N, C, H, W, K, scale=1.0):
    x = rng.normal(size=(N, C, H, W)) * scale
    Wm, b = rng.normal(size=(C * H * W, K)) / np.sqrt(C * H * W), rng.normal(size=K)
    torch = _torch()
    expected = _F().linear(torch.flatten(_t(x), 1), _t(Wm).T, _t(b)).numpy()
    checks.array(
        student.flatten_fc_forward(x, Wm, b),
        expected,
        name=msg("lecture06.flatten_fc_forward.label_shape", shape=(N, C, H, W)),
    )


@flatten_fc_forward.test(points=1)
def matches_torch_flatten_linear(student, rng):
    _check_fc(student, rng, 4, 3, 5, 6, 10)


### BEGIN HIDDEN TESTS
@flatten_fc_forward.test(points=1, hidden=True)
def batch_one_and_other_shapes(student, rng):
    _check_fc(student, rng, 1, 5, 3, 2, 7)
    _check_fc(student, rng, 3, 7, 2, 4, 1, scale=1000.0)


### END HIDDEN TESTS


# --- residual block ------------------------------------------------------------------------------------------

residual_block_forward = lecture.exercise("residual_block_forward")


def _residual_oracle(x, w1, b1, w2, b2):
    F = _F()
    h = F.relu(F.conv2d(_t(x), _t(w1), _t(b1), padding=1))
    return F.relu(_t(x) + F.conv2d(h, _t(w2), _t(b2), padding=1)).numpy()


def _check_residual(student, rng, N, C, M, H, W, scale=1.0):
    x = rng.normal(size=(N, C, H, W)) * scale
    w1, b1 = rng.normal(size=(M, C, 3, 3)) / np.sqrt(9 * C), rng.normal(size=M) * 0.5
    w2, b2 = rng.normal(size=(C, M, 3, 3)) / np.sqrt(9 * M), rng.normal(size=C) * 0.5
    checks.array(
        student.residual_block_forward(x, w1, b1, w2, b2),
        _residual_oracle(x, w1, b1, w2, b2),
        name=msg("lecture06.residual_block_forward.label_shape", shape=(N, C, H, W), M=M),
    )


@residual_block_forward.test(points=1)
def matches_torch_convolutions(student, rng):
    _check_residual(student, rng, 2, 3, 3, 6, 5)


### BEGIN HIDDEN TESTS
@residual_block_forward.test(points=1, hidden=True)
def hidden_width_differs_and_batch_one(student, rng):
    _check_residual(student, rng, 1, 5, 3, 4, 7)
    _check_residual(student, rng, 3, 2, 6, 5, 3)


@residual_block_forward.test(points=1, hidden=True)
def identity_skip_and_large_values(student, rng):
    # With w2 = 0 and b2 = 0 the block is relu(x): the skip path must pass x unchanged.
    x = rng.normal(size=(2, 3, 4, 5)) * 1000.0
    w1, b1 = rng.normal(size=(3, 3, 3, 3)), rng.normal(size=3)
    w2, b2 = np.zeros((3, 3, 3, 3)), np.zeros(3)
    checks.array(
        student.residual_block_forward(x, w1, b1, w2, b2),
        np.maximum(x, 0.0),
        name=msg("lecture06.residual_block_forward.label_zero_branch"),
    )
    _check_residual(student, rng, 2, 4, 4, 5, 5, scale=1000.0)


### END HIDDEN TESTS


# --- squeeze-and-excitation ----------------------------------------------------------------------------------

se_block_forward = lecture.exercise("se_block_forward")


def _se_oracle(x, W1, b1, W2, b2):
    torch = _torch()
    s = _t(x).mean(dim=(2, 3))
    e = torch.sigmoid(torch.relu(s @ _t(W1) + _t(b1)) @ _t(W2) + _t(b2))
    return (_t(x) * e[:, :, None, None]).numpy()


def _check_se(student, rng, N, C, R, H, W, logit_scale=1.0):
    x = rng.normal(size=(N, C, H, W)) + 0.3
    W1, b1 = rng.normal(size=(C, R)), rng.normal(size=R) * 0.1
    W2, b2 = rng.normal(size=(R, C)), rng.normal(size=C) * logit_scale
    checks.array(
        student.se_block_forward(x, W1, b1, W2, b2),
        _se_oracle(x, W1, b1, W2, b2),
        name=msg("lecture06.se_block_forward.label_shape", shape=(N, C, H, W), R=R),
    )


@se_block_forward.test(points=1)
def matches_torch_ops(student, rng):
    _check_se(student, rng, 3, 6, 2, 5, 4)


### BEGIN HIDDEN TESTS
@se_block_forward.test(points=1, hidden=True)
def batch_one_and_odd_widths(student, rng):
    _check_se(student, rng, 1, 5, 3, 3, 7)
    _check_se(student, rng, 2, 7, 1, 1, 1)


@se_block_forward.test(points=1, hidden=True)
def stable_for_large_logits(student, rng):
    # Excitation logits of +-1000: gates of exactly 0 and 1, never NaN or an overflow.
    _check_se(student, rng, 2, 6, 3, 4, 3, logit_scale=1000.0)


### END HIDDEN TESTS


# --- top-k error ---------------------------------------------------------------------------------------------

top_k_error = lecture.exercise("top_k_error")


def _top_k_oracle(scores, labels, k):
    """The definition with loops: count the classes that score strictly higher than the label."""
    wrong = 0
    for n in range(scores.shape[0]):
        higher = sum(1 for c in range(scores.shape[1]) if scores[n, c] > scores[n, labels[n]])
        wrong += higher >= k
    return wrong / scores.shape[0]


@top_k_error.test(points=1)
def matches_torch_topk(student, rng):
    torch = _torch()
    scores, labels = rng.normal(size=(40, 10)), rng.integers(0, 10, size=40)
    for k in (1, 3, 5):
        top = torch.topk(torch.from_numpy(scores), k, dim=1).indices.numpy()  # no ties in continuous scores
        expected = float(np.mean([labels[n] not in top[n] for n in range(len(labels))]))
        checks.scalar(student.top_k_error(scores, labels, k), expected, name=msg("lecture06.top_k_error.label_k", k=k))


@top_k_error.test(points=1)
def ties_count_in_the_labels_favour(student):
    scores = np.array([[3.0, 1.0, 1.0, 1.0, 0.0], [2.0, 2.0, 2.0, 2.0, 2.0], [5.0, 4.0, 4.0, 4.0, 1.0]])
    labels = np.array([3, 4, 0])
    # k=2: sample 0 has one class above its label (found); sample 1 none (found); sample 2 none (found)
    checks.scalar(student.top_k_error(scores, labels, 2), 0.0, name=msg("lecture06.top_k_error.label_ties_2"))
    labels = np.array([4, 4, 1])  # sample 0: four above (missed); sample 1: found; sample 2: one above (missed)
    checks.scalar(student.top_k_error(scores, labels, 1), 2 / 3, name=msg("lecture06.top_k_error.label_ties_1"))


### BEGIN HIDDEN TESTS
@top_k_error.test(points=1, hidden=True)
def default_k_many_ties_and_edge_cases(student, rng):
    scores, labels = rng.integers(0, 4, size=(50, 12)).astype(np.float64), rng.integers(0, 12, size=50)
    checks.scalar(
        student.top_k_error(scores, labels),
        _top_k_oracle(scores, labels, 5),
        name=msg("lecture06.top_k_error.label_integer"),
    )
    scores, labels = rng.normal(size=(1, 6)) * 1000, np.array([2])
    for k in (1, 6, 9):
        checks.scalar(
            student.top_k_error(scores, labels, k),
            _top_k_oracle(scores, labels, k),
            name=msg("lecture06.top_k_error.label_single", k=k),
        )


### END HIDDEN TESTS


# --- [device] conv2d_im2col ----------------------------------------------------------------------------------

conv2d_im2col = lecture.exercise("conv2d_im2col", device=True)

_CONV_NAMES = [
    "conv1d",
    "conv2d",
    "conv3d",
    "convolution",
    "_convolution",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "Conv1d",
    "Conv2d",
    "Conv3d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "ConvTranspose3d",
    "LazyConv2d",
    "_conv_forward",
    "conv_tbc",
    "mkldnn_convolution",
    "cudnn_convolution",
    "_convolution_mode",
]
_CONV_OPS = (
    "torch.nn.functional.conv1d",
    "torch.nn.functional.conv2d",
    "torch.nn.functional.conv3d",
    "torch.nn.functional.conv_transpose1d",
    "torch.nn.functional.conv_transpose2d",
    "torch.nn.functional.conv_transpose3d",
    "torch.conv1d",
    "torch.conv2d",
    "torch.conv3d",
    "torch.conv_transpose1d",
    "torch.conv_transpose2d",
    "torch.conv_transpose3d",
    "torch.convolution",
    "torch._convolution",
    "torch._convolution_mode",
    "torch.conv_tbc",
    "torch.mkldnn_convolution",
    "torch.cudnn_convolution",
)


def _im2col(student, *args):
    """Call the student's conv2d_im2col with every convolution op tripped."""
    with student.forbidding(*_CONV_OPS):
        return student.conv2d_im2col(*args)


def _check_im2col(student, device, rng, cases, dtype, with_bias=True):
    """Against F.conv2d in float64 on the CPU; run on the grading device, and also on the CPU when that is a GPU."""
    torch = _torch()
    F = _F()
    precision = {"float64": dict(rtol=1e-6, atol_scale=1e-9), "float32": dict(rtol=1e-4, atol_scale=1e-5)}[dtype]
    tdtype = getattr(torch, dtype)
    for case in cases:
        x, w, b, stride, pad = _conv_inputs(rng, case)
        expected = F.conv2d(_t(x), _t(w), _t(b) if with_bias else None, stride=stride, padding=pad)
        for where in dict.fromkeys([device, "cpu"]):
            args = [torch.from_numpy(a).to(device=where, dtype=tdtype) for a in (x, w, b)]
            if not with_bias:
                args[2] = None
            got = _im2col(student, *args, stride, pad)
            checks.tensor(
                got,
                expected.to(device=where, dtype=tdtype),
                **precision,
                name=msg(
                    "lecture06.conv2d_im2col.label_case",
                    dtype=dtype,
                    bias="" if with_bias else msg("lecture06.conv2d_im2col.label_no_bias"),
                    where=where,
                    case=_describe(case),
                ),
            )


@conv2d_im2col.test(points=1)
def matches_conv2d_float64(student, device, rng):
    _check_im2col(student, device, rng, _BASIC + _STRIDED[:1], "float64")


@conv2d_im2col.test(points=1)
def matches_conv2d_float32(student, device, rng):
    _check_im2col(student, device, rng, _BASIC + _STRIDED[:1], "float32")


@conv2d_im2col.test(points=1)
def uses_no_convolution_op(student, source, device, rng):
    # The static rule is only worth its point for a working function: run it on one layer first.
    _check_im2col(student, device, rng, _BASIC[:1], "float64")
    checks.not_using(source, "conv2d_im2col", _CONV_NAMES, why=msg("lecture06.conv2d_im2col.no_convolution"))


### BEGIN HIDDEN TESTS
@conv2d_im2col.test(points=1, hidden=True)
def strides_pads_and_kernel_sizes(student, device, rng):
    _check_im2col(student, device, rng, _STRIDED + _MORE, "float64")
    _check_im2col(student, device, rng, _STRIDED[1:] + _MORE[1:3], "float32")


@conv2d_im2col.test(points=1, hidden=True)
def bias_may_be_none(student, device, rng):
    _check_im2col(student, device, rng, [_BASIC[0], _STRIDED[1]], "float64", with_bias=False)
    _check_im2col(student, device, rng, [_MORE[2]], "float32", with_bias=False)


@conv2d_im2col.test(points=0, hidden=True, timeout=60)
def timed_against_conv2d(student, device, timing, rng):
    # The layer: N=32, C=F=64, 56x56, 3x3, pad 1, float32 (a ResNet stage-1 convolution). Measured on
    # the 2-core CPU grader, idle: F.conv2d ~0.19 s and the reference im2col ~0.5 s per call. One warm-up and
    # one timed call each (student.time averages both) keep the test at ~1.5 s; repeat=3 would double it.
    torch = _torch()
    F = _F()
    x = torch.from_numpy(rng.standard_normal((32, 64, 56, 56), dtype=np.float32)).to(device)
    w = torch.from_numpy(rng.standard_normal((64, 64, 3, 3), dtype=np.float32) / 24.0).to(device)
    b = torch.from_numpy(rng.standard_normal(64, dtype=np.float32)).to(device)
    times = student.time("conv2d_im2col", x, w, b, 1, 1, warmup=1, repeat=1, sync=device)
    timing.compare(
        msg("lecture06.conv2d_im2col.label_timing"),
        times,
        lambda: F.conv2d(x, w, b, stride=1, padding=1),
        warmup=1,
        repeat=1,
    )


### END HIDDEN TESTS
