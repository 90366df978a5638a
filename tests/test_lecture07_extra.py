"""Lecture 7: the grader's own oracles and test premises, checked by hand-worked values (not the reference).

The generic kit tests compare the reference with the oracles; both were written by the same author, so
here each oracle meets cases worked out by hand, and each edge-case test's premise (a float trap, an IoU
exactly at the threshold) is checked to really hold.
"""

import math

import numpy as np

from autograder.lectures import lecture07 as L


def test_round_half_away_from_zero():
    values = (2.5, 1.5, 0.5, -0.5, -1.5, -2.5, 2.4999, 7.0)
    assert [L._round_half_away(v) for v in values] == [3, 2, 1, -1, -2, -3, 2, 7]


def test_iou_oracle_by_hand():
    a = [0.0, 0.0, 2.0, 2.0]
    assert L._iou_pair(a, [1.0, 1.0, 3.0, 3.0]) == 1.0 / 7.0  # inter 1, union 4 + 4 - 1
    assert L._iou_pair(a, [2.0, 0.0, 4.0, 2.0]) == 0.0  # touching edge
    assert L._iou_pair(a, [0.5, 0.5, 1.5, 1.5]) == 0.25  # nested
    assert L._iou_pair([1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]) == 0.0  # zero union
    assert L._iou_pair(a, [3.0, 3.0, 4.0, 4.0]) == 0.0  # disjoint on both axes (negative overlaps)


def test_threshold_premise_is_exact_in_floating_point():
    assert L._iou_pair([0.0, 0.0, 4.0, 1.0], [0.0, 0.0, 2.0, 1.0]) == 0.5
    assert L._iou_pair([10.0, 0.0, 13.0, 1.0], [11.0, 0.0, 14.0, 1.0]) == 0.5


def test_nms_oracle_by_hand():
    boxes = np.array([[0, 0, 4, 1], [0, 0, 2, 1], [10, 0, 13, 1], [11, 0, 14, 1]], dtype=float)
    scores = np.array([0.9, 0.8, 0.6, 0.7])
    assert L._nms_slow(boxes, scores, 0.5).tolist() == [0, 1, 3, 2]  # IoU 0.5 is not > 0.5
    assert L._nms_slow(boxes, scores, 0.49).tolist() == [0, 3]
    assert L._nms_slow(boxes, np.ones(4), 0.49).tolist() == [0, 2]  # ties: lower index first
    assert L._nms_slow(np.zeros((0, 4)), np.zeros(0), 0.5).dtype == np.int64


def test_roi_oracle_by_hand():
    features = np.arange(2 * 4 * 5, dtype=float).reshape(2, 4, 5)  # value grows with row and column
    # ROI (1, 0)-(3, 2): 3x3 cells, 2x2 bins: rows [0, 2) and [1, 3), columns [1, 3) and [2, 4).
    out = L._roi_slow(features, np.array([[1.0, 0.0, 3.0, 2.0]]), 2, 1.0)
    assert out[0, 0].tolist() == [[7.0, 8.0], [12.0, 13.0]]
    assert out[0, 1].tolist() == [[27.0, 28.0], [32.0, 33.0]]
    # Fully outside the map: every bin is clipped empty and gives 0.
    assert not L._roi_slow(features, np.array([[7.0, 6.0, 9.0, 8.0]]), (1, 2), 1.0).any()
    # spatial_scale 0.5 with exact halves: 3 * 0.5 = 1.5 -> 2, 5 * 0.5 = 2.5 -> 3 (one 2x2 bin at rows/cols 2..3).
    assert L._roi_slow(features, np.array([[3.0, 3.0, 5.0, 5.0]]), 1, 0.5)[0, 0, 0, 0] == 18.0


def test_exact_bins_premise_float_trap_exists():
    # The hidden ROI test relies on this: float bin sizes end bin 6 of 7 of a 29-row ROI one row late.
    assert math.ceil(7 * (29 / 7)) == 30
    assert -((-7 * 29) // 7) == 29


def test_pyramid_oracle_matches_torch_interpolate_on_exact_sizes():
    import torch
    import torch.nn.functional as F

    x = np.random.default_rng(0).normal(size=(1, 2, 12, 6))
    got = L._pyramid_oracle(x, (1, 2, 3, 6))
    expected = [x] + [
        F.interpolate(F.adaptive_avg_pool2d(torch.from_numpy(x), b), size=(12, 6), mode="nearest").numpy()
        for b in (1, 2, 3, 6)
    ]
    np.testing.assert_allclose(got, np.concatenate(expected, axis=1), rtol=1e-12, atol=1e-12)


def test_first_max_pool_oracle_by_hand():
    x = np.array([[[[1.0, 3.0, 3.0], [3.0, 0.0, 2.0]]]])  # ties inside the windows
    out, idx = L._first_max_pool_slow(x, 2, 1)
    assert out.tolist() == [[[[3.0, 3.0]]]]
    assert idx.tolist() == [[[[1, 1]]]]  # first maximum in row-major order: (0, 1) for both windows


def test_occlusion_oracle_on_a_linear_score():
    w = np.arange(12, dtype=float).reshape(1, 2, 2, 3)

    def score(image):
        return np.array([float((w[0] * image).sum())])

    image = np.ones((2, 2, 3))
    out = L._occlusion_slow(score, image, 0, 2, 1)  # one row of two positions
    assert out.tolist() == [[0 + 1 + 3 + 4 + 6 + 7 + 9 + 10, 1 + 2 + 4 + 5 + 7 + 8 + 10 + 11]]
