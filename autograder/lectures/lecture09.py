"""Grading tests for lecture 9 - LSTM.

Oracles: ``torch.nn.LSTMCell`` and ``torch.nn.LSTM`` in float64 (float32 too for the [device] task) with
the curriculum's weights mapped onto torch's layout (``weight_ih = Wx.T``, ``weight_hh = Wh.T``,
``bias_ih = b``, ``bias_hh = 0``, gate order i, f, g, o); torch autograd for every backward pass, with
upstream gradients on ``h`` at every step (and on ``c`` for the single step); central differences. The
gates, which torch does not expose, are read off ``nn.LSTMCell`` itself by probing: saturating one gate
block with a bias of +-1000 makes the cell state (or the hidden state) equal to the gate under test.
Inputs are seeded random arrays of several shapes (batch 1, D != H, T = 1, 2 and 20+), plus magnitudes
of +-1000.
"""

from __future__ import annotations

import numpy as np

from autograder import checks
from autograder.i18n import msg
from autograder.oracles import lazy_torch as _torch
from autograder.spec import Lecture

lecture = Lecture(9, "LSTM", preload=("torch",))


def _params(rng, D, H):
    Wx = rng.normal(size=(D, 4 * H)) / np.sqrt(D)
    Wh = rng.normal(size=(H, 4 * H)) / np.sqrt(H)
    b = rng.normal(size=4 * H) * 0.3
    return Wx, Wh, b


def _load(weights, Wx, Wh, b):
    """Copy the curriculum's (Wx, Wh, b) into torch's (weight_ih, weight_hh, bias_ih, bias_hh)."""
    torch = _torch()
    weight_ih, weight_hh, bias_ih, bias_hh = weights
    with torch.no_grad():
        weight_ih.copy_(torch.as_tensor(Wx).T)
        weight_hh.copy_(torch.as_tensor(Wh).T)
        bias_ih.copy_(torch.as_tensor(b))
        bias_hh.zero_()


def _cell(Wx, Wh, b):
    torch = _torch()
    cell = torch.nn.LSTMCell(Wx.shape[0], Wh.shape[0], dtype=torch.float64)
    _load((cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh), Wx, Wh, b)
    return cell


def _cell_oracle(x, h_prev, c_prev, Wx, Wh, b, dh=None, dc=None):
    """nn.LSTMCell forward (h, c), or its autograd gradients for upstream (dh, dc)."""
    torch = _torch()
    cell = _cell(Wx, Wh, b)
    xt, ht, ct = (torch.tensor(a, requires_grad=True) for a in (x, h_prev, c_prev))
    h, c = cell(xt, (ht, ct))
    if dh is None:
        return h.detach().numpy(), c.detach().numpy()
    ((h * torch.from_numpy(dh)).sum() + (c * torch.from_numpy(dc)).sum()).backward()
    return (
        xt.grad.numpy(),
        ht.grad.numpy(),
        ct.grad.numpy(),
        cell.weight_ih.grad.T.numpy(),
        cell.weight_hh.grad.T.numpy(),
        cell.bias_ih.grad.numpy(),
    )


def _lstm_oracle(x, h0, Wx, Wh, b, dh=None):
    """nn.LSTM (batch_first, c0 = 0) forward h, or its BPTT gradients by autograd for upstream ``dh``."""
    torch = _torch()
    lstm = torch.nn.LSTM(Wx.shape[0], Wh.shape[0], batch_first=True, dtype=torch.float64)
    _load((lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0), Wx, Wh, b)
    xt = torch.tensor(x, requires_grad=True)
    h0t = torch.tensor(h0[None], requires_grad=True)
    out, _ = lstm(xt, (h0t, torch.zeros_like(h0t)))
    if dh is None:
        return out.detach().numpy()
    (out * torch.from_numpy(dh)).sum().backward()
    return (
        xt.grad.numpy(),
        h0t.grad[0].numpy(),
        lstm.weight_ih_l0.grad.T.numpy(),
        lstm.weight_hh_l0.grad.T.numpy(),
        lstm.bias_ih_l0.grad.numpy(),
    )


def _gates_oracle(x, h_prev, Wx, Wh, b):
    """(i, f, g, o) read off nn.LSTMCell by saturating one gate block at a time (bias +-1000, weights 0)."""
    H = Wh.shape[0]
    N = x.shape[0]
    block = {name: slice(k * H, (k + 1) * H) for k, name in enumerate("ifgo")}

    def probe(name, bias, c_prev):
        Wx2, Wh2, b2 = Wx.copy(), Wh.copy(), b.copy()
        Wx2[:, block[name]], Wh2[:, block[name]], b2[block[name]] = 0.0, 0.0, bias
        return _cell_oracle(x, h_prev, np.full((N, H), c_prev), Wx2, Wh2, b2)

    i = probe("g", 1000.0, 0.0)[1]  # g = 1, c_prev = 0: c = i
    g = probe("i", 1000.0, 0.0)[1]  # i = 1, c_prev = 0: c = g
    f = probe("i", -1000.0, 1.0)[1]  # i = 0, c_prev = 1: c = f
    o = probe("f", 1000.0, 1000.0)[0]  # f = 1, c_prev = 1000: tanh(c) = 1, h = o
    return i, f, g, o


# --- lstm_gates -----------------------------------------------------------------------------------------

lstm_gates = lecture.exercise("lstm_gates")


def _check_gates(student, x, h_prev, Wx, Wh, b, where=""):
    got = checks.parts(student.lstm_gates(x, h_prev, Wx, Wh, b), 4, labels=("i", "f", "g", "o"))
    for name, g, e in zip("ifgo", got, _gates_oracle(x, h_prev, Wx, Wh, b)):
        checks.array(g, e, name=msg("lecture09.lstm_gates.label_gate", name=name, where=where))


@lstm_gates.test(points=1)
def match_torch_lstm_cell(student, rng):
    for N, D, H in [(4, 3, 5), (2, 6, 6)]:
        _check_gates(
            student,
            rng.normal(size=(N, D)),
            rng.normal(size=(N, H)),
            *_params(rng, D, H),
            where=msg("lecture09.lstm_gates.label_sizes", N=N, D=D, H=H),
        )


@lstm_gates.test(points=1)
def stable_for_large_pre_activations(student, rng):
    x, h_prev, (Wx, Wh, b) = rng.normal(size=(5, 3)) * 1000, rng.uniform(-1, 1, size=(5, 4)), _params(rng, 3, 4)
    _check_gates(student, x, h_prev, Wx, Wh, b, where=msg("lecture09.lstm_gates.label_large"))


### BEGIN HIDDEN TESTS
@lstm_gates.test(points=1, hidden=True)
def batch_one_and_single_unit(student, rng):
    for N, D, H in [(1, 1, 1), (1, 4, 2), (7, 2, 3)]:
        _check_gates(
            student,
            rng.normal(size=(N, D)),
            rng.normal(size=(N, H)),
            *_params(rng, D, H),
            where=msg("lecture09.lstm_gates.label_sizes", N=N, D=D, H=H),
        )


### END HIDDEN TESTS


# --- lstm_step_forward ----------------------------------------------------------------------------------

lstm_step_forward = lecture.exercise("lstm_step_forward")


def _step_inputs(rng, N, D, H, cell_scale=1.0):
    return (
        rng.normal(size=(N, D)),
        rng.normal(size=(N, H)) * 0.5,
        rng.normal(size=(N, H)) * cell_scale,
        *_params(rng, D, H),
    )


def _check_step(student, case, where=""):
    h, c = checks.parts(student.lstm_step_forward(*case), 2, labels=("h", "c"))
    h_exp, c_exp = _cell_oracle(*case)
    checks.array(c, c_exp, name="c" + where)
    checks.array(h, h_exp, name="h" + where)


@lstm_step_forward.test(points=1)
def matches_torch_lstm_cell(student, rng):
    for dims in [(4, 3, 5), (3, 4, 4)]:
        _check_step(student, _step_inputs(rng, *dims), where=msg("lecture09.lstm_step_forward.label_dims", dims=dims))


@lstm_step_forward.test(points=1)
def large_inputs_and_cells(student, rng):
    x, h_prev, c_prev, Wx, Wh, b = _step_inputs(rng, 5, 3, 4, cell_scale=1000.0)
    _check_step(student, (x * 1000, h_prev, c_prev, Wx, Wh, b), where=msg("lecture09.lstm_step_forward.label_large"))


### BEGIN HIDDEN TESTS
@lstm_step_forward.test(points=1, hidden=True)
def batch_one_and_odd_sizes(student, rng):
    for dims in [(1, 1, 1), (1, 5, 3), (6, 2, 7)]:
        _check_step(
            student,
            _step_inputs(rng, *dims, cell_scale=2.0),
            where=msg("lecture09.lstm_step_forward.label_dims", dims=dims),
        )


@lstm_step_forward.test(points=1, hidden=True)
def closed_forget_gate_erases_the_cell(student, rng):
    # Forget-gate bias -1000: f = 0, so c must not depend on c_prev at all.
    x, h_prev, c_prev, Wx, Wh, b = _step_inputs(rng, 3, 2, 4)
    b = b.copy()
    b[4:8] = -1000.0
    _check_step(student, (x, h_prev, c_prev, Wx, Wh, b), where=msg("lecture09.lstm_step_forward.forget_closed"))


### END HIDDEN TESTS


# --- lstm_forward ----------------------------------------------------------------------------------------

lstm_forward = lecture.exercise("lstm_forward")


def _seq_inputs(rng, N, T, D, H):
    return (rng.normal(size=(N, T, D)), rng.normal(size=(N, H)) * 0.5, *_params(rng, D, H))


@lstm_forward.test(points=1)
def matches_torch_lstm(student, rng):
    for dims in [(3, 5, 4, 6), (2, 4, 3, 3)]:
        case = _seq_inputs(rng, *dims)
        checks.array(
            student.lstm_forward(*case), _lstm_oracle(*case), name=msg("lecture09.lstm_forward.label_dims", dims=dims)
        )


@lstm_forward.test(points=1)
def single_step_and_single_sample(student, rng):
    for dims in [(1, 1, 2, 3), (1, 3, 1, 1)]:
        case = _seq_inputs(rng, *dims)
        checks.array(
            student.lstm_forward(*case), _lstm_oracle(*case), name=msg("lecture09.lstm_forward.label_dims", dims=dims)
        )


### BEGIN HIDDEN TESTS
@lstm_forward.test(points=1, hidden=True)
def long_sequence_and_large_inputs(student, rng):
    case = _seq_inputs(rng, 3, 30, 2, 5)
    checks.array(student.lstm_forward(*case), _lstm_oracle(*case), name=msg("lecture09.lstm_forward.label_long"))
    x, h0, Wx, Wh, b = _seq_inputs(rng, 2, 6, 3, 4)
    checks.array(
        student.lstm_forward(x * 1000, h0, Wx, Wh, b),
        _lstm_oracle(x * 1000, h0, Wx, Wh, b),
        name=msg("lecture09.lstm_forward.label_large"),
    )


### END HIDDEN TESTS


# --- lstm_step_backward ------------------------------------------------------------------------------------

lstm_step_backward = lecture.exercise("lstm_step_backward")

_STEP_NAMES = ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db")


def _check_step_grads(student, dh, dc, case, which=None, where=""):
    got = checks.parts(student.lstm_step_backward(dh, dc, *case), 6, labels=_STEP_NAMES)
    for name, g, e in zip(_STEP_NAMES, got, _cell_oracle(*case, dh=dh, dc=dc)):
        if which is None or name in which:
            checks.array(g, e, name=name + where)


@lstm_step_backward.test(points=1)
def state_gradients_match_autograd(student, rng):
    case = _step_inputs(rng, 4, 3, 5)
    _check_step_grads(
        student, rng.normal(size=(4, 5)), rng.normal(size=(4, 5)), case, which=("dx", "dh_prev", "dc_prev")
    )


@lstm_step_backward.test(points=1)
def weight_gradients_match_autograd(student, rng):
    case = _step_inputs(rng, 4, 3, 5)
    _check_step_grads(student, rng.normal(size=(4, 5)), rng.normal(size=(4, 5)), case, which=("dWx", "dWh", "db"))


@lstm_step_backward.test(points=1)
def loss_on_h_only_reaches_the_cell(student, rng):
    # dc = 0: the whole gradient of c comes through h = o * tanh(c).
    case = _step_inputs(rng, 3, 2, 4)
    _check_step_grads(student, rng.normal(size=(3, 4)), np.zeros((3, 4)), case, where=" (dc = 0)")


### BEGIN HIDDEN TESTS
@lstm_step_backward.test(points=1, hidden=True)
def loss_on_c_only_and_odd_sizes(student, rng):
    case = _step_inputs(rng, 3, 2, 4)
    _check_step_grads(student, np.zeros((3, 4)), rng.normal(size=(3, 4)), case, where=" (dh = 0)")
    for dims in [(1, 1, 1), (1, 4, 4), (5, 2, 3)]:
        case = _step_inputs(rng, *dims, cell_scale=3.0)
        _check_step_grads(
            student,
            rng.normal(size=(dims[0], dims[2])),
            rng.normal(size=(dims[0], dims[2])),
            case,
            where=msg("lecture09.lstm_step_backward.label_dims", dims=dims),
        )


@lstm_step_backward.test(points=1, hidden=True)
def gradient_check(student, rng):
    x, h_prev, c_prev, Wx, Wh, b = _step_inputs(rng, 2, 2, 2)
    dh, dc = rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
    got = checks.parts(student.lstm_step_backward(dh, dc, x, h_prev, c_prev, Wx, Wh, b), 6, labels=_STEP_NAMES)

    def loss(b_, c_):
        h, c = _cell_oracle(x, h_prev, c_, Wx, Wh, b_)
        return float(np.sum(h * dh) + np.sum(c * dc))

    checks.gradient(got[5], lambda v: loss(v, c_prev), b, name="db")
    checks.gradient(got[2], lambda m: loss(b, m), c_prev, name="dc_prev")


### END HIDDEN TESTS


# --- lstm_backward ----------------------------------------------------------------------------------------

lstm_backward = lecture.exercise("lstm_backward")

_BPTT_NAMES = ("dx", "dh0", "dWx", "dWh", "db")


def _check_bptt(student, dh, case, which=None, where=""):
    got = checks.parts(student.lstm_backward(dh, *case), 5, labels=_BPTT_NAMES)
    for name, g, e in zip(_BPTT_NAMES, got, _lstm_oracle(*case, dh=dh)):
        if which is None or name in which:
            checks.array(g, e, name=name + where)


@lstm_backward.test(points=1)
def one_and_two_steps_match_autograd(student, rng):
    for T in (1, 2):
        case = _seq_inputs(rng, 3, T, 4, 5)
        _check_bptt(student, rng.normal(size=(3, T, 5)), case, where=msg("lecture09.lstm_backward.label_steps", T=T))


@lstm_backward.test(points=1)
def long_sequence_matches_autograd(student, rng):
    case = _seq_inputs(rng, 4, 22, 3, 5)
    _check_bptt(student, rng.normal(size=(4, 22, 5)), case, where=msg("lecture09.lstm_backward.label_t22"))


@lstm_backward.test(points=1)
def weight_gradients_sum_over_time(student, rng):
    case = _seq_inputs(rng, 2, 6, 3, 4)
    _check_bptt(
        student,
        rng.normal(size=(2, 6, 4)),
        case,
        which=("dWx", "dWh", "db"),
        where=msg("lecture09.lstm_backward.label_t6"),
    )


### BEGIN HIDDEN TESTS
@lstm_backward.test(points=1, hidden=True)
def loss_only_at_the_last_step(student, rng):
    case = _seq_inputs(rng, 3, 10, 2, 4)
    dh = np.zeros((3, 10, 4))
    dh[:, -1] = rng.normal(size=(3, 4))  # many-to-one: the gradient must reach t = 0 through h and c
    _check_bptt(student, dh, case, where=msg("lecture09.lstm_backward.last_step_only"))


@lstm_backward.test(points=1, hidden=True)
def batch_one_and_odd_sizes(student, rng):
    for dims in [(1, 25, 5, 2), (5, 3, 1, 6)]:
        case = _seq_inputs(rng, *dims)
        _check_bptt(
            student,
            rng.normal(size=(dims[0], dims[1], dims[3])),
            case,
            where=msg("lecture09.lstm_backward.label_dims", dims=dims),
        )


### END HIDDEN TESTS


# --- [device] lstm_sequence ------------------------------------------------------------------------------

lstm_sequence = lecture.exercise("lstm_sequence", device=True)

_FORBIDDEN = (
    "torch.nn.LSTM",
    "torch.nn.LSTMCell",
    "torch.nn.modules.rnn.LSTM",
    "torch.nn.modules.rnn.LSTMCell",
    "torch.lstm",
    "torch.lstm_cell",
    "torch._VF.lstm",
    "torch._VF.lstm_cell",
)
# (torch._C._VariableFunctions.lstm exists too but is read-only: the static rule below covers that spelling.)
_FORBIDDEN_NAMES = ["LSTM", "LSTMCell", "lstm", "lstm_cell", "_VF", "_VariableFunctions"]


def _device_case(rng, device, dtype, N, T, D, H, scale=1.0):
    torch = _torch()
    x, h0 = rng.normal(size=(N, T, D)) * scale, rng.normal(size=(N, H)) * 0.5
    c0 = rng.normal(size=(N, H))
    return tuple(torch.from_numpy(a).to(device=device, dtype=dtype) for a in (x, h0, c0, *_params(rng, D, H)))


def _nn_lstm(args):
    """torch.nn.LSTM on the inputs' device and dtype, with the mapped weights."""
    torch = _torch()
    x, h0, c0, Wx, Wh, b = args
    lstm = torch.nn.LSTM(Wx.shape[0], Wh.shape[0], batch_first=True, dtype=x.dtype, device=x.device)
    _load((lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0), Wx, Wh, b)
    return lambda: lstm(x, (h0[None], c0[None]))


def _check_sequence(student, args, where="", rtol=1e-9, atol_scale=1e-10):
    torch = _torch()
    with torch.no_grad():
        # The oracle runs nn.LSTM in float64 on the same device and is rounded to the inputs' dtype: cuDNN may
        # use TF32 for float32 RNNs on recent GPUs, which would be a worse oracle than the student's loop.
        out, (h_n, c_n) = _nn_lstm(tuple(a.double() for a in args))()
        out, h_n, c_n = (t.to(args[0].dtype) for t in (out, h_n, c_n))
    with student.forbidding(*_FORBIDDEN):
        got = student.lstm_sequence(*args)
    h_all, h_T, c_T = checks.parts(got, 3, labels=("h_all", "h_T", "c_T"))
    for name, g, e in (("h_all", h_all, out), ("h_T", h_T, h_n[0]), ("c_T", c_T, c_n[0])):
        checks.tensor(g, e, name=name + where, rtol=rtol, atol_scale=atol_scale)


@lstm_sequence.test(points=1)
def matches_nn_lstm_float64(student, device, rng):
    torch = _torch()
    for dims in [(3, 5, 4, 6), (1, 1, 2, 3)]:
        _check_sequence(
            student,
            _device_case(rng, device, torch.float64, *dims),
            where=msg("lecture09.lstm_sequence.label_dims", dims=dims),
        )


@lstm_sequence.test(points=1)
def keeps_float32(student, device, rng):
    torch = _torch()
    _check_sequence(
        student,
        _device_case(rng, device, torch.float32, 4, 7, 3, 5),
        where=msg("lecture09.lstm_sequence.label_float32"),
        rtol=1e-4,
        atol_scale=1e-5,
    )


@lstm_sequence.test(points=1)
def does_not_use_nn_lstm(student, source, device, rng):
    torch = _torch()
    checks.not_using(
        source,
        "lstm_sequence",
        _FORBIDDEN_NAMES,
        why=msg("lecture09.lstm_sequence.why_not_nn_lstm"),
    )
    _check_sequence(student, _device_case(rng, device, torch.float64, 2, 3, 2, 2))


### BEGIN HIDDEN TESTS
@lstm_sequence.test(points=1, hidden=True)
def long_batch_one_and_large_inputs(student, device, rng):
    torch = _torch()
    _check_sequence(
        student, _device_case(rng, device, torch.float64, 1, 25, 3, 4), where=msg("lecture09.lstm_sequence.label_long")
    )
    _check_sequence(
        student,
        _device_case(rng, device, torch.float64, 3, 4, 2, 3, scale=1000.0),
        where=msg("lecture09.lstm_sequence.label_large"),
    )
    _check_sequence(
        student,
        _device_case(rng, device, torch.float32, 2, 20, 6, 8),
        where=" (float32, T=20)",
        rtol=1e-4,
        atol_scale=1e-5,
    )


@lstm_sequence.test(points=0, hidden=True, timeout=60)
def time_against_nn_lstm(student, device, timing, rng):
    torch = _torch()
    args = _device_case(rng, device, torch.float32, 32, 20, 16, 32)
    times = student.time("lstm_sequence", *args, warmup=1, repeat=3, sync=device)
    reference = _nn_lstm(args)

    def run_reference():
        with torch.no_grad():
            reference()

    timing.compare(msg("lecture09.lstm_sequence.timing", N=32, T=20, D=16, H=32), times, run_reference)


### END HIDDEN TESTS
