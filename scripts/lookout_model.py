"""The Lookout detector network, its loss, and its graph export.

The network is a small depthwise-separable backbone (strides 2..32) with a light top-down path that
ends in one anchor-free head at stride 8 (CenterNet-style): per cell, three class heat-map logits
(animal, person, vehicle), two sub-cell centre offsets and two log box sizes.

`export_graph` writes the trained network as the pair the Swift engine reads:
`<name>.json` (the graph: nodes in execution order) and `<name>.safetensors` (float32 weights with
batch-norm already folded into each convolution). See Models/FORMAT.md.
"""
from __future__ import annotations

import json
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

CLASSES = ["animal", "person", "vehicle"]
STRIDE = 8
HEAD_CHANNELS = 7  # 3 heat-map logits, 2 offsets (sigmoid), 2 log sizes (in units of STRIDE)


class ConvBN(nn.Module):
    """Convolution, batch norm and an optional ReLU: one `conv2d` node after export."""

    def __init__(self, cin, cout, k=1, s=1, groups=1, act=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, s, k // 2, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.act = act
        self.k, self.s, self.groups = k, s, groups

    def forward(self, x):
        x = self.bn(self.conv(x))
        return F.relu(x) if self.act else x


class SepBlock(nn.Module):
    """Depthwise 3x3 (optionally strided) then pointwise 1x1, residual when shapes agree."""

    def __init__(self, cin, cout, s=1):
        super().__init__()
        self.dw = ConvBN(cin, cin, 3, s, groups=cin, act=True)
        self.pw = ConvBN(cin, cout, 1, 1, act=True)
        self.residual = s == 1 and cin == cout

    def forward(self, x):
        y = self.pw(self.dw(x))
        return x + y if self.residual else y


class ZeroStart(nn.Module):
    """A depthwise 3x3 (optionally strided) and a 1x1 convolution, without batch norm, whose 1x1
    starts at zero: added to a trained network's features it changes nothing at first, and still
    learns (no ReLU after the zeroed convolution to stop its gradient). The box branch adds two:
    `box_fine` (stride-4 detail at stride 2) and `box_mix` (a residual block at stride 8)."""

    def __init__(self, cin, cout, s=1):
        super().__init__()
        self.dw = nn.Conv2d(cin, cin, 3, s, 1, groups=cin)
        self.pw = nn.Conv2d(cin, cout, 1)
        nn.init.zeros_(self.pw.weight)
        nn.init.zeros_(self.pw.bias)

    def forward(self, x):
        return self.pw(F.relu(self.dw(x)))


ARCHS = ("base", "ctx64", "ctx64-box")


class LookoutNet(nn.Module):
    """`arch` "base" is 0.3.0's graph. "ctx64" adds a stride-64 context branch for large objects:
    two separable blocks below stride 32, upsampled and added to the stride-32 features through a
    1x1 convolution whose batch-norm scale starts at zero (so a network initialised from a "base"
    checkpoint starts out computing exactly what it did). It widens the receptive field from about
    175 px to about 370 px, so a person filling half a 640 px frame is seen whole from its centre
    cell; inputs are padded to a multiple of 64 instead of 32.

    "ctx64-box" is ctx64 with a branch of its own for the boxes. The class heat maps come from
    the head as before (3 outputs); the centre offsets and log sizes from the stride-8 features
    plus stride-4 detail, a residual block (both `ZeroStart`), then a depthwise 3x3 and a 1x1
    convolution (`grow_box_branch` starts these two as copies of the head's and the other two
    start as the identity, so the grown network computes what the ctx64 one did), so that small
    drone targets are placed with sub-cell detail. Trained with `train.py --train-only box-head`
    it moves the boxes without touching any class score."""

    def __init__(self, width=(16, 32, 64, 112, 160), neck=64, arch="base"):
        super().__init__()
        if arch not in ARCHS:
            raise ValueError(f"unknown arch {arch!r} (one of {', '.join(ARCHS)})")
        self.arch = arch
        self.context = arch in ("ctx64", "ctx64-box")
        self.box_branch = arch == "ctx64-box"
        self.size_multiple = 64 if self.context else 32
        # The second, coarser pass the engine runs (train.detect; the graph's "coarse_pass"):
        # {"long_side": 320, "min_extent": 0.15}, or None for one pass at long side 640.
        self.coarse_pass = None
        c0, c1, c2, c3, c4 = width
        self.stem = ConvBN(3, c0, 3, 2)  # /2
        self.s1 = SepBlock(c0, c1, 2)  # /4
        self.s2a = SepBlock(c1, c2, 2)  # /8
        self.s2b = SepBlock(c2, c2, 1)
        self.s3a = SepBlock(c2, c3, 2)  # /16
        self.s3b = SepBlock(c3, c3, 1)
        self.s4a = SepBlock(c3, c4, 2)  # /32
        self.s4b = SepBlock(c4, c4, 1)
        if self.context:
            self.s5a = SepBlock(c4, c4, 2)  # /64
            self.s5b = SepBlock(c4, c4, 1)
            self.ctx = ConvBN(c4, c4, 1, act=False)
            nn.init.zeros_(self.ctx.bn.weight)
        self.lat4 = ConvBN(c4 + c3, c3, 1)  # after upsampling /32 -> /16 and concat
        self.mix3 = SepBlock(c3, c3, 1)
        self.lat3 = ConvBN(c3 + c2, neck, 1)  # /16 -> /8
        self.mix2 = SepBlock(neck, neck, 1)
        self.head_dw = ConvBN(neck, neck, 3, 1, groups=neck)
        self.head = nn.Conv2d(neck, 3 if self.box_branch else HEAD_CHANNELS, 1)
        nn.init.constant_(self.head.bias, 0.0)
        if self.box_branch:
            self.box_fine = ZeroStart(c1, neck, 2)
            self.box_mix = ZeroStart(neck, neck)
            self.box_dw = ConvBN(neck, neck, 3, 1, groups=neck)
            self.box_out = nn.Conv2d(neck, HEAD_CHANNELS - 3, 1)
        with torch.no_grad():
            self.head.bias[:3] = -4.6  # prior 1% so focal loss starts calm

    def forward(self, x):
        x = self.stem(x)
        p1 = self.s1(x)
        p2 = self.s2b(self.s2a(p1))
        p3 = self.s3b(self.s3a(p2))
        p4 = self.s4b(self.s4a(p3))
        if self.context:
            c5 = self.ctx(self.s5b(self.s5a(p4)))
            p4 = p4 + F.interpolate(c5, scale_factor=2, mode="nearest")
        u4 = F.interpolate(p4, scale_factor=2, mode="nearest")
        m3 = self.mix3(self.lat4(torch.cat([u4, p3], 1)))
        u3 = F.interpolate(m3, scale_factor=2, mode="nearest")
        m2 = self.mix2(self.lat3(torch.cat([u3, p2], 1)))
        heat = self.head(self.head_dw(m2))
        if self.box_branch:
            box = m2 + self.box_fine(p1)
            box = box + self.box_mix(box)
            return torch.cat([heat, self.box_out(self.box_dw(box))], 1)
        return heat


def grow_box_branch(state: dict) -> dict:
    """A ctx64 state dict as the ctx64-box network's: the head keeps its three heat-map rows,
    the box branch's depthwise convolution and 1x1 output start as copies of the head's
    (`box_fine` and `box_mix` are left out: they start as the identity), so the grown network
    computes the same outputs."""
    grown = {k: v for k, v in state.items() if not k.startswith("head.")}
    grown["head.weight"] = state["head.weight"][:3].clone()
    grown["head.bias"] = state["head.bias"][:3].clone()
    grown["box_out.weight"] = state["head.weight"][3:].clone()
    grown["box_out.bias"] = state["head.bias"][3:].clone()
    for k, v in state.items():
        if k.startswith("head_dw."):
            grown["box_dw." + k[len("head_dw."):]] = v.clone()
    return grown


# ---------------------------------------------------------------------------------------------
# Loss


def focal_heatmap_loss(logits, target, weight=None):
    """CenterNet's penalty-reduced focal loss over Gaussian heat maps; `weight` (same shape,
    optional) scales each cell's term, 0 where a region is left out of a class's loss."""
    p = torch.sigmoid(logits).clamp(1e-4, 1 - 1e-4)
    pos = target.eq(1).float()
    neg = 1 - pos
    if weight is not None:
        pos, neg = pos * weight, neg * weight
    pos_loss = -torch.log(p) * (1 - p) ** 2 * pos
    neg_loss = -torch.log(1 - p) * p**2 * (1 - target) ** 4 * neg
    n = pos.sum().clamp(min=1)
    return (pos_loss.sum() + neg_loss.sum()) / n


def detection_loss(out, heat, reg, reg_mask, weight=None):
    """`heat` [B,3,H,W], `reg` [B,4,H,W] (offset x,y then log w,h), `reg_mask` [B,1,H,W],
    `weight` [B,3,H,W] optional heat-map loss weights (see focal_heatmap_loss)."""
    hl = focal_heatmap_loss(out[:, :3], heat, weight)
    n = reg_mask.sum().clamp(min=1)
    off = (torch.sigmoid(out[:, 3:5]) - reg[:, 0:2]).abs() * reg_mask
    size = F.smooth_l1_loss(out[:, 5:7], reg[:, 2:4], reduction="none") * reg_mask
    return hl + off.sum() / n + size.sum() / n, hl


def giou_loss(out, reg, reg_mask):
    """1 - generalised IoU of the predicted and the true box at each cell that carries a box,
    weighted by `reg_mask` and averaged like the L1 terms. Both boxes are in cell units around
    the same cell (centre offset, exp of the log size). L1 on the centre offset counts a 2-pixel
    shift the same on a 10-pixel car as on a 100-pixel truck, though only the car's IoU falls
    below 0.5; this loss scores the overlap that box AP50 counts."""
    size = torch.exp(out[:, 5:7].clamp(max=8.0))
    centre = torch.sigmoid(out[:, 3:5])
    true_size = torch.exp(reg[:, 2:4])
    lo, hi = centre - size / 2, centre + size / 2
    true_lo, true_hi = reg[:, 0:2] - true_size / 2, reg[:, 0:2] + true_size / 2
    inter = (torch.minimum(hi, true_hi) - torch.maximum(lo, true_lo)).clamp(min=0).prod(1)
    union = size.prod(1) + true_size.prod(1) - inter
    hull = (torch.maximum(hi, true_hi) - torch.minimum(lo, true_lo)).prod(1)
    giou = inter / union.clamp(min=1e-9) - (hull - union) / hull.clamp(min=1e-9)
    m = reg_mask[:, 0]
    return ((1 - giou) * m).sum() / m.sum().clamp(min=1)


# ---------------------------------------------------------------------------------------------
# Export


def _fold(cbn: ConvBN):
    w = cbn.conv.weight.detach().double()
    bn = cbn.bn
    scale = bn.weight.detach().double() / torch.sqrt(bn.running_var.double() + bn.eps)
    wf = w * scale.view(-1, 1, 1, 1)
    bf = bn.bias.detach().double() - bn.running_mean.double() * scale
    return wf.float().contiguous(), bf.float().contiguous()


class _GraphWriter:
    def __init__(self):
        self.nodes = []
        self.tensors = {}

    def conv(self, name, src, cbn_or_conv, act):
        if isinstance(cbn_or_conv, ConvBN):
            w, b = _fold(cbn_or_conv)
            conv = cbn_or_conv.conv
        else:
            conv = cbn_or_conv
            w = conv.weight.detach().float().contiguous()
            b = conv.bias.detach().float().contiguous()
        self.tensors[name + ".weight"] = w
        self.tensors[name + ".bias"] = b
        self.nodes.append({
            "name": name, "op": "conv2d", "inputs": [src],
            "weight": name + ".weight", "bias": name + ".bias",
            "in_channels": conv.in_channels, "out_channels": conv.out_channels,
            "kernel": conv.kernel_size[0], "stride": conv.stride[0], "padding": conv.padding[0],
            "groups": conv.groups, "activation": act,
        })
        return name

    def sep(self, name, src, blk: SepBlock):
        a = self.conv(name + ".dw", src, blk.dw, "relu")
        b = self.conv(name + ".pw", a, blk.pw, "relu")
        if blk.residual:
            self.nodes.append({"name": name + ".add", "op": "add", "inputs": [src, b]})
            return name + ".add"
        return b

    def node(self, name, op, inputs, **kw):
        self.nodes.append({"name": name, "op": op, "inputs": inputs, **kw})
        return name


def export_graph(model: LookoutNet, meta: dict):
    """Returns (graph dict, {tensor name: float32 tensor}) for the Swift engine."""
    model = model.eval()
    g = _GraphWriter()
    x = g.conv("stem", "image", model.stem, "relu")
    p1 = g.sep("s1", x, model.s1)
    p2 = g.sep("s2b", g.sep("s2a", p1, model.s2a), model.s2b)
    p3 = g.sep("s3b", g.sep("s3a", p2, model.s3a), model.s3b)
    p4 = g.sep("s4b", g.sep("s4a", p3, model.s4a), model.s4b)
    if model.context:
        c5 = g.conv("ctx", g.sep("s5b", g.sep("s5a", p4, model.s5a), model.s5b), model.ctx, "none")
        u5 = g.node("up5", "upsample_nearest", [c5], factor=2)
        p4 = g.node("ctx.add", "add", [p4, u5])
    u4 = g.node("up4", "upsample_nearest", [p4], factor=2)
    c3 = g.node("cat3", "concat", [u4, p3])
    m3 = g.sep("mix3", g.conv("lat4", c3, model.lat4, "relu"), model.mix3)
    u3 = g.node("up3", "upsample_nearest", [m3], factor=2)
    c2 = g.node("cat2", "concat", [u3, p2])
    m2 = g.sep("mix2", g.conv("lat3", c2, model.lat3, "relu"), model.mix2)
    h = g.conv("head_dw", m2, model.head_dw, "relu")
    out = g.conv("head", h, model.head, "none")
    if model.box_branch:
        f = g.conv("box_fine.dw", p1, model.box_fine.dw, "relu")
        fine = g.node("box_fine.add", "add", [m2, g.conv("box_fine.pw", f, model.box_fine.pw, "none")])
        d = g.conv("box_mix.dw", fine, model.box_mix.dw, "relu")
        mix = g.node("box_mix.add", "add", [fine, g.conv("box_mix.pw", d, model.box_mix.pw, "none")])
        box = g.conv("box_out", g.conv("box_dw", mix, model.box_dw, "relu"), model.box_out, "none")
        out = g.node("head_out", "concat", [out, box])
    graph = {
        "format": "lookout-graph",
        "format_version": 1,
        "input": {"name": "image", "channels": 3, "layout": "HWC", "range": [0.0, 1.0],
                  "size_multiple": model.size_multiple},
        "output": out,
        "head": {"type": "centernet", "stride": STRIDE, "classes": CLASSES,
                 "heatmap_channels": [0, 1, 2], "offset_channels": [3, 4],
                 "log_size_channels": [5, 6], "size_unit": STRIDE},
        "nodes": g.nodes,
        **meta,
    }
    return graph, g.tensors


def count_flops(graph, height, width):
    """Multiply-adds x2 of the exported graph at an input size (convolutions only)."""
    shapes = {"image": (height, width, 3)}
    total = 0
    for n in graph["nodes"]:
        src = shapes[n["inputs"][0]]
        if n["op"] == "conv2d":
            h = (src[0] + 2 * n["padding"] - n["kernel"]) // n["stride"] + 1
            w = (src[1] + 2 * n["padding"] - n["kernel"]) // n["stride"] + 1
            cin_g = n["in_channels"] // n["groups"]
            total += 2 * h * w * n["out_channels"] * cin_g * n["kernel"] ** 2
            shapes[n["name"]] = (h, w, n["out_channels"])
        elif n["op"] == "upsample_nearest":
            shapes[n["name"]] = (src[0] * n["factor"], src[1] * n["factor"], src[2])
        elif n["op"] == "concat":
            shapes[n["name"]] = (src[0], src[1], sum(shapes[i][2] for i in n["inputs"]))
        else:
            shapes[n["name"]] = src
    return total


def to_json(graph) -> str:
    return json.dumps(graph, indent=1, sort_keys=False)


def build(meta_or_arch=None) -> "LookoutNet":
    """The network a checkpoint's `meta` (or an arch name) describes; "base" when it names none.
    A `meta` with "coarse_pass" also sets the model's second pass (see `train.detect`)."""
    coarse = None
    if isinstance(meta_or_arch, dict):
        coarse = meta_or_arch.get("coarse_pass")
        meta_or_arch = meta_or_arch.get("arch")
    model = LookoutNet(arch=meta_or_arch or "base")
    model.coarse_pass = coarse
    return model


if __name__ == "__main__":
    import sys
    m = LookoutNet(arch=sys.argv[1] if len(sys.argv) > 1 else "base")
    gr, ts = export_graph(m, {})
    print("params", sum(t.numel() for t in ts.values()), "GFLOP@640x512",
          count_flops(gr, 512, 640) / 1e9, "GFLOP@640x640", count_flops(gr, 640, 640) / 1e9)
    x = torch.rand(1, 3, 512, 640)
    import time
    m.eval()
    with torch.no_grad():
        m(x)
        t = time.time()
        for _ in range(5):
            m(x)
    print("torch ms/img", (time.time() - t) / 5 * 1000, math.pi)
