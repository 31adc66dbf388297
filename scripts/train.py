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
near-duplicate neighbouring frames never straddle the split. The held-out groups are halved into
validation and calibration (thresholds are chosen on calibration, figures reported on validation);
the ground-level sources (coco, thermal-dogs-people, vehicles-openimages) keep the data's own val
split (see split_of). Ground-level composites come from scripts/synthesize.py.
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
import synthesize  # noqa: E402
from lookout_model import (  # noqa: E402
    ARCHS, CLASSES, HEAD_CHANNELS, STRIDE, LookoutNet, detection_loss, giou_loss, grow_box_branch)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLS_INDEX = {c: i for i, c in enumerate(CLASSES)}
CROP = 320


# ---------------------------------------------------------------------------------------------
# Data


GROUND_SOURCES = ("coco", "thermal-dogs-people", "vehicles-openimages")


def group_of(row):
    """Frames that must stay on one side of any split: a HIT-UAV flight setting, a camera-trap
    trigger sequence, a thermal-dogs-people clip (IMG_nnnn and its _2, _3... frames), else the
    file itself."""
    name = os.path.basename(row["file"])
    if row["source"] == "hit-uav":
        return "hit-uav:" + "_".join(name.split("_")[:3])
    if row["source"] == "thermal-dogs-people":
        return "thermal-dogs-people:" + "_".join(name.split(".")[0].split("_")[:2])
    if row["source"] in GROUND_SOURCES:
        return row["file"]
    return "missouri:" + name.split("_")[0]


def split_of(row):
    """'train', 'calib' (thresholds are chosen here), 'val' (metrics are reported here) or 'held'
    (a coco training photo whose cut-outs build the composite validation set; used nowhere else).

    HIT-UAV and Missouri keep 0.3.0's rule, a group is held out when crc32(group) % 5 == 0; the
    held-out groups are halved: crc32 % 10 == 0 validation, == 5 calibration (0.3.0 saw neither).
    The ground-level sources keep the data's own val split; of their train split, groups with
    crc32 % 5 == 0 go to calibration, and coco photos follow their cut-outs' side
    (synthesize.cutout_split), so that no held-out cut-out's photo is trained on."""
    k = zlib.crc32(group_of(row).encode())
    if row["source"] in ("hit-uav", "missouri-camera-traps"):
        return "train" if k % 5 else ("val" if k % 10 == 0 else "calib")
    if row.get("split") == "val":
        return "val"
    if row["source"] == "coco":
        side = synthesize.cutout_split(row["file"])
        return {"val": "held", "calib": "calib"}.get(side, "train")
    return "calib" if k % 5 == 0 else "train"


def is_val(row):
    return split_of(row) == "val"


def kind_of(source, arr):
    if source == "hit-uav":
        return "thermal-drone"
    if source == "thermal-dogs-people":
        return "thermal-ground"
    if source in ("coco", "vehicles-openimages"):
        return source
    gray = float(np.abs(arr[..., 0].astype(int) - arr[..., 2].astype(int)).mean()) < 3.0
    return "camera-trap-night" if gray else "camera-trap-day"


def load_dataset(data_dir, sources=None, splits=None):
    """Every image of `sources` and `splits` (default all) decoded to RGB, with its boxes,
    ignore regions (`ignore.csv`), split and kind. thermal-dogs-people frames are
    palette-inverted to gray."""
    rows = list(csv.DictReader(open(os.path.join(data_dir, "images.csv"))))
    boxes, ignore = {}, {}
    for name, table in (("boxes.csv", boxes), ("ignore.csv", ignore)):
        path = os.path.join(data_dir, name)
        if not os.path.exists(path):
            continue
        for b in csv.DictReader(open(path)):
            table.setdefault(b["file"], []).append(
                (CLS_INDEX[b["class"]], float(b["x"]), float(b["y"]), float(b["w"]), float(b["h"])))
    items = []
    for r in rows:
        if sources and r["source"] not in sources:
            continue
        split = split_of(r)
        if splits and split not in splits:
            continue
        img = Image.open(os.path.join(data_dir, "images", r["file"])).convert("RGB")
        arr = np.asarray(img, dtype=np.uint8)
        if r["source"] == "thermal-dogs-people":
            arr = synthesize.palette_to_gray(arr)
        items.append({"file": r["file"], "source": r["source"], "kind": kind_of(r["source"], arr),
                      "label": r["label"], "split": split, "val": split == "val", "image": arr,
                      "boxes": boxes.get(r["file"], []), "ignore": ignore.get(r["file"], [])})
    return items


def composite_sets(items, data_dir, n=200):
    """The fixed-seed synthetic slices: 'val' from validation camera-trap backgrounds and
    validation cut-outs, 'calib' from calibration ones. Items shaped like load_dataset's."""
    out = {}
    for split, seed in (("val", 7001), ("calib", 7002)):
        backgrounds = [i for i in items if i["split"] == split and i["source"] == "missouri-camera-traps"
                       and i["label"] in ("empty", "animal")]
        cutouts = synthesize.load_mask_cutouts(data_dir, CLS_INDEX, split)
        out[split] = []
        if not backgrounds or not cutouts:
            continue
        for name, img, boxes, kind in synthesize.composite_set(backgrounds, cutouts, seed, n):
            h, w = img.shape[:2]
            classes = {CLASSES[b[0]] for b in boxes if b[0] in (1, 2)}
            label = "+".join(c for c in ("person", "vehicle") if c in classes) or "animal"
            out[split].append({
                "file": f"composite-{split}/{name}.jpg", "source": "composite",
                "kind": "composite-" + ("night" if kind == "camera-trap-night" else "day"),
                "label": label, "split": split, "val": split == "val", "image": img,
                "boxes": [(c, x / w, y / h, bw / w, bh / h) for c, x, y, bw, bh in boxes],
                "ignore": []})
    return out


def to_pixel_boxes(item, w, h):
    """Boxes in pixels; ignore regions (ignore.csv) ride along as class 3 + their class."""
    return [(c, x * w, y * h, bw * w, bh * h) for c, x, y, bw, bh in item["boxes"]] + [
        (3 + c, x * w, y * h, bw * w, bh * h) for c, x, y, bw, bh in item.get("ignore", [])]


class Augmenter:
    """Builds CROP x CROP training samples with field-like augmentation.

    The mix per sample (`MIX`): thermal drone crops (some as small thermal frames), camera-trap
    crops, ground-level composites (synthesize.py: coco cut-outs on camera-trap frames), thermal
    pastes (HIT-UAV crops, and camera-trap animals as warm person negatives), whole coco photos,
    Open Images vehicle photos (people there are ignored, never negatives) and palette-inverted
    thermal-dogs-people frames (dogs are animals: negatives for person), half of those as
    80x60/160x120 frames."""

    MIX = (("drone", 0.25), ("trap", 0.12), ("composite", 0.25), ("thermal-paste", 0.05),
           ("coco", 0.08), ("vehicles", 0.10), ("thermal-ground", 0.15))

    def __init__(self, train, rng: random.Random, data_dir=None):
        self.rng = rng
        self.drone = [t for t in train if t["source"] == "hit-uav"]
        self.trap = [t for t in train if t["source"] == "missouri-camera-traps"]
        self.backgrounds = [t for t in self.trap if t["label"] in ("empty", "animal")]
        self.coco = [t for t in train if t["source"] == "coco"]
        self.vehicles = [t for t in train if t["source"] == "vehicles-openimages"]
        self.thermal_ground = [t for t in train if t["source"] == "thermal-dogs-people"]
        # Hard negatives: camera-trap frames where the current model fires person/vehicle, with the
        # strongest false peak (image pixels) and its score; refreshed by mine_hard_negatives().
        self.hard = []
        self.hard_share = 0.0
        # Loss weight per kind of sample (`--kind-weight drone=2`), and the kind sample() drew last.
        self.kind_weight = {}
        # Loss weight of one class within one kind (`--class-weight drone:vehicle=2`):
        # {(kind, class index): weight}.
        self.class_weight = {}
        self.last_kind = None
        # Cut-outs of people and vehicles (with a little context) for copy-paste.
        self.cutouts = []
        for t in self.drone:
            h, w = t["image"].shape[:2]
            for c, x, y, bw, bh in to_pixel_boxes(t, w, h):
                if c == 0 or c >= 3 or bw < 6 or bh < 6:
                    continue
                m = 0.15
                x0, y0 = int(max(0, x - m * bw)), int(max(0, y - m * bh))
                x1, y1 = int(min(w, x + bw * (1 + m))), int(min(h, y + bh * (1 + m)))
                if x1 - x0 > 4 and y1 - y0 > 4:
                    self.cutouts.append((c, t["image"][y0:y1, x0:x1]))
        self.masks = synthesize.load_mask_cutouts(data_dir, CLS_INDEX, "train") if data_dir else []
        # Warm animal blobs (camera-trap animals drawn as thermal targets): person negatives.
        self.warm_animals = synthesize.box_cutouts(self.backgrounds, to_pixel_boxes, classes=(0,),
                                                   min_side=12)
        self.thermal_cuts = synthesize.box_cutouts(self.drone, to_pixel_boxes, classes=(1, 2))

    def sample(self):
        if self.hard and self.rng.random() < self.hard_share:
            scores = [h[1] for h in self.hard]
            item, _, focus = self.rng.choices(self.hard, weights=scores)[0]
            self.last_kind = "hard"
            img, boxes = self._crop(item, 0.45, 1.15, vflip=False, focus=focus)
            return self._photometric(img), boxes
        rng = self.rng
        kinds = [k for k, _ in self.MIX if self._available(k)]
        kind = rng.choices(kinds, weights=[w for k, w in self.MIX if k in kinds])[0]
        self.last_kind = kind
        small = rng.choice(synthesize.SMALL_FRAMES)
        if kind == "drone":
            img, boxes = self._crop(rng.choice(self.drone), 0.6, 1.7, vflip=True,
                                    small=small if rng.random() < 0.15 else None)
        elif kind == "trap":
            img, boxes = self._crop(rng.choice(self.trap), 0.45, 1.15, vflip=False)
        elif kind == "composite":
            img, boxes = self._crop(rng.choice(self.backgrounds), 0.45, 1.15, vflip=False)
            img, boxes = synthesize.paste_objects(img, self.masks, rng, rng.choice([1, 1, 2, 3]),
                                                  15, 0.95 * CROP, boxes)
            if synthesize.is_gray(img):
                img = synthesize.infrared_night(img, rng)
        elif kind == "thermal-paste":
            img, boxes = self._crop(rng.choice(self.backgrounds), 0.45, 1.15, vflip=False)
            if rng.random() < 0.5:
                img, boxes = self._paste(img, boxes)
            else:
                cuts = self.warm_animals if rng.random() < 0.5 else self.thermal_cuts
                img, boxes = synthesize.paste_objects(img, cuts, rng, rng.randint(1, 3), 10, 120, boxes)
            g = img.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
            img = np.repeat(np.clip(g, 0, 255).astype(np.uint8)[..., None], 3, 2)
        elif kind == "coco":
            img, boxes = self._crop(rng.choice(self.coco), 0.5, 1.3, vflip=False)
        elif kind == "vehicles":
            img, boxes = self._crop(rng.choice(self.vehicles), 0.5, 1.3, vflip=False)
        else:
            img, boxes = self._crop(rng.choice(self.thermal_ground), 0.5, 1.3, vflip=False,
                                    small=small if rng.random() < 0.5 else None)
        return self._photometric(img), boxes

    def _available(self, kind):
        need = {"drone": self.drone, "trap": self.trap, "composite": self.masks and self.backgrounds,
                "thermal-paste": self.backgrounds, "coco": self.coco, "vehicles": self.vehicles,
                "thermal-ground": self.thermal_ground}
        return bool(need[kind])

    def _crop(self, item, smin, smax, vflip, focus=None, small=None):
        """A CROP x CROP crop at `smin..smax` times the scale the engine would feed the image
        at (long side 640). With `small` (w, h) the frame is first reduced to that size and
        enlarged back, as a small thermal frame reaches the network."""
        rng = self.rng
        src = item["image"]
        if small is not None:
            src, _ = synthesize.small_frame(src, small)
            smin, smax = 0.85, 1.15
        h, w = src.shape[:2]
        s = math.exp(rng.uniform(math.log(smin), math.log(smax))) * 640 / max(h, w)
        nw, nh = max(8, int(w * s)), max(8, int(h * s))
        sx_, sy_ = w / nw, h / nh  # resized -> source pixels
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
        if sx1 > sx0 and sy1 > sy0:  # resize only the window the crop shows
            window = Image.fromarray(src).resize(
                (sx1 - sx0, sy1 - sy0), Image.BILINEAR,
                box=(sx0 * sx_, sy0 * sy_, sx1 * sx_, sy1 * sy_))
            canvas[sy0 - oy:sy1 - oy, sx0 - ox:sx1 - ox] = np.asarray(window)
        out = []
        for c, x, y, bw, bh in boxes:
            x0, y0 = max(x - ox, 0), max(y - oy, 0)
            x1, y1 = min(x + bw - ox, CROP), min(y + bh - oy, CROP)
            if x1 - x0 < 2 or y1 - y0 < 2:
                continue
            if c < 3 and (x1 - x0) * (y1 - y0) < 0.4 * bw * bh:
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
    regression targets, their mask and the heat-map loss weights (ignore regions)."""
    xs, hs, rs, ms, ws = [], [], [], [], []
    for _ in range(size):
        img, boxes = aug.sample()
        h, r, m, wt = make_targets(boxes)
        k = aug.kind_weight.get(aug.last_kind, 1.0)
        if k != 1.0:  # this kind's heat-map and box losses count k times
            wt, m = wt * k, m * k
        for (kind, c), cw in aug.class_weight.items():
            if kind == aug.last_kind:  # this class's heat map, and the boxes centred on its peaks
                wt[c] *= cw
                m = np.where(h[c:c + 1] == 1.0, m * cw, m)
        x8 = np.ascontiguousarray(np.round(img * 255.0).astype(np.uint8))
        xs.append(torch.from_numpy(x8).permute(2, 0, 1))
        hs.append(torch.from_numpy(h)); rs.append(torch.from_numpy(r)); ms.append(torch.from_numpy(m))
        ws.append(torch.from_numpy(wt))
    return torch.stack(xs), torch.stack(hs), torch.stack(rs), torch.stack(ms), torch.stack(ws)


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
            x, nw, nh = letterbox(it["image"], multiple=model.size_multiple)
            out = model(torch.from_numpy(x).permute(2, 0, 1)[None].to(device))[0].cpu()
            dets = [d for d in decode(out, nw, nh, min_conf=floor) if d[0] in (1, 2)]
            if dets:
                c, score, bx, by, bw, bh = max(dets, key=lambda d: d[1])
                h, w = it["image"].shape[:2]
                hard.append((it, score, ((bx + bw / 2) * w, (by + bh / 2) * h)))
    model.train()
    return hard


def make_targets(boxes, size=CROP):
    """Heat maps, regression targets, their mask, and per-class loss weights: 0 on cells inside
    an ignore region of that class (class 3 + c), except at the class's own box centres."""
    g = size // STRIDE
    heat = np.zeros((3, g, g), np.float32)
    reg = np.zeros((4, g, g), np.float32)
    mask = np.zeros((1, g, g), np.float32)
    weight = np.ones((3, g, g), np.float32)
    ys, xs = np.mgrid[0:g, 0:g].astype(np.float32)
    for c, x, y, bw, bh in boxes:
        if c >= 3:
            inside = ((xs + 0.5) * STRIDE >= x) & ((xs + 0.5) * STRIDE <= x + bw) & \
                     ((ys + 0.5) * STRIDE >= y) & ((ys + 0.5) * STRIDE <= y + bh)
            weight[c - 3][inside] = 0.0
            continue
        cx, cy = (x + bw / 2) / STRIDE, (y + bh / 2) / STRIDE
        ix, iy = min(int(cx), g - 1), min(int(cy), g - 1)
        sx, sy = max(0.5, bw / STRIDE / 5), max(0.5, bh / STRIDE / 5)
        gauss = np.exp(-((xs - ix) ** 2 / (2 * sx * sx) + (ys - iy) ** 2 / (2 * sy * sy)))
        heat[c] = np.maximum(heat[c], gauss)
        heat[c, iy, ix] = 1.0
        reg[:, iy, ix] = (cx - ix, cy - iy, math.log(max(bw, 1) / STRIDE), math.log(max(bh, 1) / STRIDE))
        mask[0, iy, ix] = 1.0
    weight[heat == 1.0] = 1.0
    return heat, reg, mask, weight


# ---------------------------------------------------------------------------------------------
# Evaluation (mirrors the Swift decoder: 3x3 peaks, NMS per class and across classes)


def letterbox(arr, long_side=640, multiple=32):
    h, w = arr.shape[:2]
    s = long_side / max(h, w)
    nw, nh = round(w * s), round(h * s)
    img = arr if (nw, nh) == (w, h) else np.asarray(Image.fromarray(arr).resize((nw, nh), Image.BILINEAR))
    ph, pw = -(-nh // multiple) * multiple, -(-nw // multiple) * multiple
    x = np.zeros((ph, pw, 3), np.float32)
    x[:nh, :nw] = img.astype(np.float32) / 255.0
    return x, nw, nh


# Boxes of different classes overlapping by more than this are one object: the stronger class
# stays (one class per box, as MegaDetector gives). The Swift engine uses the same value
# (DetectionOptions.defaultCrossClassIoUThreshold).
CROSS_CLASS_IOU = 0.6


def decode(out, nw, nh, min_conf=0.05, iou=0.5, max_det=100, cross_iou=CROSS_CLASS_IOU):
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
    return suppress(dets, iou, max_det, cross_iou)


def load_checkpoint(path):
    """A .pt checkpoint ({"model", "meta"}), or a resumable .state file (Models/checkpoints/) read
    as one: its weights, with its graph and coarse pass as the metadata."""
    ck = torch.load(path, map_location="cpu", weights_only=False)
    if "meta" not in ck:
        ck = {"model": ck["model"], "meta": {"arch": ck.get("arch"), "trained": None,
                                             "coarse_pass": ck.get("coarse_pass")}}
    return ck


def parse_coarse_pass(text):
    """'320:0.15' -> {"long_side": 320, "min_extent": 0.15}; 'off' -> None."""
    if text == "off":
        return None
    try:
        side, extent = text.split(":")
        spec = {"long_side": int(side), "min_extent": float(extent)}
    except ValueError:
        raise SystemExit(f"--coarse-pass {text!r}: expected SIDE:EXTENT, e.g. 320:0.15, or off")
    if not (32 <= spec["long_side"] < 640 and 0 <= spec["min_extent"] <= 1):
        raise SystemExit(f"--coarse-pass {text!r}: SIDE must be 32..639 and EXTENT 0..1")
    return spec


def suppress(dets, iou=0.5, max_det=100, cross_iou=CROSS_CLASS_IOU):
    """Greedy NMS, one class per box: strongest first, a box goes when a kept one of its class
    overlaps it by more than `iou`, or one of another class by more than `cross_iou`."""
    dets = sorted(dets, key=lambda d: -d[1])
    keep = []
    for d in dets:
        if all(box_iou(k[2:], d[2:]) <= (iou if k[0] == d[0] else cross_iou) for k in keep):
            keep.append(d)
        if len(keep) >= max_det:
            break
    return keep


def detect(model, image, cross_iou=CROSS_CLASS_IOU, long_side=640, min_conf=0.05):
    """Detections on one image (uint8 HWC) as the Swift engine gives them: the network at long
    side 640, decoded at the `min_conf` floor (the engine's default 0.05). With the model's
    `coarse_pass` ({"long_side": S, "min_extent": E}) the network also runs at long side S, for
    objects larger than anything the 320-pixel training crops hold; of that pass only boxes at
    least E of the image wide or high count, and both passes' boxes go through the same NMS
    again."""
    device = next(model.parameters()).device
    passes = [(long_side, 0.0)]
    coarse = getattr(model, "coarse_pass", None)
    if coarse:
        passes.append((int(coarse["long_side"]), float(coarse["min_extent"])))
    dets = []
    with torch.no_grad():
        for side, extent in passes:
            x, nw, nh = letterbox(image, long_side=side, multiple=model.size_multiple)
            out = model(torch.from_numpy(x).permute(2, 0, 1)[None].to(device))[0].cpu()
            dets += [d for d in decode(out, nw, nh, min_conf=min_conf, cross_iou=cross_iou)
                     if max(d[4], d[5]) >= extent]
    return suppress(dets, cross_iou=cross_iou) if coarse else dets


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
    for i in range(len(precisions) - 2, -1, -1):  # each point's precision: the best at or after it
        precisions[i] = max(precisions[i], precisions[i + 1])
    ap, prev_r = 0.0, 0.0
    for p, r in zip(precisions, recalls):
        ap += p * (r - prev_r)
        prev_r = r
    return ap


def match_boxes(dets, gts, c):
    """Matches the class-`c` detections, strongest first as `decode` lists them, to the truth boxes
    `gts` greedily at IoU >= 0.5, each truth box at most once; yields (detection, hit)."""
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
        yield d, hit


def evaluate(model, items):
    model.eval()
    per_image = []
    box_scores = {c: [] for c in range(3)}
    n_truth = {c: 0 for c in range(3)}
    with torch.no_grad():
        for it in items:
            dets = detect(model, it["image"])
            per_image.append((it, dets))
            truth = it["boxes"]
            for c in range(3):
                gts = [b[1:] for b in truth if b[0] == c]
                n_truth[c] += len(gts)
                for d, hit in match_boxes(dets, gts, c):
                    box_scores[c].append((d[1], int(hit)))
    ap = {CLASSES[c]: average_precision(box_scores[c], n_truth[c]) for c in range(3)}
    return per_image, ap


def unjudged(item, cls):
    """True where the source never boxes `cls` (a whole-frame ignore row): no verdict there."""
    return any(c == CLS_INDEX[cls] and w * h >= 0.99 for c, _, _, w, h in item.get("ignore", []))


def image_level(per_image, cls, thr, kinds=None):
    tp = fp = fn = 0
    for it, dets in per_image:
        if kinds and it["kind"] not in kinds:
            continue
        if unjudged(it, cls):
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


def class_false_alert_rate(per_image, cls, thr):
    """Share of frames without a person or vehicle (empty or animal-only) where `cls` fires at or
    above `thr`: the false alerts that one class's threshold is answerable for."""
    n = bad = 0
    for it, dets in per_image:
        if it["label"] not in ("empty", "animal"):
            continue
        n += 1
        bad += any(d[0] == CLS_INDEX[cls] and d[1] >= thr for d in dets)
    return bad / n if n else 0.0


def choose_thresholds(per_image, false_alert_budget=None):
    """Per class: the highest threshold that keeps image-level recall >= 0.95 (rangers' costly
    error is a miss), but no lower than the best-F1 threshold's precision allows.

    With `false_alert_budget` (a share of frames without people or vehicles, e.g. 0.02 for the
    issue's 2%), the alerting classes (person, vehicle) each get half of it (or, given a dict
    {class: share}, their own share): a threshold whose false alerts exceed that share is never
    chosen, even for recall. Within the budget the rule above applies; where recall 0.95 cannot
    be had within it, the lowest threshold inside the budget (the most recall the budget allows)
    is taken. The second costly error, a flood of false alerts, then bounds the first instead of
    being unbounded."""
    out = {}
    grid = [round(t, 3) for t in np.arange(0.05, 0.951, 0.01)]
    alerting = [c for c in CLASSES if c != "animal"]
    for cls in CLASSES:
        best_f1, best_t = -1, 0.3
        chosen = None
        allowed = grid
        if false_alert_budget is not None and cls in alerting:
            share = (false_alert_budget[cls] if isinstance(false_alert_budget, dict)
                     else false_alert_budget / len(alerting))
            allowed = [t for t in grid if class_false_alert_rate(per_image, cls, t) <= share] or grid[-1:]
        for t in allowed:
            m = image_level(per_image, cls, t)
            if m["recall"] is None:
                continue
            p = m["precision"] or 0.0
            f1 = 2 * p * m["recall"] / (p + m["recall"]) if p + m["recall"] else 0
            if f1 > best_f1:
                best_f1, best_t = f1, t
            if m["recall"] >= 0.95:
                chosen = t
        if chosen is None and false_alert_budget is not None and cls in alerting:
            chosen = allowed[0]
        out[cls] = chosen if chosen is not None else best_t
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
    ap.add_argument("--stop-at", help="UTC wall-clock time HH:MM by which training ends (the "
                                      "budget is cut to fit; evaluation follows)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--version", default="0.3.0")
    ap.add_argument("--init", help="start from this checkpoint's weights (fine-tuning)")
    ap.add_argument("--arch", choices=ARCHS, default=None,
                    help="the graph to train (default: --init's, else base); a ctx64 network "
                         "initialised from a base checkpoint starts with its context branch silent")
    ap.add_argument("--mix", default="",
                    help="training mix weights, e.g. drone=0.3,trap=0.2 (others keep Augmenter.MIX's)")
    ap.add_argument("--kind-weight", default="",
                    help="loss weight per kind of sample, e.g. drone=2 (others 1): keeps a kind's "
                         "skill while the mix teaches others")
    ap.add_argument("--class-weight", default="",
                    help="loss weight of one class within one kind, e.g. drone:vehicle=2 (its heat "
                         "map and its boxes; on top of --kind-weight)")
    ap.add_argument("--giou-weight", type=float, default=None,
                    help="add this weight times a GIoU box loss (lookout_model.giou_loss) to the L1 "
                         "box terms (default 0, or a resumed run's)")
    ap.add_argument("--train-only", choices=("all", "box-head"), default=None,
                    help="box-head: train only what places the boxes (a ctx64-box network's box "
                         "branch, else the head's four box outputs), every other weight fixed, so "
                         "that every class score stays as --init's and only where the boxes sit "
                         "changes (default all, or a resumed run's)")
    ap.add_argument("--hard-share", type=float, default=0.0,
                    help="share of each batch drawn from mined hard negatives (0 = no mining)")
    ap.add_argument("--mine-every", type=int, default=1000, help="steps between hard-negative mining")
    ap.add_argument("--device", default="cpu", help="cpu, or cuda on a GPU machine")
    ap.add_argument("--workers", type=int, default=0,
                    help="processes building batches (0: built in this process, between steps)")
    ap.add_argument("--eval-only", action="store_true",
                    help="no training: choose --init's thresholds on the calibration split, evaluate "
                         "it on the validation split, write --metrics and --out")
    ap.add_argument("--freeze-bn", action="store_true",
                    help="keep batch-norm statistics fixed (always on when --init is a .safetensors)")
    ap.add_argument("--save-every", type=int, default=200,
                    help="steps between checkpoints (--out and its resumable --out.state)")
    ap.add_argument("--eval-every", type=int, default=0,
                    help="steps between checkpoints that are kept and evaluated on the validation "
                         "slices (--out.stepN.pt, --metrics.stepN.json); scripts/ship_rule.py "
                         "ranks them, so the best point of the schedule can ship, not just the last; "
                         "the evaluations' time is not training time, so a run ends that much after "
                         "--minutes or --stop-at")
    ap.add_argument("--coarse-pass", metavar="SIDE:EXTENT",
                    help="the model also runs at long side SIDE, keeping that pass's boxes at least "
                         "EXTENT of the image wide or high (320:0.15; 'off' for none): stored in the "
                         "checkpoint and the exported graph, used by every evaluation (train.detect); "
                         "default: --init's")
    ap.add_argument("--resume", action="store_true",
                    help="continue from --out.state (weights, optimizer, step, time trained)")
    ap.add_argument("--metrics", default=os.path.join(ROOT, "Models", "metrics.json"),
                    help="where the validation report goes")
    ap.add_argument("--thresholds", metavar="CLASS=T,...",
                    help="with --eval-only: ship these thresholds (all three classes, e.g. the "
                         "ones evaluate_slices.py --match-shipped chose) instead of choosing them "
                         "by the recall rule; the report and the checkpoint carry them")
    args = ap.parse_args()
    if args.eval_only and not args.init:
        ap.error("--eval-only needs --init")
    fixed_thresholds = None
    if args.thresholds:
        if not args.eval_only:
            ap.error("--thresholds needs --eval-only")
        try:
            fixed_thresholds = {k.strip(): float(v) for k, v in
                                (part.split("=", 1) for part in args.thresholds.split(","))}
        except ValueError:
            ap.error(f"--thresholds {args.thresholds!r}: expected CLASS=T,... e.g. person=0.4,vehicle=0.4,animal=0.1")
        if sorted(fixed_thresholds) != sorted(CLASSES):
            ap.error(f"--thresholds needs exactly {', '.join(CLASSES)}")

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)

    t0 = time.time()
    items = load_dataset(args.data)
    train = [i for i in items if i["split"] == "train"]
    calib = [i for i in items if i["split"] == "calib"]
    val = [i for i in items if i["split"] == "val"]
    print(f"loaded {len(items)} images ({len(train)} train, {len(calib)} calibration, {len(val)} val)"
          f" in {time.time()-t0:.0f}s", file=sys.stderr, flush=True)
    os.makedirs(os.path.join(ROOT, "Models"), exist_ok=True)
    with open(os.path.join(ROOT, "Models", "split.csv") if val else os.devnull, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "split", "group"])
        for i in sorted(items, key=lambda i: i["file"]):
            w.writerow([i["file"], i["split"], group_of({"file": i["file"], "source": i["source"]})])

    aug = Augmenter(train, random.Random(args.seed), args.data)
    init = None
    if args.init and not args.init.endswith(".safetensors"):
        init = load_checkpoint(args.init)
    state_path = args.out + ".state"
    resumed_arch = None
    resumed_mix = None
    resumed_kind_weight = None
    resumed_class_weight = None
    resumed_giou_weight = None
    resumed_coarse_pass = None
    resumed_train_only = None
    if args.resume and os.path.exists(state_path):  # a resumed run keeps its graph and BN mode
        saved = torch.load(state_path, map_location="cpu", weights_only=False)
        resumed_arch = saved.get("arch")
        resumed_mix = saved.get("mix")
        resumed_kind_weight = saved.get("kind_weight")
        resumed_class_weight = saved.get("class_weight")
        resumed_giou_weight = saved.get("giou_weight")
        resumed_coarse_pass = saved.get("coarse_pass")
        resumed_train_only = saved.get("train_only")
        args.freeze_bn = args.freeze_bn or saved.get("freeze_bn", False)
        del saved
    arch = args.arch or resumed_arch or (init["meta"].get("arch") if init else None) or "base"
    model = LookoutNet(arch=arch)
    init_training = None
    if args.init and args.init.endswith(".safetensors"):
        init_training = load_folded(model, args.init)
        args.freeze_bn = True
    elif init:
        state = init["model"]
        if model.box_branch and "box_out.weight" not in state and "head.weight" in state:
            state = grow_box_branch(state)  # its boxes start where --init's head put them
        missing, unexpected = model.load_state_dict(state, strict=False)
        new = {k.split(".")[0] for k in missing}
        if unexpected or not new <= {"s5a", "s5b", "ctx", "box_fine", "box_mix"}:
            raise SystemExit(f"--init {args.init} does not fit arch {arch}: missing {sorted(missing)}, "
                             f"unexpected {sorted(unexpected)}")
        if missing:
            print(f"--init {args.init}: new layers {sorted(new)} start fresh", file=sys.stderr)
        init_training = init["meta"].get("trained")
    # The second pass: --coarse-pass, else a resumed run's, else --init's.
    model.coarse_pass = parse_coarse_pass(args.coarse_pass) if args.coarse_pass else (
        resumed_coarse_pass or (init["meta"].get("coarse_pass") if init else None))
    device = torch.device(args.device)
    model.to(device)
    aug.hard_share = args.hard_share
    # A resumed run keeps its kind weights too unless --kind-weight changes them.
    base_weights = tuple((k, (resumed_kind_weight or {}).get(k, 1.0)) for k, _ in Augmenter.MIX)
    aug.kind_weight = dict(parse_mix(args.kind_weight, base_weights, "--kind-weight"))
    aug.class_weight = parse_class_weight(args.class_weight) if args.class_weight else \
        {(k, CLASSES.index(c)): w for k, c, w in resumed_class_weight or []}
    if args.giou_weight is None:
        args.giou_weight = resumed_giou_weight or 0.0
    # A resumed run keeps its mix unless --mix changes it (states before --mix have none).
    aug.MIX = parse_mix(args.mix, tuple(resumed_mix.items()) if resumed_mix else Augmenter.MIX)
    args.train_only = args.train_only or resumed_train_only or "all"
    if args.train_only == "box-head":
        if not args.init and not args.resume:
            ap.error("--train-only box-head needs --init (or --resume)")
        args.freeze_bn = True
        opt = torch.optim.AdamW(box_head_only(model), lr=args.lr, weight_decay=0.0)
    else:
        opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    step, elapsed_before = 0, 0.0
    if args.resume and os.path.exists(state_path):
        st = torch.load(state_path, map_location="cpu", weights_only=False)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["optimizer"])
        step, elapsed_before = st["step"], st["elapsed"]
        aug.rng.setstate(st["rng"])
        aug.hard = []
        print(f"resumed from {state_path} at step {step} ({elapsed_before:.0f}s trained)",
              file=sys.stderr, flush=True)
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
        if model.coarse_pass:  # export.py copies it into the graph; the engine runs it
            meta = {**meta, "coarse_pass": model.coarse_pass}
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
        torch.save({"model": state, "meta": meta}, path + ".tmp")
        os.replace(path + ".tmp", path)

    def save_state(elapsed):
        """Everything --resume needs: weights, optimizer, step, time trained, sampler state."""
        os.makedirs(os.path.dirname(os.path.abspath(state_path)), exist_ok=True)
        state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
        torch.save({"model": state, "optimizer": opt.state_dict(), "step": step, "elapsed": elapsed,
                    "rng": aug.rng.getstate(), "arch": arch, "freeze_bn": args.freeze_bn,
                    "mix": dict(aug.MIX), "kind_weight": aug.kind_weight,
                    "class_weight": class_weight_record(aug.class_weight),
                    "giou_weight": args.giou_weight, "coarse_pass": model.coarse_pass,
                    "train_only": args.train_only},
                   state_path + ".tmp")
        os.replace(state_path + ".tmp", state_path)

    evaluation_sets = {}

    def calibration_and_validation():
        """The calibration and validation images with their composite slices, made once for
        the kept points along the schedule and the final evaluation."""
        if not evaluation_sets:
            comps = composite_sets(items, args.data)
            evaluation_sets["calib"] = calib + comps["calib"]
            evaluation_sets["val"] = val + comps["val"]
        return evaluation_sets["calib"], evaluation_sets["val"]

    def snapshot_along_schedule(at_step):
        """Keeps this step's weights (--out.stepN.pt, thresholds chosen on calibration) and its
        per-slice validation figures (--metrics.stepN.json, evaluate_slices.py's format, with
        the false-alert budget 0.02 rule beside the recall rule)."""
        import evaluate_slices  # noqa: E402 (imports this module)
        name = f"{args.version}-step{at_step}"
        model.eval()
        results = evaluate_slices.evaluate_model(model, name, *calibration_and_validation(), budget=0.02)
        stem = os.path.splitext(args.metrics)[0]
        os.makedirs(os.path.dirname(os.path.abspath(args.metrics)), exist_ok=True)
        with open(f"{stem}.step{at_step}.json", "w") as f:
            json.dump(evaluate_slices.to_json(results), f, indent=1)
            f.write("\n")
        thr = {k: float(v) for k, v in results[name]["thresholds"].items()}
        root, ext = os.path.splitext(args.out)
        save(f"{root}.step{at_step}{ext}", {"model_version": args.version, "arch": arch, "thresholds": thr,
                                             "trained": {"steps": at_step, "partial": True}})
        ap50 = results[name]["val"]["all"]["box_ap50"]
        print(f"step {at_step}: kept and evaluated; box AP50 " +
              ", ".join(f"{c} {v:.3f}" for c, v in ap50.items() if v is not None), file=sys.stderr, flush=True)

    # The schedule follows elapsed time (or steps with --steps), so a busy machine shortens
    # training instead of overrunning the budget; the cosine decay always completes.
    set_train_mode(model, args.freeze_bn)
    warm = 100 if not args.init else 20
    budget = args.minutes * 60
    if args.stop_at:
        now = time.gmtime()
        hh, mm = (int(v) for v in args.stop_at.split(":"))
        left = (hh * 3600 + mm * 60) - (now.tm_hour * 3600 + now.tm_min * 60 + now.tm_sec)
        budget = min(budget, elapsed_before + max(60, left))
        print(f"training budget {budget/60:.1f} minutes (until {args.stop_at} UTC)", file=sys.stderr, flush=True)
    start = time.time() - elapsed_before
    source = None
    mined_at = -1
    while not args.eval_only:
        progress = step / args.steps if args.steps else (time.time() - start) / budget
        if progress >= 1.0:
            break
        if args.hard_share > 0 and mined_at != step and (step % args.mine_every == 0 or not aug.hard) \
                and (step > 0 or args.init):
            t = time.time()
            aug.hard = mine_hard_negatives(model, aug)
            set_train_mode(model, args.freeze_bn)
            mined_at = step
            print(f"step {step}: {len(aug.hard)} hard negatives (max score "
                  f"{max((h[1] for h in aug.hard), default=0):.2f}) in {time.time()-t:.0f}s",
                  file=sys.stderr, flush=True)
            if stream is not None:  # new workers, so that they see the new hard negatives
                stream.round += 1
                source = None
        if source is None:
            source = batches()
        lr = args.lr * min(1.0, (step + 1) / warm) * 0.5 * (1 + math.cos(math.pi * progress))
        for g in opt.param_groups:
            g["lr"] = lr
        x, h, r, m, wt = (t.to(device, non_blocking=True) for t in next(source))
        x = x.float() / 255.0
        out = model(x)
        loss, hl = detection_loss(out, h, r, m, wt)
        if args.giou_weight:
            loss = loss + args.giou_weight * giou_loss(out, r, m)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
        step += 1
        if step % 20 == 0:
            print(f"step {step} ({progress:.0%}) loss {loss.item():.3f} heat {hl.item():.3f} "
                  f"lr {lr:.5f} {time.time()-start:.0f}s", file=sys.stderr, flush=True)
        if args.save_every and step % args.save_every == 0:
            save_state(time.time() - start)
            save(args.out, {"model_version": args.version, "arch": arch, "partial": True, "steps": step})
        if args.eval_every and step % args.eval_every == 0 and val:
            t = time.time()
            snapshot_along_schedule(step)
            start += time.time() - t  # evaluation time is not training time
            set_train_mode(model, args.freeze_bn)
    train_seconds = time.time() - start
    if not args.eval_only:
        save_state(train_seconds)
    source = None
    trained = {"script": "scripts/train.py", "seed": args.seed, "steps": step,
               "init": os.path.basename(args.init) if args.init else None,
               "hard_share": args.hard_share, "batch": args.batch, "lr": args.lr,
               "kind_weight": {k: w for k, w in aug.kind_weight.items() if w != 1.0},
               "class_weight": class_weight_record(aug.class_weight),
               "giou_weight": args.giou_weight, "train_only": args.train_only,
               "arch": arch, "mix": dict(aug.MIX),
               "device": args.device, "workers": args.workers, "seconds": round(train_seconds),
               "freeze_bn": args.freeze_bn,
               "data": "shared/data (HIT-UAV, Missouri Camera Traps, coco, thermal-dogs-people, "
                       "vehicles-openimages; copy-paste composites from scripts/synthesize.py)"}
    if args.eval_only:
        trained = init_training or trained
    if not val:  # a training-only copy (scripts/pack_data.py): validate later with --eval-only
        save(args.out, {"model_version": args.version, "arch": arch, "thresholds": None, "trained": trained})
        print(f"trained {step} steps in {train_seconds:.0f}s; no validation images here, run "
              f"--eval-only --init {args.out} on the full data", file=sys.stderr)
        return

    model.cpu()
    model.eval()
    save(args.out, {"model_version": args.version, "arch": arch, "thresholds": None, "trained": trained})
    import evaluate_slices  # noqa: E402 (imports this module)
    t = time.time()
    results = evaluate_slices.evaluate_model(model, args.version, *calibration_and_validation())
    if fixed_thresholds:
        results[args.version] = evaluate_slices.at_thresholds(results[args.version], fixed_thresholds)
    mine = results[args.version]
    thresholds, per_image, cal_images = mine["thresholds"], mine["_per_image"], mine["_calibration_per_image"]
    box_ap = mine["val"]["all"]["box_ap50"]
    print(f"evaluated in {time.time()-t:.0f}s", file=sys.stderr, flush=True)
    report = metrics_report(per_image, box_ap, thresholds)
    report["slices"] = evaluate_slices.to_json(results)[args.version]
    report["calibration"] = metrics_report(cal_images, {}, thresholds)["by_source"]
    report["training"] = trained if args.eval_only else {
        **trained, "crop": CROP, "threads": args.threads, "train_images": len(train),
        "calibration_images": len(calibration_and_validation()[0]),
        "val_images": len(calibration_and_validation()[1])}
    misses = []
    for it, dets in per_image:
        for cls in ("person", "vehicle"):
            truth = cls in it["label"].split("+")
            pred = any(d[0] == CLS_INDEX[cls] and d[1] >= thresholds[cls] for d in dets)
            if truth != pred:
                misses.append({"file": it["file"], "class": cls, "kind": "miss" if truth else "false_alert"})
    report["errors"] = misses
    with open(args.metrics, "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    thresholds = {k: float(v) for k, v in thresholds.items()}
    save(args.out, {"model_version": args.version, "arch": arch, "thresholds": thresholds, "trained": trained})
    print(json.dumps({k: report[k] for k in ("thresholds", "box_ap50")}, indent=1), file=sys.stderr)
    for k, v in report["by_source"].items():
        print(k, json.dumps(v), file=sys.stderr)


def box_head_only(model):
    """Makes the weights that place the boxes the only ones that learn, and returns them for the
    optimiser: a ctx64-box network's box branch, else the head's four box outputs (rows 3..6 of
    its last convolution: centre offsets and log sizes), whose three heat-map rows share that
    tensor; a gradient hook zeroes their share. With no weight decay every class score stays
    exactly as it was."""
    for p in model.parameters():
        p.requires_grad_(False)
    if model.box_branch:
        params = [p for m in (model.box_fine, model.box_mix, model.box_dw, model.box_out)
                  for p in m.parameters()]
        for p in params:
            p.requires_grad_(True)
        return params
    rows = torch.zeros(HEAD_CHANNELS, dtype=model.head.weight.dtype, device=model.head.weight.device)
    rows[3:] = 1
    model.head.weight.requires_grad_(True)
    model.head.bias.requires_grad_(True)
    model.head.weight.register_hook(lambda g: g * rows.view(-1, 1, 1, 1))
    model.head.bias.register_hook(lambda g: g * rows)
    return [model.head.weight, model.head.bias]


def set_train_mode(model, freeze_bn):
    """Training mode; with `freeze_bn` the batch norms keep their running statistics (they act as
    per-channel scale and shift), as needed when starting from folded weights."""
    model.train()
    if freeze_bn:
        for mod in model.modules():
            if isinstance(mod, torch.nn.BatchNorm2d):
                mod.eval()


def parse_mix(text, base, flag="--mix"):
    """`--mix drone=0.3,trap=0.2`: the training mix with the named kinds' weights replaced
    (also `--kind-weight`'s parser, with `flag` naming it in errors)."""
    weights = dict(base)
    for part in filter(None, text.split(",")):
        kind, _, value = part.partition("=")
        if kind not in weights:
            raise SystemExit(f"{flag}: unknown kind {kind!r}; kinds are {', '.join(weights)}")
        weights[kind] = float(value)
    return tuple(weights.items())


def parse_class_weight(text):
    """`--class-weight drone:vehicle=2,trap:person=1.5`: {(kind, class index): weight}."""
    kinds = [k for k, _ in Augmenter.MIX]
    weights = {}
    for part in filter(None, text.split(",")):
        key, _, value = part.partition("=")
        kind, _, cls = key.partition(":")
        if kind not in kinds or cls not in CLASSES:
            raise SystemExit(f"--class-weight: {part!r} is not KIND:CLASS=WEIGHT with a kind of "
                             f"{', '.join(kinds)} and a class of {', '.join(CLASSES)}")
        try:
            weights[(kind, CLASSES.index(cls))] = float(value)
        except ValueError:
            raise SystemExit(f"--class-weight: {value!r} in {part!r} is not a number")
    return weights


def class_weight_record(weights):
    """The class weights as [kind, class name, weight] lists (for checkpoints and the state)."""
    return [[k, CLASSES[c], w] for (k, c), w in sorted(weights.items())]


def load_folded(model, path):
    """Loads an exported graph's weights (`Models/lookout-det.safetensors`: batch norm folded
    into each convolution) into `model`: each convolution takes the folded weight, its batch
    norm becomes the identity plus the folded bias. Returns the graph's `trained` record."""
    from safetensors.torch import load_file
    tensors = load_file(path)
    graph_path = path[: -len(".safetensors")] + ".json"
    graph = json.load(open(graph_path)) if os.path.exists(graph_path) else {}
    with torch.no_grad():
        for name in {k.rsplit(".", 1)[0] for k in tensors}:
            mod = model.get_submodule(name)
            w, b = tensors[name + ".weight"], tensors[name + ".bias"]
            if isinstance(mod, torch.nn.Conv2d):
                mod.weight.copy_(w)
                mod.bias.copy_(b)
                continue
            mod.conv.weight.copy_(w)
            mod.bn.weight.fill_(1.0)
            mod.bn.bias.copy_(b)
            mod.bn.running_mean.zero_()
            mod.bn.running_var.fill_(1.0 - mod.bn.eps)
    return graph.get("trained")


if __name__ == "__main__":
    # evaluate_slices imports `train`: let it find this module rather than load train.py again
    # from disk (a copy edited while a run trains would not match the one running it).
    sys.modules.setdefault("train", sys.modules[__name__])
    main()
