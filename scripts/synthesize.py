#!/usr/bin/env python3
"""Copy-paste synthesis of ground-level people and vehicles for Lookout's detector.

Real ground-level sightings are scarce (../shared/data/README.md, "Known gaps"), so the training
script builds most of them here: masked cut-outs of people and vehicles (`masks/coco`, alpha = the
instance mask) and box crops of HIT-UAV thermal targets are pasted onto camera-trap frames without
people or vehicles, the way a trail camera sees them:

- size: a person 2 to 30 m away, from about 30 px to most of the frame height at the network's
  640 px input (`paste_objects(..., min_height, max_height)`); vehicles 20 px to half the frame;
- placement: feet (or wheels) on the lower part of the frame, with a soft contact shadow;
- look: feathered alpha edges, brightness and colour temperature pulled towards the surroundings,
  partial occlusion by foreground cut from the same frame (the background's own pixels restored
  over the lower part of the object behind a ragged edge), motion blur;
- camera: an infrared-night look (grayscale, flat contrast, hot-spot glare, vignetting) for night
  frames; the training script's photometric step then adds sensor noise, blur and JPEG
  re-compression.

Boxes are the *visible* extent of the pasted object (MegaDetector's convention): what the occluder
and the frame edge leave.

Also here:
- `palette_to_gray`: inverts the rainbow palette of `thermal-dogs-people` (hue encodes temperature)
  to a temperature-like grayscale by the nearest colour on the palette's curve;
- `small_frame`: what a 80x60 or 160x120 thermal frame looks like to the network: downscaled to
  that size, then enlarged back to 640 px on the long side with bilinear filtering, as
  `Sources/Detector/Preprocess.swift` feeds every frame (long side to 640, no upscaling cap);
- `composite_set`: a fixed-seed set of 640x640 composites built only from the given backgrounds and
  cut-outs (validation backgrounds and validation cut-outs for the synthetic validation slice,
  calibration ones for the calibration slice).

Everything takes a `random.Random` so results repeat for a seed. Run alone, it writes a composite
set as JPEGs with a boxes.csv for inspection or for `lookout scan`:

    python scripts/synthesize.py --split val --out runs/composite-val
"""
from __future__ import annotations

import argparse
import csv
import math
import os
import random
import zlib

import numpy as np
from PIL import Image, ImageFilter

# ---------------------------------------------------------------------------------------------
# Thermal palette inversion

# The Seek "rainbow" palette of thermal-dogs-people, cold to hot, as read off its frames.
_PALETTE_KNOTS = np.array([
    (0, 0, 0), (0, 0, 140), (0, 90, 240), (0, 120, 120), (0, 150, 0),
    (240, 240, 0), (255, 120, 0), (255, 0, 0), (255, 255, 255)], np.float32)


def _palette_curve(n=256):
    seg = np.linspace(0, len(_PALETTE_KNOTS) - 1, n)
    i = np.minimum(seg.astype(int), len(_PALETTE_KNOTS) - 2)
    f = (seg - i)[:, None]
    return _PALETTE_KNOTS[i] * (1 - f) + _PALETTE_KNOTS[i + 1] * f


def _palette_lut():
    curve = _palette_curve()
    q = (np.arange(32, dtype=np.float32) * 8 + 4)
    grid = np.stack(np.meshgrid(q, q, q, indexing="ij"), -1).reshape(-1, 1, 3)
    best = np.empty(grid.shape[0], np.uint8)
    for s in range(0, grid.shape[0], 4096):
        d = ((grid[s:s + 4096] - curve[None]) ** 2).sum(-1)
        best[s:s + 4096] = d.argmin(1)
    return best.reshape(32, 32, 32)


_LUT = None


def palette_to_gray(arr):
    """RGB uint8 [H,W,3] in the rainbow palette -> temperature-like gray (RGB uint8, R=G=B)."""
    global _LUT
    if _LUT is None:
        _LUT = _palette_lut()
    q = arr >> 3
    g = _LUT[q[..., 0], q[..., 1], q[..., 2]]
    return np.repeat(g[..., None], 3, 2)


# ---------------------------------------------------------------------------------------------
# Small thermal frames

SMALL_FRAMES = [(80, 60), (160, 120)]


def small_frame(arr, size, long_side=640):
    """Downscales to `size` (w, h) and enlarges back so the long side is `long_side` (bilinear),
    as the engine feeds a frame of that size. Returns the image and the scale from `arr`."""
    w, h = size
    small = Image.fromarray(arr).resize((w, h), Image.BILINEAR)
    s = long_side / max(w, h)
    big = small.resize((round(w * s), round(h * s)), Image.BILINEAR)
    return np.asarray(big), (big.width / arr.shape[1], big.height / arr.shape[0])


# ---------------------------------------------------------------------------------------------
# Cut-outs


class Cutout:
    """One object to paste: RGB uint8 [h,w,3], alpha float32 [h,w] in 0..1, class index, and
    whether it is a thermal crop (drawn on grayscale frames only)."""

    def __init__(self, rgb, alpha, cls, thermal=False, name=""):
        self.rgb, self.alpha, self.cls, self.thermal, self.name = rgb, alpha, cls, thermal, name


def cutout_split(source_image):
    """Which side a cut-out's source image is on: 'val' (composite validation only), 'calib'
    (composite calibration only) or 'train'. The training script leaves val and calib source
    images out of training altogether."""
    k = zlib.crc32(source_image.encode()) % 5
    return "val" if k == 0 else "calib" if k == 1 else "train"


def load_mask_cutouts(data_dir, class_index, split):
    out = []
    path = os.path.join(data_dir, "masks.csv")
    for r in csv.DictReader(open(path)):
        if cutout_split(r["source_image"]) != split:
            continue
        rgba = np.asarray(Image.open(os.path.join(data_dir, "masks", r["file"])).convert("RGBA"))
        alpha = rgba[..., 3].astype(np.float32) / 255.0
        ys, xs = np.nonzero(alpha > 0.5)
        if len(ys) < 20:
            continue
        y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        out.append(Cutout(np.ascontiguousarray(rgba[y0:y1, x0:x1, :3]),
                          np.ascontiguousarray(alpha[y0:y1, x0:x1]),
                          class_index[r["class"]], False, r["file"]))
    return out


def box_cutouts(items, pixel_boxes, classes=(1, 2), min_side=6):
    """Box crops of `classes` with a soft elliptical alpha, drawn as thermal targets: HIT-UAV
    people and vehicles, or camera-trap animals as warm animal-shaped blobs (person negatives)."""
    out = []
    for t in items:
        h, w = t["image"].shape[:2]
        for c, x, y, bw, bh in pixel_boxes(t, w, h):
            if c not in classes or bw < min_side or bh < min_side:
                continue
            x0, y0 = int(max(0, x)), int(max(0, y))
            x1, y1 = int(min(w, x + bw)), int(min(h, y + bh))
            if x1 - x0 < 4 or y1 - y0 < 4:
                continue
            ph, pw = y1 - y0, x1 - x0
            yy = np.linspace(-1, 1, ph)[:, None]
            xx = np.linspace(-1, 1, pw)[None, :]
            alpha = np.clip((1 - (xx ** 2 + yy ** 2)) * 2.5, 0, 1).astype(np.float32)
            out.append(Cutout(t["image"][y0:y1, x0:x1], alpha, c, True, t["file"]))
    return out


# ---------------------------------------------------------------------------------------------
# Pasting


def _feather(alpha, radius):
    if radius <= 0:
        return alpha
    img = Image.fromarray((alpha * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(radius))
    return np.asarray(img, np.float32) / 255.0


def _motion_blur(arr, length, horizontal):
    """Box blur of `length` px along one axis (edges repeated)."""
    k = max(2, int(length))
    axis = 1 if horizontal else 0
    pad = [(0, 0)] * arr.ndim
    pad[axis] = (k // 2, k - k // 2)
    p = np.pad(arr.astype(np.float32), pad, mode="edge")
    n = arr.shape[axis]
    return sum(np.take(p, range(i, i + n), axis=axis) for i in range(k)) / k


def is_gray(arr):
    return float(np.abs(arr[..., 0].astype(int) - arr[..., 2].astype(int)).mean()) < 3.0


def paste_objects(img, cutouts, rng, count, min_height, max_height, boxes=None):
    """Pastes `count` cut-outs drawn from `cutouts` onto `img` (uint8 [H,W,3]); person heights are
    log-uniform in [min_height, max_height] px, vehicles at most half of that. Returns the new
    image and `boxes + [(class, x, y, w, h)]` in pixels (the visible extent)."""
    out_boxes = list(boxes or [])
    H, W = img.shape[:2]
    gray = is_gray(img)
    base = img.astype(np.float32)
    canvas = base.copy()
    for _ in range(count):
        cut = rng.choice(cutouts)
        ch, cw = cut.alpha.shape
        lo, hi = min_height, max_height if cut.cls == 1 else max(min_height + 1, max_height * 0.5)
        if cut.cls == 2:
            lo = max(12, min_height * 0.6)
        th = math.exp(rng.uniform(math.log(lo), math.log(hi)))
        k = th / ch
        if cut.thermal:  # tiny drone crops: keep them blurry-small, as a far warm target
            k = min(k, rng.uniform(1.5, 6.0))
        nw, nh = max(3, int(round(cw * k * rng.uniform(0.9, 1.1)))), max(3, int(round(ch * k)))
        if nw >= W or nh >= H * 1.05:
            continue
        rgb = np.asarray(Image.fromarray(cut.rgb).resize((nw, nh), Image.BILINEAR), np.float32)
        alpha = np.asarray(Image.fromarray((cut.alpha * 255).astype(np.uint8)).resize(
            (nw, nh), Image.BILINEAR), np.float32) / 255.0
        if rng.random() < 0.5:
            rgb, alpha = rgb[:, ::-1], alpha[:, ::-1]
        if rng.random() < 0.25:  # motion blur: walking or driving past
            L = rng.uniform(2, max(3, nw * 0.12))
            rgb, alpha = _motion_blur(rgb, L, True), _motion_blur(alpha, L, True)
        alpha = _feather(alpha, rng.uniform(0.3, 1.2) * max(1.0, nh / 150))
        # Feet on the ground: the bottom edge in the lower 65% of the frame; may leave the frame.
        bottom = int(rng.uniform(0.35, 1.08) * H)
        y0 = min(bottom - nh, H - 2)
        x0 = rng.randint(-nw // 4, W - 3 * nw // 4)
        # Clip to the frame.
        sx0, sy0 = max(0, -x0), max(0, -y0)
        dx0, dy0 = max(0, x0), max(0, y0)
        dx1, dy1 = min(W, x0 + nw), min(H, y0 + nh)
        if dx1 - dx0 < 3 or dy1 - dy0 < 3:
            continue
        rgb = rgb[sy0:sy0 + dy1 - dy0, sx0:sx0 + dx1 - dx0]
        a = alpha[sy0:sy0 + dy1 - dy0, sx0:sx0 + dx1 - dx0].copy()
        region = canvas[dy0:dy1, dx0:dx1]
        # Brightness and colour temperature towards the surroundings.
        wsum = a.sum() + 1e-3
        pm = (rgb * a[..., None]).reshape(-1, 3).sum(0) / wsum
        ring = canvas[max(0, dy0 - 10):min(H, dy1 + 10), max(0, dx0 - 10):min(W, dx1 + 10)]
        bm = ring.reshape(-1, 3).mean(0)
        if gray or cut.thermal:
            lum = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
            if cut.thermal:
                rgb = np.repeat((lum - lum.mean() + bm.mean() + rng.uniform(-20, 60))[..., None], 3, 2)
            else:  # people are warm: in night IR they are often brighter than the scene
                lm = float((lum * a).sum() / wsum)
                gain = rng.uniform(0.5, 1.0)
                lum = (lum - lm) * rng.uniform(0.6, 1.1) + lm * (1 - gain) + bm.mean() * gain
                lum = lum + rng.uniform(-25, 45)
                rgb = np.repeat(lum[..., None], 3, 2)
        else:
            strength = rng.uniform(0.3, 0.8)
            ratio = (bm + 1) / (pm + 1)
            cast = ratio / ratio.mean()  # colour temperature
            rgb = rgb * cast ** strength
            lm, lb = float(pm.mean()), float(bm.mean())
            rgb = rgb * ((lb + 1) / (lm + 1)) ** (strength * 0.8)
        # Ground contact: a soft shadow under the feet.
        if rng.random() < 0.5 and dy1 < H:
            sw, sh = int((dx1 - dx0) * rng.uniform(0.6, 1.2)), max(2, int(nh * 0.06))
            cx, cy = (dx0 + dx1) // 2, dy1
            yy, xx = np.mgrid[max(0, cy - sh):min(H, cy + sh), max(0, cx - sw):min(W, cx + sw)]
            if yy.size:
                e = np.clip(1 - ((xx - cx) / max(1, sw)) ** 2 - ((yy - cy) / max(1, sh)) ** 2, 0, 1)
                canvas[yy, xx] *= (1 - rng.uniform(0.15, 0.45) * e)[..., None]
                region = canvas[dy0:dy1, dx0:dx1]
        # Partial occlusion by foreground: the frame's own pixels over the lower part.
        if rng.random() < 0.35:
            hh, ww = a.shape
            frac = rng.uniform(0.1, 0.5)
            xs = np.arange(ww)
            edge = hh * (1 - frac) + (np.sin(xs / max(1, ww) * rng.uniform(3, 12) + rng.uniform(0, 6))
                                      * hh * 0.06) + np.cumsum(np.array(
                                          [rng.uniform(-1, 1) for _ in xs])) * 0.3
            occ = (np.arange(hh)[:, None] > edge[None, :]).astype(np.float32)
            occ = _feather(occ, 0.8)
            # Foreground texture from elsewhere in the same frame (lower band, vegetation).
            fy = rng.randint(int(H * 0.6), max(int(H * 0.6), H - hh)) if H - hh > int(H * 0.6) else H - hh
            fx = rng.randint(0, max(0, W - ww))
            fg = base[fy:fy + hh, fx:fx + ww]
            if fg.shape[:2] == (hh, ww):
                region = region * (1 - occ[..., None]) + fg * occ[..., None]
                canvas[dy0:dy1, dx0:dx1] = region
            a = a * (1 - occ)
        canvas[dy0:dy1, dx0:dx1] = region * (1 - a[..., None]) + rgb * a[..., None]
        ys, xs_ = np.nonzero(a > 0.5)
        if len(ys) < 6:
            continue
        out_boxes.append((cut.cls, float(dx0 + xs_.min()), float(dy0 + ys.min()),
                          float(xs_.max() - xs_.min() + 1), float(ys.max() - ys.min() + 1)))
    return np.clip(canvas, 0, 255).astype(np.uint8), out_boxes


def infrared_night(img, rng):
    """Infrared-night camera look: grayscale, flat contrast, a glare hot spot, vignetting."""
    x = img.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    m = x.mean()
    x = (x - m) * rng.uniform(0.45, 0.85) + m * rng.uniform(0.8, 1.3)
    H, W = x.shape
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    if rng.random() < 0.6:
        cx, cy = rng.uniform(0.2, 0.8) * W, rng.uniform(0.2, 0.8) * H
        r = rng.uniform(0.15, 0.5) * max(H, W)
        x = x + rng.uniform(20, 70) * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
    d = ((xx / W - 0.5) ** 2 + (yy / H - 0.5) ** 2)
    x = x * (1 - rng.uniform(0.0, 0.8) * d)
    return np.repeat(np.clip(x, 0, 255).astype(np.uint8)[..., None], 3, 2)


def composite(background, cutouts, rng, min_height=30, max_height=None, count=None):
    """One ground-level composite: `background` (uint8, empty or animal-only frame) with 1-3
    pasted objects; night (grayscale) frames get the infrared-night look afterwards."""
    H = background.shape[0]
    max_height = max_height or 0.9 * H
    n = count if count is not None else rng.choice([1, 1, 1, 2, 2, 3])
    gray = is_gray(background)
    img, boxes = paste_objects(background, cutouts, rng, n, min_height, max_height)
    if gray:
        img = infrared_night(img, rng)
    return img, boxes


def composite_set(backgrounds, cutouts, seed, n, size=640):
    """A fixed-seed list of (name, image, pixel boxes incl. the background's own, kind) built
    only from `backgrounds` (dataset items) and `cutouts`."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        bg = backgrounds[i % len(backgrounds)]
        arr = bg["image"]
        if arr.shape[:2] != (size, size):
            arr = np.asarray(Image.fromarray(arr).resize((size, size), Image.BILINEAR))
        own = [(c, x * size, y * size, w * size, h * size) for c, x, y, w, h in bg["boxes"]]
        img, boxes = composite(arr, cutouts, rng)
        out.append((f"composite_{i:04d}", img, own + boxes, bg["kind"]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    ap.add_argument("--split", choices=["val", "calib"], default="val")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    import train  # noqa: the dataset loader and split live there
    items = train.load_dataset(args.data, sources=("missouri-camera-traps",), splits=(args.split,))
    sets = train.composite_sets(items, args.data)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "boxes.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "class", "x", "y", "w", "h"])
        for it in sets[args.split]:
            Image.fromarray(it["image"]).save(os.path.join(args.out, it["file"].split("/")[-1]), quality=92)
            for c, x, y, bw, bh in it["boxes"]:
                w.writerow([it["file"].split("/")[-1], train.CLASSES[c], f"{x:.4f}", f"{y:.4f}", f"{bw:.4f}", f"{bh:.4f}"])


if __name__ == "__main__":
    main()
