"""Lecture 7 variants: realistic bugs (each must lose points on its own exercise only) and differently
written correct implementations (each must score full marks)."""

BUGGY = {
    # --- box_iou ---
    "iou_plus_one_areas": ("box_iou", """
def box_iou(boxes1, boxes2):
    a, b = boxes1, boxes2
    area_a = (a[:, 2] - a[:, 0] + 1) * (a[:, 3] - a[:, 1] + 1)
    area_b = (b[:, 2] - b[:, 0] + 1) * (b[:, 3] - b[:, 1] + 1)
    iw = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]) + 1
    ih = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]) + 1
    inter = np.clip(iw, 0, None) * np.clip(ih, 0, None)
    return inter / (area_a[:, None] + area_b[None, :] - inter)
"""),
    "iou_nan_for_zero_union": ("box_iou", """
def box_iou(boxes1, boxes2):
    a, b = boxes1, boxes2
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    iw = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    ih = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    inter = np.clip(iw, 0, None) * np.clip(ih, 0, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        return inter / (area_a[:, None] + area_b[None, :] - inter)
"""),
    "iou_negative_overlaps_not_clipped": ("box_iou", """
def box_iou(boxes1, boxes2):
    a, b = boxes1, boxes2
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    iw = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    ih = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    inter = iw * ih
    union = area_a[:, None] + area_b[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
"""),
    # --- nms ---
    "nms_without_sorting": ("nms", """
def nms(boxes, scores, iou_threshold):
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep = []
    for i in range(len(boxes)):
        ok = True
        for k in keep:
            iw = min(boxes[i, 2], boxes[k, 2]) - max(boxes[i, 0], boxes[k, 0])
            ih = min(boxes[i, 3], boxes[k, 3]) - max(boxes[i, 1], boxes[k, 1])
            inter = max(iw, 0) * max(ih, 0)
            union = areas[i] + areas[k] - inter
            if union > 0 and inter / union > iou_threshold:
                ok = False
        if ok:
            keep.append(i)
    return np.array(keep, dtype=np.int64)
"""),
    "nms_suppresses_at_the_threshold": ("nms", """
def nms(boxes, scores, iou_threshold):
    order = np.argsort(-scores, kind="stable")
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    suppressed = np.zeros(len(boxes), dtype=bool)
    keep = []
    for i in order:
        if suppressed[i]:
            continue
        keep.append(i)
        iw = np.minimum(boxes[i, 2], boxes[:, 2]) - np.maximum(boxes[i, 0], boxes[:, 0])
        ih = np.minimum(boxes[i, 3], boxes[:, 3]) - np.maximum(boxes[i, 1], boxes[:, 1])
        inter = np.clip(iw, 0, None) * np.clip(ih, 0, None)
        union = areas[i] + areas - inter
        iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        suppressed |= iou >= iou_threshold
    return np.array(keep, dtype=np.int64)
"""),
    "nms_ties_higher_index_first": ("nms", """
def nms(boxes, scores, iou_threshold):
    order = np.argsort(scores, kind="stable")[::-1]
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    suppressed = np.zeros(len(boxes), dtype=bool)
    keep = []
    for i in order:
        if suppressed[i]:
            continue
        keep.append(i)
        iw = np.minimum(boxes[i, 2], boxes[:, 2]) - np.maximum(boxes[i, 0], boxes[:, 0])
        ih = np.minimum(boxes[i, 3], boxes[:, 3]) - np.maximum(boxes[i, 1], boxes[:, 1])
        inter = np.clip(iw, 0, None) * np.clip(ih, 0, None)
        union = areas[i] + areas - inter
        iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        suppressed |= iou > iou_threshold
    return np.array(keep, dtype=np.int64)
"""),
    # --- roi_max_pool ---
    "roi_bins_floor_on_both_ends": ("roi_max_pool", """
def roi_max_pool(features, rois, output_size, spatial_scale=1.0):
    oh, ow = (output_size, output_size) if np.ndim(output_size) == 0 else output_size
    C, H, W = features.shape
    out = np.zeros((len(rois), C, oh, ow))
    s = rois * spatial_scale
    corners = (np.sign(s) * np.floor(np.abs(s) + 0.5)).astype(int)
    for r, (x1, y1, x2, y2) in enumerate(corners):
        h, w = max(y2 - y1 + 1, 1), max(x2 - x1 + 1, 1)
        for i in range(oh):
            h0, h1 = min(max(y1 + i * h // oh, 0), H), min(max(y1 + (i + 1) * h // oh, 0), H)
            for j in range(ow):
                w0, w1 = min(max(x1 + j * w // ow, 0), W), min(max(x1 + (j + 1) * w // ow, 0), W)
                if h1 > h0 and w1 > w0:
                    out[r, :, i, j] = features[:, h0:h1, w0:w1].max(axis=(1, 2))
    return out
"""),
    "roi_rounds_half_to_even": ("roi_max_pool", """
def roi_max_pool(features, rois, output_size, spatial_scale=1.0):
    oh, ow = (output_size, output_size) if np.ndim(output_size) == 0 else output_size
    C, H, W = features.shape
    out = np.zeros((len(rois), C, oh, ow))
    corners = np.round(rois * spatial_scale).astype(int)
    for r, (x1, y1, x2, y2) in enumerate(corners):
        h, w = max(y2 - y1 + 1, 1), max(x2 - x1 + 1, 1)
        for i in range(oh):
            h0, h1 = min(max(y1 + i * h // oh, 0), H), min(max(y1 - (-(i + 1) * h // oh), 0), H)
            for j in range(ow):
                w0, w1 = min(max(x1 + j * w // ow, 0), W), min(max(x1 - (-(j + 1) * w // ow), 0), W)
                if h1 > h0 and w1 > w0:
                    out[r, :, i, j] = features[:, h0:h1, w0:w1].max(axis=(1, 2))
    return out
"""),
    "roi_float_bin_sizes": ("roi_max_pool", """
def roi_max_pool(features, rois, output_size, spatial_scale=1.0):
    import math
    oh, ow = (output_size, output_size) if np.ndim(output_size) == 0 else output_size
    C, H, W = features.shape
    out = np.zeros((len(rois), C, oh, ow))
    s = rois * spatial_scale
    corners = (np.sign(s) * np.floor(np.abs(s) + 0.5)).astype(int)
    for r, (x1, y1, x2, y2) in enumerate(corners):
        bin_h, bin_w = max(y2 - y1 + 1, 1) / oh, max(x2 - x1 + 1, 1) / ow
        for i in range(oh):
            h0 = min(max(y1 + math.floor(i * bin_h), 0), H)
            h1 = min(max(y1 + math.ceil((i + 1) * bin_h), 0), H)
            for j in range(ow):
                w0 = min(max(x1 + math.floor(j * bin_w), 0), W)
                w1 = min(max(x1 + math.ceil((j + 1) * bin_w), 0), W)
                if h1 > h0 and w1 > w0:
                    out[r, :, i, j] = features[:, h0:h1, w0:w1].max(axis=(1, 2))
    return out
"""),
    "roi_max_starts_from_zero": ("roi_max_pool", """
def roi_max_pool(features, rois, output_size, spatial_scale=1.0):
    oh, ow = (output_size, output_size) if np.ndim(output_size) == 0 else output_size
    C, H, W = features.shape
    out = np.zeros((len(rois), C, oh, ow))
    s = rois * spatial_scale
    corners = (np.sign(s) * np.floor(np.abs(s) + 0.5)).astype(int)
    for r, (x1, y1, x2, y2) in enumerate(corners):
        h, w = max(y2 - y1 + 1, 1), max(x2 - x1 + 1, 1)
        for i in range(oh):
            h0, h1 = min(max(y1 + i * h // oh, 0), H), min(max(y1 - (-(i + 1) * h // oh), 0), H)
            for j in range(ow):
                w0, w1 = min(max(x1 + j * w // ow, 0), W), min(max(x1 - (-(j + 1) * w // ow), 0), W)
                for y in range(h0, h1):
                    for x in range(w0, w1):
                        out[r, :, i, j] = np.maximum(out[r, :, i, j], features[:, y, x])
    return out
"""),
    # --- class_activation_map ---
    "cam_with_relu": ("class_activation_map", """
def class_activation_map(features, fc_weights, class_idx):
    return np.maximum(np.tensordot(fc_weights[:, class_idx], features, axes=(0, 0)), 0.0)
"""),
    "cam_uses_the_weight_row": ("class_activation_map", """
def class_activation_map(features, fc_weights, class_idx):
    K = features.shape[0]
    return np.tensordot(fc_weights.reshape(-1)[class_idx * K:(class_idx + 1) * K], features, axes=(0, 0))
"""),
    # --- occlusion_saliency ---
    "occlusion_first_channel_only": ("occlusion_saliency", """
def occlusion_saliency(score_fn, image, label, patch, stride):
    _, H, W = image.shape
    base = score_fn(image)[label]
    out = np.zeros(((H - patch) // stride + 1, (W - patch) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            occluded = image.copy()
            occluded[0, i * stride:i * stride + patch, j * stride:j * stride + patch] = 0.0
            out[i, j] = base - score_fn(occluded)[label]
    return out
"""),
    "occlusion_ignores_stride_in_position": ("occlusion_saliency", """
def occlusion_saliency(score_fn, image, label, patch, stride):
    _, H, W = image.shape
    base = score_fn(image)[label]
    out = np.zeros(((H - patch) // stride + 1, (W - patch) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            occluded = image.copy()
            occluded[:, i:i + patch, j:j + patch] = 0.0
            out[i, j] = base - score_fn(occluded)[label]
    return out
"""),
    "occlusion_sign_flipped": ("occlusion_saliency", """
def occlusion_saliency(score_fn, image, label, patch, stride):
    _, H, W = image.shape
    base = score_fn(image)[label]
    out = np.zeros(((H - patch) // stride + 1, (W - patch) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            occluded = image.copy()
            occluded[:, i * stride:i * stride + patch, j * stride:j * stride + patch] = 0.0
            out[i, j] = score_fn(occluded)[label] - base
    return out
"""),
    # --- gradient_saliency ---
    "saliency_of_the_softmax_probability": ("gradient_saliency", """
def gradient_saliency(model, image, label):
    import torch
    x = image.detach().clone().unsqueeze(0).requires_grad_(True)
    p = torch.softmax(model(x), dim=1)[0, label]
    (g,) = torch.autograd.grad(p, x)
    return g[0].abs().amax(dim=0)
"""),
    "saliency_sums_over_channels": ("gradient_saliency", """
def gradient_saliency(model, image, label):
    import torch
    x = image.detach().clone().unsqueeze(0).requires_grad_(True)
    (g,) = torch.autograd.grad(model(x)[0, label], x)
    return g[0].abs().sum(dim=0)
"""),
    "saliency_not_detached": ("gradient_saliency", """
def gradient_saliency(model, image, label):
    import torch
    x = image.detach().clone().unsqueeze(0).requires_grad_(True)
    (g,) = torch.autograd.grad(model(x)[0, label], x, create_graph=True)
    return g[0].abs().amax(dim=0)
"""),
    # --- conv_transpose2d_forward ---
    "conv_transpose_as_a_correlation": ("conv_transpose2d_forward", """
def conv_transpose2d_forward(x, w, stride=1, pad=0):
    # dilate, pad by K - 1 - pad and correlate, but with the kernel NOT flipped
    N, C, H, W = x.shape
    _, O, KH, KW = w.shape
    d = np.zeros((N, C, (H - 1) * stride + 1, (W - 1) * stride + 1))
    d[:, :, ::stride, ::stride] = x
    ph, pw = KH - 1 - pad, KW - 1 - pad
    d = np.pad(d, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Ho, Wo = d.shape[2] - KH + 1, d.shape[3] - KW + 1
    out = np.zeros((N, O, Ho, Wo))
    for p in range(KH):
        for q in range(KW):
            out += np.einsum("nchw,co->nohw", d[:, :, p:p + Ho, q:q + Wo], w[:, :, p, q])
    return out
"""),
    "conv_transpose_without_crop": ("conv_transpose2d_forward", """
def conv_transpose2d_forward(x, w, stride=1, pad=0):
    N, _, H, W = x.shape
    _, O, KH, KW = w.shape
    full = np.zeros((N, O, (H - 1) * stride + KH, (W - 1) * stride + KW))
    for p in range(KH):
        for q in range(KW):
            full[:, :, p:p + stride * H:stride, q:q + stride * W:stride] += np.einsum("nchw,co->nohw", x, w[:, :, p, q])
    return full
"""),
    # --- max_pool_with_indices ---
    "pool_indices_within_the_window": ("max_pool_with_indices", """
def max_pool_with_indices(x, size=2, stride=2):
    N, C, H, W = x.shape
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    out, idx = np.zeros((N, C, Ho, Wo)), np.zeros((N, C, Ho, Wo), dtype=np.int64)
    for i in range(Ho):
        for j in range(Wo):
            win = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size].reshape(N, C, -1)
            idx[:, :, i, j] = win.argmax(axis=2)
            out[:, :, i, j] = win.max(axis=2)
    return out, idx
"""),
    "pool_last_maximum_on_ties": ("max_pool_with_indices", """
def max_pool_with_indices(x, size=2, stride=2):
    N, C, H, W = x.shape
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    out, idx = np.full((N, C, Ho, Wo), -np.inf), np.zeros((N, C, Ho, Wo), dtype=np.int64)
    for i in range(Ho):
        for j in range(Wo):
            for a in range(i * stride, i * stride + size):
                for b in range(j * stride, j * stride + size):
                    better = x[:, :, a, b] >= out[:, :, i, j]
                    out[:, :, i, j] = np.where(better, x[:, :, a, b], out[:, :, i, j])
                    idx[:, :, i, j] = np.where(better, a * W + b, idx[:, :, i, j])
    return out, idx
"""),
    # --- max_unpool ---
    "unpool_into_the_wrong_plane": ("max_unpool", """
def max_unpool(x, indices, output_shape):
    out = np.zeros(int(np.prod(output_shape)))
    out[indices.reshape(-1)] = x.reshape(-1)
    return out.reshape(output_shape)
"""),
    "unpool_adds_repeated_positions": ("max_unpool", """
def max_unpool(x, indices, output_shape):
    N, C, H, W = output_shape
    out = np.zeros((N, C, H * W))
    for n in range(N):
        for c in range(C):
            np.add.at(out[n, c], indices[n, c].reshape(-1), x[n, c].reshape(-1))
    return out.reshape(N, C, H, W)
"""),
    # --- upsample_nearest ---
    "upsample_tiles_the_image": ("upsample_nearest", """
def upsample_nearest(x, scale):
    return np.tile(x, (1, 1, scale, scale))
"""),
    "upsample_rounds_the_source_index": ("upsample_nearest", """
def upsample_nearest(x, scale):
    H, W = x.shape[2:]
    rows = np.minimum(np.round(np.arange(H * scale) / scale).astype(int), H - 1)
    cols = np.minimum(np.round(np.arange(W * scale) / scale).astype(int), W - 1)
    return x[:, :, rows][:, :, :, cols]
"""),
    # --- pyramid_pool ---
    "pyramid_bins_floor_the_end": ("pyramid_pool", """
def pyramid_pool(x, bins=(1, 2, 3, 6)):
    N, C, H, W = x.shape
    parts = [x]
    for b in bins:
        pooled = np.zeros((N, C, b, b))
        for i in range(b):
            for j in range(b):
                r0, r1 = i * H // b, max((i + 1) * H // b, i * H // b + 1)
                c0, c1 = j * W // b, max((j + 1) * W // b, j * W // b + 1)
                pooled[:, :, i, j] = x[:, :, r0:r1, c0:c1].mean(axis=(2, 3))
        parts.append(pooled[:, :, np.arange(H) * b // H][:, :, :, np.arange(W) * b // W])
    return np.concatenate(parts, axis=1)
"""),
    "pyramid_pooled_maps_before_x": ("pyramid_pool", """
def pyramid_pool(x, bins=(1, 2, 3, 6)):
    N, C, H, W = x.shape
    parts = []
    for b in bins:
        pooled = np.zeros((N, C, b, b))
        for i in range(b):
            for j in range(b):
                r0, r1 = i * H // b, -(-(i + 1) * H // b)
                c0, c1 = j * W // b, -(-(j + 1) * W // b)
                pooled[:, :, i, j] = x[:, :, r0:r1, c0:c1].mean(axis=(2, 3))
        parts.append(pooled[:, :, np.arange(H) * b // H][:, :, :, np.arange(W) * b // W])
    return np.concatenate(parts + [x], axis=1)
"""),
}

CORRECT = {
    "loops_and_sliding_windows": {
        "box_iou": """
def box_iou(boxes1, boxes2):
    out = np.zeros((len(boxes1), len(boxes2)))
    for m, (ax1, ay1, ax2, ay2) in enumerate(boxes1):
        for k, (bx1, by1, bx2, by2) in enumerate(boxes2):
            inter = max(0.0, min(ax2, bx2) - max(ax1, bx1)) * max(0.0, min(ay2, by2) - max(ay1, by1))
            union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter
            out[m, k] = inter / union if union > 0 else 0.0
    return out
""",
        "nms": """
def nms(boxes, scores, iou_threshold):
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    keep = []
    while order:
        i = order.pop(0)
        keep.append(i)
        rest = []
        for j in order:
            iw = max(0.0, min(boxes[i][2], boxes[j][2]) - max(boxes[i][0], boxes[j][0]))
            ih = max(0.0, min(boxes[i][3], boxes[j][3]) - max(boxes[i][1], boxes[j][1]))
            union = ((boxes[i][2] - boxes[i][0]) * (boxes[i][3] - boxes[i][1])
                     + (boxes[j][2] - boxes[j][0]) * (boxes[j][3] - boxes[j][1]) - iw * ih)
            if not (union > 0 and iw * ih / union > iou_threshold):
                rest.append(j)
        order = rest
    return np.asarray(keep, dtype=np.int64)
""",
        "roi_max_pool": """
def roi_max_pool(features, rois, output_size, spatial_scale=1.0):
    import math
    oh, ow = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    C, H, W = features.shape

    def rnd(v):
        return int(math.floor(v + 0.5)) if v >= 0 else -int(math.floor(-v + 0.5))

    out = np.zeros((len(rois), C, oh, ow))
    for r in range(len(rois)):
        x1, y1, x2, y2 = (rnd(float(v) * spatial_scale) for v in rois[r])
        h, w = max(y2 - y1 + 1, 1), max(x2 - x1 + 1, 1)
        for i in range(oh):
            q0, q1 = divmod(i * h, oh), divmod((i + 1) * h, oh)
            top = min(max(y1 + q0[0], 0), H)
            bottom = min(max(y1 + q1[0] + (q1[1] > 0), 0), H)
            for j in range(ow):
                p0, p1 = divmod(j * w, ow), divmod((j + 1) * w, ow)
                left = min(max(x1 + p0[0], 0), W)
                right = min(max(x1 + p1[0] + (p1[1] > 0), 0), W)
                for c in range(C):
                    if bottom > top and right > left:
                        out[r, c, i, j] = np.max(features[c, top:bottom, left:right])
    return out
""",
        "class_activation_map": """
def class_activation_map(features, fc_weights, class_idx):
    return np.einsum("khw,k->hw", features, fc_weights[:, class_idx])
""",
        "occlusion_saliency": """
def occlusion_saliency(score_fn, image, label, patch, stride):
    C, H, W = image.shape
    work = image.copy()
    base = score_fn(work)[label]
    rows, cols = (H - patch) // stride + 1, (W - patch) // stride + 1
    out = np.empty((rows, cols))
    for i in range(rows):
        for j in range(cols):
            sl = (slice(None), slice(i * stride, i * stride + patch), slice(j * stride, j * stride + patch))
            saved = work[sl].copy()
            work[sl] = 0
            out[i, j] = base - score_fn(work)[label]
            work[sl] = saved
    return out
""",
        "gradient_saliency": """
def gradient_saliency(model, image, label):
    x = image.detach().unsqueeze(0).clone()
    x.requires_grad = True
    model(x)[0, label].backward()
    return x.grad[0].abs().max(dim=0).values
""",
        "conv_transpose2d_forward": """
def conv_transpose2d_forward(x, w, stride=1, pad=0):
    # dilate the input, pad by K - 1 - pad and correlate with the flipped, channel-swapped kernel
    from numpy.lib.stride_tricks import sliding_window_view
    N, C, H, W = x.shape
    _, O, KH, KW = w.shape
    d = np.zeros((N, C, (H - 1) * stride + 1, (W - 1) * stride + 1))
    d[:, :, ::stride, ::stride] = x
    d = np.pad(d, ((0, 0), (0, 0), (KH - 1, KH - 1), (KW - 1, KW - 1)))
    windows = sliding_window_view(d, (KH, KW), axis=(2, 3))  # (N, C, Hf, Wf, KH, KW)
    full = np.einsum("nchwpq,copq->nohw", windows, w[:, :, ::-1, ::-1])
    return full[:, :, pad:full.shape[2] - pad, pad:full.shape[3] - pad]
""",
        "max_pool_with_indices": """
def max_pool_with_indices(x, size=2, stride=2):
    from numpy.lib.stride_tricks import sliding_window_view
    N, C, H, W = x.shape
    win = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    Ho, Wo = win.shape[2], win.shape[3]
    flat = win.reshape(N, C, Ho, Wo, size * size)
    arg = flat.argmax(axis=-1)
    rows = np.arange(Ho)[:, None] * stride + arg // size
    cols = np.arange(Wo)[None, :] * stride + arg % size
    return flat.max(axis=-1), rows * W + cols
""",
        "max_unpool": """
def max_unpool(x, indices, output_shape):
    N, C, H, W = output_shape
    out = np.zeros((N, C, H, W))
    for n in range(N):
        for c in range(C):
            for v, k in zip(x[n, c].ravel(), indices[n, c].ravel()):
                out[n, c, k // W, k % W] = v
    return out
""",
        "upsample_nearest": """
def upsample_nearest(x, scale):
    H, W = x.shape[2:]
    return x[:, :, np.arange(H * scale) // scale][:, :, :, np.arange(W * scale) // scale]
""",
        "pyramid_pool": """
def pyramid_pool(x, bins=(1, 2, 3, 6)):
    # summed-area table: every adaptive cell mean from four corner lookups
    import math
    N, C, H, W = x.shape
    S = np.zeros((N, C, H + 1, W + 1))
    S[:, :, 1:, 1:] = x.cumsum(axis=2).cumsum(axis=3)
    out = [x]
    for b in bins:
        up = np.zeros_like(x)
        for i in range(H):
            bi = i * b // H
            r0, r1 = bi * H // b, math.ceil((bi + 1) * H / b) if ((bi + 1) * H) % b else (bi + 1) * H // b
            for j in range(W):
                bj = j * b // W
                c0 = bj * W // b
                c1 = (bj + 1) * W // b + (((bj + 1) * W) % b > 0)
                total = S[:, :, r1, c1] - S[:, :, r0, c1] - S[:, :, r1, c0] + S[:, :, r0, c0]
                up[:, :, i, j] = total / ((r1 - r0) * (c1 - c0))
        out.append(up)
    return np.concatenate(out, axis=1)
""",
    },
    "vectorised_alternatives": {
        "box_iou": """
def box_iou(boxes1, boxes2):
    lo = np.maximum(boxes1[:, None, :2], boxes2[None, :, :2])
    hi = np.minimum(boxes1[:, None, 2:], boxes2[None, :, 2:])
    inter = np.prod(np.clip(hi - lo, 0, None), axis=2)
    area1 = np.prod(boxes1[:, 2:] - boxes1[:, :2], axis=1)
    area2 = np.prod(boxes2[:, 2:] - boxes2[:, :2], axis=1)
    union = area1[:, None] + area2[None, :] - inter
    safe = np.where(union > 0, union, 1.0)
    return np.where(union > 0, inter / safe, 0.0)
""",
        "nms": """
def nms(boxes, scores, iou_threshold):
    n = len(boxes)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((np.arange(n), -scores))
    lo = np.maximum(boxes[:, None, :2], boxes[None, :, :2])
    hi = np.minimum(boxes[:, None, 2:], boxes[None, :, 2:])
    inter = np.prod(np.clip(hi - lo, 0, None), axis=2)
    area = np.prod(boxes[:, 2:] - boxes[:, :2], axis=1)
    union = area[:, None] + area[None, :] - inter
    iou = np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)
    alive = np.ones(n, dtype=bool)
    keep = []
    for i in order:
        if alive[i]:
            keep.append(i)
            alive &= ~(iou[i] > iou_threshold)
    return np.array(keep, dtype=np.int64)
""",
        "roi_max_pool": """
def roi_max_pool(features, rois, output_size, spatial_scale=1.0):
    oh, ow = np.broadcast_to(np.asarray(output_size, dtype=int), (2,))
    C, H, W = features.shape
    s = np.asarray(rois, dtype=float) * spatial_scale
    c = np.where(s >= 0, np.floor(s + 0.5), np.ceil(s - 0.5)).astype(np.int64)
    out = np.zeros((len(rois), C, oh, ow))
    for r in range(len(rois)):
        x1, y1, x2, y2 = c[r]
        h, w = max(y2 - y1 + 1, 1), max(x2 - x1 + 1, 1)
        i = np.arange(oh)
        j = np.arange(ow)
        top = np.clip(y1 + i * h // oh, 0, H)
        bottom = np.clip(y1 + ((i + 1) * h + oh - 1) // oh, 0, H)
        left = np.clip(x1 + j * w // ow, 0, W)
        right = np.clip(x1 + ((j + 1) * w + ow - 1) // ow, 0, W)
        rows = np.arange(H)
        cols = np.arange(W)
        rmask = (rows[None, :] >= top[:, None]) & (rows[None, :] < bottom[:, None])  # (oh, H)
        cmask = (cols[None, :] >= left[:, None]) & (cols[None, :] < right[:, None])  # (ow, W)
        mask = rmask[:, None, :, None] & cmask[None, :, None, :]  # (oh, ow, H, W)
        vals = np.where(mask[None], features[:, None, None], -np.inf).max(axis=(3, 4))
        out[r] = np.where(np.isfinite(vals), vals, 0.0)
    return out
""",
        "class_activation_map": """
def class_activation_map(features, fc_weights, class_idx):
    K, H, W = features.shape
    return (fc_weights[:, class_idx] @ features.reshape(K, H * W)).reshape(H, W)
""",
        "gradient_saliency": """
def gradient_saliency(model, image, label):
    import torch
    with torch.enable_grad():
        x = image.detach().clone()[None].requires_grad_()
        score = model(x)[:, label].sum()
        grad = torch.autograd.grad(score, [x])[0]
    return torch.amax(torch.abs(grad.squeeze(0)), dim=0).detach().to(image.device)
""",
        "conv_transpose2d_forward": """
def conv_transpose2d_forward(x, w, stride=1, pad=0):
    # the matrix form: every input pixel times the kernel matrix, scattered back (col2im)
    N, C, H, W = x.shape
    _, O, KH, KW = w.shape
    cols = x.transpose(0, 2, 3, 1).reshape(-1, C) @ w.reshape(C, -1)  # (N*H*W, O*KH*KW)
    cols = cols.reshape(N, H, W, O, KH, KW)
    full = np.zeros((N, O, (H - 1) * stride + KH, (W - 1) * stride + KW))
    for i in range(H):
        for j in range(W):
            full[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW] += cols[:, i, j]
    Hf, Wf = full.shape[2:]
    return full[:, :, pad:Hf - pad, pad:Wf - pad]
""",
        "max_pool_with_indices": """
def max_pool_with_indices(x, size=2, stride=2):
    N, C, H, W = x.shape
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.empty((N, C, Ho, Wo))
    idx = np.empty((N, C, Ho, Wo), dtype=np.int32)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    win = x[n, c, i * stride:i * stride + size, j * stride:j * stride + size]
                    a, b = np.unravel_index(np.argmax(win), win.shape)
                    out[n, c, i, j] = win[a, b]
                    idx[n, c, i, j] = (i * stride + a) * W + j * stride + b
    return out, idx
""",
        "max_unpool": """
def max_unpool(x, indices, output_shape):
    N, C, H, W = output_shape
    out = np.zeros(N * C * H * W)
    plane = (np.arange(N * C) * H * W).reshape(N, C, 1, 1)
    out[(indices + plane).ravel()] = x.ravel()
    return out.reshape(N, C, H, W)
""",
        "upsample_nearest": """
def upsample_nearest(x, scale):
    N, C, H, W = x.shape
    big = np.broadcast_to(x[:, :, :, None, :, None], (N, C, H, scale, W, scale))
    return big.reshape(N, C, H * scale, W * scale).copy()
""",
        "pyramid_pool": """
def pyramid_pool(x, bins=(1, 2, 3, 6)):
    N, C, H, W = x.shape
    outs = [x]
    for b in bins:
        # averaging matrices: P[i, h] = 1 / len(bin i) on bin i's rows
        def averaging(n):
            P = np.zeros((b, n))
            for i in range(b):
                start, end = (i * n) // b, -((-(i + 1) * n) // b)
                P[i, start:end] = 1.0 / (end - start)
            return P
        Ph, Pw = averaging(H), averaging(W)
        pooled = np.einsum("ih,nchw,jw->ncij", Ph, x, Pw)
        Uh = np.eye(b)[(np.arange(H) * b) // H]  # (H, b) one-hot of the source row
        Uw = np.eye(b)[(np.arange(W) * b) // W]
        outs.append(np.einsum("hi,ncij,wj->nchw", Uh, pooled, Uw))
    return np.concatenate(outs, axis=1)
""",
    },
    "float64_saliency_and_plain_python": {
        "gradient_saliency": """
def gradient_saliency(model, image, label):
    # computes in float64 on a copy of the model, then returns the image's dtype
    import copy
    import torch
    m = copy.deepcopy(model).double()
    x = image.detach().to(torch.float64).unsqueeze(0).requires_grad_(True)
    m(x)[0, label].backward()
    return x.grad[0].abs().max(dim=0)[0].to(image.dtype)
""",
        "class_activation_map": """
def class_activation_map(features, fc_weights, class_idx):
    K, H, W = features.shape
    out = np.zeros((H, W))
    for y in range(H):
        for x in range(W):
            out[y, x] = sum(float(fc_weights[k, class_idx]) * float(features[k, y, x]) for k in range(K))
    return out
""",
        "upsample_nearest": """
def upsample_nearest(x, scale):
    N, C, H, W = x.shape
    out = np.empty((N, C, H * scale, W * scale))
    for i in range(H * scale):
        for j in range(W * scale):
            out[:, :, i, j] = x[:, :, i // scale, j // scale]
    return out
""",
        "max_unpool": """
def max_unpool(x, indices, output_shape):
    N, C, H, W = output_shape
    out = np.zeros((N, C, H * W))
    rows = np.arange(N)[:, None, None]
    chans = np.arange(C)[None, :, None]
    out[rows, chans, indices.reshape(N, C, -1)] = x.reshape(N, C, -1)
    return out.reshape(N, C, H, W)
""",
    },
}
