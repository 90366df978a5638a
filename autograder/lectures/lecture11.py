"""Grading tests for lecture 11 - Autoregressive generative models (PixelRNN / PixelCNN).

Oracles: the definitions written out in the tests (raster order and the causal mask by comparing raster
indices, ``math.log`` summed with ``math.fsum``), ``torch.nn.functional.conv2d`` with the masked weights,
``torch.nn.functional.binary_cross_entropy_with_logits`` in float64, and properties that any correct
implementation has: the causal property of masked convolutions (changing the future never changes the
present), likelihoods that sum to 1 over every binary image (exhaustive enumeration), and sampling checked
with deterministic conditionals, a recording ``cond_fn`` (order, what it saw) and binomial bounds.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from autograder import checks
from autograder.i18n import msg
from autograder.oracles import lazy_torch as _torch
from autograder.spec import Lecture

lecture = Lecture(11, "Autoregressive generative models (PixelRNN / PixelCNN)", preload=("torch",))


def _array_of_shape(got, shape, name):
    """Type and shape of an array result checked before a test computes with it (values checked later)."""
    if got is None or not isinstance(got, np.ndarray):
        checks.array(got, np.zeros(shape), name=name)  # fails with the helper's message for None, lists, ...
    checks.that(got.shape == tuple(shape), msg("checks.shape", name=name, got=got.shape, expected=tuple(shape)))
    checks.that(got.dtype.kind in "fiub", msg("checks.dtype_not_number", name=name, got=got.dtype))
    return got


# --- chain_rule_log_likelihood ------------------------------------------------------------------------------

chain_rule_log_likelihood = lecture.exercise("chain_rule_log_likelihood")


def _log_sum(probs):
    """sum(log p) from the definition: math.log of every entry, added with math.fsum (-inf for a zero)."""
    values = [float(v) for v in np.asarray(probs).ravel()]
    return -math.inf if min(values) == 0.0 else math.fsum(math.log(v) for v in values)


@chain_rule_log_likelihood.test(points=1)
def one_sequence_gives_a_float(student, rng):
    for n in (1, 7, 50):
        p = rng.uniform(0.05, 1.0, size=n)
        checks.scalar(
            student.chain_rule_log_likelihood(p),
            _log_sum(p),
            name=msg("lecture11.chain_rule_log_likelihood.label_positions", n=n),
        )


@chain_rule_log_likelihood.test(points=1)
def batched_sums_over_non_batch_axes(student, rng):
    for shape in [(4, 6), (3, 2, 5), (1, 9)]:
        p = rng.uniform(0.01, 1.0, size=shape)
        expected = np.array([_log_sum(row) for row in p])
        checks.array(
            student.chain_rule_log_likelihood(p),
            expected,
            name=msg("lecture11.chain_rule_log_likelihood.label_batch", shape=shape),
        )


@chain_rule_log_likelihood.test(points=1)
def zero_probability_gives_minus_inf(student, rng):
    p = rng.uniform(0.1, 1.0, size=6)
    p[3] = 0.0
    checks.scalar(
        student.chain_rule_log_likelihood(p), -math.inf, name=msg("lecture11.chain_rule_log_likelihood.label_zero")
    )
    batch = rng.uniform(0.1, 1.0, size=(3, 4))
    batch[1, 2] = 0.0
    expected = np.array([_log_sum(row) for row in batch])
    checks.array(
        student.chain_rule_log_likelihood(batch),
        expected,
        name=msg("lecture11.chain_rule_log_likelihood.label_zero_image"),
    )


### BEGIN HIDDEN TESTS
@chain_rule_log_likelihood.test(points=1, hidden=True)
def long_sequences_do_not_underflow(student, rng):
    # The product of these probabilities is about 1e-1500: it underflows to 0, its log-sum does not.
    p = rng.uniform(0.05, 0.2, size=1500)
    checks.scalar(
        student.chain_rule_log_likelihood(p),
        _log_sum(p),
        name=msg("lecture11.chain_rule_log_likelihood.label_long"),
        rtol=1e-9,
    )
    batch = rng.uniform(0.05, 0.2, size=(2, 28, 28))
    checks.array(
        student.chain_rule_log_likelihood(batch),
        np.array([_log_sum(b) for b in batch]),
        name=msg("lecture11.chain_rule_log_likelihood.label_mnist"),
        rtol=1e-9,
    )


### END HIDDEN TESTS


# --- raster_scan_order ----------------------------------------------------------------------------------------

raster_scan_order = lecture.exercise("raster_scan_order")


def _raster(H, W):
    return np.array([(r, c) for r in range(H) for c in range(W)], dtype=np.int64).reshape(H * W, 2)


@raster_scan_order.test(points=1)
def rows_then_columns(student):
    for H, W in [(3, 3), (2, 5), (4, 1)]:
        checks.array(student.raster_scan_order(H, W), _raster(H, W), name=f"raster_scan_order({H}, {W})", dtype="int")


### BEGIN HIDDEN TESTS
@raster_scan_order.test(points=1, hidden=True)
def single_pixel_line_and_large(student):
    for H, W in [(1, 1), (1, 7), (5, 4), (28, 28)]:
        checks.array(student.raster_scan_order(H, W), _raster(H, W), name=f"raster_scan_order({H}, {W})", dtype="int")


### END HIDDEN TESTS


# --- causal_mask -------------------------------------------------------------------------------------------------

causal_mask = lecture.exercise("causal_mask")


def _mask(k, kind):
    """From the definition: entry (i, j) is kept when it comes before the centre in raster order."""
    c = k // 2
    keep = [[(i * k + j < c * k + c) or (kind.upper() == "B" and (i, j) == (c, c)) for j in range(k)] for i in range(k)]
    return np.array(keep, dtype=np.float64)


@causal_mask.test(points=1)
def type_a_and_b_for_k_1_to_7(student):
    for k in (1, 3, 5, 7):
        for kind in ("A", "B"):
            checks.array(student.causal_mask(k, kind), _mask(k, kind), name=f"causal_mask({k}, {kind!r})")


@causal_mask.test(points=1)
def type_is_case_insensitive(student):
    for k in (3, 5):
        for kind in ("a", "b"):
            checks.array(student.causal_mask(k, kind), _mask(k, kind), name=f"causal_mask({k}, {kind!r})")


### BEGIN HIDDEN TESTS
@causal_mask.test(points=1, hidden=True)
def large_kernels(student):
    for k, kind in [(9, "A"), (11, "b"), (1, "a"), (1, "B")]:
        checks.array(student.causal_mask(k, kind), _mask(k, kind), name=f"causal_mask({k}, {kind!r})")


### END HIDDEN TESTS


# --- masked_conv2d_forward -------------------------------------------------------------------------------------

masked_conv2d_forward = lecture.exercise("masked_conv2d_forward")


def _conv_oracle(x, w, b, kind):
    torch = _torch()
    k = w.shape[-1]
    masked = torch.from_numpy(w * _mask(k, kind))
    out = torch.nn.functional.conv2d(torch.from_numpy(x), masked, torch.from_numpy(b), padding=k // 2)
    return out.numpy()


def _conv_inputs(rng, n, c, h, w, f, k):
    return rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, k, k)), rng.normal(size=f)


@masked_conv2d_forward.test(points=1)
def matches_torch_conv2d_with_masked_weights(student, rng):
    for (n, c, h, w, f, k), kind in [
        ((2, 3, 6, 6, 4, 3), "A"),
        ((2, 3, 6, 6, 4, 3), "B"),
        ((1, 2, 7, 5, 3, 5), "A"),
        ((3, 1, 5, 8, 2, 5), "b"),
    ]:
        x, W, b = _conv_inputs(rng, n, c, h, w, f, k)
        checks.array(
            student.masked_conv2d_forward(x, W, b, kind),
            _conv_oracle(x, W, b, kind),
            name=f"masked_conv2d_forward (x {x.shape}, w {W.shape}, mask {kind!r})",
        )


def _check_causal(student, rng, c, h, w, f, k, kind, positions):
    """Change every input pixel from a position on (mask B: after it) and check that output there stays put.

    One call on a batch: image 0 is the original, image t + 1 is changed at and after ``positions[t]`` in
    raster order (all channels). The output at ``positions[t]`` must be the same for both.
    """
    x0, W, b = _conv_inputs(rng, 1, c, h, w, f, k)
    batch = [x0[0]]
    for r, s in positions:
        changed = x0[0].copy()
        start = r * w + s + (1 if kind.upper() == "B" else 0)
        flat = changed.reshape(c, h * w)
        flat[:, start:] = rng.normal(size=(c, h * w - start)) * 100
        batch.append(changed)
    x = np.stack(batch)
    out = _array_of_shape(
        student.masked_conv2d_forward(x, W, b, kind), (len(batch), f, h, w), f"masked_conv2d_forward(x, w, b, {kind!r})"
    )
    what = (
        msg("lecture11.masked_conv2d_forward.at_or_after")
        if kind.upper() == "A"
        else msg("lecture11.masked_conv2d_forward.after_not_at")
    )
    for t, (r, s) in enumerate(positions):
        checks.array(
            out[t + 1, :, r, s],
            out[0, :, r, s],
            rtol=1e-9,
            atol_scale=1e-9,
            name=msg("lecture11.masked_conv2d_forward.unchanged", r=r, s=s, kind=repr(kind), k=k, what=what),
        )


@masked_conv2d_forward.test(points=1)
def mask_a_never_sees_the_present_or_future(student, rng):
    _check_causal(student, rng, 2, 5, 6, 3, 3, "A", [(0, 0), (2, 3), (1, 5), (4, 0), (4, 5), (3, 2)])


@masked_conv2d_forward.test(points=1)
def mask_b_never_sees_the_future(student, rng):
    _check_causal(student, rng, 2, 6, 5, 3, 5, "B", [(0, 0), (2, 2), (1, 4), (5, 0), (5, 3), (3, 1)])


### BEGIN HIDDEN TESTS
@masked_conv2d_forward.test(points=1, hidden=True)
def one_by_one_and_large_kernels(student, rng):
    for (n, c, h, w, f, k), kind in [
        ((2, 2, 4, 4, 3, 1), "A"),
        ((2, 2, 4, 4, 3, 1), "B"),
        ((1, 1, 8, 8, 1, 7), "A"),
        ((1, 3, 3, 9, 2, 7), "B"),
    ]:
        x, W, b = _conv_inputs(rng, n, c, h, w, f, k)
        checks.array(
            student.masked_conv2d_forward(x, W, b, kind),
            _conv_oracle(x, W, b, kind),
            name=f"masked_conv2d_forward (x {x.shape}, w {W.shape}, mask {kind!r})",
        )


@masked_conv2d_forward.test(points=1, hidden=True)
def causal_with_large_kernels(student, rng):
    _check_causal(student, rng, 1, 7, 7, 2, 7, "a", [(0, 3), (3, 3), (6, 6), (3, 0), (5, 2)])
    _check_causal(student, rng, 3, 4, 9, 2, 5, "b", [(0, 8), (1, 0), (2, 4), (3, 7)])


### END HIDDEN TESTS


# --- pixelcnn_log_likelihood ---------------------------------------------------------------------------------

pixelcnn_log_likelihood = lecture.exercise("pixelcnn_log_likelihood")


def _bernoulli_oracle(x, logits):
    torch = _torch()
    per_pixel = -torch.nn.functional.binary_cross_entropy_with_logits(
        torch.from_numpy(logits), torch.from_numpy(x), reduction="none"
    )
    return per_pixel.reshape(x.shape[0], -1).sum(dim=1).numpy()


@pixelcnn_log_likelihood.test(points=1)
def matches_torch_bernoulli(student, rng):
    for shape in [(4, 5, 5), (2, 1, 3, 4), (1, 6, 2)]:
        x = (rng.random(shape) < 0.5).astype(np.float64)
        logits = rng.normal(size=shape) * 3
        checks.array(
            student.pixelcnn_log_likelihood(x, logits),
            _bernoulli_oracle(x, logits),
            name=msg("lecture11.pixelcnn_log_likelihood.label_shape", shape=shape),
        )


@pixelcnn_log_likelihood.test(points=1)
def stable_for_logits_of_1000(student):
    logits = np.array([[[1000.0, -1000.0], [40.0, -40.0]], [[1000.0, -1000.0], [745.0, -745.0]]])
    x = np.array([[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]])  # image 0 likely, image 1 not at all
    checks.array(
        student.pixelcnn_log_likelihood(x, logits),
        _bernoulli_oracle(x, logits),
        name=msg("lecture11.pixelcnn_log_likelihood.label_extreme"),
    )


def _autoregressive_logits(images, seed_terms):
    """Logits from a fixed autoregressive rule: pixel t's logit depends only on the pixels before it."""
    a, b_prev, b_count = seed_terms
    M = images.shape[0]
    flat = images.reshape(M, -1)
    logits = np.zeros_like(flat)
    for t in range(flat.shape[1]):
        before = flat[:, :t]
        prev = flat[:, t - 1] if t else np.zeros(M)
        logits[:, t] = a[t] + b_prev * (2 * prev - 1) + b_count * before.sum(axis=1)
    return logits.reshape(images.shape)


def _check_normalised(student, rng, H, W, channel_axis):
    n = H * W
    images = np.array(list(itertools.product([0.0, 1.0], repeat=n))).reshape(-1, H, W)
    if channel_axis:
        images = images[:, None]
    logits = _autoregressive_logits(images, (rng.normal(size=n) * 2, rng.normal() * 3, rng.normal()))
    ll = _array_of_shape(
        student.pixelcnn_log_likelihood(images, logits),
        (len(images),),
        msg("lecture11.pixelcnn_log_likelihood.label_all", count=len(images), H=H, W=W),
    )
    checks.scalar(
        float(np.sum(np.exp(ll))),
        1.0,
        rtol=1e-9,
        name=msg("lecture11.pixelcnn_log_likelihood.sum_to_one", count=len(images), H=H, W=W),
    )


@pixelcnn_log_likelihood.test(points=1)
def likelihoods_sum_to_one_over_all_images(student, rng):
    _check_normalised(student, rng, 2, 2, channel_axis=False)
    _check_normalised(student, rng, 3, 2, channel_axis=True)


### BEGIN HIDDEN TESTS
@pixelcnn_log_likelihood.test(points=1, hidden=True)
def one_image_large_logits_and_normalised_3x3(student, rng):
    for shape, scale in [((1, 4, 4), 1.0), ((3, 1, 5, 7), 300.0)]:
        x = (rng.random(shape) < 0.5).astype(np.float64)
        logits = rng.normal(size=shape) * scale
        checks.array(
            student.pixelcnn_log_likelihood(x, logits),
            _bernoulli_oracle(x, logits),
            name=msg("lecture11.pixelcnn_log_likelihood.label_scale", shape=shape, scale=scale),
        )
    _check_normalised(student, rng, 3, 3, channel_axis=False)


### END HIDDEN TESTS


# --- sample_autoregressive --------------------------------------------------------------------------------------

sample_autoregressive = lecture.exercise("sample_autoregressive")


class _Recorder:
    """A cond_fn that records each call (pixel, a copy of what it saw) and answers with ``rule``."""

    def __init__(self, rule, scribble=False):
        self.rule = rule
        self.scribble = scribble  # write into x_partial after reading it: the sampler's image must not change
        self.calls = []
        self.problem = None

    def __call__(self, x_partial, i, j):
        try:
            i, j = int(np.asarray(i)), int(np.asarray(j))
            seen = np.array(x_partial, dtype=np.float64)
        except (TypeError, ValueError):
            self.problem = self.problem or msg(
                "lecture11.sample_autoregressive.called_with", type=type(x_partial).__name__, i=repr(i), j=repr(j)
            )
            return 0.0
        if seen.ndim != 2:
            self.problem = self.problem or msg("lecture11.sample_autoregressive.partial_shape", shape=seen.shape)
            return 0.0
        self.calls.append(((i, j), seen))
        if self.scribble and isinstance(x_partial, np.ndarray) and x_partial.flags.writeable:
            x_partial[...] = 7.0  # only visible to a sampler that passed its own image instead of a copy
        if not np.isfinite(seen).all():
            self.problem = self.problem or msg("lecture11.sample_autoregressive.partial_nonfinite", pixel=(i, j))
            return 0.0
        try:
            return float(self.rule(seen, i, j))
        except IndexError:
            self.problem = self.problem or msg("lecture11.sample_autoregressive.outside", pixel=(i, j))
            return 0.0

    def check_called_correctly(self):
        checks.that(self.problem is None, msg("lecture11.sample_autoregressive.call_correctly", problem=self.problem))


def _determined_rule(x, i, j):
    """p in {0, 1} from the pixels before (i, j): the image is fully determined by the order."""
    H, W = x.shape
    prev = x[i, j - 1] if j > 0 else (x[i - 1, W - 1] if i > 0 else 0.0)
    up = x[i - 1, j] if i > 0 else 0.0
    return 1.0 if (int(prev) + int(up) + i + 2 * j) % 2 == 0 else 0.0


def _determined_image(H, W):
    x = np.zeros((H, W))
    for i in range(H):
        for j in range(W):
            x[i, j] = _determined_rule(x, i, j)
    return x


def _sample(student, recorder, shape, rng):
    x = student.sample_autoregressive(recorder, shape, rng)
    recorder.check_called_correctly()
    x = _array_of_shape(x, shape, f"sample_autoregressive(cond_fn, {shape}, rng)")
    values = set(np.unique(x).tolist())
    checks.that(
        values <= {0.0, 1.0}, msg("lecture11.sample_autoregressive.not_binary", shape=shape, values=sorted(values)[:6])
    )
    return x


def _check_determined(student, rng, H, W):
    x = _sample(student, _Recorder(_determined_rule), (H, W), rng)
    checks.array(
        x,
        _determined_image(H, W),
        dtype="value",
        name=msg("lecture11.sample_autoregressive.determined", H=H, W=W),
    )


@sample_autoregressive.test(points=1)
def deterministic_conditionals_determine_the_image(student, rng):
    _check_determined(student, rng, 4, 5)


@sample_autoregressive.test(points=1)
def raster_order_and_what_cond_fn_sees(student, rng):
    H, W = 3, 4
    recorder = _Recorder(lambda x, i, j: 0.5, scribble=True)
    x = _sample(student, recorder, (H, W), rng)
    order = [pixel for pixel, _ in recorder.calls]
    checks.that(
        len(order) == H * W,
        msg("lecture11.sample_autoregressive.call_count", count=len(order), H=H, W=W, expected=H * W),
    )
    expected_order = [(r, c) for r in range(H) for c in range(W)]
    for t, (pixel, seen) in enumerate(recorder.calls):
        checks.that(
            pixel == expected_order[t],
            msg(
                "lecture11.sample_autoregressive.call_order",
                t=t,
                pixel=pixel,
                expected=expected_order[t],
                calls=order[: t + 1],
            ),
        )
        checks.that(
            seen.shape == (H, W),
            msg("lecture11.sample_autoregressive.call_shape", t=t, shape=seen.shape, expected=(H, W)),
        )
        filled = np.arange(H * W) < t
        checks.array(
            seen.ravel()[filled],
            x.ravel()[filled],
            dtype="value",
            name=msg("lecture11.sample_autoregressive.drawn", t=t, pixel=pixel),
        )
        checks.array(
            seen.ravel()[~filled],
            np.zeros(H * W - t),
            dtype="value",
            name=msg("lecture11.sample_autoregressive.not_drawn", t=t, pixel=pixel),
        )


SIGMAS = 4.5  # binomial bound: a correct sampler fails with probability < 1e-5


def _check_rate(x, mask, p, label):
    values = x[mask]
    bound = SIGMAS * math.sqrt(p * (1 - p) / values.size)
    mean = float(values.mean())
    checks.that(
        abs(mean - p) <= bound,
        msg("lecture11.sample_autoregressive.rate", label=label, mean=mean, size=values.size, p=p, bound=bound),
    )


@sample_autoregressive.test(points=1)
def pixel_rate_matches_constant_probability(student, rng):
    x = np.stack(
        [
            _sample(student, _Recorder(lambda x, i, j: 0.3), (16, 16), np.random.default_rng(seed))
            for seed in rng.integers(0, 2**31, size=2)
        ]
    )
    _check_rate(x, np.ones(x.shape, dtype=bool), 0.3, msg("lecture11.sample_autoregressive.label_uniform"))


### BEGIN HIDDEN TESTS
@sample_autoregressive.test(points=1, hidden=True)
def position_dependent_rates_and_edge_shapes(student, rng):
    x = np.stack(
        [
            _sample(student, _Recorder(lambda x, i, j: 0.9 if i < 5 else 0.1), (10, 10), np.random.default_rng(seed))
            for seed in rng.integers(0, 2**31, size=2)
        ]
    )
    rows = np.arange(10)[None, :, None] < 5
    top = np.broadcast_to(rows, x.shape)
    _check_rate(x, top, 0.9, msg("lecture11.sample_autoregressive.label_top"))
    _check_rate(x, ~top, 0.1, msg("lecture11.sample_autoregressive.label_bottom"))
    for H, W in [(1, 1), (1, 6), (5, 1)]:
        _check_determined(student, rng, H, W)


@sample_autoregressive.test(points=1, hidden=True)
def randomness_comes_from_rng(student, rng):
    seed = int(rng.integers(0, 2**31))
    first = _sample(student, _Recorder(lambda x, i, j: 0.5), (4, 6), np.random.default_rng(seed))
    again = _sample(student, _Recorder(lambda x, i, j: 0.5), (4, 6), np.random.default_rng(seed))
    checks.array(
        again,
        first,
        dtype="value",
        name=msg("lecture11.sample_autoregressive.repeat"),
    )
    other = _sample(student, _Recorder(lambda x, i, j: 0.5), (4, 6), np.random.default_rng(seed + 1))
    checks.that(
        not np.array_equal(other, first),
        msg("lecture11.sample_autoregressive.seeds_identical"),
    )


### END HIDDEN TESTS
