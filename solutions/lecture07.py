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
    ### BEGIN SOLUTION
    a = np.asarray(boxes1, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(boxes2, dtype=np.float64).reshape(-1, 4)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    iw = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    ih = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    inter = np.clip(iw, 0.0, None) * np.clip(ih, 0.0, None)
    union = area_a[:, None] + area_b[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    order = np.argsort(-scores, kind="stable")
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    suppressed = np.zeros(len(boxes), dtype=bool)
    keep = []
    for i in order:
        if suppressed[i]:
            continue
        keep.append(int(i))
        iw = np.minimum(boxes[i, 2], boxes[:, 2]) - np.maximum(boxes[i, 0], boxes[:, 0])
        ih = np.minimum(boxes[i, 3], boxes[:, 3]) - np.maximum(boxes[i, 1], boxes[:, 1])
        inter = np.clip(iw, 0.0, None) * np.clip(ih, 0.0, None)
        union = areas[i] + areas - inter
        iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        suppressed |= iou > iou_threshold
    return np.array(keep, dtype=np.int64)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    features = np.asarray(features, dtype=np.float64)
    rois = np.asarray(rois, dtype=np.float64).reshape(-1, 4)
    if np.ndim(output_size) == 0:
        oh = ow = int(output_size)
    else:
        oh, ow = (int(s) for s in output_size)
    C, H, W = features.shape
    out = np.zeros((len(rois), C, oh, ow))
    scaled = rois * spatial_scale
    corners = (np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)).astype(np.int64)  # half away from zero
    for r, (x1, y1, x2, y2) in enumerate(corners):
        h = max(int(y2 - y1) + 1, 1)
        w = max(int(x2 - x1) + 1, 1)
        for i in range(oh):
            h0 = min(max(int(y1) + (i * h) // oh, 0), H)
            h1 = min(max(int(y1) - ((-(i + 1) * h) // oh), 0), H)
            for j in range(ow):
                w0 = min(max(int(x1) + (j * w) // ow, 0), W)
                w1 = min(max(int(x1) - ((-(j + 1) * w) // ow), 0), W)
                if h1 > h0 and w1 > w0:
                    out[r, :, i, j] = features[:, h0:h1, w0:w1].max(axis=(1, 2))
    return out
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    features = np.asarray(features, dtype=np.float64)
    weights = np.asarray(fc_weights, dtype=np.float64)[:, int(class_idx)]
    return np.tensordot(weights, features, axes=(0, 0))
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    image = np.asarray(image, dtype=np.float64)
    _, H, W = image.shape
    base = float(np.asarray(score_fn(image.copy()))[label])
    rows, cols = (H - patch) // stride + 1, (W - patch) // stride + 1
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            occluded = image.copy()
            occluded[:, i * stride : i * stride + patch, j * stride : j * stride + patch] = 0.0
            out[i, j] = base - float(np.asarray(score_fn(occluded))[label])
    return out
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    import torch

    x = image.detach().clone().unsqueeze(0).requires_grad_(True)
    score = model(x)[0, int(label)]
    (grad,) = torch.autograd.grad(score, x)
    return grad[0].abs().amax(dim=0).detach()
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    N, _, H, W = x.shape
    _, C_out, KH, KW = w.shape
    full = np.zeros((N, C_out, (H - 1) * stride + KH, (W - 1) * stride + KW))
    for p in range(KH):
        for q in range(KW):
            full[:, :, p : p + stride * H : stride, q : q + stride * W : stride] += np.einsum(
                "nchw,co->nohw", x, w[:, :, p, q]
            )
    return full[:, :, pad : full.shape[2] - pad, pad : full.shape[3] - pad].copy()
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    N, C, H, W = x.shape
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.zeros((N, C, Ho, Wo))
    indices = np.zeros((N, C, Ho, Wo), dtype=np.int64)
    for i in range(Ho):
        for j in range(Wo):
            window = x[:, :, i * stride : i * stride + size, j * stride : j * stride + size].reshape(N, C, -1)
            arg = np.argmax(window, axis=2)
            out[:, :, i, j] = np.take_along_axis(window, arg[:, :, None], axis=2)[:, :, 0]
            indices[:, :, i, j] = (i * stride + arg // size) * W + (j * stride + arg % size)
    return out, indices
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    N, C, H, W = (int(s) for s in output_shape)
    out = np.zeros((N, C, H * W))
    np.put_along_axis(out, np.asarray(indices).astype(np.int64).reshape(N, C, -1), x.reshape(N, C, -1), axis=2)
    return out.reshape(N, C, H, W)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    return np.repeat(np.repeat(x, scale, axis=2), scale, axis=3)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    N, C, H, W = x.shape
    parts = [x]
    for b in bins:
        pooled = np.zeros((N, C, b, b))
        for i in range(b):
            r0, r1 = (i * H) // b, -((-(i + 1) * H) // b)
            for j in range(b):
                c0, c1 = (j * W) // b, -((-(j + 1) * W) // b)
                pooled[:, :, i, j] = x[:, :, r0:r1, c0:c1].mean(axis=(2, 3))
        rows = (np.arange(H) * b) // H
        cols = (np.arange(W) * b) // W
        parts.append(pooled[:, :, rows][:, :, :, cols])
    return np.concatenate(parts, axis=1)
    ### END SOLUTION
