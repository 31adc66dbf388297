#!/usr/bin/env python3
"""Print the validation trade-off table of a trained checkpoint (for the model card).

    python scripts/tradeoff.py --checkpoint runs/lookout-det.pt [--thresholds 0.5,0.6,0.65,0.7]

Scores the validation split (Models/split.csv's rule, recomputed from the data) with train.py's
own decoder, then prints, for the checkpoint's shipped thresholds and each extra threshold (applied
to person and vehicle alike), image-level person and vehicle recall/precision and the share of
empty or animal-only images that raise an alert, overall and per source. Markdown on stdout.
"""
from __future__ import annotations

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout_model import build  # noqa: E402
from train import ROOT, evaluate, false_alert_rate, image_level, load_dataset  # noqa: E402


def fmt(m):
    r = "–" if m["recall"] is None else f"{m['recall']:.3f}"
    p = "–" if m["precision"] is None else f"{m['precision']:.3f}"
    return f"{r}, {p}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--checkpoint", default=os.path.join(ROOT, "runs", "lookout-det.pt"))
    ap.add_argument("--thresholds", default="0.5,0.6,0.65,0.7,0.75")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    ck = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
    model = build(ck.get("meta"))
    model.load_state_dict(ck["model"])
    shipped = ck["meta"]["thresholds"]
    val = [i for i in load_dataset(args.data) if i["val"]]
    per_image, ap50 = evaluate(model, val)

    rows = [("shipped", shipped)]
    for t in (float(x) for x in args.thresholds.split(",") if x):
        rows.append((f"{t:.2f}", dict(shipped, person=t, vehicle=t)))
    kinds = [None, "thermal-drone", "camera-trap-night", "camera-trap-day"]
    print("| thresholds (person, vehicle) | person recall, precision | vehicle recall, precision "
          "| false alerts: all | night IR | day |")
    print("|---|---|---|---|---|---|")
    for name, t in rows:
        fa = [false_alert_rate(per_image, t, [k] if k else None) for k in kinds]
        label = f"{t['person']:.2f}, {t['vehicle']:.2f}" + (" (shipped)" if name == "shipped" else "")
        print(f"| {label} | {fmt(image_level(per_image, 'person', t['person']))} "
              f"| {fmt(image_level(per_image, 'vehicle', t['vehicle']))} "
              f"| {fa[0]['rate']:.3f} | {fa[2]['rate']:.3f} | {fa[3]['rate']:.3f} |")
    print()
    print("box AP50: " + ", ".join(f"{k} {v:.3f}" for k, v in ap50.items()))


if __name__ == "__main__":
    main()
