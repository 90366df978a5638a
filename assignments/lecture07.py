"""Lecture 7 - Advanced CNN: detection, segmentation, visualisation (CNN 심화: 객체 탐지, 이미지 분할, 시각화).

Object detection (객체 탐지) finds *where* objects are with bounding boxes (경계 박스): box overlap is
measured by the intersection over union (IoU), duplicate detections are removed by non-maximum
suppression (NMS), and Fast R-CNN pools every region proposal (영역 제안) of one shared feature map to
a fixed size with ROI pooling. Semantic segmentation (의미론적 분할) classifies every pixel: FCN and
U-Net recover the resolution with up-sampling (업샘플링), deconvolution networks with transposed
convolution (디컨볼루션) and max unpooling (언풀링) that puts values back where the pooling found its
maxima, and PSPNet adds a pyramid pooling module (피라미드 풀링) for objects of many sizes. Finally, three
ways to see what a CNN looks at: the class activation map (CAM), occlusion saliency (가림 기반
saliency) and gradient saliency (역전파 기반 saliency).

Conventions (see CURRICULUM.md): numpy float64 arrays unless a function says torch, images ``NCHW``,
boxes ``(x1, y1, x2, y2)`` in continuous coordinates, no function modifies its inputs.
"""

import numpy as np


def box_iou(boxes1, boxes2):
    """Pairwise intersection over union (IoU, 교집합/합집합 비율) of two sets of boxes.

    A box is ``(x1, y1, x2, y2)`` with ``x1 <= x2`` and ``y1 <= y2`` in continuous coordinates, so its
    area is ``(x2 - x1) * (y2 - y1)`` (no "+1" as in pixel-index conventions). For boxes ``a`` and ``b``::

        inter = max(0, min(a.x2, b.x2) - max(a.x1, b.x1)) * max(0, min(a.y2, b.y2) - max(a.y1, b.y1))
        union = area(a) + area(b) - inter
        IoU   = inter / union            (0 where union == 0, e.g. two zero-area boxes)

    Boxes that only touch (share an edge) have intersection 0, hence IoU 0; a box nested in another
    has IoU = small area / large area. Boxes with ``x2 < x1`` or ``y2 < y1`` are outside the contract.

    Args:
        boxes1: (M, 4) boxes; boxes2: (K, 4) boxes.
    Returns:
        (M, K) float64 array, ``iou[m, k] = IoU(boxes1[m], boxes2[k])``, values in [0, 1].
    Hint:
        Broadcasting ``boxes1[:, None, :]`` against ``boxes2[None, :, :]`` gives all pairs at once;
        ``np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)`` avoids 0 / 0.
    """
    raise NotImplementedError("box_iou: not implemented yet")


def nms(boxes, scores, iou_threshold):
    """Greedy non-maximum suppression (NMS, 비최대 억제): keep the best box, drop its duplicates, repeat.

    Visit the boxes in decreasing score order (equal scores: the lower index first). A box is kept
    unless its IoU with an already kept box is *strictly greater* than ``iou_threshold``; a box exactly
    at the threshold survives. IoU as in ``box_iou`` (area ``(x2 - x1) * (y2 - y1)``, 0 for a zero union).

    Args:
        boxes: (N, 4) boxes ``(x1, y1, x2, y2)``; scores: (N,) confidence scores; iou_threshold: float.
    Returns:
        (K,) int64 array of the kept indices into ``boxes``, in decreasing score order (ties: lower index
        first); an empty int64 array when N = 0.
    Hint:
        ``np.argsort(-scores, kind="stable")`` orders by decreasing score and keeps ties in index order.
        Compute IoUs inside this function (do not call ``box_iou``: each exercise stands alone).
    """
    raise NotImplementedError("nms: not implemented yet")


def roi_max_pool(features, rois, output_size, spatial_scale=1.0):
    """ROI max pooling (ROI 풀링) of Fast R-CNN: every region proposal becomes a fixed ``oh x ow`` grid.

    For each ROI ``(x1, y1, x2, y2)`` given in input-image coordinates:

    1. Map it onto the feature map: ``x1' = round(x1 * spatial_scale)`` (and likewise ``y1, x2, y2``),
       rounding half away from zero (2.5 -> 3, -2.5 -> -3; note that ``np.round`` rounds half to even).
    2. Box size in feature cells, inclusive of both ends: ``w = max(x2' - x1' + 1, 1)``,
       ``h = max(y2' - y1' + 1, 1)``.
    3. Bin ``i`` of ``oh`` covers rows ``y1' + floor(i * h / oh)`` to ``y1' + ceil((i + 1) * h / oh)``
       (end exclusive), computed in exact integer arithmetic (``(i * h) // oh`` and
       ``-((-(i + 1) * h) // oh)``); columns likewise with ``w`` and ``ow``. Both ends are clipped to the
       map (``[0, H]`` and ``[0, W]``).
    4. The output is the maximum of ``features[c]`` over the bin; a bin left empty by the clipping gives 0.

    Args:
        features: (C, H, W) feature map of one image (no batch axis).
        rois: (R, 4) rows ``(x1, y1, x2, y2)`` in input coordinates (no batch index column).
        output_size: an int ``s`` (meaning ``(s, s)``) or a pair ``(oh, ow)``.
        spatial_scale: feature-map cells per input pixel, e.g. 1/16 for a VGG16 conv5 map.
    Returns:
        (R, C, oh, ow) float64 array.
    Hint:
        Adjacent bins may overlap by one cell, and small ROIs repeat cells; a double loop over the bins
        with ``features[:, h0:h1, w0:w1].max(axis=(1, 2))`` is fast enough.
    """
    raise NotImplementedError("roi_max_pool: not implemented yet")


def class_activation_map(features, fc_weights, class_idx):
    """Class activation map (CAM, 클래스 활성화 맵): where the network sees class ``c``.

    In a network ending with global average pooling (GAP, 전역 평균 풀링) and a fully connected layer
    without bias, the class score is ``score_c = sum_k w[k, c] * mean_{x,y} f_k(x, y)``. Swapping the sum
    and the mean gives the heat map whose spatial mean is exactly that score::

        CAM_c(x, y) = sum_k w[k, c] * f_k(x, y)

    Raw values: no ReLU, no normalisation, no resizing to the image.

    Args:
        features: (K, H, W) feature maps of the last conv layer for one image.
        fc_weights: (K, C) weights of the FC layer after GAP; class_idx: int in [0, C).
    Returns:
        (H, W) float64 array.
    Hint:
        ``np.tensordot`` or ``np.einsum("khw,k->hw", ...)`` contracts over the channel axis.
    """
    raise NotImplementedError("class_activation_map: not implemented yet")


def occlusion_saliency(score_fn, image, label, patch, stride):
    """Saliency by occlusion (가림 기반 saliency map): how much does hiding a patch hurt the class score?

    Slide a zero square of ``patch x patch`` pixels (over all channels) with step ``stride``; the map is
    the drop of the class score::

        map[i, j] = score_fn(image)[label] - score_fn(image with zeros at rows i*stride : i*stride + patch,
                                                     cols j*stride : j*stride + patch)[label]

    for ``i < (H - patch) // stride + 1`` and ``j < (W - patch) // stride + 1`` (the square always fits).
    A large value marks a region the classifier relies on; negative values mean hiding helped.

    Args:
        score_fn: function mapping a (C, H, W) float64 array to (num_classes,) scores (call it with an
            np.ndarray; it may be slow, so call it once per position plus once for the base score).
        image: (C, H, W) array (do not modify it: occlude a copy); label: the class to explain.
        patch: side of the square; stride: step between positions.
    Returns:
        (Hs, Ws) float64 array with ``Hs = (H - patch) // stride + 1``, ``Ws = (W - patch) // stride + 1``.
    Hint:
        Compute the base score once; for every position occlude a fresh ``image.copy()`` with
        ``occluded[:, r:r + patch, c:c + patch] = 0`` (all channels at once) and subtract its score.
    """
    raise NotImplementedError("occlusion_saliency: not implemented yet")


def gradient_saliency(model, image, label):
    """Saliency by backpropagation (역전파 기반 saliency map, Simonyan et al.), in torch.

    Back-propagate the raw class score (not the softmax probability, not the loss) to the input pixels
    and keep, per pixel, the largest absolute gradient over the channels::

        saliency(y, x) = max_c | d score_label / d image[c, y, x] |

    Args:
        model: a ``torch.nn.Module`` in eval mode mapping a (B, C, H, W) batch to (B, num_classes) raw scores.
        image: (C, H, W) torch tensor (do not modify it; it does not require grad); label: int class.
    Returns:
        (H, W) torch tensor, detached (no grad), with the image's dtype and on the image's device.
    Hint:
        ``x = image.detach().clone().unsqueeze(0).requires_grad_(True)``; then ``model(x)[0, label]`` and
        ``torch.autograd.grad`` (or ``.backward()`` and ``x.grad``); ``.abs().amax(dim=0)``.
    """
    raise NotImplementedError("gradient_saliency: not implemented yet")


def conv_transpose2d_forward(x, w, stride=1, pad=0):
    """Transposed convolution (전치 합성곱, "deconvolution" 디컨볼루션): the learnable up-sampling of FCNs.

    Every input pixel scatters a copy of the kernel, scaled by its value, onto the output, at step
    ``stride``; overlapping copies add up. Before cropping::

        full[n, o, i*stride + p, j*stride + q] += x[n, c, i, j] * w[c, o, p, q]

    for all ``c, i, j, p, q``; then ``pad`` rows/columns are cut from every border. Output size::

        H_out = (H - 1) * stride - 2 * pad + KH,    W_out = (W - 1) * stride - 2 * pad + KW

    It is the adjoint (gradient) of ``conv2d`` with the same stride and pad: a correlation with the
    kernel flipped, not a correlation with the kernel as is. Matches
    ``torch.nn.functional.conv_transpose2d(x, w, stride=stride, padding=pad)``.

    Args:
        x: (N, C_in, H, W); w: (C_in, C_out, KH, KW) in torch's layout (input channels first).
        stride, pad: ints applied to both axes (no bias, no output padding).
    Returns:
        (N, C_out, H_out, W_out) float64 array.
    Hint:
        Loop over the kernel offsets ``(p, q)``: each adds ``einsum("nchw,co->nohw", x, w[:, :, p, q])``
        to the strided slice ``full[:, :, p : p + stride*H : stride, q : q + stride*W : stride]``.
    """
    raise NotImplementedError("conv_transpose2d_forward: not implemented yet")


def max_pool_with_indices(x, size=2, stride=2):
    """Max pooling (최대 풀링) that also records where each maximum came from (for unpooling).

    ``out[n, c, i, j] = max`` of the window ``x[n, c, i*stride : i*stride + size, j*stride : j*stride + size]``
    and ``indices[n, c, i, j] = row * W + col``, the flat position of that maximum in its own ``H x W``
    plane (torch's convention for ``max_pool2d(..., return_indices=True)``). Ties: the first maximum in
    row-major order within the window. No padding; leftover rows and columns are dropped:
    ``H_out = (H - size) // stride + 1``.

    Args:
        x: (N, C, H, W); size: window side; stride: step.
    Returns:
        (out, indices): out (N, C, H_out, W_out) float64, indices of the same shape with an int dtype (int64).
    Hint:
        ``np.argmax`` returns the first maximum of a flattened window (row-major); convert its position
        ``(a, b)`` in the window to ``(i*stride + a) * W + (j*stride + b)``.
    """
    raise NotImplementedError("max_pool_with_indices: not implemented yet")


def max_unpool(x, indices, output_shape):
    """Max unpooling (언풀링): put every pooled value back at the position its maximum came from.

    ``out`` starts as zeros of ``output_shape = (N, C, H, W)``; then for every ``n, c, i, j``::

        out[n, c].flat[indices[n, c, i, j]] = x[n, c, i, j]        (row = index // W, col = index % W)

    Indices are flat positions inside each ``H x W`` plane (as returned by ``max_pool_with_indices``),
    never across planes. Values are assigned, not added: when overlapping windows picked the same
    position, they carry the same value and the position holds it once, as in
    ``torch.nn.functional.max_unpool2d``.

    Args:
        x: (N, C, Hp, Wp) pooled values; indices: same shape, ints in ``[0, H*W)``;
        output_shape: the full ``(N, C, H, W)`` (a tuple or list).
    Returns:
        (N, C, H, W) float64 array, zero everywhere no index points to.
    Hint:
        Reshape the output to ``(N, C, H*W)`` and use ``np.put_along_axis`` (or loops) on the last axis.
    """
    raise NotImplementedError("max_unpool: not implemented yet")


def upsample_nearest(x, scale):
    """Nearest-neighbour up-sampling (최근접 이웃 업샘플링) by an integer factor, as in FCN decoders.

    ``out[n, c, i, j] = x[n, c, i // scale, j // scale]``: every pixel becomes a ``scale x scale`` block.
    Matches ``torch.nn.functional.interpolate(x, scale_factor=scale, mode="nearest")``.

    Args:
        x: (N, C, H, W); scale: positive int.
    Returns:
        (N, C, H * scale, W * scale) float64 array.
    Hint:
        ``np.repeat`` along axes 2 and 3 (``np.tile`` would repeat the whole image instead).
    """
    raise NotImplementedError("upsample_nearest: not implemented yet")


def pyramid_pool(x, bins=(1, 2, 3, 6)):
    """Pyramid pooling module (피라미드 풀링 모듈) of PSPNet, without its 1x1 convolutions.

    For every bin count ``b`` in ``bins``:

    1. adaptive average pooling (적응형 평균 풀링) to ``b x b``: cell ``(i, j)`` averages rows
       ``floor(i * H / b)`` to ``ceil((i + 1) * H / b)`` (end exclusive) and columns likewise with ``W``,
       exactly torch's ``adaptive_avg_pool2d`` bins (cells may overlap when ``H`` is not a multiple of ``b``);
    2. nearest up-sampling back to ``H x W``: output row ``i`` takes pooled row ``floor(i * b / H)``,
       column ``j`` pooled column ``floor(j * b / W)`` (exact integer arithmetic).

    The result concatenates ``x`` and the up-sampled maps on the channel axis, in the order of ``bins``:
    ``[x, up(pool_1(x)), up(pool_2(x)), ...]``, so it has ``C * (1 + len(bins))`` channels.

    Args:
        x: (N, C, H, W); bins: tuple of positive ints (may exceed H or W).
    Returns:
        (N, C * (1 + len(bins)), H, W) float64 array.
    Hint:
        Integer bounds: ``start = (i * H) // b``, ``end = -((-(i + 1) * H) // b)``.
    """
    raise NotImplementedError("pyramid_pool: not implemented yet")
