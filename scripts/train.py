#!/usr/bin/env python3
"""Train Lookout's detector on ../shared/data (CPU, fixed seed).

    python scripts/train.py --minutes 75 --out runs/lookout-det.pt

Writes the checkpoint (weights + metadata + default thresholds), `Models/metrics.json` (validation
metrics) and `Models/split.csv` (which image went where). Export afterwards with scripts/export.py.

On a GPU machine: `--device cuda --workers N` trains there while N forked processes build the
batches. Given a training-only copy (scripts/pack_data.py) it writes only the checkpoint; then
`--eval-only --init CHECKPOINT` scores it on the full data here, chooses the thresholds and writes
the metrics. Models/MODEL_CARD.md has the commands that made the shipped weights.

Split: by source and by sequence. HIT-UAV frames are grouped by flight setting (day/night,
altitude, camera angle: the first three fields of the file name), Missouri camera-trap frames by
trigger sequence (SEQnnnnn); a group goes wholly to validation when crc32(group) % 5 == 0, so
near-duplicate neighbouring frames never straddle the split.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import random
import sys
import time
import zlib

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageFilter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout_model import CLASSES, STRIDE, LookoutNet, detection_loss  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLS_INDEX = {c: i for i, c in enumerate(CLASSES)}
CROP = 320


# ---------------------------------------------------------------------------------------------
# Data


def group_of(row):
    name = os.path.basename(row["file"])
    if row["source"] == "hit-uav":
        return "hit-uav:" + "_".join(name.split("_")[:3])
    return "missouri:" + name.split("_")[0]


def is_val(row):
    return zlib.crc32(group_of(row).encode()) % 5 == 0


def load_dataset(data_dir):
    rows = list(csv.DictReader(open(os.path.join(data_dir, "images.csv"))))
    boxes = {}
    for b in csv.DictReader(open(os.path.join(data_dir, "boxes.csv"))):
        boxes.setdefault(b["file"], []).append(
            (CLS_INDEX[b["class"]], float(b["x"]), float(b["y"]), float(b["w"]), float(b["h"])))
    items = []
    for r in rows:
        img = Image.open(os.path.join(data_dir, "images", r["file"])).convert("RGB")
        arr = np.asarray(img, dtype=np.uint8)
        gray = float(np.abs(arr[..., 0].astype(int) - arr[..., 2].astype(int)).mean()) < 3.0
        kind = "thermal-drone" if r["source"] == "hit-uav" else (
            "camera-trap-night" if gray else "camera-trap-day")
        items.append({"file": r["file"], "source": r["source"], "kind": kind, "label": r["label"],
                      "val": is_val(r), "image": arr, "boxes": boxes.get(r["file"], [])})
    return items


def to_pixel_boxes(item, w, h):
    return [(c, x * w, y * h, bw * w, bh * h) for c, x, y, bw, bh in item["boxes"]]


class Augmenter:
    """Builds CROP x CROP training samples with field-like augmentation."""

    def __init__(self, train, rng: random.Random):
        self.rng = rng
        self.drone = [t for t in train if t["source"] == "hit-uav"]
        self.trap = [t for t in train if t["source"] != "hit-uav"]
        self.backgrounds = [t for t in self.trap if t["label"] in ("empty", "animal")]
        # Hard negatives: camera-trap frames where the current model fires person/vehicle, with the
        # strongest false peak (image pixels) and its score; refreshed by mine_hard_negatives().
        self.hard = []
        self.hard_share = 0.0
        # Cut-outs of people and vehicles (with a little context) for copy-paste.
        self.cutouts = []
        for t in self.drone:
            h, w = t["image"].shape[:2]
            for c, x, y, bw, bh in to_pixel_boxes(t, w, h):
                if c == 0 or bw < 6 or bh < 6:
                    continue
                m = 0.15
                x0, y0 = int(max(0, x - m * bw)), int(max(0, y - m * bh))
                x1, y1 = int(min(w, x + bw * (1 + m))), int(min(h, y + bh * (1 + m)))
                if x1 - x0 > 4 and y1 - y0 > 4:
                    self.cutouts.append((c, t["image"][y0:y1, x0:x1]))

    def sample(self):
        if self.hard and self.rng.random() < self.hard_share:
            scores = [h[1] for h in self.hard]
            item, _, focus = self.rng.choices(self.hard, weights=scores)[0]
            img, boxes = self._crop(item, 0.45, 1.15, vflip=False, focus=focus)
            return self._photometric(img), boxes
        r = self.rng.random()
        if r < 0.55:
            img, boxes = self._crop(self.rng.choice(self.drone), 0.6, 1.7, vflip=True)
        elif r < 0.8:
            img, boxes = self._crop(self.rng.choice(self.trap), 0.45, 1.15, vflip=False)
        else:
            img, boxes = self._crop(self.rng.choice(self.backgrounds), 0.45, 1.15, vflip=False)
            img, boxes = self._paste(img, boxes)
        return self._photometric(img), boxes

    def _crop(self, item, smin, smax, vflip, focus=None):
        rng = self.rng
        src = item["image"]
        h, w = src.shape[:2]
        s = math.exp(rng.uniform(math.log(smin), math.log(smax)))
        nw, nh = max(8, int(w * s)), max(8, int(h * s))
        img = np.asarray(Image.fromarray(src).resize((nw, nh), Image.BILINEAR))
        boxes = [(c, x * s, y * s, bw * s, bh * s) for c, x, y, bw, bh in to_pixel_boxes(item, w, h)]
        canvas = np.zeros((CROP, CROP, 3), np.uint8)
        canvas[:] = rng.randint(0, 80)
        ox = rng.randint(min(0, nw - CROP), max(0, nw - CROP))
        oy = rng.randint(min(0, nh - CROP), max(0, nh - CROP))
        if focus is not None:  # keep the hard-negative peak inside the crop
            fx, fy = focus[0] * s, focus[1] * s
            ox = int(min(max(ox, fx - CROP + 16), fx - 16))
            oy = int(min(max(oy, fy - CROP + 16), fy - 16))
        sx0, sy0 = max(0, ox), max(0, oy)
        sx1, sy1 = min(nw, ox + CROP), min(nh, oy + CROP)
        canvas[sy0 - oy:sy1 - oy, sx0 - ox:sx1 - ox] = img[sy0:sy1, sx0:sx1]
        out = []
        for c, x, y, bw, bh in boxes:
            x0, y0 = max(x - ox, 0), max(y - oy, 0)
            x1, y1 = min(x + bw - ox, CROP), min(y + bh - oy, CROP)
            if x1 - x0 < 2 or y1 - y0 < 2:
                continue
            if (x1 - x0) * (y1 - y0) < 0.4 * bw * bh:
                continue
            out.append((c, x0, y0, x1 - x0, y1 - y0))
        if rng.random() < 0.5:
            canvas = canvas[:, ::-1]
            out = [(c, CROP - x - bw, y, bw, bh) for c, x, y, bw, bh in out]
        if vflip and rng.random() < 0.5:
            canvas = canvas[::-1]
            out = [(c, x, CROP - y - bh, bw, bh) for c, x, y, bw, bh in out]
        return np.ascontiguousarray(canvas), out

    def _paste(self, img, boxes):
        """Pastes enlarged thermal people/vehicles: a stand-in for ground-level sightings."""
        rng = self.rng
        img = img.astype(np.float32)
        out = list(boxes)
        for _ in range(rng.randint(1, 3)):
            c, patch = rng.choice(self.cutouts)
            k = rng.uniform(1.5, 6.0)
            ph, pw = patch.shape[:2]
            nw, nh = int(pw * k), int(ph * k)
            if nw >= CROP - 4 or nh >= CROP - 4 or nw < 6 or nh < 6:
                continue
            p = np.asarray(Image.fromarray(patch).resize((nw, nh), Image.BILINEAR)).astype(np.float32)
            x0, y0 = rng.randint(0, CROP - nw), rng.randint(0, CROP - nh)
            region = img[y0:y0 + nh, x0:x0 + nw]
            # Match the patch's surroundings to the background, keep its contrast.
            p = p - p.mean() + region.mean() + rng.uniform(-20, 60)
            yy = np.linspace(-1, 1, nh)[:, None]
            xx = np.linspace(-1, 1, nw)[None, :]
            mask = np.clip((1 - np.maximum(np.abs(xx), np.abs(yy))) * 4, 0, 1)[..., None]
            img[y0:y0 + nh, x0:x0 + nw] = region * (1 - mask) + p * mask
            m = 0.15 / 1.3
            out.append((c, x0 + nw * m, y0 + nh * m, nw * (1 - 2 * m), nh * (1 - 2 * m)))
        return np.clip(img, 0, 255).astype(np.uint8), out

    def _photometric(self, img):
        rng = self.rng
        if rng.random() < 0.5:  # infrared look / no colour cues
            g = img.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
            img = np.repeat(g[..., None], 3, 2)
        x = img.astype(np.float32) / 255.0
        if rng.random() < 0.8:
            x = x * rng.uniform(0.6, 1.4) + rng.uniform(-0.2, 0.2)
            x = (x - x.mean()) * rng.uniform(0.6, 1.4) + x.mean()
            x = np.clip(x, 0, 1) ** rng.uniform(0.6, 1.6)
        if rng.random() < 0.3:
            x = x + np.random.default_rng(rng.getrandbits(32)).normal(
                0, rng.uniform(0.01, 0.06), x.shape).astype(np.float32)
        x = np.clip(x, 0, 1)
        if rng.random() < 0.35:
            pil = Image.fromarray((x * 255).astype(np.uint8))
            if rng.random() < 0.5:
                pil = pil.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.5)))
            else:
                buf = io.BytesIO()
                pil.save(buf, "JPEG", quality=rng.randint(25, 85))
                pil = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
            x = np.asarray(pil, np.float32) / 255.0
        return x


def make_batch(aug, size):
    """One training batch: uint8 images [B,3,H,W] (what a decoder hands the network), heat maps,
    regression targets and their mask."""
    xs, hs, rs, ms = [], [], [], []
    for _ in range(size):
        img, boxes = aug.sample()
        h, r, m = make_targets(boxes)
        x8 = np.ascontiguousarray(np.round(img * 255.0).astype(np.uint8))
        xs.append(torch.from_numpy(x8).permute(2, 0, 1))
        hs.append(torch.from_numpy(h)); rs.append(torch.from_numpy(r)); ms.append(torch.from_numpy(m))
    return torch.stack(xs), torch.stack(hs), torch.stack(rs), torch.stack(ms)


class BatchStream(torch.utils.data.IterableDataset):
    """Endless batches built by DataLoader worker processes (`--workers`), each with its own
    seeded generator: seed, round (one per hard-negative mining) and worker index. Workers are
    forked, so they share the decoded images and see the hard negatives mined before the round."""

    def __init__(self, aug, size, seed):
        self.aug, self.size, self.seed, self.round = aug, size, seed, 0

    def __iter__(self):
        wid = torch.utils.data.get_worker_info().id
        self.aug.rng = random.Random(self.seed * 1000003 + self.round * 1009 + wid)
        while True:
            yield make_batch(self.aug, self.size)


def mine_hard_negatives(model, aug, floor=0.1):
    """Scores every camera-trap frame without people or vehicles and keeps those where the model
    fires person/vehicle above `floor`, weighted by the score of their strongest false peak."""
    model.eval()
    hard = []
    device = next(model.parameters()).device
    with torch.no_grad():
        for it in aug.backgrounds:
            x, nw, nh = letterbox(it["image"])
            out = model(torch.from_numpy(x).permute(2, 0, 1)[None].to(device))[0].cpu()
            dets = [d for d in decode(out, nw, nh, min_conf=floor) if d[0] in (1, 2)]
            if dets:
                c, score, bx, by, bw, bh = max(dets, key=lambda d: d[1])
                h, w = it["image"].shape[:2]
                hard.append((it, score, ((bx + bw / 2) * w, (by + bh / 2) * h)))
    model.train()
    return hard


def make_targets(boxes, size=CROP):
    g = size // STRIDE
    heat = np.zeros((3, g, g), np.float32)
    reg = np.zeros((4, g, g), np.float32)
    mask = np.zeros((1, g, g), np.float32)
    ys, xs = np.mgrid[0:g, 0:g].astype(np.float32)
    for c, x, y, bw, bh in boxes:
        cx, cy = (x + bw / 2) / STRIDE, (y + bh / 2) / STRIDE
        ix, iy = min(int(cx), g - 1), min(int(cy), g - 1)
        sx, sy = max(0.5, bw / STRIDE / 5), max(0.5, bh / STRIDE / 5)
        gauss = np.exp(-((xs - ix) ** 2 / (2 * sx * sx) + (ys - iy) ** 2 / (2 * sy * sy)))
        heat[c] = np.maximum(heat[c], gauss)
        heat[c, iy, ix] = 1.0
        reg[:, iy, ix] = (cx - ix, cy - iy, math.log(max(bw, 1) / STRIDE), math.log(max(bh, 1) / STRIDE))
        mask[0, iy, ix] = 1.0
    return heat, reg, mask


# ---------------------------------------------------------------------------------------------
# Evaluation (mirrors the Swift decoder: 3x3 peaks, per-class NMS)


def letterbox(arr, long_side=640, multiple=32):
    h, w = arr.shape[:2]
    s = long_side / max(h, w)
    nw, nh = round(w * s), round(h * s)
    img = arr if (nw, nh) == (w, h) else np.asarray(Image.fromarray(arr).resize((nw, nh), Image.BILINEAR))
    ph, pw = -(-nh // multiple) * multiple, -(-nw // multiple) * multiple
    x = np.zeros((ph, pw, 3), np.float32)
    x[:nh, :nw] = img.astype(np.float32) / 255.0
    return x, nw, nh


def decode(out, nw, nh, min_conf=0.05, iou=0.5, max_det=100):
    heat = torch.sigmoid(out[:3])
    peaks = (heat == F.max_pool2d(heat[None], 3, 1, 1)[0]) & (heat >= min_conf)
    dets = []
    for c, y, x in peaks.nonzero().tolist():
        ox, oy = torch.sigmoid(out[3:5, y, x]).tolist()
        bw, bh = (torch.exp(out[5:7, y, x]) * STRIDE).tolist()
        cx, cy = (x + ox) * STRIDE, (y + oy) * STRIDE
        x0, y0 = max(0.0, cx - bw / 2), max(0.0, cy - bh / 2)
        x1, y1 = min(float(nw), cx + bw / 2), min(float(nh), cy + bh / 2)
        if x1 <= x0 or y1 <= y0:
            continue
        dets.append((c, float(heat[c, y, x]), x0 / nw, y0 / nh, (x1 - x0) / nw, (y1 - y0) / nh))
    dets.sort(key=lambda d: -d[1])
    keep = []
    for d in dets:
        if all(k[0] != d[0] or box_iou(k[2:], d[2:]) <= iou for k in keep):
            keep.append(d)
        if len(keep) >= max_det:
            break
    return keep


def box_iou(a, b):
    ax1, ay1, bx1, by1 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw = max(0.0, min(ax1, bx1) - max(a[0], b[0]))
    ih = max(0.0, min(ay1, by1) - max(a[1], b[1]))
    inter = iw * ih
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def average_precision(scored, n_truth):
    """VOC-style all-point AP from [(score, is_tp)]."""
    if n_truth == 0:
        return None
    scored.sort(key=lambda s: -s[0])
    tp = fp = 0
    precisions, recalls = [], []
    for _, hit in scored:
        tp += hit
        fp += 1 - hit
        precisions.append(tp / (tp + fp))
        recalls.append(tp / n_truth)
    ap, prev_r = 0.0, 0.0
    for i in range(len(precisions)):
        p = max(precisions[i:])
        ap += p * (recalls[i] - prev_r)
        prev_r = recalls[i]
    return ap


def evaluate(model, items):
    model.eval()
    per_image = []
    box_scores = {c: [] for c in range(3)}
    n_truth = {c: 0 for c in range(3)}
    with torch.no_grad():
        for it in items:
            x, nw, nh = letterbox(it["image"])
            out = model(torch.from_numpy(x).permute(2, 0, 1)[None])[0]
            dets = decode(out, nw, nh)
            per_image.append((it, dets))
            truth = it["boxes"]
            for c in range(3):
                gts = [b[1:] for b in truth if b[0] == c]
                n_truth[c] += len(gts)
                used = set()
                for d in (d for d in dets if d[0] == c):
                    best, bi = 0.0, -1
                    for i, g in enumerate(gts):
                        if i not in used:
                            v = box_iou(d[2:], g)
                            if v > best:
                                best, bi = v, i
                    hit = best >= 0.5
                    if hit:
                        used.add(bi)
                    box_scores[c].append((d[1], int(hit)))
    ap = {CLASSES[c]: average_precision(box_scores[c], n_truth[c]) for c in range(3)}
    return per_image, ap


def image_level(per_image, cls, thr, kinds=None):
    tp = fp = fn = 0
    for it, dets in per_image:
        if kinds and it["kind"] not in kinds:
            continue
        truth = cls in it["label"].split("+")
        pred = any(d[0] == CLS_INDEX[cls] and d[1] >= thr for d in dets)
        tp += truth and pred
        fp += (not truth) and pred
        fn += truth and not pred
    rec = tp / (tp + fn) if tp + fn else None
    prec = tp / (tp + fp) if tp + fp else None
    return {"recall": rec, "precision": prec, "tp": tp, "fp": fp, "fn": fn}


def false_alert_rate(per_image, thresholds, kinds=None):
    n = bad = 0
    for it, dets in per_image:
        if kinds and it["kind"] not in kinds:
            continue
        if it["label"] not in ("empty", "animal"):
            continue
        n += 1
        bad += any(d[1] >= thresholds[CLASSES[d[0]]] for d in dets if d[0] in (1, 2))
    return {"images": n, "false_alerts": bad, "rate": bad / n if n else None}


def choose_thresholds(per_image):
    """Per class: the highest threshold that keeps image-level recall >= 0.95 (rangers' costly
    error is a miss), but no lower than the best-F1 threshold's precision allows."""
    out = {}
    grid = [round(t, 3) for t in np.arange(0.05, 0.951, 0.01)]
    for cls in CLASSES:
        best_f1, best_t = -1, 0.3
        chosen = None
        for t in grid:
            m = image_level(per_image, cls, t)
            if m["recall"] is None:
                continue
            p = m["precision"] or 0.0
            f1 = 2 * p * m["recall"] / (p + m["recall"]) if p + m["recall"] else 0
            if f1 > best_f1:
                best_f1, best_t = f1, t
            if m["recall"] >= 0.95:
                chosen = t
        out[cls] = chosen if chosen is not None else best_t
        if cls == "animal" and chosen is None:
            out[cls] = best_t
    return out


def metrics_report(per_image, ap, thresholds):
    kinds = sorted({it["kind"] for it, _ in per_image})
    rep = {"thresholds": thresholds, "box_ap50": ap, "images": len(per_image), "by_source": {}}
    for k in [None] + kinds:
        sel = [k] if k else None
        entry = {"images": sum(1 for it, _ in per_image if not k or it["kind"] == k)}
        for cls in CLASSES:
            entry[cls] = image_level(per_image, cls, thresholds[cls], sel)
        entry["false_alerts_on_empty_or_animal"] = false_alert_rate(per_image, thresholds, sel)
        rep["by_source"][k or "all"] = entry
    return rep


# ---------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--out", default=os.path.join(ROOT, "runs", "lookout-det.pt"))
    ap.add_argument("--minutes", type=float, default=75.0, help="training time budget (wall clock)")
    ap.add_argument("--steps", type=int, default=0, help="fixed step count (overrides --minutes)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--version", default="0.3.0")
    ap.add_argument("--init", help="start from this checkpoint's weights (fine-tuning)")
    ap.add_argument("--hard-share", type=float, default=0.0,
                    help="share of each batch drawn from mined hard negatives (0 = no mining)")
    ap.add_argument("--mine-every", type=int, default=1000, help="steps between hard-negative mining")
    ap.add_argument("--device", default="cpu", help="cpu, or cuda on a GPU machine")
    ap.add_argument("--workers", type=int, default=0,
                    help="processes building batches (0: built in this process, between steps)")
    ap.add_argument("--eval-only", action="store_true",
                    help="no training: evaluate --init on the validation split, choose thresholds, "
                         "write Models/metrics.json and --out")
    args = ap.parse_args()
    if args.eval_only and not args.init:
        ap.error("--eval-only needs --init")

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)

    t0 = time.time()
    items = load_dataset(args.data)
    train = [i for i in items if not i["val"]]
    val = [i for i in items if i["val"]]
    print(f"loaded {len(items)} images ({len(train)} train, {len(val)} val) in {time.time()-t0:.0f}s",
          file=sys.stderr, flush=True)
    os.makedirs(os.path.join(ROOT, "Models"), exist_ok=True)
    with open(os.path.join(ROOT, "Models", "split.csv") if val else os.devnull, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "split", "group"])
        for i in sorted(items, key=lambda i: i["file"]):
            w.writerow([i["file"], "val" if i["val"] else "train",
                        group_of({"file": i["file"], "source": i["source"]})])

    aug = Augmenter(train, random.Random(args.seed))
    model = LookoutNet()
    init_training = None
    if args.init:
        init = torch.load(args.init, map_location="cpu", weights_only=False)
        model.load_state_dict(init["model"])
        init_training = init["meta"].get("trained")
    device = torch.device(args.device)
    model.to(device)
    aug.hard_share = args.hard_share
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    stream = None
    if args.workers > 0:
        torch.backends.cudnn.benchmark = True
        stream = BatchStream(aug, args.batch, args.seed)

    def batches():
        if stream is None:
            while True:
                yield make_batch(aug, args.batch)
        loader = torch.utils.data.DataLoader(stream, batch_size=None, num_workers=args.workers,
                                             prefetch_factor=4, multiprocessing_context="fork")
        yield from loader

    def save(path, meta):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
        torch.save({"model": state, "meta": meta}, path + ".tmp")
        os.replace(path + ".tmp", path)

    # The schedule follows elapsed time (or steps with --steps), so a busy machine shortens
    # training instead of overrunning the budget; the cosine decay always completes.
    model.train()
    step, warm = 0, 100
    budget = args.minutes * 60
    start = time.time()
    source = None
    while not args.eval_only:
        progress = step / args.steps if args.steps else (time.time() - start) / budget
        if progress >= 1.0:
            break
        if args.hard_share > 0 and step % args.mine_every == 0 and (step > 0 or args.init):
            t = time.time()
            aug.hard = mine_hard_negatives(model, aug)
            print(f"step {step}: {len(aug.hard)} hard negatives (max score "
                  f"{max((h[1] for h in aug.hard), default=0):.2f}) in {time.time()-t:.0f}s",
                  file=sys.stderr, flush=True)
            if stream is not None:  # new workers, so that they see the new hard negatives
                stream.round += 1
                source = None
            if step > 0:
                save(args.out, {"model_version": args.version, "partial": True, "steps": step})
        if source is None:
            source = batches()
        lr = args.lr * min(1.0, (step + 1) / warm) * 0.5 * (1 + math.cos(math.pi * progress))
        for g in opt.param_groups:
            g["lr"] = lr
        x, h, r, m = (t.to(device, non_blocking=True) for t in next(source))
        x = x.float() / 255.0
        out = model(x)
        loss, hl = detection_loss(out, h, r, m)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
        step += 1
        if step % 100 == 0:
            print(f"step {step} ({progress:.0%}) loss {loss.item():.3f} heat {hl.item():.3f} "
                  f"lr {lr:.5f} {time.time()-start:.0f}s", file=sys.stderr, flush=True)
    train_seconds = time.time() - start
    source = None
    trained = {"script": "scripts/train.py", "seed": args.seed, "steps": step,
               "init": os.path.basename(args.init) if args.init else None,
               "hard_share": args.hard_share, "batch": args.batch, "lr": args.lr,
               "device": args.device, "workers": args.workers, "seconds": round(train_seconds),
               "data": "shared/data (HIT-UAV, Missouri Camera Traps)"}
    if args.eval_only:
        trained = init_training or trained
    if not val:  # a training-only copy (scripts/pack_data.py): validate later with --eval-only
        save(args.out, {"model_version": args.version, "thresholds": None, "trained": trained})
        print(f"trained {step} steps in {train_seconds:.0f}s; no validation images here, run "
              f"--eval-only --init {args.out} on the full data", file=sys.stderr)
        return

    model.cpu()
    per_image, box_ap = evaluate(model, val)
    thresholds = choose_thresholds(per_image)
    report = metrics_report(per_image, box_ap, thresholds)
    report["training"] = trained if args.eval_only else {
        **trained, "crop": CROP, "threads": args.threads, "train_images": len(train),
        "val_images": len(val)}
    misses = []
    for it, dets in per_image:
        for cls in ("person", "vehicle"):
            truth = cls in it["label"].split("+")
            pred = any(d[0] == CLS_INDEX[cls] and d[1] >= thresholds[cls] for d in dets)
            if truth != pred:
                misses.append({"file": it["file"], "class": cls, "kind": "miss" if truth else "false_alert"})
    report["errors"] = misses
    with open(os.path.join(ROOT, "Models", "metrics.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    thresholds = {k: float(v) for k, v in thresholds.items()}
    save(args.out, {"model_version": args.version, "thresholds": thresholds, "trained": trained})
    print(json.dumps({k: report[k] for k in ("thresholds", "box_ap50")}, indent=1), file=sys.stderr)
    for k, v in report["by_source"].items():
        print(k, json.dumps(v), file=sys.stderr)


if __name__ == "__main__":
    main()
