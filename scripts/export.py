#!/usr/bin/env python3
"""Export a trained checkpoint to the files the Swift engine loads, plus the parity fixtures.

    python scripts/export.py --checkpoint runs/lookout-det.pt --out Models

writes Models/lookout-det.json (graph), Models/lookout-det.safetensors (weights) and
Tests/DetectorTests/Fixtures/parity.safetensors: small inputs with PyTorch's outputs, per operation
and for the whole exported model, so `swift test` checks parity without Python. Tensors in the
fixtures are stored height x width x channels (the engine's layout); weights keep PyTorch's
[out, in/groups, kh, kw] layout, as in the model file.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout_model import ARCHS, LookoutNet, build, count_flops, export_graph  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def hwc(t):
    """[1,C,H,W] -> [H,W,C] contiguous."""
    return t[0].permute(1, 2, 0).contiguous()


def op_cases(gen):
    """Each case: (name, params, input NCHW, weight, bias, output NCHW)."""
    cases = []

    def conv_case(name, h, w, cin, cout, k, s, groups, act):
        x = torch.randn(1, cin, h, w, generator=gen)
        wt = torch.randn(cout, cin // groups, k, k, generator=gen) * 0.3
        b = torch.randn(cout, generator=gen) * 0.1
        y = F.conv2d(x, wt, b, s, k // 2, groups=groups)
        y = {"relu": F.relu, "none": lambda t: t, "relu6": F.relu6, "silu": F.silu,
             "sigmoid": torch.sigmoid}[act](y)
        params = {"op": "conv2d", "kernel": k, "stride": s, "padding": k // 2, "groups": groups,
                  "in_channels": cin, "out_channels": cout, "activation": act}
        cases.append((name, params, x, wt, b, y))

    conv_case("conv3x3_s2", 7, 9, 3, 5, 3, 2, 1, "relu")
    conv_case("conv3x3_s1", 6, 5, 4, 6, 3, 1, 1, "silu")
    conv_case("depthwise_s1", 8, 6, 20, 20, 3, 1, 20, "relu")
    conv_case("depthwise_s2", 9, 7, 19, 19, 3, 2, 19, "relu6")
    conv_case("pointwise_small", 5, 6, 20, 12, 1, 1, 1, "none")
    conv_case("pointwise_odd", 17, 13, 41, 33, 1, 1, 1, "relu")
    conv_case("pointwise_wide", 16, 16, 64, 160, 1, 1, 1, "sigmoid")
    conv_case("grouped3x3", 6, 6, 8, 6, 3, 1, 2, "relu")
    conv_case("conv5x5_s1", 7, 8, 3, 4, 5, 1, 1, "none")

    x = torch.randn(1, 5, 3, 4, generator=gen)
    cases.append(("upsample2", {"op": "upsample_nearest", "factor": 2}, x, None, None,
                  F.interpolate(x, scale_factor=2, mode="nearest")))
    x = torch.randn(1, 6, 7, 5, generator=gen)
    cases.append(("maxpool3_s1", {"op": "maxpool", "kernel": 3, "stride": 1, "padding": 1}, x,
                  None, None, F.max_pool2d(x, 3, 1, 1)))
    cases.append(("maxpool2_s2", {"op": "maxpool", "kernel": 2, "stride": 2, "padding": 0}, x,
                  None, None, F.max_pool2d(x, 2, 2, 0)))
    x = torch.randn(1, 6, 8, 6, generator=gen)
    cases.append(("avgpool2_s2", {"op": "avgpool", "kernel": 2, "stride": 2, "padding": 0}, x,
                  None, None, F.avg_pool2d(x, 2, 2, 0)))
    return cases


def write_parity_fixtures(model, graph, path, seed=1234):
    gen = torch.Generator().manual_seed(seed)
    tensors, meta = {}, {}
    for name, params, x, w, b, y in op_cases(gen):
        tensors[name + ".input"] = hwc(x)
        if w is not None:
            tensors[name + ".weight"] = w.contiguous()
            tensors[name + ".bias"] = b.contiguous()
        tensors[name + ".output"] = hwc(y)
        meta[name] = params
    # Two-input operations.
    a = torch.randn(1, 3, 4, 5, generator=gen)
    c = torch.randn(1, 7, 4, 5, generator=gen)
    tensors["concat.input"], tensors["concat.input2"] = hwc(a), hwc(c)
    tensors["concat.output"] = hwc(torch.cat([a, c], 1))
    meta["concat"] = {"op": "concat"}
    d = torch.randn(1, 3, 4, 5, generator=gen)
    tensors["add.input"], tensors["add.input2"] = hwc(a), hwc(d)
    tensors["add.output"] = hwc(a + d)
    meta["add"] = {"op": "add"}
    # The whole exported model on a small input and on a 640x512 one.
    model.eval()
    with torch.no_grad():
        # Sizes the graph accepts: multiples of its size_multiple (32 for base, 64 for ctx64*).
        sizes = {"model_small": (64, 96), "model_medium": (96, 160)}
        if model.size_multiple == 64:
            sizes = {"model_small": (64, 128), "model_medium": (128, 192)}
        for tag, (h, w) in sizes.items():
            x = torch.rand(1, 3, h, w, generator=gen)
            tensors[tag + ".input"] = hwc(x)
            tensors[tag + ".output"] = hwc(model(x))
            meta[tag] = {"op": "model"}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    save_file(tensors, path, metadata={"cases": json.dumps(meta, sort_keys=True)})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--checkpoint", help="training checkpoint (.pt); omit for random weights")
    ap.add_argument("--out", default=os.path.join(ROOT, "Models"))
    ap.add_argument("--name", default="lookout-det")
    ap.add_argument("--fixtures", default=os.path.join(ROOT, "Tests", "DetectorTests", "Fixtures",
                                                       "parity.safetensors"))
    ap.add_argument("--arch", default="base", choices=ARCHS,
                    help="the graph for random weights (no --checkpoint)")
    args = ap.parse_args()
    torch.manual_seed(0)
    model = LookoutNet(arch=args.arch)
    meta = {"name": args.name, "model_version": "untrained"}
    if args.checkpoint:
        ck = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
        model = build(ck.get("meta"))
        model.load_state_dict(ck["model"])
        meta.update(ck.get("meta", {}))
    graph, tensors = export_graph(model, meta)
    graph["flops_640x512"] = count_flops(graph, 512, 640)
    os.makedirs(args.out, exist_ok=True)
    save_file(tensors, os.path.join(args.out, args.name + ".safetensors"),
              metadata={"model_version": str(meta["model_version"])})
    with open(os.path.join(args.out, args.name + ".json"), "w") as f:
        json.dump(graph, f, indent=1)
        f.write("\n")
    write_parity_fixtures(model, graph, args.fixtures)
    print(f"wrote {args.out}/{args.name}.json/.safetensors "
          f"({sum(t.numel() for t in tensors.values())} parameters, "
          f"{graph['flops_640x512'] / 1e9:.3f} GFLOP at 640x512) and {args.fixtures}")


if __name__ == "__main__":
    main()
