#!/usr/bin/env python3
"""Write a compact copy of the training data, for carrying it to a rented GPU machine.

    python scripts/pack_data.py --out .gpu/data            # training split only, about 52 MB
    python scripts/pack_data.py --out /tmp/all --split all # both splits

The copy keeps the layout `scripts/train.py --data` reads (`images.csv`, `boxes.csv`,
`images/<source>/<name>`) and every file name, but stores each image as lossy WebP (quality 80 for
the thermal frames, 70 for camera-trap frames; grayscale frames as one channel), which is 3-5x
smaller than the original JPEGs. The split is train.py's own (`is_val`), so a packed training
copy holds exactly the images train.py would train on. Validate on the originals, not on a copy:
`train.py --eval-only` does that.
"""
from __future__ import annotations

import argparse
import csv
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train import is_val  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--split", choices=("train", "all"), default="train")
    args = ap.parse_args()

    with open(os.path.join(args.data, "images.csv"), newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames
        rows = [r for r in reader if args.split == "all" or not is_val(r)]
    keep = {r["file"] for r in rows}
    total = 0
    for r in rows:
        src = os.path.join(args.data, "images", r["file"])
        dst = os.path.join(args.out, "images", r["file"])
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        img = Image.open(src).convert("RGB")
        arr = np.asarray(img)
        gray = float(np.abs(arr[..., 0].astype(int) - arr[..., 2].astype(int)).mean()) < 3.0
        if gray:
            img = img.convert("L")
        quality = 80 if r["source"] == "hit-uav" else 70
        img.save(dst, "WEBP", quality=quality, method=6)
        total += os.path.getsize(dst)
    with open(os.path.join(args.out, "images.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    with open(os.path.join(args.data, "boxes.csv"), newline="") as f:
        reader = csv.DictReader(f)
        boxes = [b for b in reader if b["file"] in keep]
        bfields = reader.fieldnames
    with open(os.path.join(args.out, "boxes.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=bfields, lineterminator="\n")
        w.writeheader()
        w.writerows(boxes)
    print(f"packed {len(rows)} images, {len(boxes)} boxes, {total / 1e6:.1f} MB into {args.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
