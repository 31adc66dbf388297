#!/usr/bin/env python3
"""Scan the validation split with the Swift `lookout` binary and score what it wrote.

    python scripts/validate_swift.py [--lookout .build/release/lookout] [--out runs/val-scan]
        [--model-dir a candidate's exported folder]

The PyTorch numbers in Models/metrics.json come from train.py's own decoder; this checks that the
shipped engine, decoders and thresholds give the same picture end to end. It links the validation
images (Models/split.csv) into a temporary card, runs `lookout scan`, and prints image-level
recall/precision per source and class at the model's thresholds, false alerts on empty or
animal-only images, and box AP at IoU 0.5. With --json it writes them to a file.

The engine sees the files as they are: thermal-dogs-people frames in their rainbow palette (the
Python figures use the palette-inverted frames), and no synthetic composites (write those with
scripts/synthesize.py and scan them separately).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train import (CLASSES, ROOT, average_precision, box_iou, false_alert_rate,  # noqa: E402
                   image_level)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--lookout", default=os.path.join(ROOT, ".build", "release", "lookout"))
    ap.add_argument("--out", default=os.path.join(ROOT, "runs", "val-scan"))
    ap.add_argument("--json", help="write the metrics here")
    ap.add_argument("--model-dir", help="scan with the model in this folder (lookout's --model-dir) "
                                        "instead of the shipped Models/")
    args = ap.parse_args()

    rows = {r["file"]: r for r in csv.DictReader(open(os.path.join(args.data, "images.csv")))}
    val = [r["file"] for r in csv.DictReader(open(os.path.join(ROOT, "Models", "split.csv")))
           if r["split"] == "val"]
    boxes, ignore = {}, {}
    for name, table in (("boxes.csv", boxes), ("ignore.csv", ignore)):
        if not os.path.exists(os.path.join(args.data, name)):
            continue
        for b in csv.DictReader(open(os.path.join(args.data, name))):
            table.setdefault(b["file"], []).append(
                (CLASSES.index(b["class"]), float(b["x"]), float(b["y"]), float(b["w"]), float(b["h"])))

    with tempfile.TemporaryDirectory() as card:
        for f in val:
            dst = os.path.join(card, f)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            os.symlink(os.path.abspath(os.path.join(args.data, "images", f)), dst)
        model = ["--model-dir", args.model_dir] if args.model_dir else []
        subprocess.run([args.lookout, "scan", card, "--out", args.out, "--overwrite", "--quiet", *model],
                       check=True)
    out = json.load(open(os.path.join(args.out, "detections.json")))
    thresholds = out["info"]["lookout"]["class_thresholds"]

    per_image, box_scores, n_truth = [], {c: [] for c in range(3)}, {c: 0 for c in range(3)}
    for image in out["images"]:
        row = rows[image["file"]]
        dets = [(int(d["category"]) - 1, d["conf"], *d["bbox"]) for d in image["detections"] or []]
        kind = {"hit-uav": "thermal-drone", "missouri-camera-traps": "camera-trap"}.get(
            row["source"], row["source"])
        item = {"file": image["file"], "label": row["label"], "kind": kind,
                "ignore": ignore.get(image["file"], [])}
        per_image.append((item, dets))
        for c in range(3):
            gts = [b[1:] for b in boxes.get(image["file"], []) if b[0] == c]
            n_truth[c] += len(gts)
            used = set()
            for d in sorted((d for d in dets if d[0] == c), key=lambda d: -d[1]):
                best, bi = 0.0, -1
                for i, g in enumerate(gts):
                    if i not in used and box_iou(d[2:], g) > best:
                        best, bi = box_iou(d[2:], g), i
                if best >= 0.5:
                    used.add(bi)
                box_scores[c].append((d[1], int(best >= 0.5)))

    report = {"thresholds": thresholds, "images": len(per_image),
              "box_ap50": {CLASSES[c]: average_precision(box_scores[c], n_truth[c]) for c in range(3)},
              "by_source": {}}
    for kind in [None] + sorted({it["kind"] for it, _ in per_image}):
        sel = [kind] if kind else None
        entry = {cls: image_level(per_image, cls, thresholds[cls], sel) for cls in CLASSES}
        entry["false_alerts_on_empty_or_animal"] = false_alert_rate(per_image, thresholds, sel)
        report["by_source"][kind or "all"] = entry
    text = json.dumps(report, indent=1)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
