"""Grading tests for lecture 12 - Variational autoencoders.

Oracles: ``torch.distributions`` in float64 (``Normal``, ``Bernoulli(logits=...)``, ``Independent`` to sum
over every non-batch axis, ``kl_divergence``, ``AffineTransform`` for the reparameterization), torch
autograd for ``elbo_gradients``, and identities (the KL is 0 exactly at the prior). Inputs are seeded
random arrays of several shapes (batch 1, odd sizes, 4-D image batches) plus logits of +-1000 and
log-variances of +-50 for stability. ``train_vae`` is scored in the test: the grader encodes held-out
data with the student's model, samples ``z`` with its own noise, decodes, and computes the ELBO itself.
"""

from __future__ import annotations

import numpy as np

from autograder import checks
from autograder.i18n import msg
from autograder.oracles import lazy_torch as _torch
from autograder.spec import Lecture

# torch._dynamo: the first torch.optim optimizer imports it (seconds); the worker preloads it in the background.
lecture = Lecture(12, "Variational autoencoders", preload=("torch", "torch._dynamo"))


def _t(a, grad=False):
    torch = _torch()
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def _posterior(mu, logvar):
    """q(z|x) = N(mu, diag(exp(logvar))) as a torch distribution over all non-batch axes."""
    from torch.distributions import Independent, Normal

    mu, logvar = (a if not isinstance(a, np.ndarray) else _t(a) for a in (mu, logvar))
    return Independent(Normal(mu, (0.5 * logvar).exp()), mu.dim() - 1)


def _kl_oracle(mu, logvar):
    torch = _torch()
    from torch.distributions import Independent, Normal, kl_divergence

    q = _posterior(mu, logvar)
    mu_t = q.base_dist.loc
    prior = Independent(Normal(torch.zeros_like(mu_t), torch.ones_like(mu_t)), mu_t.dim() - 1)
    return kl_divergence(q, prior)


def _bernoulli_oracle(x, logits):
    from torch.distributions import Bernoulli, Independent

    logits = logits if not isinstance(logits, np.ndarray) else _t(logits)
    return Independent(Bernoulli(logits=logits), logits.dim() - 1).log_prob(_t(x))


def _elbo_oracle(x, logits, mu, logvar):
    return _bernoulli_oracle(x, logits) - _kl_oracle(mu, logvar)


def _binary(rng, shape):
    return rng.integers(0, 2, size=shape).astype(np.float64)


# --- reparameterize --------------------------------------------------------------------------------------

reparameterize = lecture.exercise("reparameterize")


def _reparam_oracle(mu, logvar, eps):
    from torch.distributions.transforms import AffineTransform

    return AffineTransform(_t(mu), (0.5 * _t(logvar)).exp())(_t(eps)).numpy()


@reparameterize.test(points=1)
def matches_affine_transform(student, rng):
    mu, logvar, eps = rng.normal(size=(6, 3)), rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    checks.array(student.reparameterize(mu, logvar, eps), _reparam_oracle(mu, logvar, eps), name="z")


@reparameterize.test(points=1)
def zero_noise_gives_the_mean(student, rng):
    mu, logvar = rng.normal(size=(4, 5)), rng.normal(size=(4, 5)) * 3
    checks.array(
        student.reparameterize(mu, logvar, np.zeros((4, 5))), mu, name=msg("lecture12.reparameterize.label_zero_eps")
    )


### BEGIN HIDDEN TESTS
@reparameterize.test(points=1, hidden=True)
def other_shapes_and_extreme_logvar(student, rng):
    for shape in [(1, 1), (3, 2, 4), (7, 16)]:
        mu, logvar, eps = rng.normal(size=shape) * 10, rng.uniform(-50, 50, size=shape), rng.normal(size=shape)
        checks.array(
            student.reparameterize(mu, logvar, eps),
            _reparam_oracle(mu, logvar, eps),
            name=msg("lecture12.reparameterize.label_shape", shape=shape),
        )


### END HIDDEN TESTS


# --- gaussian_kl ---------------------------------------------------------------------------------------------

gaussian_kl = lecture.exercise("gaussian_kl")


@gaussian_kl.test(points=1)
def matches_torch_kl_divergence(student, rng):
    mu, logvar = rng.normal(size=(8, 5)), rng.normal(size=(8, 5))
    checks.array(
        student.gaussian_kl(mu, logvar),
        _kl_oracle(mu, logvar).numpy(),
        name=msg("lecture12.gaussian_kl.label_per_sample"),
    )


@gaussian_kl.test(points=1)
def zero_at_the_prior(student, rng):
    mu, logvar = np.zeros((3, 4)), np.zeros((3, 4))
    mu[1], logvar[2] = rng.normal(size=4), rng.normal(size=4)  # rows 1 and 2 are away from the prior
    checks.array(
        student.gaussian_kl(mu, logvar),
        _kl_oracle(mu, logvar).numpy(),
        name=msg("lecture12.gaussian_kl.label_per_sample"),
        atol=1e-12,
    )


### BEGIN HIDDEN TESTS
@gaussian_kl.test(points=1, hidden=True)
def extreme_logvar_and_large_means(student, rng):
    mu = rng.normal(size=(4, 6)) * 100
    logvar = rng.uniform(-50, 50, size=(4, 6))
    logvar[0, :] = [50, -50, 49.5, -49.5, 0, 1]
    checks.array(
        student.gaussian_kl(mu, logvar),
        _kl_oracle(mu, logvar).numpy(),
        name=msg("lecture12.gaussian_kl.label_per_sample"),
    )


@gaussian_kl.test(points=1, hidden=True)
def sums_over_all_non_batch_axes(student, rng):
    for shape in [(1, 1), (5, 2, 3), (2, 3, 2, 2)]:
        mu, logvar = rng.normal(size=shape), rng.normal(size=shape)
        checks.array(
            student.gaussian_kl(mu, logvar),
            _kl_oracle(mu, logvar).numpy(),
            name=msg("lecture12.gaussian_kl.label_shape", shape=shape),
        )


### END HIDDEN TESTS


# --- bernoulli_log_likelihood --------------------------------------------------------------------------------

bernoulli_log_likelihood = lecture.exercise("bernoulli_log_likelihood")


@bernoulli_log_likelihood.test(points=1)
def matches_torch_bernoulli(student, rng):
    x, logits = _binary(rng, (7, 10)), rng.normal(size=(7, 10)) * 3
    checks.array(
        student.bernoulli_log_likelihood(x, logits),
        _bernoulli_oracle(x, logits).numpy(),
        name=msg("lecture12.bernoulli_log_likelihood.label_per_sample"),
    )


@bernoulli_log_likelihood.test(points=1)
def stable_for_large_logits(student, rng):
    logits = np.array([[1000.0, -1000.0, 1000.0, -1000.0], [999.0, -999.0, 0.0, 40.0], [-40.0, 700.0, -700.0, 2.0]])
    x = np.array([[1.0, 0.0, 0.0, 1.0], [1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 1.0]])
    checks.array(
        student.bernoulli_log_likelihood(x, logits),
        _bernoulli_oracle(x, logits).numpy(),
        name=msg("lecture12.bernoulli_log_likelihood.label_per_sample"),
    )


### BEGIN HIDDEN TESTS
@bernoulli_log_likelihood.test(points=1, hidden=True)
def image_batches_sum_over_all_axes(student, rng):
    for shape in [(3, 1, 4, 5), (1, 2, 3, 3), (2, 9)]:
        x, logits = _binary(rng, shape), rng.normal(size=shape) * 5
        checks.array(
            student.bernoulli_log_likelihood(x, logits),
            _bernoulli_oracle(x, logits).numpy(),
            name=msg("lecture12.bernoulli_log_likelihood.label_shape", shape=shape),
        )


@bernoulli_log_likelihood.test(points=1, hidden=True)
def random_extreme_logits(student, rng):
    x, logits = _binary(rng, (5, 8)), rng.choice([-1000.0, 1000.0, -30.0, 30.0], size=(5, 8))
    checks.array(
        student.bernoulli_log_likelihood(x, logits),
        _bernoulli_oracle(x, logits).numpy(),
        name=msg("lecture12.bernoulli_log_likelihood.label_per_sample"),
    )


### END HIDDEN TESTS


# --- gaussian_log_likelihood ---------------------------------------------------------------------------------

gaussian_log_likelihood = lecture.exercise("gaussian_log_likelihood")


def _gaussian_oracle(x, mu, logvar):
    return _posterior(mu, logvar).log_prob(_t(x)).numpy()


@gaussian_log_likelihood.test(points=1)
def matches_torch_normal(student, rng):
    x, mu, logvar = rng.normal(size=(6, 4)), rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    checks.array(
        student.gaussian_log_likelihood(x, mu, logvar),
        _gaussian_oracle(x, mu, logvar),
        name=msg("lecture12.gaussian_log_likelihood.label_per_sample"),
    )


### BEGIN HIDDEN TESTS
@gaussian_log_likelihood.test(points=1, hidden=True)
def extreme_logvar(student, rng):
    x, mu = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    logvar = rng.choice([-50.0, 50.0, -20.0, 30.0], size=(4, 5))
    checks.array(
        student.gaussian_log_likelihood(x, mu, logvar),
        _gaussian_oracle(x, mu, logvar),
        name=msg("lecture12.gaussian_log_likelihood.label_per_sample"),
    )


@gaussian_log_likelihood.test(points=1, hidden=True)
def image_batches_sum_over_all_axes(student, rng):
    for shape in [(2, 3, 4, 4), (1, 1), (5, 2, 7)]:
        x, mu, logvar = rng.normal(size=shape), rng.normal(size=shape), rng.normal(size=shape)
        checks.array(
            student.gaussian_log_likelihood(x, mu, logvar),
            _gaussian_oracle(x, mu, logvar),
            name=msg("lecture12.gaussian_log_likelihood.label_shape", shape=shape),
        )


### END HIDDEN TESTS


# --- elbo ------------------------------------------------------------------------------------------------------

elbo = lecture.exercise("elbo")


def _vae_batch(rng, x_shape, latent):
    n = x_shape[0]
    return (
        _binary(rng, x_shape),
        rng.normal(size=x_shape) * 3,
        rng.normal(size=(n, latent)),
        rng.normal(size=(n, latent)),
    )


@elbo.test(points=1)
def matches_torch_distributions(student, rng):
    x, logits, mu, logvar = _vae_batch(rng, (8, 12), 3)
    checks.array(
        student.elbo(x, logits, mu, logvar),
        _elbo_oracle(x, logits, mu, logvar).numpy(),
        name=msg("lecture12.elbo.label_per_sample"),
    )


@elbo.test(points=1)
def image_batch_with_vector_latents(student, rng):
    x, logits, mu, logvar = _vae_batch(rng, (3, 1, 4, 4), 2)
    checks.array(
        student.elbo(x, logits, mu, logvar),
        _elbo_oracle(x, logits, mu, logvar).numpy(),
        name=msg("lecture12.elbo.label_image"),
    )


### BEGIN HIDDEN TESTS
@elbo.test(points=1, hidden=True)
def stable_for_extreme_inputs(student, rng):
    # Two calls, so that the huge KL at logvar = 50 does not set the tolerance for the reconstruction term.
    x, logits, mu, logvar = _vae_batch(rng, (4, 6), 3)
    extreme_logits = rng.choice([-1000.0, 1000.0, 0.5], size=(4, 6))
    extreme_logvar = logvar.copy()
    extreme_logvar[:, 0], extreme_logvar[:, 1] = 50.0, -50.0
    for label, args in [
        (msg("lecture12.elbo.label_logits"), (x, extreme_logits, mu, logvar)),
        (msg("lecture12.elbo.label_logvar"), (x, logits, mu, extreme_logvar)),
    ]:
        checks.array(
            student.elbo(*args), _elbo_oracle(*args).numpy(), name=msg("lecture12.elbo.label_extreme", label=label)
        )


@elbo.test(points=1, hidden=True)
def one_sample_and_wide_latent(student, rng):
    for x_shape, latent in [((1, 5), 1), ((2, 3, 2, 5), 16)]:
        x, logits, mu, logvar = _vae_batch(rng, x_shape, latent)
        checks.array(
            student.elbo(x, logits, mu, logvar),
            _elbo_oracle(x, logits, mu, logvar).numpy(),
            name=msg("lecture12.elbo.label_shape", x_shape=x_shape, latent=latent),
        )


### END HIDDEN TESTS


# --- elbo_gradients --------------------------------------------------------------------------------------------

elbo_gradients = lecture.exercise("elbo_gradients")


def _check_gradients(student, x, logits, mu, logvar, only=None):
    tensors = [_t(a, grad=True) for a in (logits, mu, logvar)]
    loss = -_elbo_oracle(x, *tensors).mean()
    loss.backward()
    got = checks.parts(student.elbo_gradients(x, logits, mu, logvar), 3, labels=("d_recon_logits", "d_mu", "d_logvar"))
    for label, value, tensor in zip(("d_recon_logits", "d_mu", "d_logvar"), got, tensors):
        if only is None or label in only:
            checks.array(value, tensor.grad.numpy(), name=label)


@elbo_gradients.test(points=1)
def reconstruction_gradient_matches_autograd(student, rng):
    _check_gradients(student, *_vae_batch(rng, (6, 9), 3), only=("d_recon_logits",))


@elbo_gradients.test(points=1)
def encoder_gradients_match_autograd(student, rng):
    _check_gradients(student, *_vae_batch(rng, (6, 9), 3), only=("d_mu", "d_logvar"))


### BEGIN HIDDEN TESTS
@elbo_gradients.test(points=1, hidden=True)
def image_batches_and_one_sample(student, rng):
    for x_shape, latent in [((4, 1, 3, 3), 2), ((1, 7), 5)]:
        _check_gradients(student, *_vae_batch(rng, x_shape, latent))


@elbo_gradients.test(points=1, hidden=True)
def stable_for_extreme_inputs(student, rng):
    x, _, mu, logvar = _vae_batch(rng, (5, 4), 3)
    logits = rng.choice([-1000.0, 1000.0, -40.0, 40.0], size=(5, 4))
    _check_gradients(student, x, logits, mu, logvar)
    logvar = np.where(rng.random(size=logvar.shape) < 0.5, 50.0, -50.0)
    _check_gradients(student, x, logits, mu, logvar, only=("d_logvar",))


### END HIDDEN TESTS


# --- [device] train_vae ----------------------------------------------------------------------------------------

train_vae = lecture.exercise("train_vae", device=True)


def binary_patterns(rng, n, prototypes, flip=0.05):
    """Each sample is one of a few random binary prototypes with 5% of its bits flipped."""
    X = prototypes[rng.integers(0, len(prototypes), size=n)]
    return np.where(rng.random(X.shape) < flip, 1.0 - X, X)


def _independent_bits_baseline(X_train, X_test):
    """Held-out log-likelihood of the best model that ignores z: one Bernoulli per bit."""
    p = np.clip(X_train.mean(axis=0), 1e-3, 1 - 1e-3)
    return float((X_test * np.log(p) + (1 - X_test) * np.log(1 - p)).sum(axis=1).mean())


def _tensor_result(got, shape, device, name):
    """Fail clearly unless ``got`` is a finite floating tensor of ``shape`` on ``device``."""
    checks.that(got is not None, msg("checks.is_none", name=name))
    checks.that(
        type(got).__module__ == "torch" and hasattr(got, "shape"),
        msg("checks.tensor_wrong_type", name=name, type=type(got).__name__),
    )
    checks.that(
        got.device.type == device.split(":")[0],
        msg("lecture12.train_vae.device", name=name, got=got.device, expected=device),
    )
    checks.that(
        tuple(got.shape) == tuple(shape), msg("checks.shape", name=name, got=tuple(got.shape), expected=tuple(shape))
    )
    checks.that(got.is_floating_point(), msg("lecture12.train_vae.not_float", name=name, got=got.dtype))
    values = got.detach().cpu().double().numpy()
    checks.that(np.isfinite(values).all(), msg("lecture12.train_vae.nonfinite", name=name))
    return values


def _heldout_elbo(student, device, rng, dim, prototypes, n_train, epochs, latent_dim):
    torch = _torch()
    X = binary_patterns(rng, n_train, prototypes)
    X_test = binary_patterns(rng, 500, prototypes)
    model = student.remote("train_vae", torch.from_numpy(X).float().to(device), latent_dim, epochs, device)
    encoded = checks.parts(
        model.method("encode", torch.from_numpy(X_test).float().to(device)),
        2,
        name="model.encode(x)",
        labels=("mu", "logvar"),
    )
    shape = (len(X_test), latent_dim)
    mu = _tensor_result(encoded[0], shape, device, msg("lecture12.train_vae.label_mu"))
    logvar = _tensor_result(encoded[1], shape, device, msg("lecture12.train_vae.label_logvar"))
    values = []
    for _ in range(3):  # a 3-sample Monte Carlo estimate of E_q[log p(x|z)], with the grader's own eps
        z = mu + np.exp(0.5 * logvar) * rng.normal(size=shape)
        logits = _tensor_result(
            model.method("decode", torch.from_numpy(z).float().to(device)),
            (len(X_test), dim),
            device,
            "model.decode(z)",
        )
        values.append(float(_elbo_oracle(X_test, _t(logits), _t(mu), _t(logvar)).mean()))
    return float(np.mean(values)), _independent_bits_baseline(X, X_test)


def _check_elbo_bar(student, device, rng, dim, n_protos, n_train, epochs, gain_bar, reference_gain):
    prototypes = _binary(rng, (n_protos, dim))
    value, baseline = _heldout_elbo(student, device, rng, dim, prototypes, n_train, epochs, latent_dim=2)
    checks.that(
        value >= baseline + gain_bar,
        msg(
            "lecture12.train_vae.below_bar",
            value=value,
            bar=baseline + gain_bar,
            baseline=baseline,
            gain=gain_bar,
            reference=baseline + reference_gain,
        ),
    )


# Bars: the reference beats the independent-bits baseline by 6.0-7.0 nats (public setting) and by 9.7-11.2
# nats (hidden setting) over 10 seeds (torch seeds and data seeds 0-9); the bars of 3 and 5 nats leave a margin
# of at least 3.0 and 4.7 nats.
@train_vae.test(points=3, timeout=60)
def heldout_elbo_beats_the_bar(student, device, rng):
    _check_elbo_bar(student, device, rng, dim=24, n_protos=6, n_train=1000, epochs=5, gain_bar=3.0, reference_gain=6.5)


### BEGIN HIDDEN TESTS
@train_vae.test(points=2, hidden=True, timeout=60)
def more_patterns_in_more_bits(student, device, rng):
    _check_elbo_bar(
        student, device, rng, dim=36, n_protos=10, n_train=1200, epochs=8, gain_bar=5.0, reference_gain=10.5
    )


@train_vae.test(points=0, hidden=True, timeout=60)
def training_time(student, ref, device, timing, rng):
    torch = _torch()
    X = torch.from_numpy(binary_patterns(rng, 512, _binary(rng, (6, 24)))).float().to(device)
    times = student.time("train_vae", X, 2, 1, device, warmup=1, repeat=3, sync=device)
    label = msg("lecture12.train_vae.timing", n=512, bits=24)
    timing.compare(label, times, lambda: ref.train_vae(X, 2, 1, device))


### END HIDDEN TESTS
