"""Grading tests for lecture 8 - Recurrent networks.

Oracles: ``torch.nn.RNNCell`` / ``torch.nn.RNN`` (also ``bidirectional=True``) in float64 with the
curriculum's weights mapped onto torch's layout (``weight_ih = U.T``, ``weight_hh = W.T``,
``bias_ih = b``, ``bias_hh = 0``); torch autograd for every backward pass, with an upstream gradient on
every step; ``torch.nn.functional.cross_entropy``; ``torch.autograd.functional.jacobian`` and exact
identities (a zero state makes the Jacobian a power of ``W.T``) for the gradient norms; central
differences; the definition of global-norm clipping. Inputs are seeded random arrays of several shapes
(batch 1, odd sizes, D != H, T = 1, 2 and 20+), plus magnitudes of +-1000.
"""

from __future__ import annotations

import numpy as np

from autograder import checks
from autograder.i18n import msg
from autograder.oracles import lazy_torch as _torch
from autograder.spec import Lecture

lecture = Lecture(8, "Recurrent networks", preload=("torch",))


def _params(rng, D, H, scale=1.0):
    """U, W, b with a typical initialisation (W scaled so the recurrence neither explodes nor dies)."""
    U = rng.normal(size=(D, H)) / np.sqrt(D)
    W = rng.normal(size=(H, H)) * (scale / np.sqrt(H))
    b = rng.normal(size=H) * 0.2
    return U, W, b


def _sequence(rng, N, T, D, H, scale=1.0):
    U, W, b = _params(rng, D, H, scale)
    return rng.normal(size=(N, T, D)), rng.normal(size=(N, H)) * 0.5, U, W, b


def _rnn_module(U, W, b, bidirectional=False, params_b=None):
    """A float64 torch.nn.RNN(tanh, batch_first) carrying the curriculum's weights."""
    torch = _torch()
    D, H = U.shape
    rnn = torch.nn.RNN(D, H, batch_first=True, bidirectional=bidirectional, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(U.T))
        rnn.weight_hh_l0.copy_(torch.from_numpy(W.T))
        rnn.bias_ih_l0.copy_(torch.from_numpy(b))
        rnn.bias_hh_l0.zero_()
        if bidirectional:
            Ub, Wb, bb = params_b
            rnn.weight_ih_l0_reverse.copy_(torch.from_numpy(Ub.T))
            rnn.weight_hh_l0_reverse.copy_(torch.from_numpy(Wb.T))
            rnn.bias_ih_l0_reverse.copy_(torch.from_numpy(bb))
            rnn.bias_hh_l0_reverse.zero_()
    return rnn


def _cell_oracle(x, h_prev, U, W, b, dh=None):
    """torch.nn.RNNCell forward (and autograd backward for the upstream gradient ``dh``)."""
    torch = _torch()
    D, H = U.shape
    cell = torch.nn.RNNCell(D, H, dtype=torch.float64)
    with torch.no_grad():
        cell.weight_ih.copy_(torch.from_numpy(U.T))
        cell.weight_hh.copy_(torch.from_numpy(W.T))
        cell.bias_ih.copy_(torch.from_numpy(b))
        cell.bias_hh.zero_()
    xt = torch.tensor(x, requires_grad=True)
    ht = torch.tensor(h_prev, requires_grad=True)
    h = cell(xt, ht)
    if dh is None:
        return h.detach().numpy()
    (h * torch.from_numpy(dh)).sum().backward()
    return (
        xt.grad.numpy(),
        ht.grad.numpy(),
        cell.weight_ih.grad.T.numpy(),
        cell.weight_hh.grad.T.numpy(),
        cell.bias_ih.grad.numpy(),
    )


def _rnn_oracle(x, h0, U, W, b, dh=None):
    """torch.nn.RNN forward over the sequence (and BPTT by autograd for the upstream gradients ``dh``)."""
    torch = _torch()
    rnn = _rnn_module(U, W, b)
    xt = torch.tensor(x, requires_grad=True)
    h0t = torch.tensor(h0[None], requires_grad=True)
    out, _ = rnn(xt, h0t)
    if dh is None:
        return out.detach().numpy()
    (out * torch.from_numpy(dh)).sum().backward()
    return (
        xt.grad.numpy(),
        h0t.grad[0].numpy(),
        rnn.weight_ih_l0.grad.T.numpy(),
        rnn.weight_hh_l0.grad.T.numpy(),
        rnn.bias_ih_l0.grad.numpy(),
    )


_GRAD_NAMES = ("dx", "dh_prev", "dU", "dW", "db")
_BPTT_NAMES = ("dx", "dh0", "dU", "dW", "db")


def _check_grads(got, expected, names, which=None, where=""):
    parts = checks.parts(got, len(names), labels=names)
    for name, g, e in zip(names, parts, expected):
        if which is None or name in which:
            checks.array(g, e, name=name + where)


# --- rnn_step_forward ----------------------------------------------------------------------------------

rnn_step_forward = lecture.exercise("rnn_step_forward")


@rnn_step_forward.test(points=1)
def matches_torch_rnn_cell(student, rng):
    for N, D, H in [(4, 3, 5), (3, 4, 4)]:
        x, h_prev, (U, W, b) = rng.normal(size=(N, D)), rng.normal(size=(N, H)), _params(rng, D, H)
        checks.array(
            student.rnn_step_forward(x, h_prev, U, W, b),
            _cell_oracle(x, h_prev, U, W, b),
            name=msg("lecture08.rnn_step_forward.label_sizes", N=N, D=D, H=H),
        )


@rnn_step_forward.test(points=1)
def saturates_for_large_inputs(student, rng):
    x, h_prev, (U, W, b) = rng.normal(size=(5, 3)) * 1000, rng.uniform(-1, 1, size=(5, 4)), _params(rng, 3, 4)
    checks.array(student.rnn_step_forward(x, h_prev, U, W, b), _cell_oracle(x, h_prev, U, W, b), name="h")


### BEGIN HIDDEN TESTS
@rnn_step_forward.test(points=1, hidden=True)
def batch_one_and_wide_state(student, rng):
    for N, D, H in [(1, 1, 1), (1, 7, 2), (6, 2, 9)]:
        x, h_prev, (U, W, b) = rng.normal(size=(N, D)), rng.normal(size=(N, H)), _params(rng, D, H, 2.0)
        checks.array(
            student.rnn_step_forward(x, h_prev, U, W, b),
            _cell_oracle(x, h_prev, U, W, b),
            name=msg("lecture08.rnn_step_forward.label_sizes", N=N, D=D, H=H),
        )


### END HIDDEN TESTS


# --- rnn_forward ------------------------------------------------------------------------------------------

rnn_forward = lecture.exercise("rnn_forward")


@rnn_forward.test(points=1)
def matches_torch_rnn(student, rng):
    for dims in [(3, 5, 4, 6), (2, 4, 5, 5)]:
        x, h0, U, W, b = _sequence(rng, *dims)
        checks.array(
            student.rnn_forward(x, h0, U, W, b),
            _rnn_oracle(x, h0, U, W, b),
            name=msg("lecture08.rnn_forward.label_dims", dims=dims),
        )


@rnn_forward.test(points=1)
def single_step_and_single_sample(student, rng):
    for dims in [(1, 1, 3, 2), (1, 3, 1, 1)]:
        x, h0, U, W, b = _sequence(rng, *dims)
        checks.array(
            student.rnn_forward(x, h0, U, W, b),
            _rnn_oracle(x, h0, U, W, b),
            name=msg("lecture08.rnn_forward.label_dims", dims=dims),
        )


### BEGIN HIDDEN TESTS
@rnn_forward.test(points=1, hidden=True)
def long_sequence_strong_recurrence(student, rng):
    x, h0, U, W, b = _sequence(rng, 3, 30, 2, 7, scale=1.8)
    checks.array(
        student.rnn_forward(x, h0, U, W, b), _rnn_oracle(x, h0, U, W, b), name=msg("lecture08.rnn_forward.label_long")
    )


@rnn_forward.test(points=1, hidden=True)
def large_magnitudes(student, rng):
    x, h0, U, W, b = _sequence(rng, 4, 6, 3, 3)
    x = x * 1000
    checks.array(
        student.rnn_forward(x, h0, U, W, b), _rnn_oracle(x, h0, U, W, b), name=msg("lecture08.rnn_forward.label_large")
    )


### END HIDDEN TESTS


# --- rnn_step_backward --------------------------------------------------------------------------------

rnn_step_backward = lecture.exercise("rnn_step_backward")


def _step_case(rng, N, D, H):
    x, h_prev, (U, W, b) = rng.normal(size=(N, D)), rng.normal(size=(N, H)), _params(rng, D, H)
    return rng.normal(size=(N, H)), x, h_prev, U, W, b


@rnn_step_backward.test(points=1)
def input_gradients_match_autograd(student, rng):
    case = _step_case(rng, 4, 3, 5)
    _check_grads(
        student.rnn_step_backward(*case), _cell_oracle(*case[1:], dh=case[0]), _GRAD_NAMES, which=("dx", "dh_prev")
    )


@rnn_step_backward.test(points=1)
def weight_gradients_match_autograd(student, rng):
    case = _step_case(rng, 4, 3, 5)
    _check_grads(
        student.rnn_step_backward(*case), _cell_oracle(*case[1:], dh=case[0]), _GRAD_NAMES, which=("dU", "dW", "db")
    )


### BEGIN HIDDEN TESTS
@rnn_step_backward.test(points=1, hidden=True)
def other_shapes_and_saturation(student, rng):
    for N, D, H in [(1, 1, 1), (1, 4, 4), (7, 2, 3)]:
        case = _step_case(rng, N, D, H)
        _check_grads(
            student.rnn_step_backward(*case),
            _cell_oracle(*case[1:], dh=case[0]),
            _GRAD_NAMES,
            where=msg("lecture08.rnn_step_backward.label_sizes", N=N, D=D, H=H),
        )
    dh, x, h_prev, U, W, b = _step_case(rng, 3, 2, 4)
    x = x * 1000  # saturated units pass (almost) no gradient
    _check_grads(
        student.rnn_step_backward(dh, x, h_prev, U, W, b),
        _cell_oracle(x, h_prev, U, W, b, dh=dh),
        _GRAD_NAMES,
        where=msg("lecture08.rnn_step_backward.label_large"),
    )


@rnn_step_backward.test(points=1, hidden=True)
def gradient_check(student, rng):
    dh, x, h_prev, U, W, b = _step_case(rng, 3, 2, 3)
    grads = checks.parts(student.rnn_step_backward(dh, x, h_prev, U, W, b), 5, labels=_GRAD_NAMES)
    loss = lambda x_, h_, U_, W_, b_: float(np.sum(np.tanh(x_ @ U_ + h_ @ W_ + b_) * dh))
    checks.gradient(grads[3], lambda m: loss(x, h_prev, U, m, b), W, name="dW")
    checks.gradient(grads[1], lambda m: loss(x, m, U, W, b), h_prev, name="dh_prev")


### END HIDDEN TESTS


# --- rnn_backward (BPTT) ---------------------------------------------------------------------------------

rnn_backward = lecture.exercise("rnn_backward")


def _bptt_case(rng, N, T, D, H, scale=1.0):
    x, h0, U, W, b = _sequence(rng, N, T, D, H, scale)
    return rng.normal(size=(N, T, H)), x, h0, U, W, b


def _check_bptt(student, case, which=None, where=""):
    _check_grads(student.rnn_backward(*case), _rnn_oracle(*case[1:], dh=case[0]), _BPTT_NAMES, which=which, where=where)


@rnn_backward.test(points=1)
def one_and_two_steps_match_autograd(student, rng):
    for T in (1, 2):
        _check_bptt(student, _bptt_case(rng, 3, T, 4, 5), where=msg("lecture08.rnn_backward.label_steps", T=T))


@rnn_backward.test(points=1)
def long_sequence_matches_autograd(student, rng):
    _check_bptt(student, _bptt_case(rng, 4, 21, 3, 5, scale=1.2), where=msg("lecture08.rnn_backward.label_t21"))


@rnn_backward.test(points=1)
def weight_gradients_sum_over_time(student, rng):
    case = _bptt_case(rng, 2, 6, 3, 4)
    _check_bptt(student, case, which=("dU", "dW", "db"), where=msg("lecture08.rnn_backward.label_t6"))


### BEGIN HIDDEN TESTS
@rnn_backward.test(points=1, hidden=True)
def loss_only_at_the_last_step(student, rng):
    dh, *rest = _bptt_case(rng, 3, 8, 2, 4)
    dh[:, :-1] = 0.0  # many-to-one: only the last state has a loss; BPTT must carry it back to t = 0
    _check_bptt(student, (dh, *rest), where=msg("lecture08.rnn_backward.label_last_only"))


@rnn_backward.test(points=1, hidden=True)
def batch_one_non_square_long(student, rng):
    for dims in [(1, 25, 6, 2), (5, 3, 1, 7)]:
        _check_bptt(
            student, _bptt_case(rng, *dims, scale=1.5), where=msg("lecture08.rnn_backward.label_dims", dims=dims)
        )


@rnn_backward.test(points=1, hidden=True)
def gradient_check(student, rng):
    dh, x, h0, U, W, b = _bptt_case(rng, 2, 4, 2, 3)
    grads = checks.parts(student.rnn_backward(dh, x, h0, U, W, b), 5, labels=_BPTT_NAMES)
    loss = lambda U_, W_: float(np.sum(_rnn_oracle(x, h0, U_, W_, b) * dh))
    checks.gradient(grads[2], lambda m: loss(m, W), U, name="dU")
    checks.gradient(grads[3], lambda m: loss(U, m), W, name="dW")


### END HIDDEN TESTS


# --- rnn_output ---------------------------------------------------------------------------------------------

rnn_output = lecture.exercise("rnn_output")


def _output_oracle(h, V, c):
    torch = _torch()
    return torch.nn.functional.linear(torch.from_numpy(h), torch.from_numpy(V.T), torch.from_numpy(c)).numpy()


@rnn_output.test(points=1)
def matches_torch_linear(student, rng):
    h, V, c = rng.uniform(-1, 1, size=(3, 5, 4)), rng.normal(size=(4, 6)), rng.normal(size=6)
    checks.array(student.rnn_output(h, V, c), _output_oracle(h, V, c), name="y")


### BEGIN HIDDEN TESTS
@rnn_output.test(points=1, hidden=True)
def one_step_one_class_and_large(student, rng):
    for shape, C in [((1, 1, 3), 1), ((2, 7, 1), 4), ((4, 3, 5), 2)]:
        h, V, c = rng.uniform(-1, 1, size=shape), rng.normal(size=(shape[2], C)) * 1000, rng.normal(size=C)
        checks.array(
            student.rnn_output(h, V, c),
            _output_oracle(h, V, c),
            name=msg("lecture08.rnn_output.label_shape", shape=shape, C=C),
        )


### END HIDDEN TESTS


# --- sequence_cross_entropy ----------------------------------------------------------------------------------

sequence_cross_entropy = lecture.exercise("sequence_cross_entropy")


def _seq_ce_oracle(logits, labels):
    torch = _torch()
    N, T, C = logits.shape
    total = torch.nn.functional.cross_entropy(
        torch.from_numpy(logits.reshape(N * T, C)),
        torch.from_numpy(labels.reshape(N * T).astype(np.int64)),
        reduction="sum",
    )
    return float(total) / N


@sequence_cross_entropy.test(points=1)
def matches_torch_cross_entropy(student, rng):
    for N, T, C in [(4, 6, 5), (3, 2, 3)]:
        logits, labels = rng.normal(size=(N, T, C)) * 2, rng.integers(0, C, size=(N, T))
        checks.scalar(
            student.sequence_cross_entropy(logits, labels),
            _seq_ce_oracle(logits, labels),
            name=msg("lecture08.sequence_cross_entropy.label_dims", dims=(N, T, C)),
        )


@sequence_cross_entropy.test(points=1)
def stable_for_large_logits(student, rng):
    logits = rng.normal(size=(2, 3, 4)) * 1000
    logits[0, 0] = [1000.0, -1000.0, 1000.0, 0.0]
    labels = rng.integers(0, 4, size=(2, 3))
    labels[0, 0] = 1
    checks.scalar(student.sequence_cross_entropy(logits, labels), _seq_ce_oracle(logits, labels), name="loss")


### BEGIN HIDDEN TESTS
@sequence_cross_entropy.test(points=1, hidden=True)
def sums_over_time_averages_over_batch(student, rng):
    # One sample, one step: the plain cross-entropy; then N=5, T=9: summed over time, not averaged.
    for N, T, C in [(1, 1, 2), (5, 9, 3), (2, 4, 50)]:
        logits, labels = rng.normal(size=(N, T, C)) * 5, rng.integers(0, C, size=(N, T))
        checks.scalar(
            student.sequence_cross_entropy(logits, labels),
            _seq_ce_oracle(logits, labels),
            name=msg("lecture08.sequence_cross_entropy.label_dims", dims=(N, T, C)),
        )


### END HIDDEN TESTS


# --- bidirectional_rnn_forward --------------------------------------------------------------------------------

bidirectional_rnn_forward = lecture.exercise("bidirectional_rnn_forward")


def _birnn_oracle(x, h0_f, h0_b, params_f, params_b):
    torch = _torch()
    rnn = _rnn_module(*params_f, bidirectional=True, params_b=params_b)
    with torch.no_grad():
        out, _ = rnn(torch.from_numpy(x), torch.from_numpy(np.stack([h0_f, h0_b])))
    return out.numpy()


def _birnn_case(rng, N, T, D, H):
    x, h0_f = rng.normal(size=(N, T, D)), rng.normal(size=(N, H)) * 0.5
    return x, h0_f, rng.normal(size=(N, H)) * 0.5, _params(rng, D, H), _params(rng, D, H)


@bidirectional_rnn_forward.test(points=1)
def matches_torch_bidirectional_rnn(student, rng):
    case = _birnn_case(rng, 3, 5, 4, 6)
    checks.array(student.bidirectional_rnn_forward(*case), _birnn_oracle(*case), name="states")


@bidirectional_rnn_forward.test(points=1)
def halves_are_the_two_directions(student, rng):
    # A second oracle: the forward half is a plain RNN; the backward half is a plain RNN over the reversed
    # sequence, reversed back into time order.
    x, h0_f, h0_b, params_f, params_b = _birnn_case(rng, 2, 4, 3, 3)
    got = checks.array(
        student.bidirectional_rnn_forward(x, h0_f, h0_b, params_f, params_b),
        np.zeros((2, 4, 6)),
        name="states",
        rtol=0.0,
        atol=np.inf,
    )  # type, shape, finiteness
    checks.array(
        got[:, :, :3], _rnn_oracle(x, h0_f, *params_f), name=msg("lecture08.bidirectional_rnn_forward.label_forward")
    )
    checks.array(
        got[:, :, 3:],
        _rnn_oracle(x[:, ::-1].copy(), h0_b, *params_b)[:, ::-1],
        name=msg("lecture08.bidirectional_rnn_forward.label_backward"),
    )


### BEGIN HIDDEN TESTS
@bidirectional_rnn_forward.test(points=1, hidden=True)
def single_step_batch_one_and_long(student, rng):
    for dims in [(1, 1, 2, 3), (1, 12, 3, 2), (4, 2, 1, 5)]:
        case = _birnn_case(rng, *dims)
        checks.array(
            student.bidirectional_rnn_forward(*case),
            _birnn_oracle(*case),
            name=msg("lecture08.bidirectional_rnn_forward.label_dims", dims=dims),
        )


### END HIDDEN TESTS


# --- clip_gradients ---------------------------------------------------------------------------------------

clip_gradients = lecture.exercise("clip_gradients")


def _global_norm(arrays):
    torch = _torch()
    return float(torch.linalg.vector_norm(torch.cat([torch.from_numpy(a).reshape(-1) for a in arrays])))


def _grad_dict(rng, scale):
    return {
        "U": rng.normal(size=(3, 4)) * scale,
        "W": rng.normal(size=(4, 4)) * scale,
        "b": rng.normal(size=4) * scale,
        "V": rng.normal(size=(4, 2)) * scale,
    }


def _check_clipped(got, grads, max_norm):
    norm = _global_norm(list(grads.values()) if isinstance(grads, dict) else grads)
    factor = max_norm / norm if norm > max_norm else 1.0
    if isinstance(grads, dict):
        got = checks.mapping(got, grads, name=msg("lecture08.clip_gradients.label_clipped"))
        items = [(f'clipped["{k}"]', got[k], grads[k]) for k in grads]
    else:
        kind = type(got).__name__ if got is not None else "None"
        checks.that(isinstance(got, list), msg("lecture08.clip_gradients.not_a_list", kind=kind))
        checks.that(
            len(got) == len(grads), msg("lecture08.clip_gradients.list_length", got=len(got), expected=len(grads))
        )
        items = [(f"clipped[{i}]", g, e) for i, (g, e) in enumerate(zip(got, grads))]
    if factor < 1:
        what = msg("lecture08.clip_gradients.scaled_note", norm=norm, max_norm=max_norm, factor=factor)
    else:
        what = msg("lecture08.clip_gradients.unchanged_note", norm=norm, max_norm=max_norm)
    for name, g, e in items:
        checks.array(g, e * factor, name=f"{name} {what}", rtol=1e-12, atol_scale=1e-14)


@clip_gradients.test(points=1)
def below_max_norm_unchanged(student, rng):
    grads = _grad_dict(rng, 0.1)
    _check_clipped(student.clip_gradients(grads, 5.0), grads, 5.0)


@clip_gradients.test(points=1)
def clips_dict_to_max_norm(student, rng):
    grads = _grad_dict(rng, 3.0)
    _check_clipped(student.clip_gradients(grads, 1.5), grads, 1.5)


@clip_gradients.test(points=1)
def clips_a_list(student, rng):
    grads = [rng.normal(size=(2, 3)) * 10, rng.normal(size=5) * 10]
    _check_clipped(student.clip_gradients(grads, 2.0), grads, 2.0)


### BEGIN HIDDEN TESTS
@clip_gradients.test(points=1, hidden=True)
def global_not_per_array(student, rng):
    # Each array alone is below max_norm, together they are above it: only the global norm clips.
    grads = {"a": np.full(4, 0.9), "b": np.full(4, -0.9), "c": rng.normal(size=(2, 2))}
    _check_clipped(student.clip_gradients(grads, 2.0), grads, 2.0)
    grads = [rng.normal(size=3) * 1000, np.zeros((2, 2)), rng.normal(size=(1, 6)) * 1000]
    _check_clipped(student.clip_gradients(grads, 0.25), grads, 0.25)


@clip_gradients.test(points=1, hidden=True)
def at_the_bound_and_zero(student, rng):
    g = np.array([3.0, 4.0])  # norm exactly 5
    _check_clipped(student.clip_gradients({"g": g}, 5.0), {"g": g}, 5.0)
    zeros = [np.zeros(3), np.zeros((2, 2))]
    _check_clipped(student.clip_gradients(zeros, 1.0), zeros, 1.0)
    single = [rng.normal(size=(3, 3)) * 7]
    _check_clipped(student.clip_gradients(single, 1.0), single, 1.0)


### END HIDDEN TESTS


# --- bptt_gradient_norms ----------------------------------------------------------------------------------

bptt_gradient_norms = lecture.exercise("bptt_gradient_norms")


def _jacobian_norms(x, h0, U, W, b):
    """Entry t: Frobenius norm of d h[:, T-1] / d h[:, t], by torch.autograd.functional.jacobian."""
    torch = _torch()
    T = x.shape[1]
    xt, Ut, Wt, bt = (torch.from_numpy(a) for a in (x, U, W, b))
    with torch.no_grad():
        states, state = [], torch.from_numpy(h0)
        for t in range(T):
            state = torch.tanh(xt[:, t] @ Ut + state @ Wt + bt)
            states.append(state)

    def run_from(t):
        def f(h_t):
            for k in range(t + 1, T):
                h_t = torch.tanh(xt[:, k] @ Ut + h_t @ Wt + bt)
            return h_t

        return f

    return np.array(
        [float(torch.linalg.vector_norm(torch.autograd.functional.jacobian(run_from(t), states[t]))) for t in range(T)]
    )


@bptt_gradient_norms.test(points=1)
def matches_autograd_jacobians(student, rng):
    for dims in [(3, 7, 2, 4), (1, 5, 3, 3)]:
        x, h0, U, W, b = _sequence(rng, *dims, scale=1.5)
        checks.array(
            student.bptt_gradient_norms(x, h0, U, W, b),
            _jacobian_norms(x, h0, U, W, b),
            name=msg("lecture08.bptt_gradient_norms.label_dims", dims=dims),
        )


@bptt_gradient_norms.test(points=1)
def zero_state_gives_powers_of_w(student, rng):
    # x = 0, b = 0, h0 = 0 keeps every state at 0, where tanh' = 1: dh_{T-1}/dh_t = (W.T)^(T-1-t) per sample.
    N, T, D, H = 2, 6, 3, 4
    x, h0, U = np.zeros((N, T, D)), np.zeros((N, H)), rng.normal(size=(D, H))
    W = rng.normal(size=(H, H)) * 0.6
    expected = np.array([np.sqrt(N) * np.linalg.norm(np.linalg.matrix_power(W, T - 1 - t)) for t in range(T)])
    got = checks.array(student.bptt_gradient_norms(x, h0, U, W, np.zeros(H)), expected, name="norms")
    checks.that(abs(got[-1] - np.sqrt(N * H)) < 1e-9, msg("lecture08.bptt_gradient_norms.last_is_identity"))


### BEGIN HIDDEN TESTS
@bptt_gradient_norms.test(points=1, hidden=True)
def vanishing_for_small_exploding_for_large_weights(student, rng):
    N, T, D, H = 2, 15, 2, 5
    Q, _ = np.linalg.qr(rng.normal(size=(H, H)))
    x, h0, U = rng.normal(size=(N, T, D)), rng.normal(size=(N, H)) * 0.5, rng.normal(size=(D, H))
    small = checks.array(
        student.bptt_gradient_norms(x, h0, U, 0.3 * Q, np.zeros(H)),
        _jacobian_norms(x, h0, U, 0.3 * Q, np.zeros(H)),
        name=msg("lecture08.bptt_gradient_norms.label_small"),
    )
    checks.that(
        small[0] < 1e-6 * small[-1] and np.all(np.diff(small) > 0),
        msg("lecture08.bptt_gradient_norms.small_must_vanish", first=checks.fmt(small[:3])),
    )
    zero_x = np.zeros((N, T, D))
    big = checks.array(
        student.bptt_gradient_norms(zero_x, np.zeros((N, H)), U, 1.5 * Q, np.zeros(H)),
        np.sqrt(N * H) * 1.5 ** np.arange(T - 1, -1, -1.0),
        name=msg("lecture08.bptt_gradient_norms.label_large"),
    )
    checks.that(big[0] > 100 * big[-1], msg("lecture08.bptt_gradient_norms.large_must_grow"))


@bptt_gradient_norms.test(points=1, hidden=True)
def one_step_and_batch_one(student, rng):
    for dims in [(1, 1, 2, 3), (4, 1, 1, 2), (1, 9, 4, 6)]:
        x, h0, U, W, b = _sequence(rng, *dims, scale=2.0)
        checks.array(
            student.bptt_gradient_norms(x, h0, U, W, b),
            _jacobian_norms(x, h0, U, W, b),
            name=msg("lecture08.bptt_gradient_norms.label_dims", dims=dims),
        )


### END HIDDEN TESTS
