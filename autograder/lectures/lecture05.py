"""Grading tests for lecture 5 - Regularization and optimization.

Oracles: torch in float64 (autograd for the penalties, activations and batch normalization,
``torch.nn.functional.batch_norm`` for its forward pass, ``torch.optim`` SGD/Adagrad/RMSprop/Adam stepping
the same gradients for several consecutive steps, their state included), central differences, and slow
oracles written here from the definition (early stopping, batch normalization). Random functions (dropout,
vanishing_gradient) are graded on their contract so that any valid random stream passes. Every call also
checks that the student's function did not modify its inputs (the worker compares them before and after).
"""

from __future__ import annotations

import numpy as np

from autograder import checks
from autograder.i18n import msg
from autograder.oracles import lazy_torch as _torch
from autograder.spec import Lecture

lecture = Lecture(5, "Regularization and optimization", preload=("torch",))


def _t(a, grad=True):
    """A float64 torch tensor from a numpy array (with grad), for autograd oracles."""
    torch = _torch()
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def _float_array(got, shape, name):
    """Check that ``got`` is a float64 numpy array of ``shape`` (before any arithmetic on it)."""
    ok = isinstance(got, np.ndarray) and got.shape == tuple(shape) and got.dtype.kind == "f" and got.itemsize >= 8
    if not ok:  # checks.array reports the type, shape or dtype problem (the values are never reached)
        checks.array(got, np.zeros(shape), name=name)
    checks.that(
        np.all(np.isfinite(got)), msg("lecture05.shared.nonfinite", name=name, count=int((~np.isfinite(got)).sum()))
    )
    return got


# --- norm penalties ------------------------------------------------------------------------------------------

l1_penalty = lecture.exercise("l1_penalty")


def _penalty_oracle(kind, w, lam):
    wt = _t(w)
    value = lam * wt.abs().sum() if kind == "l1" else lam * (wt**2).sum() / 2
    value.backward()
    return value.item(), wt.grad.numpy()


def _check_penalty(student, kind, w, lam):
    value_exp, grad_exp = _penalty_oracle(kind, w, lam)
    fn = student.l1_penalty if kind == "l1" else student.l2_penalty
    value, grad = checks.parts(fn(w, lam), 2, name=f"{kind}_penalty(w, {lam})", labels=("value", "grad"))
    checks.scalar(value, value_exp, name=msg("lecture05.l1_penalty.label_value", kind=kind, shape=w.shape, lam=lam))
    checks.array(grad, grad_exp, name=msg("lecture05.l1_penalty.label_gradient", kind=kind, shape=w.shape, lam=lam))


@l1_penalty.test(points=1)
def l1_value_matches_autograd(student, rng):
    w = rng.normal(size=(5, 4))
    value_exp, _ = _penalty_oracle("l1", w, 0.3)
    value, _ = checks.parts(student.l1_penalty(w, 0.3), 2, name="l1_penalty(w, 0.3)", labels=("value", "grad"))
    checks.scalar(value, value_exp, name=msg("lecture05.l1_penalty.label_l1_value"))


@l1_penalty.test(points=1)
def gradient_matches_autograd_zero_at_zero(student, rng):
    w = rng.normal(size=(6, 3))
    w[0, :] = 0.0
    w[3, 1] = -0.0
    _check_penalty(student, "l1", w, 0.05)


### BEGIN HIDDEN TESTS
@l1_penalty.test(points=1, hidden=True)
def l1_any_shape_large_weights_and_zero_lambda(student, rng):
    w3 = rng.normal(size=(2, 3, 4)) * 1000
    w3[1, 2, :2] = 0.0
    for w, lam in [(rng.normal(size=7), 2.0), (w3, 1e-3), (rng.normal(size=(3, 3)), 0.0), (np.zeros(4), 1.0)]:
        _check_penalty(student, "l1", w, lam)


### END HIDDEN TESTS


l2_penalty = lecture.exercise("l2_penalty")


@l2_penalty.test(points=1)
def l2_value_matches_autograd(student, rng):
    w = rng.normal(size=(4, 5))
    value_exp, _ = _penalty_oracle("l2", w, 0.7)
    value, _ = checks.parts(student.l2_penalty(w, 0.7), 2, name="l2_penalty(w, 0.7)", labels=("value", "grad"))
    checks.scalar(value, value_exp, name=msg("lecture05.l2_penalty.label_l2_value"))


@l2_penalty.test(points=1)
def gradient_matches_autograd(student, rng):
    _check_penalty(student, "l2", rng.normal(size=(3, 7)), 0.1)


### BEGIN HIDDEN TESTS
@l2_penalty.test(points=1, hidden=True)
def l2_any_shape_large_weights_and_zero_lambda(student, rng):
    for w, lam in [(rng.normal(size=1), 3.0), (rng.normal(size=(2, 3, 2)) * 1000, 1e-4), (rng.normal(size=(5,)), 0.0)]:
        _check_penalty(student, "l2", w, lam)


### END HIDDEN TESTS


# --- early stopping ----------------------------------------------------------------------------------------

early_stopping = lecture.exercise("early_stopping")


def _early_stopping_oracle(losses, patience):
    """From the definition: find the stopping epoch first, then the best epoch before it."""
    losses = [float(v) for v in losses]
    improved = [i == 0 or losses[i] < min(losses[:i]) for i in range(len(losses))]
    window = max(patience, 1)
    stop = len(losses) - 1
    for i in range(len(losses)):
        if i + 1 >= window and not any(improved[i + 1 - window : i + 1]):
            stop = i
            break
    seen = losses[: stop + 1]
    return seen.index(min(seen))  # the first occurrence: a later tie is no improvement


def _check_stop(student, losses, patience, note):
    expected = _early_stopping_oracle(losses, patience)
    checks.integer(
        student.early_stopping(losses, patience), expected, name=f"early_stopping({note}, patience={patience})"
    )


# (curve, patience, best epoch): the expected answers are worked out by hand (and checked against the
# oracle by tests/test_lecture05_extra.py).
HAND_BUILT_CURVES = [
    ([1.0, 0.8, 0.6, 0.5, 0.55, 0.6, 0.7, 0.8], 2, 3),  # U-shaped: stops at epoch 5
    ([1.0, 0.8, 0.6, 0.5, 0.55, 0.6, 0.7, 0.8], 4, 3),  # never stops
    ([1.0, 0.7, 0.7, 0.7, 0.65, 0.66, 0.67, 0.5], 2, 1),  # a plateau stops it at epoch 3
    ([1.0, 0.7, 0.7, 0.7, 0.65, 0.66, 0.67, 0.5], 4, 7),  # patient enough for the late drop
    ([0.9, 0.5, 0.6, 0.5, 0.5, 0.4, 0.7], 3, 1),  # ties with the best do not reset the counter
    ([0.9, 0.5, 0.6, 0.5, 0.5, 0.4, 0.7], 4, 5),
]


@early_stopping.test(points=1)
def hand_built_curves(student):
    for curve, patience, expected in HAND_BUILT_CURVES:
        checks.integer(
            student.early_stopping(curve, patience), expected, name=f"early_stopping({curve}, patience={patience})"
        )


@early_stopping.test(points=1)
def ties_are_no_improvement_and_patience_zero(student):
    # the tie at epoch 2 is the second non-improving epoch in a row: patience 2 stops there, before the 0.1.
    _check_stop(student, [0.5, 0.6, 0.5, 0.5, 0.1], 2, "[0.5, 0.6, 0.5, 0.5, 0.1]")
    # patience 0 behaves like 1: stop at the first epoch that does not improve.
    _check_stop(student, [1.0, 0.9, 0.9, 0.2], 0, "[1.0, 0.9, 0.9, 0.2]")
    _check_stop(student, [1.0, 0.9, 0.95, 0.2], 1, "[1.0, 0.9, 0.95, 0.2]")


### BEGIN HIDDEN TESTS
@early_stopping.test(points=1, hidden=True)
def random_curves_against_definition(student, rng):
    for trial in range(12):
        n = int(rng.integers(1, 25))
        losses = [float(v) for v in rng.integers(0, 6, size=n)]  # few distinct values: many ties and plateaus
        patience = int(rng.integers(0, 5))
        as_array = trial % 2 == 1
        _check_stop(
            student,
            np.array(losses) if as_array else losses,
            patience,
            f"{'np.array(' if as_array else ''}{losses}{')' if as_array else ''}",
        )


@early_stopping.test(points=1, hidden=True)
def never_stops_and_single_epoch(student, rng):
    decreasing = list(np.sort(rng.uniform(0, 1, size=9))[::-1])
    _check_stop(
        student,
        decreasing,
        1,
        msg("lecture05.early_stopping.label_decreasing", values=np.round(decreasing, 3).tolist()),
    )
    _check_stop(student, [0.3], 0, "[0.3]")
    _check_stop(student, [2.0, 2.0, 2.0], 5, "[2.0, 2.0, 2.0]")


### END HIDDEN TESTS


# --- dropout -------------------------------------------------------------------------------------------

dropout_forward = lecture.exercise("dropout_forward")


def _dropout_outputs(student, x, p, train, rng, note):
    out, mask = checks.parts(
        student.dropout_forward(x, p, train, rng), 2, name=f"dropout_forward({note})", labels=("out", "mask")
    )
    mask = _float_array(mask, x.shape, f"mask ({note})")
    out = _float_array(out, x.shape, f"out ({note})")
    other = mask[(mask != 0) & (mask != 1)]
    checks.that(other.size == 0, msg("lecture05.dropout_forward.mask_values", note=note, values=other[:3]))
    return out, mask


def _check_train_dropout(student, x, p, rng, note, sigmas=6.0):
    out, mask = _dropout_outputs(student, x, p, True, rng, note)
    dropped = mask == 0
    checks.that(np.all(out[dropped] == 0.0), msg("lecture05.dropout_forward.zero_where_dropped", note=note))
    if p < 1:
        checks.array(
            out, x * mask / (1 - p), name=msg("lecture05.dropout_forward.label_out_scaled", note=note), rtol=1e-12
        )
    rate, bound = dropped.mean(), sigmas * np.sqrt(p * (1 - p) / x.size)
    checks.that(
        abs(rate - p) <= bound,
        msg("lecture05.dropout_forward.drop_rate", note=note, rate=rate, p=p, bound=bound, sigmas=sigmas),
    )
    return mask


@dropout_forward.test(points=1)
def train_mode_contract(student, rng):
    x = rng.normal(size=(200, 300))
    seed = int(rng.integers(2**32))
    _check_train_dropout(student, x, 0.3, np.random.default_rng(seed), msg("lecture05.dropout_forward.label_x_200"))


@dropout_forward.test(points=1)
def eval_mode_is_identity(student, rng):
    x = rng.normal(size=(7, 5))
    out, mask = _dropout_outputs(student, x, 0.5, False, np.random.default_rng(0), "train=False")
    checks.array(out, x, name=msg("lecture05.dropout_forward.label_eval_out"), rtol=0, atol=0)
    checks.array(mask, np.ones_like(x), name=msg("lecture05.dropout_forward.label_eval_mask"), rtol=0, atol=0)


### BEGIN HIDDEN TESTS
@dropout_forward.test(points=1, hidden=True)
def several_rates_and_shapes(student, rng):
    for p, shape in [(0.1, (50, 40, 30)), (0.5, (100001,)), (0.9, (300, 200)), (0.5, (1, 1))]:
        x = rng.normal(size=shape) * 1000
        _check_train_dropout(
            student,
            x,
            p,
            np.random.default_rng(int(rng.integers(2**32))),
            msg("lecture05.dropout_forward.label_shape", shape=shape, p=p),
            sigmas=6.0 if x.size > 100 else 1.0,
        )


@dropout_forward.test(points=1, hidden=True)
def drop_all_and_drop_none(student, rng):
    x = rng.normal(size=(20, 30))
    out, mask = _dropout_outputs(student, x, 1.0, True, np.random.default_rng(1), "p=1")
    checks.array(out, np.zeros_like(x), name=msg("lecture05.dropout_forward.label_out_p1"), rtol=0, atol=0)
    checks.array(mask, np.zeros_like(x), name=msg("lecture05.dropout_forward.label_mask_p1"), rtol=0, atol=0)
    out, mask = _dropout_outputs(student, x, 0.0, True, np.random.default_rng(2), "p=0")
    checks.array(out, x, name=msg("lecture05.dropout_forward.label_out_p0"), rtol=1e-15, atol=0)
    checks.array(mask, np.ones_like(x), name=msg("lecture05.dropout_forward.label_mask_p0"), rtol=0, atol=0)
    out, mask = _dropout_outputs(student, x, 1.0, False, np.random.default_rng(3), "p=1, train=False")
    checks.array(out, x, name=msg("lecture05.dropout_forward.label_eval_p1"), rtol=0, atol=0)


@dropout_forward.test(points=1, hidden=True)
def entries_independent_and_randomness_from_rng(student, rng):
    x = rng.normal(size=(400, 500))
    p = 0.4
    seed = int(rng.integers(2**32))
    mask = _check_train_dropout(
        student, x, p, np.random.default_rng(seed), msg("lecture05.dropout_forward.label_x_400")
    )
    for axis, what in [(1, msg("lecture05.dropout_forward.row")), (0, msg("lecture05.dropout_forward.column"))]:
        rates = (mask == 0).mean(axis=axis)
        bound = 7 * np.sqrt(p * (1 - p) / x.shape[axis])
        worst = int(np.argmax(np.abs(rates - p)))
        checks.that(
            np.all(np.abs(rates - p) <= bound),
            msg("lecture05.dropout_forward.not_independent", what=what, index=worst, rate=rates[worst], p=p),
        )
    _, again = _dropout_outputs(
        student, x, p, True, np.random.default_rng(seed), msg("lecture05.dropout_forward.label_same_seed")
    )
    checks.that(np.array_equal(mask, again), msg("lecture05.dropout_forward.same_seed_differs"))
    _, other = _dropout_outputs(
        student, x, p, True, np.random.default_rng(seed + 1), msg("lecture05.dropout_forward.label_other_seed")
    )
    checks.that(not np.array_equal(mask, other), msg("lecture05.dropout_forward.other_seed_same"))


### END HIDDEN TESTS


dropout_backward = lecture.exercise("dropout_backward")


def _dropout_backward_oracle(dout, mask, p):
    torch = _torch()
    x = _t(np.zeros_like(dout))
    out = x * torch.from_numpy(mask) / (1 - p)
    (out * torch.from_numpy(dout)).sum().backward()  # a scalar loss: backward(grad) imports sympy (~1 s)
    return x.grad.numpy()


@dropout_backward.test(points=1)
def dx_matches_autograd(student, rng):
    dout = rng.normal(size=(6, 9))
    mask = (rng.random(size=(6, 9)) >= 0.4).astype(np.float64)
    checks.array(student.dropout_backward(dout, mask, 0.4), _dropout_backward_oracle(dout, mask, 0.4), name="dx")


### BEGIN HIDDEN TESTS
@dropout_backward.test(points=1, hidden=True)
def other_rates_shapes_and_p_one(student, rng):
    for p, shape in [(0.8, (3, 4, 5)), (0.05, (11,))]:
        dout = rng.normal(size=shape) * 100
        mask = (rng.random(size=shape) >= p).astype(np.float64)
        checks.array(
            student.dropout_backward(dout, mask, p),
            _dropout_backward_oracle(dout, mask, p),
            name=f"dx (shape {shape}, p={p})",
        )
    dout = rng.normal(size=(4, 4))
    checks.array(
        student.dropout_backward(dout, np.zeros((4, 4)), 1.0),
        np.zeros((4, 4)),
        name=msg("lecture05.dropout_backward.label_p1"),
        rtol=0,
        atol=0,
    )


### END HIDDEN TESTS


# --- batch normalization -------------------------------------------------------------------------------

batchnorm_forward = lecture.exercise("batchnorm_forward")


def _bn_case(rng, n, d, offset=0.0, scale=1.0):
    x = offset + scale * rng.normal(size=(n, d)) + rng.normal(size=d)
    return (x, rng.normal(size=d), rng.normal(size=d), rng.normal(size=d), rng.uniform(0.5, 2.0, size=d))


def _bn_forward_oracle(x, gamma, beta, running_mean, running_var, train, momentum, eps):
    """torch's batch_norm for ``out``; our running variance uses the biased batch variance (torch's does not)."""
    torch = _torch()
    rm, rv = torch.tensor(running_mean), torch.tensor(running_var)
    xt = torch.from_numpy(x)
    out = torch.nn.functional.batch_norm(
        xt, rm, rv, torch.from_numpy(gamma), torch.from_numpy(beta), training=train, momentum=1 - momentum, eps=eps
    )
    if not train:
        return out.numpy(), running_mean, running_var
    biased = torch.var(xt, dim=0, unbiased=False).numpy()
    return out.numpy(), rm.numpy(), momentum * running_var + (1 - momentum) * biased


def _check_bn_forward(student, case, train, note, momentum=None, eps=None):
    kwargs = {k: v for k, v in (("momentum", momentum), ("eps", eps)) if v is not None}
    expected = _bn_forward_oracle(*case, train, kwargs.get("momentum", 0.9), kwargs.get("eps", 1e-5))
    got = checks.parts(
        student.batchnorm_forward(*case, train, **kwargs),
        3,
        name=f"batchnorm_forward({note})",
        labels=("out", "running_mean", "running_var"),
    )
    for value, exp, label in zip(got, expected, ("out", "running_mean", "running_var"), strict=True):
        checks.array(value, exp, name=f"{label} ({note})")


@batchnorm_forward.test(points=1)
def training_output_matches_torch(student, rng):
    for n, d in [(8, 5), (3, 1)]:
        case = _bn_case(rng, n, d)
        got = checks.parts(
            student.batchnorm_forward(*case, True),
            3,
            name=msg("lecture05.batchnorm_forward.label_call", shape=(n, d)),
            labels=("out", "running_mean", "running_var"),
        )
        checks.array(
            got[0],
            _bn_forward_oracle(*case, True, 0.9, 1e-5)[0],
            name=msg("lecture05.batchnorm_forward.label_out", shape=(n, d)),
        )


@batchnorm_forward.test(points=1)
def training_running_statistics(student, rng):
    _check_bn_forward(student, _bn_case(rng, 10, 4), True, msg("lecture05.batchnorm_forward.label_train_10"))


@batchnorm_forward.test(points=1)
def eval_uses_running_statistics(student, rng):
    _check_bn_forward(student, _bn_case(rng, 6, 3), False, "train=False")


### BEGIN HIDDEN TESTS
@batchnorm_forward.test(points=1, hidden=True)
def other_momentum_eps_and_shapes(student, rng):
    _check_bn_forward(student, _bn_case(rng, 2, 7), True, "train, N=2, momentum=0.5", momentum=0.5)
    _check_bn_forward(
        student, _bn_case(rng, 33, 16, scale=5.0), True, "train, momentum=0, eps=1e-3", momentum=0.0, eps=1e-3
    )
    _check_bn_forward(student, _bn_case(rng, 5, 2), False, "train=False, eps=0.1", momentum=0.3, eps=0.1)


@batchnorm_forward.test(points=1, hidden=True)
def stable_with_a_large_offset(student, rng):
    # mean ~1000, spread 1e-3: mean(x**2) - mean(x)**2 loses about 4 of the 16 digits here.
    _check_bn_forward(
        student,
        _bn_case(rng, 16, 3, offset=1000.0, scale=1e-3),
        True,
        msg("lecture05.batchnorm_forward.label_tiny_std"),
        eps=1e-8,
    )
    _check_bn_forward(
        student, _bn_case(rng, 12, 4, scale=1000.0), True, msg("lecture05.batchnorm_forward.label_huge_std")
    )


### END HIDDEN TESTS


batchnorm_backward = lecture.exercise("batchnorm_backward")


def _bn_backward_oracle(dout, x, gamma, eps):
    torch = _torch()
    xt, gt, bt = _t(x), _t(gamma), _t(np.zeros_like(gamma))
    out = torch.nn.functional.batch_norm(xt, None, None, gt, bt, training=True, eps=eps)
    (out * torch.from_numpy(dout)).sum().backward()  # a scalar loss: backward(grad) imports sympy (~1 s)
    return xt.grad.numpy(), gt.grad.numpy(), bt.grad.numpy()


def _check_bn_backward(student, dout, x, gamma, note, eps=None, keys=("dx", "dgamma", "dbeta")):
    args = (dout, x, gamma) if eps is None else (dout, x, gamma, eps)
    expected = _bn_backward_oracle(dout, x, gamma, 1e-5 if eps is None else eps)
    got = checks.parts(
        student.batchnorm_backward(*args), 3, name=f"batchnorm_backward({note})", labels=("dx", "dgamma", "dbeta")
    )
    for value, exp, label in zip(got, expected, ("dx", "dgamma", "dbeta"), strict=True):
        if label in keys:
            checks.array(value, exp, name=f"{label} ({note})", rtol=1e-6, atol_scale=1e-8)


@batchnorm_backward.test(points=1)
def parameter_gradients_match_autograd(student, rng):
    x, gamma = rng.normal(size=(7, 4)) * 2 + 1, rng.normal(size=4)
    _check_bn_backward(
        student,
        rng.normal(size=(7, 4)),
        x,
        gamma,
        msg("lecture05.batchnorm_backward.label_x_7"),
        keys=("dgamma", "dbeta"),
    )


@batchnorm_backward.test(points=1)
def input_gradient_matches_autograd(student, rng):
    for n, d in [(7, 4), (2, 3)]:
        x, gamma = rng.normal(size=(n, d)) * 2 + 1, rng.normal(size=d)
        _check_bn_backward(
            student, rng.normal(size=(n, d)), x, gamma, msg("lecture05.batchnorm_backward.label_x_shape", shape=(n, d))
        )


### BEGIN HIDDEN TESTS
@batchnorm_backward.test(points=1, hidden=True)
def gradient_check_from_the_definition(student, rng):
    n, d, eps = 5, 3, 1e-3
    x, gamma, dout = rng.normal(size=(n, d)), rng.normal(size=d), rng.normal(size=(n, d))

    def loss(xv):  # the forward pass written out; its gradient is the oracle
        mu = xv.sum(axis=0) / n
        var = ((xv - mu) ** 2).sum(axis=0) / n
        return float(np.sum(dout * gamma * (xv - mu) / np.sqrt(var + eps)))

    dx, _, _ = checks.parts(
        student.batchnorm_backward(dout, x, gamma, eps),
        3,
        name="batchnorm_backward(eps=1e-3)",
        labels=("dx", "dgamma", "dbeta"),
    )
    checks.gradient(dx, loss, x, name="dx (eps=1e-3)")


@batchnorm_backward.test(points=1, hidden=True)
def wide_batches_zero_gamma_and_large_inputs(student, rng):
    x, gamma = rng.normal(size=(64, 10)) * 1000, rng.normal(size=10)
    gamma[3] = 0.0
    _check_bn_backward(student, rng.normal(size=(64, 10)), x, gamma, msg("lecture05.batchnorm_backward.label_x_64"))
    x, gamma = rng.normal(size=(9, 2)), rng.normal(size=2)
    _check_bn_backward(student, rng.normal(size=(9, 2)), x, gamma, "eps=0.5", eps=0.5)


### END HIDDEN TESTS


# --- activation backward passes -------------------------------------------------------------------------

relu_backward = lecture.exercise("relu_backward")


def _activation_oracle(kind, dout, z):
    torch = _torch()
    zt = _t(z)
    out = torch.relu(zt) if kind == "relu" else torch.sigmoid(zt)
    (out * torch.from_numpy(dout)).sum().backward()  # a scalar loss: backward(grad) imports sympy (~1 s)
    return zt.grad.numpy()


@relu_backward.test(points=1)
def matches_autograd_zero_at_zero(student, rng):
    z, dout = rng.normal(size=(6, 5)), rng.normal(size=(6, 5))
    z[0, :3] = 0.0
    z[2, 4] = -0.0
    checks.array(student.relu_backward(dout, z), _activation_oracle("relu", dout, z), name="dz")


### BEGIN HIDDEN TESTS
@relu_backward.test(points=1, hidden=True)
def any_shape_and_large_values(student, rng):
    z, dout = rng.normal(size=(2, 3, 4)) * 1000, rng.normal(size=(2, 3, 4)) * 1000
    z[1, 1, :] = 0.0
    checks.array(
        student.relu_backward(dout, z),
        _activation_oracle("relu", dout, z),
        name=msg("lecture05.relu_backward.label_3d"),
    )
    z, dout = np.array([1e-300, -1e-300, 0.0]), np.array([2.0, 3.0, 4.0])
    checks.array(
        student.relu_backward(dout, z),
        _activation_oracle("relu", dout, z),
        name=msg("lecture05.relu_backward.label_near_zero"),
    )


### END HIDDEN TESTS


sigmoid_backward = lecture.exercise("sigmoid_backward")


@sigmoid_backward.test(points=1)
def sigmoid_derivative_matches_autograd(student, rng):
    for shape in [(7,), (4, 6)]:
        z, dout = rng.normal(size=shape) * 4, rng.normal(size=shape)
        checks.array(student.sigmoid_backward(dout, z), _activation_oracle("sigmoid", dout, z), name="dz")


@sigmoid_backward.test(points=1)
def stable_for_large_inputs(student, rng):
    z = np.array([-1000.0, -745.0, -40.0, -1e-3, 0.0, 40.0, 745.0, 1000.0])
    dout = rng.normal(size=z.shape)
    checks.array(
        student.sigmoid_backward(dout, z),
        _activation_oracle("sigmoid", dout, z),
        name=msg("lecture05.sigmoid_backward.label_large"),
    )


### BEGIN HIDDEN TESTS
@sigmoid_backward.test(points=1, hidden=True)
def three_dimensional_and_extreme(student, rng):
    z, dout = rng.normal(size=(2, 3, 5)) * 300, rng.normal(size=(2, 3, 5)) * 10
    checks.array(
        student.sigmoid_backward(dout, z),
        _activation_oracle("sigmoid", dout, z),
        name=msg("lecture05.sigmoid_backward.label_3d"),
    )


### END HIDDEN TESTS


# --- optimizers ----------------------------------------------------------------------------------------------

_STATE_KEYS = {
    "sgd_momentum": ("momentum_buffer",),
    "adagrad": ("sum",),
    "rmsprop": ("square_avg",),
    "adam": ("exp_avg", "exp_avg_sq"),
}
_STATE_NAMES = {"sgd_momentum": ("v",), "adagrad": ("g2",), "rmsprop": ("s",), "adam": ("m", "v")}


def _torch_trajectory(kind, w0, grads, state0, hyper, t0=1):
    """Step a float64 torch.optim optimizer with the given gradients; return (w, *state) after every step."""
    torch = _torch()
    p = torch.tensor(w0.copy(), requires_grad=True)
    if kind == "sgd_momentum":
        opt = torch.optim.SGD([p], lr=hyper["lr"], momentum=hyper["momentum"])
    elif kind == "adagrad":
        opt = torch.optim.Adagrad([p], lr=hyper["lr"], eps=hyper.get("eps", 1e-10))
    elif kind == "rmsprop":
        opt = torch.optim.RMSprop([p], lr=hyper["lr"], alpha=hyper.get("alpha", 0.99), eps=hyper.get("eps", 1e-8))
    else:
        opt = torch.optim.Adam(
            [p], lr=hyper["lr"], betas=(hyper.get("beta1", 0.9), hyper.get("beta2", 0.999)), eps=hyper.get("eps", 1e-8)
        )
    state = opt.state[p]
    if kind != "sgd_momentum":
        state["step"] = torch.tensor(float(t0 - 1))
    elif hyper["momentum"] == 0:  # torch keeps no buffer then; the curriculum's v = 0 * v + dw is dw
        return [(w0 - hyper["lr"] * np.cumsum(grads, axis=0)[k], grads[k]) for k in range(len(grads))]
    for key, value in zip(_STATE_KEYS[kind], state0, strict=True):
        state[key] = torch.tensor(value.copy())
    trajectory = []
    for g in grads:
        p.grad = torch.tensor(g.copy())
        opt.step()
        trajectory.append((p.detach().numpy().copy(), *(state[k].numpy().copy() for k in _STATE_KEYS[kind])))
    return trajectory


def _check_optimizer(student, kind, w0, grads, state0, hyper, note, t0=1, defaults=()):
    """Run the student's one-step function for consecutive steps, feeding back its state, against torch."""
    expected = _torch_trajectory(kind, w0, grads, state0, hyper, t0)
    names = ("w", *_STATE_NAMES[kind])
    w, state = w0, tuple(state0)
    kwargs = {k: v for k, v in hyper.items() if k != "lr" and k not in defaults and k != "momentum"}
    for step, (g, exp) in enumerate(zip(grads, expected, strict=True)):
        if kind == "sgd_momentum":
            result = student.sgd_momentum(w, g, state[0], hyper["lr"], hyper["momentum"])
        elif kind == "adam":
            result = student.adam(w, g, *state, t0 + step, hyper["lr"], **kwargs)
        else:
            result = getattr(student, kind)(w, g, state[0], hyper["lr"], **kwargs)
        label = msg("lecture05.optimizer.label_step", kind=kind, number=step + 1, steps=len(grads), note=note)
        got = checks.parts(result, len(names), name=label, labels=names)
        for value, e, name in zip(got, exp, names, strict=True):
            checks.array(value, e, name=msg("lecture05.optimizer.label_after", name=name, label=label))
        w, state = got[0], got[1:]


def _grads(rng, steps, shape, scale=1.0):
    return [rng.normal(size=shape) * scale for _ in range(steps)]


sgd_momentum = lecture.exercise("sgd_momentum")


@sgd_momentum.test(points=1)
def sgd_momentum_matches_torch_over_consecutive_steps(student, rng):
    shape = (4, 3)
    _check_optimizer(
        student,
        "sgd_momentum",
        rng.normal(size=shape),
        _grads(rng, 6, shape),
        (np.zeros(shape),),
        {"lr": 0.1, "momentum": 0.9},
        "lr=0.1, momentum=0.9",
    )


@sgd_momentum.test(points=1)
def other_rates_and_a_vector(student, rng):
    _check_optimizer(
        student,
        "sgd_momentum",
        rng.normal(size=7),
        _grads(rng, 5, 7),
        (np.zeros(7),),
        {"lr": 0.03, "momentum": 0.5},
        "lr=0.03, momentum=0.5",
    )


### BEGIN HIDDEN TESTS
@sgd_momentum.test(points=1, hidden=True)
def resumes_from_a_given_velocity(student, rng):
    shape = (2, 3, 2)
    _check_optimizer(
        student,
        "sgd_momentum",
        rng.normal(size=shape),
        _grads(rng, 4, shape, 100.0),
        (rng.normal(size=shape),),
        {"lr": 0.5, "momentum": 0.99},
        "lr=0.5, momentum=0.99, v != 0",
    )


@sgd_momentum.test(points=1, hidden=True)
def zero_momentum_is_plain_sgd(student, rng):
    _check_optimizer(
        student,
        "sgd_momentum",
        rng.normal(size=(1,)),
        _grads(rng, 3, (1,)),
        (np.zeros(1),),
        {"lr": 1.0, "momentum": 0.0},
        "lr=1, momentum=0",
    )


### END HIDDEN TESTS


adagrad = lecture.exercise("adagrad")


@adagrad.test(points=1)
def adagrad_matches_torch_over_consecutive_steps(student, rng):
    shape = (5, 2)
    _check_optimizer(
        student,
        "adagrad",
        rng.normal(size=shape),
        _grads(rng, 6, shape),
        (np.zeros(shape),),
        {"lr": 0.1},
        msg("lecture05.adagrad.label_default"),
        defaults=("eps",),
    )


@adagrad.test(points=1)
def small_gradients_and_given_eps(student, rng):
    # gradients ~1e-5 make the placement of eps (outside the square root) visible.
    _check_optimizer(
        student,
        "adagrad",
        rng.normal(size=6) * 1e-3,
        _grads(rng, 5, 6, 1e-5),
        (np.zeros(6),),
        {"lr": 1e-3, "eps": 1e-10},
        msg("lecture05.adagrad.label_tiny"),
    )


### BEGIN HIDDEN TESTS
@adagrad.test(points=1, hidden=True)
def resumes_from_a_given_sum(student, rng):
    shape = (3, 1, 4)
    _check_optimizer(
        student,
        "adagrad",
        rng.normal(size=shape),
        _grads(rng, 4, shape, 1000.0),
        (rng.uniform(0, 2, size=shape),),
        {"lr": 0.5, "eps": 1e-6},
        "lr=0.5, eps=1e-6, g2 != 0",
    )


### END HIDDEN TESTS


rmsprop = lecture.exercise("rmsprop")


@rmsprop.test(points=1)
def rmsprop_matches_torch_over_consecutive_steps(student, rng):
    shape = (3, 4)
    _check_optimizer(
        student,
        "rmsprop",
        rng.normal(size=shape),
        _grads(rng, 6, shape),
        (np.zeros(shape),),
        {"lr": 0.01},
        msg("lecture05.rmsprop.label_default"),
        defaults=("alpha", "eps"),
    )


@rmsprop.test(points=1)
def other_alpha_and_small_gradients(student, rng):
    _check_optimizer(
        student,
        "rmsprop",
        rng.normal(size=5) * 1e-3,
        _grads(rng, 5, 5, 1e-7),
        (np.zeros(5),),
        {"lr": 1e-3, "alpha": 0.9, "eps": 1e-8},
        msg("lecture05.rmsprop.label_tiny"),
    )


### BEGIN HIDDEN TESTS
@rmsprop.test(points=1, hidden=True)
def resumes_from_a_given_average(student, rng):
    shape = (2, 5)
    _check_optimizer(
        student,
        "rmsprop",
        rng.normal(size=shape),
        _grads(rng, 4, shape, 1000.0),
        (rng.uniform(0, 3, size=shape),),
        {"lr": 0.1, "alpha": 0.5, "eps": 1e-4},
        "lr=0.1, alpha=0.5, eps=1e-4, s != 0",
    )


### END HIDDEN TESTS


adam = lecture.exercise("adam")


@adam.test(points=1)
def adam_matches_torch_over_consecutive_steps(student, rng):
    shape = (4, 3)
    _check_optimizer(
        student,
        "adam",
        rng.normal(size=shape),
        _grads(rng, 6, shape),
        (np.zeros(shape), np.zeros(shape)),
        {"lr": 0.01},
        msg("lecture05.adam.label_default"),
        defaults=("beta1", "beta2", "eps"),
    )


@adam.test(points=1)
def other_betas(student, rng):
    _check_optimizer(
        student,
        "adam",
        rng.normal(size=6),
        _grads(rng, 5, 6, 3.0),
        (np.zeros(6), np.zeros(6)),
        {"lr": 0.1, "beta1": 0.5, "beta2": 0.9, "eps": 1e-8},
        "lr=0.1, betas=(0.5, 0.9)",
    )


### BEGIN HIDDEN TESTS
@adam.test(points=1, hidden=True)
def small_gradients_eps_placement(student, rng):
    # gradients ~1e-8: the result depends on adding eps after sqrt(v_hat), as torch does.
    _check_optimizer(
        student,
        "adam",
        rng.normal(size=(3, 2)) * 1e-6,
        _grads(rng, 4, (3, 2), 1e-8),
        (np.zeros((3, 2)), np.zeros((3, 2))),
        {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        msg("lecture05.adam.label_tiny"),
    )


@adam.test(points=1, hidden=True)
def resumes_at_a_later_step(student, rng):
    shape = (2, 2, 3)
    m0, v0 = rng.normal(size=shape), rng.uniform(0, 2, size=shape)
    _check_optimizer(
        student,
        "adam",
        rng.normal(size=shape),
        _grads(rng, 4, shape, 1000.0),
        (m0, v0),
        {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6},
        msg("lecture05.adam.label_resume"),
        t0=7,
    )


### END HIDDEN TESTS


# --- vanishing gradients --------------------------------------------------------------------------------

vanishing_gradient = lecture.exercise(
    "vanishing_gradient",
    torch=True,  # numpy or torch autograd both fit; the worker preloads torch so its import is not timed
)

SIGMOID_BAR = 1e-2  # the curriculum's property; the reference gives 3e-11 .. 3e-10 over 50 seeds
RELU_BAR = 1e-2  # the reference gives 0.46 .. 1.24 over 50 seeds


def _norms(student, depth, activation, seed):
    norms = student.vanishing_gradient(depth, activation, np.random.default_rng(seed))
    norms = _float_array(norms, (depth,), f"vanishing_gradient({depth}, {activation!r}, rng)")
    checks.that(
        np.all(norms > 0),
        msg(
            "lecture05.vanishing_gradient.nonpositive",
            depth=depth,
            activation=activation,
            layers=np.flatnonzero(norms <= 0)[:5].tolist(),
        ),
    )
    return norms


def _check_ratio(student, activation, seeds):
    for seed in seeds:
        norms = _norms(student, 20, activation, seed)
        ratio = norms[0] / norms[-1]
        if activation == "sigmoid":
            checks.that(
                ratio < SIGMOID_BAR,
                msg("lecture05.vanishing_gradient.sigmoid_ratio", ratio=ratio, bar=SIGMOID_BAR),
            )
        else:
            checks.that(
                ratio > RELU_BAR,
                msg("lecture05.vanishing_gradient.relu_ratio", ratio=ratio, bar=RELU_BAR),
            )


@vanishing_gradient.test(points=1)
def sigmoid_gradients_vanish(student, rng):
    _check_ratio(student, "sigmoid", rng.integers(2**32, size=2).tolist())


@vanishing_gradient.test(points=1)
def relu_gradients_do_not_vanish(student, rng):
    _check_ratio(student, "relu", rng.integers(2**32, size=2).tolist())


### BEGIN HIDDEN TESTS
@vanishing_gradient.test(points=1, hidden=True)
def robust_over_seeds(student, rng):
    seeds = rng.integers(2**32, size=5).tolist()
    _check_ratio(student, "sigmoid", seeds)
    _check_ratio(student, "relu", seeds)


@vanishing_gradient.test(points=1, hidden=True)
def other_depths_and_randomness_from_rng(student, rng):
    for depth in (1, 3, 31):
        _norms(student, depth, "relu", int(rng.integers(2**32)))
    seed = int(rng.integers(2**32))
    first, again = _norms(student, 6, "sigmoid", seed), _norms(student, 6, "sigmoid", seed)
    checks.that(np.array_equal(first, again), msg("lecture05.vanishing_gradient.same_seed_differs"))


### END HIDDEN TESTS
