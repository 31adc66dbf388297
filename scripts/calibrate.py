#!/usr/bin/env python3
"""Calibrate a checkpoint's class scores on the calibration split (Platt scaling per class).

    python scripts/calibrate.py --checkpoint runs/det/lookout-det.pt --out runs/det/calibrated.pt

A detector's raw heat-map scores rank boxes well but do not say how often a box of that score is
right, so the 0.05 floor of `detections.json` keeps dozens of boxes an image that are almost never
a person, a vehicle or an animal (issue 18's "lean output"). This fits, per class, a logistic
curve from the raw score's logit to the chance that a box of that class matches a true box at IoU
0.5, on the calibration split's detections (real images and the synthetic calibration
composites; the validation split is never used), and folds it into the head's heat-map row:
`a * (w . x + b0) + s` is again one 1x1 convolution, so the exported graph, the Swift engine and
every tool stay as they are, and the scores they print are the calibrated ones.

The curve is monotonic per class, so each class's ranking, its peaks and its box AP stay; what
changes is which class wins where two fire at the same place (one class per box compares the
calibrated scores, which is the point of comparing them) and which boxes fall under the floor.
The thresholds must be chosen again afterwards (`train.py --eval-only`, `evaluate_slices.py`),
on the calibrated scores. The fit (scale, shift, counts) is kept in the checkpoint's metadata
under "calibration", and so in the exported graph.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluate_slices  # noqa: E402
import train  # noqa: E402
from lookout_model import build  # noqa: E402
from train import CLASSES  # noqa: E402

# The output floors --report compares (detections.json keeps boxes at or above its floor).
FLOORS = (0.005, 0.01, 0.02, 0.05)


def calibration_pairs(per_image):
    """{class index: [(raw logit, hit)]} over [(item, detections)]: every detection of a class,
    matched greedily to that class's truth boxes at IoU >= 0.5 (`train.match_boxes`, as box AP
    counts them). A miss whose centre lies in an ignore region of its class, and every detection
    of a class the source never boxes, has no verdict and is left out."""
    pairs = {c: [] for c in range(len(CLASSES))}
    for item, dets in per_image:
        for c, name in enumerate(CLASSES):
            if train.unjudged(item, name):
                continue
            truth = [b[1:] for b in item["boxes"] if b[0] == c]
            for d, hit in train.match_boxes(dets, truth, c):
                if not hit and evaluate_slices.inside_ignore(item, c, d):
                    continue
                s = min(max(d[1], 1e-6), 1 - 1e-6)
                pairs[c].append((math.log(s / (1 - s)), int(hit)))
    return pairs


def fit_platt(pairs, ridge=1e-4):
    """(scale, shift) of the logistic curve p = sigmoid(scale * logit + shift) that maximises the
    likelihood of the hits (Newton's method; `ridge` keeps it defined when one side is empty)."""
    z = np.array([p[0] for p in pairs], np.float64)
    y = np.array([p[1] for p in pairs], np.float64)
    a, b = 1.0, 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(a * z + b)))
        w = p * (1 - p)
        grad = np.array([np.sum((p - y) * z) + ridge * (a - 1), np.sum(p - y)])
        hess = np.array([[np.sum(w * z * z) + ridge, np.sum(w * z)],
                         [np.sum(w * z), np.sum(w) + ridge]])
        step = np.linalg.solve(hess, grad)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-10:
            break
    return float(a), float(b)


def fold_into_head(model, fits):
    """Scales and shifts the head's heat-map rows so that the network's class scores become
    sigmoid(scale * logit + shift); `fits` is {class index: (scale, shift)}."""
    with torch.no_grad():
        for c, (a, b) in fits.items():
            model.head.weight[c].mul_(a)
            model.head.bias[c] = model.head.bias[c] * a + b


def reliability(pairs, fits, edges=(0.05, 0.1, 0.2, 0.4, 0.7, 1.01)):
    """Per class, per calibrated-score bin: boxes and the share that are hits. `pairs` holds raw
    logits and `fits` the curves (identity fits for an already calibrated network's logits)."""
    out = {}
    for c, rows in pairs.items():
        a, b = fits[c]
        q = [(1 / (1 + math.exp(-(a * z + b))), h) for z, h in rows]
        out[CLASSES[c]] = [{"from": lo, "to": min(hi, 1.0), "boxes": len(sel),
                            "hit_rate": round(sum(h for _, h in sel) / len(sel), 3) if sel else None}
                           for lo, hi in zip(edges, edges[1:])
                           for sel in [[x for x in q if lo <= x[0] < hi]]]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--checkpoint", required=True, help="a train.py checkpoint (.pt)")
    ap.add_argument("--out", required=True, help="where the calibrated checkpoint goes")
    ap.add_argument("--data", default=os.path.join(train.ROOT, "..", "shared", "data"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--report", metavar="JSON",
                    help="also run the calibrated network on the validation split and write, per "
                         "output floor (0.005 to 0.05), the boxes an image and box AP50 per class, "
                         "and how often its boxes are right per score bin (reliability)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    t0 = time.time()
    items = train.load_dataset(args.data, splits=("calib",))
    calib = items + train.composite_sets(items, args.data)["calib"]
    ck = train.load_checkpoint(args.checkpoint)
    model = build(ck["meta"])
    model.load_state_dict(ck["model"])
    model.eval()
    per_image = [(it, train.detect(model, it["image"])) for it in calib]
    pairs = calibration_pairs(per_image)
    fits = {c: fit_platt(rows) for c, rows in pairs.items()}
    before = sum(len(d) for _, d in per_image) / len(per_image)
    # Compose with an earlier calibration, so the metadata says what maps the trained logits.
    earlier = (ck["meta"].get("calibration") or {}).get("classes", {})
    fold_into_head(model, fits)
    record = {}
    for c, (a, b) in fits.items():
        name = CLASSES[c]
        a0, b0 = (earlier[name]["scale"], earlier[name]["shift"]) if name in earlier else (1.0, 0.0)
        record[name] = {"scale": round(a * a0, 6), "shift": round(a * b0 + b, 6),
                        "detections": len(pairs[c]), "hits": sum(h for _, h in pairs[c])}
        print(f"{name}: scale {a:.3f}, shift {b:+.3f} ({len(pairs[c])} detections, "
              f"{record[name]['hits']} hits)", file=sys.stderr)
    after = sum(len(train.detect(model, it["image"])) for it in calib) / len(calib)
    meta = dict(ck["meta"])
    meta["thresholds"] = None  # chosen on the raw scores: choose them again (train.py --eval-only)
    meta["calibration"] = {
        "method": "platt", "split": "calibration", "images": len(calib), "classes": record,
        "reliability": reliability(pairs, fits),
        "boxes_per_image_at_floor": {"before": round(before, 1), "after": round(after, 1)}}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save({"model": model.state_dict(), "meta": meta}, args.out)
    print(f"boxes per calibration image at the 0.05 floor: {before:.1f} -> {after:.1f}; "
          f"wrote {args.out} ({time.time() - t0:.0f}s)", file=sys.stderr)
    if args.report:
        val = train.load_dataset(args.data, splits=("val",))
        val += train.composite_sets(val, args.data)["val"]
        per_val = [(it, train.detect(model, it["image"], min_conf=FLOORS[0])) for it in val]
        report = {"floors": floor_report(per_val),
                  "reliability": reliability(calibration_pairs(per_val),
                                             {c: (1.0, 0.0) for c in range(len(CLASSES))})}
        with open(args.report, "w") as f:
            json.dump(report, f, indent=1)
        for row in report["floors"]:
            print(f"floor {row['floor']}: {row['boxes_per_image']} boxes an image; box AP50 "
                  f"{row['box_ap50']} (real images), {row['box_ap50_drone']} (thermal drone)",
                  file=sys.stderr)


def floor_report(per_image):
    """Per output floor: boxes an image (all validation images) and box AP50 per class over the
    real validation images and over the thermal drone frames, counting only boxes at or above
    the floor, as a detections.json written at that floor holds them."""
    rows = []
    for floor in FLOORS:
        kept = [(it, [d for d in dets if d[1] >= floor]) for it, dets in per_image]
        real = [p for p in kept if not p[0]["kind"].startswith("composite")]
        drone = [p for p in kept if p[0]["kind"] == "thermal-drone"]
        rows.append({"floor": floor,
                     "boxes_per_image": round(sum(len(d) for _, d in kept) / len(kept), 1),
                     "box_ap50": rounded(evaluate_slices.box_ap(real)),
                     "box_ap50_drone": rounded(evaluate_slices.box_ap(drone))})
    return rows


def rounded(ap):
    return {k: (round(v, 3) if v is not None else None) for k, v in ap.items()}


if __name__ == "__main__":
    main()
