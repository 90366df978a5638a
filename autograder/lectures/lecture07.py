"""Grading tests for lecture 7 - Advanced CNN: detection, segmentation, visualisation.

Oracles: ``torch.nn.functional`` in float64 (conv_transpose2d, max_pool2d with indices, max_unpool2d,
adaptive_avg_pool2d, interpolate), torch autograd for gradient saliency, slow implementations written
here from the definitions (IoU, greedy NMS, Fast R-CNN ROI binning with ``fractions``/``decimal`` exact
arithmetic, occlusion, tie rules), and identities (the CAM's spatial mean is the GAP + FC class score; a
transposed convolution is the adjoint of a convolution; a linear model's saliency is ``max_c |W|``).
Inputs are seeded random arrays of odd, non-square shapes, batch 1, several strides, pads and kernels,
plus edge cases (touching, nested, zero-area boxes, ties, thresholds exactly at an IoU value) and
magnitudes of +-1000. The worker also checks that no student function modifies its inputs.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np

from autograder import checks
from autograder.i18n import msg
from autograder.oracles import lazy_torch as _torch
from autograder.spec import Lecture

lecture = Lecture(7, "Advanced CNN: detection, segmentation, visualisation", preload=("torch",))


def _F():
    import torch.nn.functional as F

    return F


def _tt(a):
    """A float64 torch tensor from a numpy array (an oracle input)."""
    return _torch().from_numpy(np.ascontiguousarray(a, dtype=np.float64))


# --- boxes: IoU and NMS -------------------------------------------------------------------------------------


def _iou_pair(a, b):
    """IoU of two boxes from the definition, in Python floats."""
    a, b = [float(v) for v in a], [float(v) for v in b]
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    inter = iw * ih if iw > 0 and ih > 0 else 0.0
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _iou_slow(boxes1, boxes2):
    return np.array([[_iou_pair(a, b) for b in boxes2] for a in boxes1], dtype=np.float64).reshape(
        len(boxes1), len(boxes2)
    )


def _random_boxes(rng, n, scale=20.0, max_side=8.0, offset=0.0):
    xy = rng.uniform(0, scale, size=(n, 2)) + offset
    wh = rng.uniform(0.5, max_side, size=(n, 2))
    return np.concatenate([xy, xy + wh], axis=1)


box_iou = lecture.exercise("box_iou")


@box_iou.test(points=1)
def matches_definition_on_random_boxes(student, rng):
    for m, k in [(5, 7), (1, 4), (6, 1)]:
        b1, b2 = _random_boxes(rng, m), _random_boxes(rng, k)
        checks.array(student.box_iou(b1, b2), _iou_slow(b1, b2), name=msg("lecture07.box_iou.label_sizes", m=m, k=k))


@box_iou.test(points=1)
def touching_nested_identical_and_disjoint(student):
    b1 = np.array([[0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 3.0, 4.0]])
    b2 = np.array(
        [
            [2.0, 0.0, 4.0, 2.0],  # touches b1[0] along an edge: IoU 0
            [0.5, 0.5, 1.5, 1.5],  # nested in b1[0]: 1 / 4
            [0.0, 0.0, 2.0, 2.0],  # identical to b1[0]: 1
            [10.0, 10.0, 11.0, 12.0],  # disjoint: 0
            [2.0, 2.0, 5.0, 5.0],  # touches b1[0] at a corner
        ]
    )
    got = student.box_iou(b1, b2)
    checks.array(got, _iou_slow(b1, b2), name=msg("lecture07.box_iou.label_special"))


### BEGIN HIDDEN TESTS
@box_iou.test(points=1, hidden=True)
def zero_area_boxes_give_zero_not_nan(student, rng):
    b1 = np.array([[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 3.0, 0.0], [0.0, 0.0, 2.0, 2.0]])  # point, line, square
    b2 = np.array([[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 3.0, 0.0], [1.0, 1.0, 1.0, 1.0], [0.5, 0.0, 1.5, 1.0]])
    checks.array(student.box_iou(b1, b2), _iou_slow(b1, b2), name=msg("lecture07.box_iou.label_zero_area"))


@box_iou.test(points=1, hidden=True)
def large_coordinates_and_symmetry(student, rng):
    b1 = _random_boxes(rng, 9, scale=30.0, max_side=15.0, offset=1000.0)
    b2 = _random_boxes(rng, 4, scale=30.0, max_side=15.0, offset=1000.0)
    got = checks.array(student.box_iou(b1, b2), _iou_slow(b1, b2), name=msg("lecture07.box_iou.label_far"))
    checks.array(student.box_iou(b2, b1), got.T, name=msg("lecture07.box_iou.label_symmetric"))


### END HIDDEN TESTS


def _nms_slow(boxes, scores, threshold):
    """Greedy NMS from the definition: in (score desc, index asc) order, keep a box unless some kept box
    overlaps it with IoU strictly greater than the threshold."""
    order = sorted(range(len(boxes)), key=lambda i: (-float(scores[i]), i))
    keep: list[int] = []
    for i in order:
        if all(_iou_pair(boxes[i], boxes[k]) <= threshold for k in keep):
            keep.append(i)
    return np.array(keep, dtype=np.int64)


def _clustered_boxes(rng, n, threshold):
    """Boxes in a few clusters (so that NMS suppresses), none with an IoU within 1e-6 of the threshold."""
    for _ in range(100):
        centers = rng.uniform(5, 25, size=(3, 2))
        c = centers[rng.integers(0, 3, size=n)] + rng.normal(size=(n, 2)) * 1.5
        half = rng.uniform(1.5, 4.0, size=(n, 2))
        boxes = np.concatenate([c - half, c + half], axis=1)
        iou = _iou_slow(boxes, boxes)
        if not (np.abs(iou - threshold) < 1e-6).any():
            return boxes
    raise AssertionError("could not draw boxes away from the threshold")  # pragma: no cover


def _check_nms(student, boxes, scores, threshold, what):
    got, expected = student.nms(boxes, scores, threshold), _nms_slow(boxes, scores, threshold)
    try:
        checks.array(got, expected, name=msg("lecture07.nms.label_keep", what=what), dtype="int")
    except checks.CheckFailure as exc:
        if isinstance(got, np.ndarray) and got.ndim == 1 and got.size <= 30:
            checks.fail(msg("lecture07.nms.kept", reason=exc, got=got.tolist(), expected=expected.tolist()))
        raise


nms = lecture.exercise("nms")


@nms.test(points=1)
def matches_greedy_definition(student, rng):
    for n, threshold in [(12, 0.5), (20, 0.3), (9, 0.7)]:
        boxes = _clustered_boxes(rng, n, threshold)
        scores = rng.uniform(0, 1, size=n)
        _check_nms(student, boxes, scores, threshold, msg("lecture07.nms.label_random", n=n, threshold=threshold))


@nms.test(points=1)
def equal_scores_keep_lower_index_first(student, rng):
    boxes = _clustered_boxes(rng, 15, 0.4)
    scores = rng.integers(0, 3, size=15) / 2.0  # many equal scores
    _check_nms(student, boxes, scores, 0.4, msg("lecture07.nms.label_equal_scores"))
    same = np.array([[0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 2.0, 2.1], [5.0, 5.0, 6.0, 6.0], [0.1, 0.0, 2.0, 2.0]])
    _check_nms(student, same, np.ones(4), 0.5, msg("lecture07.nms.label_duplicates"))


### BEGIN HIDDEN TESTS
@nms.test(points=1, hidden=True)
def threshold_exactly_at_iou_is_kept(student):
    # IoU([0,0,4,1], [0,0,2,1]) = 2 / 4 and IoU([0,0,3,1], [1,0,4,1]) = 2 / 4: exactly 0.5 in floating point.
    boxes = np.array([[0.0, 0.0, 4.0, 1.0], [0.0, 0.0, 2.0, 1.0], [10.0, 0.0, 13.0, 1.0], [11.0, 0.0, 14.0, 1.0]])
    scores = np.array([0.9, 0.8, 0.7, 0.6])
    for threshold in (0.5, 0.49, 0.51):
        _check_nms(student, boxes, scores, threshold, msg("lecture07.nms.label_half", threshold=threshold))


@nms.test(points=1, hidden=True)
def unsorted_scores_and_edge_cases(student, rng):
    boxes = _clustered_boxes(rng, 25, 0.5)
    _check_nms(student, boxes, rng.normal(size=25) * 1000, 0.5, msg("lecture07.nms.label_large_scores"))
    _check_nms(student, boxes[:1], np.array([0.3]), 0.5, msg("lecture07.nms.label_single"))
    _check_nms(student, np.zeros((0, 4)), np.zeros(0), 0.5, msg("lecture07.nms.label_empty"))
    # zero-area boxes overlap nothing; touching boxes have IoU 0, kept even at threshold 0
    edge = np.array([[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0], [1.0, 0.0, 2.0, 1.0]])
    _check_nms(student, edge, np.array([0.5, 0.4, 0.3, 0.2]), 0.0, msg("lecture07.nms.label_degenerate"))


### END HIDDEN TESTS


# --- ROI pooling --------------------------------------------------------------------------------------------


def _round_half_away(value):
    return int(Decimal(float(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _roi_slow(features, rois, output_size, scale):
    """Fast R-CNN ROI max pooling from the curriculum's definition, with exact fractions."""
    oh, ow = (output_size, output_size) if np.ndim(output_size) == 0 else output_size
    C, H, W = features.shape
    out = np.zeros((len(rois), C, oh, ow))
    for r, roi in enumerate(rois):
        x1, y1, x2, y2 = (_round_half_away(float(v) * scale) for v in roi)
        h, w = max(y2 - y1 + 1, 1), max(x2 - x1 + 1, 1)
        for i in range(oh):
            top = min(max(y1 + math.floor(Fraction(i * h, oh)), 0), H)
            bottom = min(max(y1 + math.ceil(Fraction((i + 1) * h, oh)), 0), H)
            for j in range(ow):
                left = min(max(x1 + math.floor(Fraction(j * w, ow)), 0), W)
                right = min(max(x1 + math.ceil(Fraction((j + 1) * w, ow)), 0), W)
                for c in range(C):
                    cells = [features[c, y, x] for y in range(top, bottom) for x in range(left, right)]
                    out[r, c, i, j] = max(cells) if cells else 0.0
    return out


def _check_roi(student, features, rois, output_size, scale, what):
    expected = _roi_slow(features, rois, output_size, scale)
    got = student.roi_max_pool(features, rois, output_size, scale)
    try:
        checks.array(got, expected, name=msg("lecture07.roi_max_pool.label_output", what=what))
    except checks.CheckFailure as exc:
        if isinstance(got, np.ndarray) and got.shape == expected.shape and got.dtype.kind in "fiu":
            with np.errstate(invalid="ignore"):
                wrong = ~np.isclose(got, expected, rtol=1e-6, atol=1e-9 * max(1.0, float(np.abs(expected).max())))
            rows = np.flatnonzero(wrong.reshape(len(rois), -1).any(axis=1))
            if rows.size:
                r = int(rows[0])
                checks.fail(
                    msg(
                        "lecture07.roi_max_pool.first_wrong_roi",
                        reason=exc,
                        index=r,
                        roi=rois[r].tolist(),
                        scale=scale,
                        output_size=output_size,
                        shape=features.shape,
                    )
                )
        raise


roi_max_pool = lecture.exercise("roi_max_pool")


@roi_max_pool.test(points=1)
def matches_fast_rcnn_binning(student, rng):
    features = rng.normal(size=(3, 9, 11))
    rois = np.array([[0, 0, 10, 8], [2, 1, 6, 7], [3, 3, 3, 3], [1, 4, 9, 5], [5, 0, 10, 2]], dtype=np.float64)
    _check_roi(student, features, rois, 3, 1.0, "output_size=3, spatial_scale=1")


@roi_max_pool.test(points=1)
def output_pair_and_spatial_scale(student, rng):
    features = rng.normal(size=(5, 7, 10))
    rois = np.array([[0, 0, 19, 13], [4, 2, 15, 11], [6, 6, 9, 13], [0, 8, 7, 9]], dtype=np.float64)
    _check_roi(student, features, rois, (2, 3), 0.5, "output_size=(2, 3), spatial_scale=0.5")


### BEGIN HIDDEN TESTS
@roi_max_pool.test(points=1, hidden=True)
def rounds_half_away_from_zero(student, rng):
    # 5 * 0.5 = 2.5 -> 3 and 3 * 0.5 = 1.5 -> 2 (np.round gives 2 and 2); -1.5 -> -2 is then clipped.
    features = rng.normal(size=(2, 8, 8))
    rois = np.array([[5, 3, 11, 9], [1, 5, 7, 13], [-3, -3, 5, 5], [3, 1, 13, 3]], dtype=np.float64)
    _check_roi(student, features, rois, 2, 0.5, msg("lecture07.roi_max_pool.label_halves"))


@roi_max_pool.test(points=1, hidden=True)
def clipping_empty_bins_and_negative_features(student, rng):
    features = -np.abs(rng.normal(size=(3, 6, 7))) * 1000 - 1.0  # all negative: an empty bin must give 0
    rois = np.array([[4, 3, 12, 9], [-4, -2, 1, 2], [8, 7, 10, 9], [2, 2, 2, 2]], dtype=np.float64)
    _check_roi(student, features, rois, (3, 4), 1.0, msg("lecture07.roi_max_pool.label_outside"))


@roi_max_pool.test(points=1, hidden=True)
def exact_integer_bins_and_small_rois(student, rng):
    # A 29-row ROI in 7 bins: the float product 7 * (29 / 7) = 29.000000000000004 would end the last bin
    # one row too late; exact integer arithmetic ends it at row 29 (exclusive).
    features = rng.normal(size=(2, 32, 12))
    features[:, 30, :] = 100.0  # row 30 is just outside the ROI
    rois = np.array([[1, 1, 10, 29], [0, 2, 0, 2], [3, 4, 4, 5]], dtype=np.float64)  # 29 rows; 1x1; 2x2
    _check_roi(student, features, rois, (7, 3), 1.0, msg("lecture07.roi_max_pool.label_odd"))
    _check_roi(student, features[:1, :5, :6], rois[1:], 4, 1.0, msg("lecture07.roi_max_pool.label_small"))


### END HIDDEN TESTS


# --- visualisation: CAM, occlusion, gradient saliency -------------------------------------------------------


def _cam_slow(features, weights, c):
    K, H, W = features.shape
    out = np.zeros((H, W))
    for k in range(K):
        out += weights[k, c] * features[k]
    return out


class_activation_map = lecture.exercise("class_activation_map")


@class_activation_map.test(points=1)
def weighted_sum_of_feature_maps(student, rng):
    for K, H, W, C in [(6, 5, 7, 4), (1, 3, 2, 1), (13, 4, 4, 10)]:
        features, weights = rng.normal(size=(K, H, W)), rng.normal(size=(K, C))
        c = int(rng.integers(0, C))
        checks.array(
            student.class_activation_map(features, weights, c),
            _cam_slow(features, weights, c),
            name=msg("lecture07.class_activation_map.label_shape", c=c, K=K, H=H, W=W),
        )


@class_activation_map.test(points=1)
def spatial_mean_is_the_gap_fc_score(student, rng):
    torch = _torch()
    K, H, W, C = 8, 6, 5, 3
    features = np.maximum(rng.normal(size=(K, H, W)), 0.0)
    head = torch.nn.Sequential(torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(K, C, bias=False))
    head = head.double()
    weights = rng.normal(size=(K, C))
    with torch.no_grad():
        head[2].weight.copy_(_tt(weights.T))  # torch stores (C, K); the curriculum uses (K, C)
    scores = head(_tt(features)[None]).detach().numpy()[0]
    for c in range(C):
        cam = checks.array(
            student.class_activation_map(features, weights, c),
            _cam_slow(features, weights, c),
            name=msg("lecture07.class_activation_map.label_class", c=c),
        )
        checks.scalar(cam.mean(), scores[c], name=msg("lecture07.class_activation_map.label_mean", c=c))


### BEGIN HIDDEN TESTS
@class_activation_map.test(points=1, hidden=True)
def raw_values_keep_sign_and_scale(student, rng):
    features, weights = rng.normal(size=(7, 9, 4)) * 1000, rng.normal(size=(7, 5))
    for c in (0, 4):
        checks.array(
            student.class_activation_map(features, weights, c),
            _cam_slow(features, weights, c),
            name=msg("lecture07.class_activation_map.label_raw", c=c),
        )


### END HIDDEN TESTS


def _score_function(rng, C, H, W, classes=4, linear=False):
    """A small fixed classifier on (C, H, W) images in numpy, called back from the worker."""
    A = rng.normal(size=(6, C * H * W)) / np.sqrt(C * H * W)
    B = rng.normal(size=(classes, 6))
    Wlin = rng.normal(size=(classes, C * H * W))

    def score_fn(image):
        image = np.asarray(image, dtype=np.float64)
        if image.shape != (C, H, W):
            raise ValueError(msg("lecture07.occlusion_saliency.score_fn_shape", C=C, H=H, W=W, shape=image.shape))
        flat = image.reshape(-1)
        return Wlin @ flat if linear else B @ np.tanh(A @ flat)

    return score_fn, Wlin.reshape(classes, C, H, W)


def _occlusion_slow(score_fn, image, label, patch, stride):
    C, H, W = image.shape
    base = score_fn(image)[label]
    rows, cols = (H - patch) // stride + 1, (W - patch) // stride + 1
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            occluded = image.copy()
            for c in range(C):
                for y in range(i * stride, i * stride + patch):
                    for x in range(j * stride, j * stride + patch):
                        occluded[c, y, x] = 0.0
            out[i, j] = base - score_fn(occluded)[label]
    return out


def _check_occlusion(student, rng, shape, label, patch, stride, linear=False):
    score_fn, _ = _score_function(rng, *shape, linear=linear)
    image = rng.normal(size=shape)
    checks.array(
        student.occlusion_saliency(score_fn, image, label, patch, stride),
        _occlusion_slow(score_fn, image, label, patch, stride),
        name=msg("lecture07.occlusion_saliency.label_map", shape=shape, patch=patch, stride=stride),
        rtol=1e-6,
    )


occlusion_saliency = lecture.exercise("occlusion_saliency")


@occlusion_saliency.test(points=1)
def matches_slow_oracle(student, rng):
    _check_occlusion(student, rng, (3, 7, 9), label=2, patch=3, stride=2)


@occlusion_saliency.test(points=1)
def linear_classifier_sums_weights_under_the_patch(student, rng):
    score_fn, weights = _score_function(rng, 2, 5, 6, linear=True)
    image, label, patch = rng.normal(size=(2, 5, 6)), 1, 2
    # For a linear score the drop is the contribution of the hidden pixels, all channels together.
    expected = np.array(
        [[np.sum((weights[label] * image)[:, i : i + patch, j : j + patch]) for j in range(5)] for i in range(4)]
    )
    checks.array(
        student.occlusion_saliency(score_fn, image, label, patch, 1),
        expected,
        name=msg("lecture07.occlusion_saliency.label_linear"),
    )


### BEGIN HIDDEN TESTS
@occlusion_saliency.test(points=1, hidden=True)
def stride_larger_than_patch_and_leftovers(student, rng):
    _check_occlusion(student, rng, (1, 8, 7), label=0, patch=2, stride=3)
    _check_occlusion(student, rng, (2, 6, 5), label=3, patch=1, stride=2)


@occlusion_saliency.test(points=1, hidden=True)
def patch_covering_the_whole_image(student, rng):
    _check_occlusion(student, rng, (3, 4, 5), label=1, patch=4, stride=1)
    _check_occlusion(student, rng, (2, 5, 5), label=2, patch=5, stride=3, linear=True)


### END HIDDEN TESTS


def _small_cnn(torch, in_channels, classes, seed):
    with torch.random.fork_rng():  # a fixed network, without touching the global torch generator
        torch.manual_seed(seed)
        return torch.nn.Sequential(
            torch.nn.Conv2d(in_channels, 4, 3, padding=1),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(4, 5, 3, padding=1),
            torch.nn.ReLU(),
            torch.nn.AdaptiveAvgPool2d(1),
            torch.nn.Flatten(),
            torch.nn.Linear(5, classes),
        ).eval()


def _saliency_autograd(model, image, label):
    x = image.detach().clone()[None].requires_grad_(True)
    model(x)[0, label].backward()
    model.zero_grad()
    return x.grad[0].abs().amax(dim=0)


def _check_saliency(student, model, image, label, what):
    got = student.gradient_saliency(model, image, label)
    checks.tensor(
        got,
        _saliency_autograd(model, image, label),
        name=msg("lecture07.gradient_saliency.label_saliency", what=what),
        rtol=1e-4,
    )
    checks.that(not got.requires_grad, msg("lecture07.gradient_saliency.not_detached", what=what))


gradient_saliency = lecture.exercise("gradient_saliency", torch=True)


@gradient_saliency.test(points=1)
def matches_autograd_on_a_small_cnn(student, rng, device):
    torch = _torch()
    model = _small_cnn(torch, 3, 4, seed=7).to(device)
    image = torch.from_numpy(rng.normal(size=(3, 9, 10)).astype(np.float32)).to(device)
    for label in (0, 3):
        _check_saliency(student, model, image, label, msg("lecture07.gradient_saliency.label_image", label=label))


@gradient_saliency.test(points=1)
def linear_model_saliency_is_max_abs_weight(student, rng, device):
    torch = _torch()
    C, H, W, classes = 2, 4, 5, 3
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(C * H * W, classes)).eval()
    with torch.no_grad():
        model[1].weight.copy_(torch.from_numpy(rng.normal(size=(classes, C * H * W)).astype(np.float32)))
    model = model.to(device)
    image = torch.from_numpy(rng.normal(size=(C, H, W)).astype(np.float32)).to(device)
    label = 2
    # d score_label / d image = W[label] reshaped: the saliency is max over channels of |W[label]|.
    expected = model[1].weight.detach()[label].reshape(C, H, W).abs().amax(dim=0)
    got = student.gradient_saliency(model, image, label)
    checks.tensor(got, expected, name=msg("lecture07.gradient_saliency.label_linear"), rtol=1e-5)


### BEGIN HIDDEN TESTS
@gradient_saliency.test(points=1, hidden=True)
def one_channel_odd_image(student, rng, device):
    torch = _torch()
    model = _small_cnn(torch, 1, 5, seed=11).to(device)
    image = torch.from_numpy(rng.normal(size=(1, 7, 5)).astype(np.float32) * 3).to(device)
    _check_saliency(student, model, image, 4, msg("lecture07.gradient_saliency.label_small"))


@gradient_saliency.test(points=1, hidden=True)
def image_requiring_grad_is_left_alone(student, rng, device):
    torch = _torch()
    model = _small_cnn(torch, 2, 3, seed=3).to(device)
    image = torch.from_numpy(rng.normal(size=(2, 6, 8)).astype(np.float32)).to(device).requires_grad_(True)
    _check_saliency(student, model, image, 1, msg("lecture07.gradient_saliency.label_requires_grad"))


### END HIDDEN TESTS


# --- segmentation: transposed convolution, unpooling, up-sampling, pyramid pooling ---------------------------


def _check_conv_t(student, rng, x_shape, w_shape, stride, pad, scale=1.0):
    x, w = rng.normal(size=x_shape) * scale, rng.normal(size=w_shape)
    expected = _F().conv_transpose2d(_tt(x), _tt(w), stride=stride, padding=pad).numpy()
    checks.array(
        student.conv_transpose2d_forward(x, w, stride, pad),
        expected,
        name=f"conv_transpose2d_forward(x {x_shape}, w {w_shape}, stride={stride}, pad={pad})",
    )


conv_transpose2d_forward = lecture.exercise("conv_transpose2d_forward")


@conv_transpose2d_forward.test(points=1)
def stride_one_matches_torch(student, rng):
    for x_shape, w_shape in [((2, 3, 5, 4), (3, 5, 3, 3)), ((1, 1, 4, 6), (1, 2, 1, 1)), ((3, 2, 3, 5), (2, 3, 2, 5))]:
        _check_conv_t(student, rng, x_shape, w_shape, 1, 0)


@conv_transpose2d_forward.test(points=1)
def strided_and_padded_match_torch(student, rng):
    for x_shape, w_shape, stride, pad in [
        ((2, 3, 4, 5), (3, 6, 3, 3), 2, 1),
        ((1, 2, 3, 3), (2, 3, 4, 2), 3, 0),
        ((2, 5, 3, 4), (5, 3, 5, 5), 2, 2),
    ]:
        _check_conv_t(student, rng, x_shape, w_shape, stride, pad)


### BEGIN HIDDEN TESTS
@conv_transpose2d_forward.test(points=1, hidden=True)
def batch_one_large_values_and_pad_two(student, rng):
    _check_conv_t(student, rng, (1, 7, 5, 3), (7, 3, 3, 4), 3, 2, scale=1000.0)
    _check_conv_t(student, rng, (1, 3, 2, 2), (3, 1, 5, 5), 1, 2)


@conv_transpose2d_forward.test(points=1, hidden=True)
def is_the_adjoint_of_conv2d(student, rng):
    # <conv2d(y, w), x> = <y, conv_transpose2d(x, w)> for every y: the transposed conv is conv2d's adjoint
    # (conv2d reads w (4, 6, 3, 3) as 6 -> 4 channels; conv_transpose2d as 4 -> 6).
    F = _F()
    x, w, stride, pad = rng.normal(size=(2, 4, 3, 5)), rng.normal(size=(4, 6, 3, 3)), 2, 1
    expected = F.conv_transpose2d(_tt(x), _tt(w), stride=stride, padding=pad).numpy()
    out = checks.array(
        student.conv_transpose2d_forward(x, w, stride, pad),
        expected,
        name="conv_transpose2d_forward(x, w, stride=2, pad=1)",
    )
    y = rng.normal(size=expected.shape)
    lhs = float((F.conv2d(_tt(y), _tt(w), stride=stride, padding=pad).numpy() * x).sum())
    checks.scalar(float((y * out).sum()), lhs, name=msg("lecture07.conv_transpose2d_forward.label_adjoint"))


### END HIDDEN TESTS


def _first_max_pool_slow(x, size, stride):
    """Max pooling with the first maximum in row-major order, from the definition."""
    N, C, H, W = x.shape
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    out, idx = np.zeros((N, C, Ho, Wo)), np.zeros((N, C, Ho, Wo), dtype=np.int64)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    best, where = -np.inf, -1
                    for a in range(i * stride, i * stride + size):
                        for b in range(j * stride, j * stride + size):
                            if x[n, c, a, b] > best:
                                best, where = x[n, c, a, b], a * W + b
                    out[n, c, i, j], idx[n, c, i, j] = best, where
    return out, idx


def _check_pool(student, x, size, stride, oracle):
    if oracle == "torch":
        o, i = _F().max_pool2d(_tt(x), size, stride, return_indices=True)
        expected = (o.numpy(), i.numpy())
    else:
        expected = _first_max_pool_slow(x, size, stride)
    what = f"x {x.shape}, size={size}, stride={stride}"
    out, indices = checks.parts(
        student.max_pool_with_indices(x, size, stride),
        2,
        labels=("out", "indices"),
        name=f"max_pool_with_indices({what})",
    )
    checks.array(out, expected[0], name=msg("lecture07.max_pool_with_indices.label_values", what=what))
    checks.array(
        indices, expected[1], name=msg("lecture07.max_pool_with_indices.label_indices", what=what), dtype="int"
    )


max_pool_with_indices = lecture.exercise("max_pool_with_indices")


@max_pool_with_indices.test(points=1)
def values_and_indices_match_torch(student, rng):
    for shape, size, stride in [((2, 3, 6, 8), 2, 2), ((1, 5, 7, 9), 3, 2)]:
        _check_pool(student, rng.normal(size=shape), size, stride, "torch")  # continuous values: no ties


@max_pool_with_indices.test(points=1)
def ties_go_to_the_first_maximum(student, rng):
    x = rng.integers(0, 3, size=(2, 3, 6, 7)).astype(np.float64)  # many ties in every window
    _check_pool(student, x, 2, 2, "definition")
    _check_pool(student, x, 3, 2, "definition")


### BEGIN HIDDEN TESTS
@max_pool_with_indices.test(points=1, hidden=True)
def overlapping_and_sparse_windows(student, rng):
    for shape, size, stride in [((1, 3, 8, 5), 3, 1), ((2, 1, 7, 11), 2, 3), ((1, 2, 5, 4), 1, 2)]:
        _check_pool(student, rng.normal(size=shape), size, stride, "torch")


@max_pool_with_indices.test(points=1, hidden=True)
def large_negative_values_and_tied_planes(student, rng):
    _check_pool(student, -np.abs(rng.normal(size=(2, 3, 5, 6))) * 1000 - 1, 2, 2, "torch")
    _check_pool(student, np.full((1, 2, 4, 5), -7.0), 2, 1, "definition")


### END HIDDEN TESTS


def _unpool_torch(values, indices, shape):
    """torch's max_unpool2d kernel. F.max_unpool2d(..., output_size=...) calls the same kernel after a size
    check whose first call imports ~2 s of torch internals, hence the aten op directly."""
    torch = _torch()
    return torch.ops.aten.max_unpool2d(_tt(values), torch.from_numpy(indices), list(shape[2:])).numpy()


def _check_unpool_from_pool(student, rng, shape, size, stride):
    x = rng.normal(size=shape)
    o, i = _F().max_pool2d(_tt(x), size, stride, return_indices=True)
    values, indices = o.numpy(), i.numpy()
    checks.array(
        student.max_unpool(values, indices, shape),
        _unpool_torch(values, indices, shape),
        name=msg("lecture07.max_unpool.label_shape", shape=shape, size=size, stride=stride),
    )


max_unpool = lecture.exercise("max_unpool")


@max_unpool.test(points=1)
def matches_torch_after_pooling(student, rng):
    _check_unpool_from_pool(student, rng, (2, 3, 6, 8), 2, 2)
    _check_unpool_from_pool(student, rng, (1, 5, 7, 9), 3, 2)


@max_unpool.test(points=1)
def values_land_in_their_own_plane(student, rng):
    N, C, H, W, k = 2, 3, 5, 4, 6
    indices = np.stack([np.stack([rng.choice(H * W, size=k, replace=False) for _ in range(C)]) for _ in range(N)])
    indices = indices.reshape(N, C, 2, 3).astype(np.int64)
    values = rng.normal(size=(N, C, 2, 3))
    expected = np.zeros((N, C, H, W))
    for n, c, i, j in np.ndindex(values.shape):
        expected[n, c, indices[n, c, i, j] // W, indices[n, c, i, j] % W] = values[n, c, i, j]
    checks.array(
        student.max_unpool(values, indices, (N, C, H, W)),
        expected,
        name=msg("lecture07.max_unpool.label_arbitrary"),
    )


### BEGIN HIDDEN TESTS
@max_unpool.test(points=1, hidden=True)
def overlapping_windows_assign_not_add(student, rng):
    _check_unpool_from_pool(student, rng, (1, 2, 6, 7), 3, 1)  # one maximum is picked by several windows


@max_unpool.test(points=1, hidden=True)
def leftover_border_and_list_shape(student, rng):
    x = rng.normal(size=(1, 3, 7, 9)) * 1000
    o, i = _F().max_pool2d(_tt(x), 2, 2, return_indices=True)
    values, indices = o.numpy(), i.numpy()
    checks.array(
        student.max_unpool(values, indices, [1, 3, 7, 9]),
        _unpool_torch(values, indices, (1, 3, 7, 9)),
        name=msg("lecture07.max_unpool.label_list_shape"),
    )


### END HIDDEN TESTS


def _check_upsample(student, x, scale):
    expected = _F().interpolate(_tt(x), scale_factor=scale, mode="nearest").numpy()
    checks.array(student.upsample_nearest(x, scale), expected, name=f"upsample_nearest(x {x.shape}, scale={scale})")


upsample_nearest = lecture.exercise("upsample_nearest")


@upsample_nearest.test(points=1)
def matches_torch(student, rng):
    _check_upsample(student, rng.normal(size=(2, 3, 5, 7)), 2)
    _check_upsample(student, rng.normal(size=(1, 2, 3, 4)), 3)


### BEGIN HIDDEN TESTS
@upsample_nearest.test(points=1, hidden=True)
def scale_one_is_identity(student, rng):
    x = rng.normal(size=(2, 1, 4, 3))
    checks.array(student.upsample_nearest(x, 1), x, name="upsample_nearest(x, scale=1)")


@upsample_nearest.test(points=1, hidden=True)
def large_scale_and_values(student, rng):
    _check_upsample(student, rng.normal(size=(1, 5, 2, 3)) * 1000, 4)
    _check_upsample(student, rng.normal(size=(3, 1, 1, 2)), 5)


### END HIDDEN TESTS


def _pyramid_oracle(x, bins):
    """torch's adaptive_avg_pool2d bins, then nearest up-sampling with source index floor(i * b / H)."""
    F = _F()
    N, C, H, W = x.shape
    parts = [x]
    for b in bins:
        pooled = F.adaptive_avg_pool2d(_tt(x), b).numpy()
        rows = [i * b // H for i in range(H)]
        cols = [j * b // W for j in range(W)]
        parts.append(pooled[:, :, rows][:, :, :, cols])
    return np.concatenate(parts, axis=1)


def _check_pyramid(student, x, bins, pass_bins=True):
    got = student.pyramid_pool(x, bins) if pass_bins else student.pyramid_pool(x)
    checks.array(got, _pyramid_oracle(x, bins), name=f"pyramid_pool(x {x.shape}, bins={bins})")


pyramid_pool = lecture.exercise("pyramid_pool")


@pyramid_pool.test(points=1)
def default_bins_match_torch_pooling(student, rng):
    _check_pyramid(student, rng.normal(size=(2, 3, 12, 12)), (1, 2, 3, 6), pass_bins=False)
    _check_pyramid(student, rng.normal(size=(1, 2, 7, 10)), (1, 2, 3, 6), pass_bins=False)


@pyramid_pool.test(points=1)
def custom_bins_in_order(student, rng):
    _check_pyramid(student, rng.normal(size=(2, 3, 5, 8)), (2, 5))
    _check_pyramid(student, rng.normal(size=(1, 1, 9, 6)), (4,))


### BEGIN HIDDEN TESTS
@pyramid_pool.test(points=1, hidden=True)
def bins_larger_than_the_map(student, rng):
    _check_pyramid(student, rng.normal(size=(1, 2, 3, 5)), (1, 4, 6))


@pyramid_pool.test(points=1, hidden=True)
def one_bin_is_the_global_mean(student, rng):
    x = rng.normal(size=(2, 3, 6, 7)) * 1000
    got = checks.array(student.pyramid_pool(x, (1,)), _pyramid_oracle(x, (1,)), name="pyramid_pool(x, bins=(1,))")
    checks.array(
        got[:, 3:],
        np.broadcast_to(x.mean(axis=(2, 3), keepdims=True), x.shape),
        name=msg("lecture07.pyramid_pool.label_bin1"),
    )


### END HIDDEN TESTS
