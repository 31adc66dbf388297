#!/usr/bin/env python3
"""Average detector weights: a uniform "soup" of checkpoints, or one interpolated towards a base.

    # the mean of two runs' kept points (same graph, batch norms frozen in both)
    python scripts/average_weights.py --out runs/soup1.pt \\
        runs/det7/lookout-det.pt runs/det8/lookout-det.step1500.pt
    # 50% of that, 50% of the shipped 0.3.0 (a "base" graph: the candidate's context branch,
    # which 0.3.0 lacks, keeps its weights and its output scale is interpolated towards 0.3.0's 0)
    python scripts/average_weights.py --out runs/wise50.pt --base Models/lookout-det.safetensors \\
        --alpha 0.5 runs/soup1.pt

Checkpoints fine-tuned from one start with frozen batch norms stay in one basin, so their mean is
a network too, often better than each (model soups); interpolating a fine-tuned network back
towards its start keeps more of what the start knew (weight-space ensembling). The output keeps
the first checkpoint's metadata (graph, thresholds: choose them again with evaluate_slices.py),
plus "averaged": what went into it. `--coarse-pass` sets the second pass it is meant to run with.
"""
from __future__ import annotations

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train  # noqa: E402
from lookout_model import build  # noqa: E402

# Tensors of the ctx64 context branch that a "base" graph does not have (a base model built as
# ctx64 holds fresh ones there): taken from the candidate as they are. Their effect is gated by
# ctx.bn, whose scale and shift are 0 in such a base and are interpolated like every other tensor.
CONTEXT_ONLY = ("s5a.", "s5b.", "ctx.conv.")


def mean(states):
    out = {}
    for k, v in states[0].items():
        if any(s[k].shape != v.shape for s in states):
            raise SystemExit(f"tensor {k} differs in shape between the checkpoints: not one graph")
        out[k] = sum(s[k] for s in states) / len(states) if v.is_floating_point() else v
    return out


def interpolate(state, base_state, alpha):
    out = {}
    for k, v in state.items():
        if not v.is_floating_point() or k.startswith(CONTEXT_ONLY) or k not in base_state:
            out[k] = v
        else:
            out[k] = alpha * v + (1 - alpha) * base_state[k]
    return out


def save_soup(path, state, meta, averaged, coarse_pass=None, version=None):
    """Writes a soup as a train.py checkpoint: `meta` (the first member's) with `averaged` (what
    went into it), the second pass it is meant to run with and its version; thresholds are left
    unset, to be chosen again on the calibration split. Checks that the weights fit the graph."""
    meta = dict(meta, averaged=averaged, thresholds=None)
    if coarse_pass:
        meta["coarse_pass"] = coarse_pass
    if version:
        meta["model_version"] = version
    build(meta).load_state_dict(state)  # the result still fits its graph
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    torch.save({"model": state, "meta": meta}, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("checkpoints", nargs="+", help=".pt checkpoints (or .state files) of one graph")
    ap.add_argument("--out", required=True)
    ap.add_argument("--base", help="interpolate the mean towards this model (.pt, or a folded "
                                   ".safetensors such as Models/lookout-det.safetensors)")
    ap.add_argument("--alpha", type=float, default=0.5, help="share of the mean (with --base)")
    ap.add_argument("--coarse-pass", metavar="SIDE:EXTENT", help="store this second pass "
                    "(train.py --coarse-pass) in the output's metadata")
    ap.add_argument("--version", help="model_version of the output (default: the first checkpoint's)")
    args = ap.parse_args()

    cks = [train.load_checkpoint(p) for p in args.checkpoints]
    state = mean([c["model"] for c in cks])
    averaged = {"checkpoints": [os.path.relpath(p, train.ROOT) for p in args.checkpoints]}
    if args.base:
        if not 0 <= args.alpha <= 1:
            raise SystemExit("--alpha must be within 0..1")
        base = build(cks[0]["meta"])
        if args.base.endswith(".safetensors"):
            train.load_folded(base, args.base)
        else:
            base.load_state_dict(train.load_checkpoint(args.base)["model"], strict=False)
        state = interpolate(state, base.state_dict(), args.alpha)
        averaged.update(base=os.path.relpath(args.base, train.ROOT), alpha=args.alpha)
    save_soup(args.out, state, cks[0]["meta"], averaged,
              coarse_pass=train.parse_coarse_pass(args.coarse_pass) if args.coarse_pass else None,
              version=args.version)
    print(f"wrote {args.out}: mean of {len(cks)}" +
          (f", {args.alpha:g} of it and {1 - args.alpha:g} of {args.base}" if args.base else ""),
          file=sys.stderr)


if __name__ == "__main__":
    main()
