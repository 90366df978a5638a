"""Lecture 13 properties the generic kit tests do not cover: the grader's own oracles and bars.

- the slerp oracle (a rotation in the plane of z0 and z1) agrees with Shoemake's formula written out here;
- the GAN bars reject a generator that collapses onto one mode and one that only matches the mixture's mean
  and standard deviation with a single Gaussian, and accept samples of the target itself.
"""

import numpy as np
import pytest

from autograder import checks
from autograder.lectures import lecture13 as tests13


def _shoemake(z0, z1, steps):
    omega = np.arccos(z0 @ z1 / (np.linalg.norm(z0) * np.linalg.norm(z1)))
    t = np.linspace(0, 1, steps)[:, None]
    return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


@pytest.mark.parametrize("d", [2, 3, 17])
def test_slerp_oracle_agrees_with_shoemake(d):
    rng = np.random.default_rng(d)
    z0, z1 = rng.normal(size=d) * 3, rng.normal(size=d)
    np.testing.assert_allclose(tests13._slerp_oracle(z0, z1, 7), _shoemake(z0, z1, 7), rtol=1e-10, atol=1e-12)


def _mixture_samples(rng, mixture, n=2000):
    centers, std = mixture
    return centers[rng.integers(0, len(centers), size=n)] + std * rng.normal(size=(n, centers.shape[1]))


@pytest.mark.parametrize("mixture,bars", [(tests13.TWO_MODES_1D, (0.30, 0.80)), (tests13.THREE_MODES_2D, (0.08, 0.60))])
def test_mode_bars_accept_the_target_and_reject_mode_collapse(mixture, bars):
    rng = np.random.default_rng(0)
    tests13._check_modes(_mixture_samples(rng, mixture), mixture, *bars)
    centers, std = mixture
    collapsed = centers[0] + std * rng.normal(size=(2000, centers.shape[1]))
    with pytest.raises(checks.CheckFailure, match="mode collapse"):
        tests13._check_modes(collapsed, mixture, *bars)


def test_one_gaussian_with_the_right_moments_fails_the_1d_bars():
    rng = np.random.default_rng(1)
    samples = rng.normal(size=(2000, 1)) * np.sqrt(4.25)  # the mixture's mean 0 and std 2.06
    with pytest.raises(checks.CheckFailure, match="within 3 std"):
        tests13._check_modes(samples, tests13.TWO_MODES_1D, 0.30, 0.80)
