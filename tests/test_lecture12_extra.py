"""Lecture 12 properties the generic kit tests do not cover: the held-out ELBO bar needs the latent code.

A model that ignores z (encoder = the prior, so KL = 0; decoder = the training data's bit frequencies)
scores exactly the independent-bits baseline, which is below the bar; the true generative process of the
data scores far above it.
"""

import numpy as np
import pytest

from autograder.lectures import lecture12 as tests12


@pytest.mark.parametrize("dim,n_protos,bar", [(24, 6, 3.0), (36, 10, 5.0)])
def test_a_model_that_ignores_z_cannot_reach_the_bar(dim, n_protos, bar):
    rng = np.random.default_rng(dim)
    prototypes = tests12._binary(rng, (n_protos, dim))
    X, X_test = tests12.binary_patterns(rng, 1000, prototypes), tests12.binary_patterns(rng, 500, prototypes)
    baseline = tests12._independent_bits_baseline(X, X_test)
    p = np.clip(X.mean(axis=0), 1e-3, 1 - 1e-3)
    logits = np.tile(np.log(p) - np.log1p(-p), (len(X_test), 1))
    zeros = np.zeros((len(X_test), 2))
    ignoring_z = float(tests12._elbo_oracle(X_test, logits, zeros, zeros).mean())
    assert ignoring_z == pytest.approx(baseline, abs=1e-9)
    assert ignoring_z < baseline + bar
    # The best possible model knows the prototype and the 5% flip rate: about -log K - D * H(0.05) per sample.
    best = -np.log(n_protos) - dim * -(0.05 * np.log(0.05) + 0.95 * np.log(0.95))
    assert best > baseline + 2 * bar
