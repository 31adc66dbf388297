#!/usr/bin/env python3
"""Generate the demo card SampleImages/ (and the shared renderers used by make_bench_images.py).

    python scripts/make_samples.py            # rewrites SampleImages/ byte-identically
    python scripts/make_samples.py --out DIR  # writes the card somewhere else
    python scripts/make_samples.py --check    # regenerate into a temp dir and compare with SampleImages/

Everything here is procedural (numpy noise + Pillow drawing) from a fixed seed: no pixel comes from
any photo or data set. The only third-party asset is the text font: Pillow's built-in
ImageFont.load_default(size), i.e. Aileron Regular (CC0 1.0), which ships inside the Pillow wheel.

The card (see SampleImages/SOURCES.md, written by this script):
  ridge-north/drone01/  thermal-like drone frames 640x512 grayscale with synthetic people/vehicles
  river-camp/cam03/     camera-trap-like photos: 12 MP colour JPEG, night IR, EXIF orientation 6/8/3,
                        and a truncated JPEG that must be reported as a failure
  expected.csv          file,class,x,y,w,h (normalized, top-left + size) for every drone target
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import filecmp
import io
import math
import os
import struct
import sys
import tempfile
import time

import numpy as np
from PIL import Image, ImageDraw, ImageFont

SEED = 20240914
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RS = Image.Resampling
F32 = np.float32

# ---------------------------------------------------------------------------------------------
# EXIF (TIFF) writer: written by hand with struct so that every field, type and denominator is
# exactly what we say (Pillow's Exif object re-normalises rationals).
# ---------------------------------------------------------------------------------------------
BYTE, ASCII, SHORT, LONG, RATIONAL, UNDEFINED = 1, 2, 3, 4, 5, 7


def _ifd_bytes(entries, start, endian):
    """One IFD (entries sorted by tag) placed at file offset `start`; out-of-line data follows it."""
    entries = sorted(entries, key=lambda e: e[0])
    data_start = start + 2 + 12 * len(entries) + 4
    head = struct.pack(endian + "H", len(entries))
    data = b""
    for tag, typ, val in entries:
        if typ == ASCII:
            raw = val.encode("ascii") + b"\0"
            count = len(raw)
        elif typ in (BYTE, UNDEFINED):
            raw = bytes(val)
            count = len(raw)
        elif typ == SHORT:
            raw = struct.pack(endian + "%dH" % len(val), *val)
            count = len(val)
        elif typ == LONG:
            raw = struct.pack(endian + "%dI" % len(val), *val)
            count = len(val)
        elif typ == RATIONAL:
            raw = b"".join(struct.pack(endian + "II", n, d) for n, d in val)
            count = len(val)
        else:
            raise ValueError(typ)
        if len(raw) <= 4:
            field = raw.ljust(4, b"\0")
        else:
            field = struct.pack(endian + "I", data_start + len(data))
            data += raw + (b"\0" if len(raw) % 2 else b"")
        head += struct.pack(endian + "HHI", tag, typ, count) + field
    head += struct.pack(endian + "I", 0)  # no next IFD (no thumbnail)
    return head + data


def _dms(value):
    """Decimal degrees -> ((deg,1),(min,1),(sec*10000,10000)) with correct carry."""
    v = abs(value)
    total = round(v * 3600 * 10000)  # in 1/10000 s
    deg, rem = divmod(total, 3600 * 10000)
    mins, sec = divmod(rem, 60 * 10000)
    return [(int(deg), 1), (int(mins), 1), (int(sec), 10000)]


def build_exif(make, model, local_time, offset, lat, lon, alt_m, orientation=1, size=None,
               software=None, little_endian=True):
    """APP1 payload (b'Exif\\0\\0' + TIFF) with IFD0, Exif IFD (0x8769) and GPS IFD (0x8825).

    local_time: naive datetime (camera clock, local); offset: '+02:00'. GPS date/time is UTC.
    """
    e = "<" if little_endian else ">"
    stamp = local_time.strftime("%Y:%m:%d %H:%M:%S")
    sign = 1 if offset[0] == "+" else -1
    off = dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])) * sign
    utc = local_time - off
    ifd0 = [(0x010F, ASCII, make), (0x0110, ASCII, model), (0x0112, SHORT, [orientation]),
            (0x011A, RATIONAL, [(72, 1)]), (0x011B, RATIONAL, [(72, 1)]), (0x0128, SHORT, [2]),
            (0x0132, ASCII, stamp)]
    if software:
        ifd0.append((0x0131, ASCII, software))
    exif = [(0x9000, UNDEFINED, b"0232"), (0x9003, ASCII, stamp), (0x9004, ASCII, stamp),
            (0x9010, ASCII, offset), (0x9011, ASCII, offset), (0x9012, ASCII, offset),
            (0xA001, SHORT, [1])]
    if size:
        exif += [(0xA002, LONG, [size[0]]), (0xA003, LONG, [size[1]])]
    gps = [(0x0000, BYTE, [2, 3, 0, 0]),
           (0x0001, ASCII, "S" if lat < 0 else "N"), (0x0002, RATIONAL, _dms(lat)),
           (0x0003, ASCII, "W" if lon < 0 else "E"), (0x0004, RATIONAL, _dms(lon)),
           (0x0005, BYTE, [0 if alt_m >= 0 else 1]), (0x0006, RATIONAL, [(round(abs(alt_m) * 100), 100)]),
           (0x0007, RATIONAL, [(utc.hour, 1), (utc.minute, 1), (utc.second, 1)]),
           (0x001D, ASCII, utc.strftime("%Y:%m:%d"))]
    # Sizes do not depend on pointer values (LONGs fit inline): lay out with placeholders first.
    n0 = len(_ifd_bytes(ifd0 + [(0x8769, LONG, [0]), (0x8825, LONG, [0])], 8, e))
    exif_at = 8 + n0
    n1 = len(_ifd_bytes(exif, exif_at, e))
    gps_at = exif_at + n1
    tiff = (b"II*\0" if little_endian else b"MM\0*") + struct.pack(e + "I", 8)
    tiff += _ifd_bytes(ifd0 + [(0x8769, LONG, [exif_at]), (0x8825, LONG, [gps_at])], 8, e)
    tiff += _ifd_bytes(exif, exif_at, e)
    tiff += _ifd_bytes(gps, gps_at, e)
    return b"Exif\0\0" + tiff


def check_exif(path, want):
    """Round-trip through Pillow: raise if a field differs from what build_exif was given."""
    with Image.open(path) as im:
        ex = im.getexif()
        gps = ex.get_ifd(0x8825)
        sub = ex.get_ifd(0x8769)
        got_lat = sum(float(v) / 60 ** i for i, v in enumerate(gps[2])) * (-1 if gps[1] == "S" else 1)
        got_lon = sum(float(v) / 60 ** i for i, v in enumerate(gps[4])) * (-1 if gps[3] == "W" else 1)
        ok = (ex[0x010F] == want["make"] and ex[0x0110] == want["model"]
              and ex.get(0x0112, 1) == want["orientation"]
              and sub[0x9003] == want["time"].strftime("%Y:%m:%d %H:%M:%S")
              and sub[0x9011] == want["offset"]
              and abs(got_lat - want["lat"]) < 1e-6 and abs(got_lon - want["lon"]) < 1e-6
              and abs(float(gps[6]) - want["alt"]) < 0.01)
    if not ok:
        raise SystemExit(f"EXIF round-trip failed for {path}: {dict(ex)} {dict(sub)} {dict(gps)}")


# ---------------------------------------------------------------------------------------------
# Noise
# ---------------------------------------------------------------------------------------------
def smooth_noise(rng, h, w, cell_y, cell_x=None):
    """Bicubically interpolated Gaussian lattice noise; cell sizes in pixels (anisotropic allowed)."""
    cell_x = cell_y if cell_x is None else cell_x
    cy, cx = max(cell_y, 1.0), max(cell_x, 1.0)
    gh, gw = int(math.ceil(h / cy)) + 4, int(math.ceil(w / cx)) + 4
    g = rng.standard_normal((gh, gw), dtype=F32)
    if cy == 1.0 and cx == 1.0:
        return g[2:2 + h, 2:2 + w]
    up = Image.fromarray(g).resize((int(round(gw * cx)), int(round(gh * cy))), RS.BICUBIC)
    oy, ox = int(2 * cy), int(2 * cx)
    return np.asarray(up)[oy:oy + h, ox:ox + w]


def fbm(rng, h, w, scale, octaves=5, gain=0.55, aniso=1.0, lowres=1):
    """Fractal (multi-octave) noise normalised to mean 0, std 1. `aniso` > 1 stretches vertically.
    `lowres` > 1 synthesises at 1/lowres and upsamples (for large smooth fields)."""
    if lowres > 1:
        small = fbm(rng, h // lowres + 1, w // lowres + 1, scale / lowres, octaves, gain, aniso)
        return np.asarray(Image.fromarray(small).resize((w, h), RS.BICUBIC))
    out = np.zeros((h, w), F32)
    amp, s = 1.0, float(scale)
    for _ in range(octaves):
        if s < 0.75:
            break
        out += F32(amp) * smooth_noise(rng, h, w, s * aniso, s)
        amp *= gain
        s /= 2.0
    out -= out.mean()
    out /= out.std() + 1e-6
    return out


def blur(a, sigma):
    """Separable Gaussian blur of a 2-D float array (small images only)."""
    r = max(1, int(3 * sigma))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2).astype(F32)
    k /= k.sum()
    p = np.pad(a, r, mode="edge")
    p = sum(k[i] * p[:, i:i + a.shape[1]] for i in range(2 * r + 1))
    p = sum(k[i] * p[i:i + a.shape[0], :] for i in range(2 * r + 1))
    return p.astype(F32)


def _downsample(mask_img, factor):
    w, h = mask_img.size
    return np.asarray(mask_img.resize((w // factor, h // factor), RS.BOX), dtype=F32) / 255.0


# ---------------------------------------------------------------------------------------------
# Thermal drone frames (640x512, 8-bit grayscale, white = hot)
# ---------------------------------------------------------------------------------------------
TW, TH = 640, 512
SS = 4  # supersampling factor for sprites and roads


def _polyline(points, n=200):
    """Catmull-Rom through control points -> dense (n,2) array."""
    p = np.asarray(points, float)
    p = np.vstack([2 * p[0] - p[1], p, 2 * p[-1] - p[-2]])
    out = []
    segs = len(p) - 3
    for i in range(segs):
        p0, p1, p2, p3 = p[i:i + 4]
        for t in np.linspace(0, 1, n // segs, endpoint=False):
            t2, t3 = t * t, t * t * t
            out.append(0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2
                              + (-p0 + 3 * p1 - 3 * p2 + p3) * t3))
    out.append(p[-2])
    return np.array(out)


def _at(line, t):
    """Point and direction angle (degrees, image coords) at fraction t of a dense polyline."""
    seg = np.hypot(*np.diff(line, axis=0).T)
    cum = np.concatenate([[0], np.cumsum(seg)])
    s = t * cum[-1]
    i = int(np.clip(np.searchsorted(cum, s) - 1, 0, len(seg) - 1))
    f = (s - cum[i]) / max(seg[i], 1e-9)
    p = line[i] + f * (line[i + 1] - line[i])
    d = line[i + 1] - line[i]
    return p, math.degrees(math.atan2(d[1], d[0])), d / max(np.hypot(*d), 1e-9)


def _line_mask(line, width, w=TW, h=TH):
    im = Image.new("L", (w * SS, h * SS), 0)
    ImageDraw.Draw(im).line([tuple(q * SS) for q in line], fill=255, width=max(1, int(width * SS)),
                            joint="curve")
    return _downsample(im, SS)


def _blob_mask(rng, r, rough=0.35):
    """Irregular round blob of radius r px with a ~1 px soft edge; returns (mask, half size)."""
    half = int(math.ceil(r * (1.2 + rough))) + 2
    n = 2 * half + 1
    yy, xx = np.mgrid[-half:half + 1, -half:half + 1].astype(F32)
    ang = np.arctan2(yy, xx)
    wob = 1 + rough * 0.35 * np.sin(rng.integers(2, 4) * ang + rng.uniform(0, 6.3))
    d = np.hypot(yy, xx) / (r * wob) + rough * 0.45 * smooth_noise(rng, n, n, max(1.5, r / 2.5))
    m = np.clip((1.0 - d) * r * 0.8 + 0.5, 0, 1)
    return m.astype(F32), half


def _stamp(arr, cx, cy, patch, half_h, half_w, op):
    """Apply patch centred on (cx, cy) with op(region, patch_region) -> new region (clipped)."""
    h, w = arr.shape
    x0, y0 = int(round(cx)) - half_w, int(round(cy)) - half_h
    ph, pw = patch.shape[-2:] if patch.ndim == 2 else patch.shape[1:]
    ax0, ay0, ax1, ay1 = max(x0, 0), max(y0, 0), min(x0 + pw, w), min(y0 + ph, h)
    if ax0 >= ax1 or ay0 >= ay1:
        return None
    sl = (slice(ay0, ay1), slice(ax0, ax1))
    psl = (slice(ay0 - y0, ay1 - y0), slice(ax0 - x0, ax1 - x0))
    arr[sl] = op(arr[sl], psl)
    return x0, y0


def person_sprite(rng, w_px, h_px, angle=0.0):
    """Warm pedestrian seen obliquely from a drone: returns (value, alpha) float arrays.
    Bounding box of alpha>0.3 is roughly w_px x h_px."""
    pad = 6
    Wc, Hc = (int(w_px) + 2 * pad) * SS, (int(h_px) + 2 * pad) * SS
    body = Image.new("L", (Wc, Hc), 0)
    head = Image.new("L", (Wc, Hc), 0)
    db, dh = ImageDraw.Draw(body), ImageDraw.Draw(head)
    cx = Wc / 2
    top = pad * SS
    H, Wd = h_px * SS, w_px * SS
    hr = max(1.3 * SS, min(0.5 * Wd * 0.6, H * 0.085))  # head radius
    hy = top + hr
    dh.ellipse([cx - hr, hy - hr, cx + hr, hy + hr], fill=255)
    # shoulders/torso
    t0, t1 = hy + hr * 0.7, top + H * 0.58
    db.ellipse([cx - Wd * 0.5, t0, cx + Wd * 0.5, t1 + (t1 - t0) * 0.15], fill=255)
    # legs (slightly apart, one may be mid-stride)
    stride = rng.uniform(-0.12, 0.12) * Wd
    lw = max(SS * 1.6, Wd * 0.26)
    for side in (-1, 1):
        x_hip = cx + side * Wd * 0.13
        x_ft = x_hip + side * rng.uniform(0.0, 0.06) * Wd + side * stride
        db.line([(x_hip, t1 - (t1 - t0) * 0.1), (x_ft, top + H - lw / 2)], fill=255, width=int(lw))
        db.ellipse([x_ft - lw / 2, top + H - lw, x_ft + lw / 2, top + H], fill=255)
    # arms hanging close to the body (one may carry something: slight asymmetry)
    aw = max(SS * 1.2, Wd * 0.18)
    for side in (-1, 1):
        xs = cx + side * Wd * 0.36
        db.line([(xs, t0 + aw), (xs + side * rng.uniform(0, 0.06) * Wd, t1 + rng.uniform(-0.12, 0.04) * H)],
                fill=255, width=int(aw))
    if angle:
        body = body.rotate(angle, RS.BICUBIC, expand=False)
        head = head.rotate(angle, RS.BICUBIC, expand=False)
    b, hd = _downsample(body, SS), _downsample(head, SS)
    alpha = np.maximum(b, hd)
    # clothes are cooler than skin, legs cooler than the torso; a little texture
    tex = rng.normal(0, 4, b.shape).astype(F32)
    yrel = np.linspace(0, 1, b.shape[0], dtype=F32)[:, None]
    value = rng.uniform(214, 230) - 22 * np.clip(yrel - 0.55, 0, None) + tex
    value = value * (1 - hd) + rng.uniform(244, 252) * hd
    alpha = blur(alpha, 0.6)
    return value.astype(F32), alpha


VEHICLES = ("car", "pickup", "truck", "suv")


def vehicle_sprite(rng, kind, length_px, angle, hot=1.0):
    """Warm vehicle seen from above, front pointing along `angle` (deg, image coords).
    Returns (value, alpha) float arrays of the rotated sprite."""
    L = length_px
    Wd = L * {"car": 0.46, "pickup": 0.44, "truck": 0.38, "suv": 0.47}[kind]
    pad = 3
    Wc, Hc = int(L + 2 * pad) * SS, int(Wd + 2 * pad) * SS
    val = np.zeros((Hc, Wc), F32)
    alpha = Image.new("L", (Wc, Hc), 0)
    x0, y0, x1, y1 = pad * SS, pad * SS + (Hc - 2 * pad * SS - Wd * SS) / 2, Wc - pad * SS, 0
    y1 = y0 + Wd * SS
    rad = Wd * SS * 0.22
    ImageDraw.Draw(alpha).rounded_rectangle([x0, y0, x1, y1], radius=rad, fill=255)
    # wheels: slightly proud of the body, warm (tyres, brakes)
    wheels = Image.new("L", (Wc, Hc), 0)
    dw = ImageDraw.Draw(wheels)
    wl, wt = L * SS * 0.13, SS * 1.4
    for fx in (0.2, 0.78):
        for yy in (y0 - wt * 0.5, y1 - wt * 0.5):
            dw.rounded_rectangle([x1 - fx * L * SS - wl / 2, yy, x1 - fx * L * SS + wl / 2, yy + wt],
                                 radius=wt / 2, fill=255)
    xs = np.arange(Wc, dtype=F32)
    f = (x1 - xs) / (x1 - x0)  # 0 at front, 1 at rear
    base = hot * rng.uniform(170, 192)
    prof = np.full(Wc, base, F32)
    eng = hot * rng.uniform(228, 245)
    glass, roof = rng.uniform(100, 125), base - rng.uniform(4, 14)
    if kind in ("car", "suv"):
        hood_end = 0.3 if kind == "car" else 0.26
        prof[f < hood_end] = eng
        prof[(f >= hood_end) & (f < hood_end + 0.12)] = glass
        prof[(f >= hood_end + 0.12) & (f < 0.76)] = roof
        prof[(f >= 0.76) & (f < 0.84)] = glass + 12
    elif kind == "pickup":
        prof[f < 0.27] = eng
        prof[(f >= 0.27) & (f < 0.37)] = glass
        prof[(f >= 0.37) & (f < 0.55)] = roof
        prof[f >= 0.58] = rng.uniform(128, 145)  # open bed: cool
    else:  # truck: hot cab up front, long cargo box
        prof[f < 0.12] = eng
        prof[(f >= 0.12) & (f < 0.2)] = glass
        prof[(f >= 0.2) & (f < 0.26)] = base
        box = rng.uniform(150, 168)
        prof[f >= 0.28] = box
        prof[((f >= 0.28) & ((f * 20).astype(int) % 3 == 0))] = box - 12  # roof ribs
    val[:] = prof[None, :]
    # body edges a bit warmer than the middle panels (sills), centre line of the roof cooler
    ys = (np.arange(Hc, dtype=F32) - (y0 + y1) / 2) / (Wd * SS / 2)
    val += (np.abs(ys)[:, None] > 0.8) * 8
    a_body = np.asarray(alpha, F32) / 255
    a_wh = np.asarray(wheels, F32) / 255
    val = val * (1 - a_wh) + hot * 214 * a_wh
    al = np.maximum(a_body, a_wh)
    vimg = Image.fromarray((val * al).astype(F32))
    aimg = Image.fromarray((al * 255).astype(np.uint8))
    vimg = vimg.rotate(-angle, RS.BICUBIC, expand=True)
    aimg = aimg.rotate(-angle, RS.BICUBIC, expand=True)
    a = _downsample(aimg, SS)
    v = np.asarray(vimg.resize((aimg.size[0] // SS, aimg.size[1] // SS), RS.BOX), F32)
    inside = a > 0.05
    v = np.where(inside, v / np.maximum(a, 1e-3), float(v[a > 0.5].mean()))  # un-premultiply
    v += rng.normal(0, 2.5, v.shape).astype(F32)
    return blur(v, 0.5), blur(a, 0.45)


def _place(arr, value, alpha, cx, cy, halo=0.0, shadow=(0, 0, 0.0)):
    """Composite a sprite centred at (cx,cy): cool shadow under it, optical halo around it.
    Returns the tight box (x, y, w, h) of alpha>0.3 in pixels."""
    h, w = alpha.shape
    hh, hw = h // 2, w // 2
    sdx, sdy, sdepth = shadow
    if sdepth:
        sa = blur(alpha, 1.2)
        _stamp(arr, cx + sdx, cy + sdy, sa, hh, hw, lambda r, s: r - sdepth * sa[s])
    if halo:
        pad = 6
        ap = np.pad(alpha, pad)
        ha = blur(ap, 2.2)
        _stamp(arr, cx, cy, ha, hh + pad, hw + pad, lambda r, s: r + halo * ha[s])
    x0, y0 = _stamp(arr, cx, cy, alpha, hh, hw, lambda r, s: r * (1 - alpha[s]) + value[s] * alpha[s])
    ys, xs = np.nonzero(alpha > 0.3)
    bx0, by0 = max(x0 + xs.min(), 0), max(y0 + ys.min(), 0)
    bx1, by1 = min(x0 + xs.max() + 1, arr.shape[1]), min(y0 + ys.max() + 1, arr.shape[0])
    return (int(bx0), int(by0), int(bx1 - bx0), int(by1 - by0))


def thermal_frame(rng, spec):
    """Render one thermal drone frame.

    spec keys: night (bool), road (control points or None), track (control points or None),
    river (control points or None), trees, bushes, rocks, mounds (counts),
    people: list of (cx, cy[, h_px]) or int (random count), vehicles: list of (t, lane, kind, length)
    along the road or int. Returns (uint8 array HxW, list of (class, x, y, w, h) pixel boxes).
    """
    night = spec.get("night", False)
    H, W = TH, TW
    g = (84.0 if night else 116.0) + (8 if night else 10) * fbm(rng, H, W, 220, 3)
    g += (3 if night else 4) * fbm(rng, H, W, 30, 3) + 3.5 * fbm(rng, H, W, 2.5, 2)
    # patchy vegetation cover / burnt areas: large patches with sharp edges
    patches = fbm(rng, H, W, 110, 5, gain=0.6)
    g += np.clip((patches - 0.6) * 6, 0, 1) * (-18 if not night else 10)
    g += np.clip((-patches - 1.0) * 6, 0, 1) * (10 if not night else -6)
    # a faint regular pattern (old fire-break / fence grid) on some frames
    if spec.get("grid"):
        ang = math.radians(rng.uniform(-30, 30))
        yy, xx = np.mgrid[0:H, 0:W].astype(F32)
        u = xx * math.cos(ang) + yy * math.sin(ang)
        g += 3.0 * np.sin(u / 7.0).astype(F32) * (patches > 0)
    if spec.get("river"):
        rl = _polyline(spec["river"])
        width = rng.uniform(26, 40)
        rm = blur(_line_mask(rl, width), 3.0)
        sand = _line_mask(rl, width * 0.55)
        g += rm * (-18 if not night else 10) + sand * (-6 if not night else 6)
    occupied = []  # boxes (x0,y0,x1,y1) where distractors must not go
    road_line = None
    if spec.get("road"):
        road_line = _polyline(spec["road"])
        rw = spec.get("road_width", 16)
        shoulder = blur(_line_mask(road_line, rw + 8), 1.2)
        surface = blur(_line_mask(road_line, rw), 0.7)
        ruts = _line_mask(road_line, rw * 0.55) - _line_mask(road_line, rw * 0.3)
        g += shoulder * (-8) + surface * ((24 if night else 24) + 3 * fbm(rng, H, W, 12, 2)) + ruts * 5
        for q in road_line[::4]:
            occupied.append((q[0] - rw, q[1] - rw, q[0] + rw, q[1] + rw))
    if spec.get("track"):  # two-track dirt path
        tl = _polyline(spec["track"])
        both = _line_mask(tl, 9) - _line_mask(tl, 4)
        g += blur(both, 0.6) * (9 if not night else 12)
    # targets first decided (positions), so distractors can keep clear
    people = spec.get("people", [])
    vehicles = spec.get("vehicles", [])
    if isinstance(people, int):
        people = [(rng.uniform(30, W - 30), rng.uniform(40, H - 40)) for _ in range(people)]
    if isinstance(vehicles, int):
        vehicles = [(rng.uniform(0.08, 0.92), rng.choice([-1, 1]), str(rng.choice(VEHICLES)),
                     rng.uniform(26, 56)) for _ in range(vehicles)]
        vehicles.sort()
    for p in people:
        occupied.append((p[0] - 22, p[1] - 28, p[0] + 22, p[1] + 28))
    vplaced = []
    for t, lane, kind, length in vehicles:
        (px, py), ang, d = _at(road_line, t)
        nx, ny = -d[1], d[0]
        off = lane * spec.get("road_width", 16) * 0.22
        cx, cy = px + nx * off, py + ny * off
        if lane < 0:
            ang += 180
        vplaced.append((cx, cy, ang, kind, length))
        occupied.append((cx - length, cy - length, cx + length, cy + length))

    def free(x, y, r):
        return all(not (a - r < x < c + r and b - r < y < d + r) for a, b, c, d in occupied)

    def scatter(n, rmin, rmax):
        out = []
        for _ in range(n * 20):
            if len(out) >= n:
                break
            x, y, r = rng.uniform(0, W), rng.uniform(0, H), rng.uniform(rmin, rmax)
            if free(x, y, r + 4):
                out.append((x, y, r))
        return out

    sun = (rng.uniform(3, 6), rng.uniform(2, 5))  # shadow direction (low morning sun)
    for x, y, r in scatter(spec.get("bushes", 60) * 3, 1.2, 4.0):
        m, half = _blob_mask(rng, r, 0.5)
        amp = (rng.uniform(12, 26) if night else rng.choice([-1, 1]) * rng.uniform(10, 22))
        _stamp(g, x, y, m, half, half, lambda reg, s, m=m, amp=amp: reg + amp * m[s])
    for x, y, r in scatter(spec.get("trees", 8), 7, 18):
        m, half = _blob_mask(rng, r, 0.6)
        if not night:  # cool shadow on the ground, offset away from the sun
            _stamp(g, x + sun[0] * r / 5, y + sun[1] * r / 5, m, half, half,
                    lambda reg, s, m=m: reg - 10 * m[s])
        tex = 1 + 0.15 * rng.standard_normal(m.shape).astype(F32)
        amp = rng.uniform(22, 34) if night else rng.choice([-1, 1]) * rng.uniform(14, 26)
        mb = blur(m, 0.8) * tex
        _stamp(g, x, y, mb, half, half, lambda reg, s, mb=mb, amp=amp: reg + amp * mb[s])
    for x, y, r in scatter(spec.get("rocks", 6), 2.5, 5.5):  # sun-warmed boulders: round, warm
        m, half = _blob_mask(rng, r, 0.2)
        amp = rng.uniform(35, 60)
        _stamp(g, x, y, m, half, half, lambda reg, s, m=m, amp=amp: reg + amp * blur(m, 0.7)[s])
    for x, y, r in scatter(spec.get("mounds", 3), 5, 9):  # termite mounds: warm with a cool side
        m, half = _blob_mask(rng, r, 0.3)
        _stamp(g, x + 2, y + 2, m, half, half, lambda reg, s, m=m: reg - 12 * m[s])
        _stamp(g, x, y, m, half, half, lambda reg, s, m=m: reg + 30 * blur(m, 1.0)[s])

    boxes = []
    for cx, cy, ang, kind, length in vplaced:
        v, a = vehicle_sprite(rng, kind, length, ang, hot=0.95 if night else 1.0)
        boxes.append(("vehicle",) + _place(g, v, a, cx, cy, halo=6, shadow=(sun[0] * 0.5, sun[1] * 0.5, 12)))
    for p in people:
        hp = p[2] if len(p) > 2 else rng.uniform(15, 26)
        wp = hp * rng.uniform(0.42, 0.55)
        v, a = person_sprite(rng, wp, hp, angle=rng.uniform(-12, 12))
        boxes.append(("person",) + _place(g, v, a, p[0], p[1], halo=10,
                                          shadow=(sun[0] * 0.8, sun[1] * 0.8, 0 if night else 10)))
    # sensor: optics blur, fixed-pattern column noise, vignetting, temporal noise
    g = blur(g, 0.6)
    yy, xx = np.mgrid[0:H, 0:W].astype(F32)
    g -= 10 * (((xx - W / 2) / W) ** 2 + ((yy - H / 2) / H) ** 2)
    g += rng.normal(0, 1.2, (1, W)).astype(F32) + rng.normal(0, 2.0, (H, W)).astype(F32)
    return np.clip(np.round(g), 0, 255).astype(np.uint8), boxes


# ---------------------------------------------------------------------------------------------
# Camera-trap scenes (colour daylight or night IR), photographic-like entropy
# ---------------------------------------------------------------------------------------------
class Fields:
    """Precomputed full-resolution texture fields, larger than the image so that per-image random
    crops/flips give distinct images cheaply (the benchmark generator renders many images from one
    set). `margin` extra pixels on each axis (at least 32, used for shifted chroma grain)."""

    def __init__(self, rng, w, h, margin=32):
        self.w, self.h, self.m = w, h, max(32, margin)
        H, W = h + self.m, w + self.m
        s = w / 4000.0
        # vertical grass streaks (fine: far field; coarse: foreground)
        self.streak_f = 0.6 * fbm(rng, H, W, max(6 * s, 1.5), 3, aniso=5.0)
        self.streak_f += 0.4 * smooth_noise(rng, H, W, max(1.0, 1.6 * s))
        self.streak_c = fbm(rng, H, W, max(22 * s, 2), 4, aniso=4.0, gain=0.65)
        self.foliage = fbm(rng, H, W, max(14 * s, 2), 4, gain=0.7)
        self.grain = rng.standard_normal((H, W), dtype=F32)

    def crop(self, rng, name, flip=True):
        a = getattr(self, name)
        oy, ox = int(rng.integers(0, self.m + 1)), int(rng.integers(0, self.m + 1))
        a = a[oy:oy + self.h, ox:ox + self.w]
        return a[:, ::-1] if flip and rng.random() < 0.5 else a


def _font(px):
    return ImageFont.load_default(size=px)


def _info_bar(img, lines_top, line_bottom, night=False):
    """Burn a camera-trap style info strip into the top and bottom of img (PIL RGB/L image)."""
    W, H = img.size
    bar = max(18, int(round(H * 0.03)))
    d = ImageDraw.Draw(img)
    fill_bg = 0 if img.mode == "L" else (0, 0, 0)
    fill_fg = 255 if img.mode == "L" else (255, 255, 255)
    d.rectangle([0, 0, W, bar], fill=fill_bg)
    d.rectangle([0, H - bar, W, H], fill=fill_bg)
    f = _font(int(bar * 0.72))
    d.text((int(bar * 0.4), bar // 2), lines_top[0], font=f, fill=fill_fg, anchor="lm")
    d.text((W // 2, bar // 2), lines_top[1], font=f, fill=fill_fg, anchor="mm")
    d.text((W - int(bar * 0.4), bar // 2), lines_top[2], font=f, fill=fill_fg, anchor="rm")
    d.text((int(bar * 0.4), H - bar // 2), line_bottom, font=f, fill=fill_fg, anchor="lm")
    # an "UP" arrow in the bottom-right corner of the strip: unmistakable orientation cue
    ax, ay, s = W - int(bar * 1.2), H - bar // 2, bar * 0.32
    d.polygon([(ax, ay - s), (ax - s, ay + s * 0.6), (ax + s, ay + s * 0.6)], fill=fill_fg)


def _bbox(mask_img, pad=0):
    bb = mask_img.getbbox()
    if not bb:
        return None
    W, H = mask_img.size
    return (slice(max(bb[1] - pad, 0), min(bb[3] + pad, H)), slice(max(bb[0] - pad, 0), min(bb[2] + pad, W)))


def camera_scene(rng, W, H, fields=None, night=False, season=None):
    """Daylight colour (or night IR) savanna camera-trap view; returns a PIL image (RGB or L).

    Upright composition with strong asymmetry: sky at the top, the tree trunk next to the camera
    on the LEFT edge, a termite mound on the RIGHT, sun glare in the top-left corner. (The info
    strip with text and an up-arrow is added by _info_bar.)"""
    if fields is None:
        fields = Fields(rng, W, H)
    s = W / 4000.0
    lo = 4
    h4, w4 = H // lo, W // lo
    season = float(rng.uniform(0, 1)) if season is None else season  # 0 dry/golden .. 1 green
    yy = (np.arange(h4, dtype=F32) / h4)[:, None]
    xx = (np.arange(w4, dtype=F32) / w4)[None, :]
    hz = float(rng.uniform(0.30, 0.42))
    horizon = hz + 0.012 * fbm(rng, 1, w4, w4 / 6, 3)[0][None, :]
    # treeline: the union of many rounded crowns along the horizon
    xb = np.arange(w4, dtype=F32)
    tl_h = np.zeros(w4, F32)
    for _ in range(int(60 + 20 * rng.random())):
        c, r = rng.uniform(-0.02, 1.02) * w4, rng.uniform(0.006, 0.03) * w4
        hgt = rng.uniform(0.012, 0.04) * (1.4 if rng.random() < 0.15 else 1.0)
        tl_h = np.maximum(tl_h, hgt * np.sqrt(np.clip(1 - ((xb - c) / r) ** 2, 0, 1)) ** 0.7)
    treeline = horizon - (0.006 + tl_h)[None, :]
    # --- low-resolution colour plan (h4 x w4 x 3), upsampled once ---
    sky_top = np.array([62, 112, 178], F32)
    sky_hor = np.array([176, 196, 214], F32)
    ts = np.clip(yy / np.maximum(horizon, 1e-3), 0, 1) ** 0.8
    sky = sky_top + (sky_hor - sky_top) * ts[..., None]
    cloud = np.clip(fbm(rng, h4, w4, w4 / 5, 5) * 0.7 - 0.1, 0, 1)[..., None] * (1 - ts[..., None] * 0.5)
    sky = sky * (1 - 0.65 * cloud) + 238 * 0.65 * cloud
    glare = np.exp(-(((xx - 0.1) * 1.3) ** 2 + (yy - 0.02) ** 2) / 0.02)[..., None]  # sun, top-left
    sky = sky + glare * 90
    dry = np.array([188, 160, 100], F32)
    green = np.array([118, 138, 62], F32)
    grass_c = dry + (green - dry) * season
    depth = np.clip((yy - horizon) / (1 - horizon), 0, 1)  # 0 at the horizon, 1 at the bottom
    patch = fbm(rng, h4, w4, w4 / 8, 4)
    ground = grass_c * (0.9 + 0.08 * patch[..., None]) + np.array([-20, -8, 8], F32) * (1 - depth[..., None]) ** 3
    soil = 0.7 * np.clip(fbm(rng, h4, w4, w4 / 14, 4) - 1.2, 0, 1)[..., None]  # bare soil patches
    ground = ground * (1 - soil) + np.array([150, 118, 86], F32) * soil
    ground *= 0.8 + 0.25 * depth[..., None]  # foreground brighter (sun behind the camera)
    tree_c = np.array([50, 66, 38], F32) * (0.85 + 0.2 * fbm(rng, h4, w4, w4 / 40, 3)[..., None])
    m_ground = np.clip((yy - horizon) * h4 / 2 + 0.5, 0, 1)[..., None]
    m_trees = np.clip((yy - treeline) * h4 / 1.5 + 0.5, 0, 1)[..., None] * (1 - m_ground)
    plan = sky * (1 - m_ground - m_trees) + tree_c * m_trees + ground * m_ground
    plan8 = np.asarray(Image.fromarray(np.clip(plan, 0, 255).astype(np.uint8)).resize((W, H), RS.BICUBIC))
    # full-resolution geometry from the 1-D horizon/treeline (no big upsampling needed)
    xs_lo = (np.arange(w4) + 0.5) * lo
    xf = np.arange(W, dtype=F32)
    hz_f = np.interp(xf, xs_lo, horizon[0] * H).astype(F32)[None, :]
    tl_f = np.interp(xf, xs_lo, treeline[0] * H).astype(F32)[None, :]
    fol = fields.crop(rng, "foliage")
    sf, sc = fields.crop(rng, "streak_f"), fields.crop(rng, "streak_c")
    gy = fields.crop(rng, "grain", flip=False)
    # --- grass blades in the foreground (ImageDraw, C speed) ---
    blades = Image.new("L", (W, H), 128)
    db = ImageDraw.Draw(blades)
    y_top = int((hz + 0.06) * H)
    n_bl = int(18000 * s * s) + 1500
    ys = y_top + (H - y_top) * np.sqrt(rng.uniform(0, 1, n_bl))
    xs = rng.uniform(-0.02, 1.02, n_bl) * W
    dep = (ys - y_top) / (H - y_top)
    lens = (20 + 260 * dep ** 1.6) * s * rng.uniform(0.5, 1.3, n_bl)
    angs = rng.normal(0, 0.25, n_bl)
    wid = np.maximum(1, (1 + 5 * dep * rng.uniform(0.4, 1.2, n_bl)) * s).astype(int)
    shade = np.clip(128 + rng.normal(20, 45, n_bl), 20, 250).astype(int)
    for x, y, ln, a, wd, sh in zip(xs.tolist(), ys.tolist(), lens.tolist(), angs.tolist(), wid.tolist(), shade.tolist()):
        db.line([(x, y), (x + 0.5 * ln * math.sin(a), y - 0.55 * ln),
                 (x + ln * math.sin(a * 1.6), y - ln * math.cos(a))], fill=sh, width=wd)
    blades = np.asarray(blades)
    # --- termite mound on the right, mid-ground (blades overlap its base) ---
    mx, my = rng.uniform(0.7, 0.85) * W, (hz + rng.uniform(0.12, 0.18)) * H
    mh, mw = rng.uniform(0.1, 0.16) * H, rng.uniform(0.05, 0.07) * W
    pts = []
    for k in range(41):  # rounded cone with a lumpy outline
        u = k / 40
        x = mx - mw + 2 * mw * u
        prof = (1 - abs(2 * u - 1) ** 1.6) ** 0.9 * (1 - 0.25 * max(0, u - 0.5))
        pts.append((x, my - mh * prof * (1 + 0.05 * math.sin(17 * u + hz * 40))))
    pts += [(mx + mw, my + 0.02 * H), (mx - mw, my + 0.02 * H)]
    mound = Image.new("L", (W, H), 0)
    ImageDraw.Draw(mound).polygon(pts, fill=255)
    mound_sl = _bbox(mound, 2)
    mound = np.asarray(mound)
    # --- mid-distance acacias: flat-topped umbrella canopies on thin trunks ---
    acacia = Image.new("L", (W, H), 0)
    da = ImageDraw.Draw(acacia)
    for _ in range(int(rng.integers(2, 5))):
        ax = rng.uniform(0.3, 0.95) * W
        base_y = float(np.interp(ax, xf, hz_f[0]))
        th = rng.uniform(0.07, 0.15) * H
        cw = th * rng.uniform(1.2, 2.0)
        tw = max(2, int(th * 0.05))
        top = (ax + rng.uniform(-0.1, 0.1) * th, base_y - th * 0.82)
        da.line([(ax, base_y), top], fill=255, width=tw)
        da.line([top, (top[0] - cw * 0.3, top[1] - th * 0.1)], fill=255, width=max(1, tw // 2))
        da.line([top, (top[0] + cw * 0.3, top[1] - th * 0.08)], fill=255, width=max(1, tw // 2))
        for k in range(9):
            ex = top[0] + rng.uniform(-0.45, 0.45) * cw
            ey = base_y - th * rng.uniform(0.82, 0.97)
            ew, eh = cw * rng.uniform(0.18, 0.38), th * rng.uniform(0.06, 0.12)
            da.ellipse([ex - ew, ey - eh, ex + ew, ey + eh], fill=255)
    acacia_sl = _bbox(acacia)
    acacia = np.asarray(acacia)
    # trunk on the left edge: x of its right edge for every row
    ygr_all = np.arange(H, dtype=F32)[:, None] / H
    edge_all = (0.07 + 0.02 * ygr_all + 0.006 * np.sin(ygr_all * 9)) * W
    xw = int(edge_all.max()) + 8
    hfall = np.exp(-(((xf[None, :] - W / 2) / (0.65 * W)) ** 2))
    vig_x = ((xf[None, :] - W / 2) / W) ** 2
    lumw = np.array([0.3, 0.45, 0.25], F32)
    g = fields.grain
    out = np.empty((H, W) if night else (H, W, 3), np.uint8)

    def cut(sl, r0, r1):
        """Intersect a (rows, cols) bbox with band rows r0:r1 -> (band-local slice, global slice)."""
        if sl is None or sl[0].stop <= r0 or sl[0].start >= r1:
            return None, None
        a0, a1 = max(sl[0].start, r0), min(sl[0].stop, r1)
        return (slice(a0 - r0, a1 - r0), sl[1]), (slice(a0, a1), sl[1])

    # --- compose in horizontal bands: small temporaries stay in cache, no page-fault storm ---
    band = 96
    for r0 in range(0, H, band):
        r1 = min(r0 + band, H)
        rows = slice(r0, r1)
        yf = np.arange(r0, r1, dtype=F32)[:, None]
        full = plan8[rows].astype(F32)
        depth_f = np.clip((yf - hz_f) / (H - hz_f), 0, 1)
        mg = np.clip((yf - hz_f) / 4 + 0.5, 0, 1)
        lum = sf[rows] * (1 - depth_f)
        lum += sc[rows] * depth_f
        lum *= mg * (0.10 + 0.16 * depth_f)  # grass texture grows toward the camera
        mt = np.clip((yf - tl_f) / 3 + 0.5, 0, 1) * (1 - mg)
        lum += mt * 0.28 * fol[rows]  # treeline foliage
        lum += mg * (0.35 / 128) * (blades[rows].astype(F32) - 128)  # blades: bright stems, dark gaps
        bl, gl = cut(mound_sl, r0, r1)
        if bl:
            mm = mound[gl].astype(F32) / 255
            base_fade = np.clip((yf[bl[0]] - (my - 0.35 * mh)) / (0.35 * mh), 0, 1)  # grass in front
            lit = np.clip(1.15 - 0.6 * (xf[None, gl[1]] - (mx - mw)) / (2 * mw), 0.55, 1.15)
            mcol = np.array([168, 104, 70], F32) * (lit * (1 + 0.22 * sc[gl]))[..., None]
            full[bl] += (mcol - full[bl]) * (mm * (1 - 0.7 * base_fade))[..., None]
            lum[bl] *= 1 - mm * (1 - base_fade)
        vig = 1 - 0.56 * (vig_x + ((yf - H / 2) / H) ** 2)
        lum += 1
        lum *= vig
        full *= lum[..., None]
        bl, gl = cut(acacia_sl, r0, r1)
        if bl:
            ma = acacia[gl].astype(F32) / 255 * np.clip(2.4 + 0.9 * fol[gl], 0, 1)  # ragged edges
            acol = np.array([44, 54, 32], F32) * ((1 + 0.35 * fol[gl]) * vig[bl])[..., None]
            full[bl] += (acol - full[bl]) * ma[..., None]
        # tree trunk on the left edge
        edge = edge_all[rows]
        xt = xf[None, :xw]
        tm = np.clip((edge - xt) / (3 * s + 1) + 0.5, 0, 1)
        shading = np.clip(0.45 + 0.9 * np.sin(np.clip(xt / edge, 0, 1) * math.pi * 0.9), 0.2, 1.15)
        bark = 1 + sc[rows, :xw] * 0.35 + sf[rows, :xw] * 0.25
        trunk = np.array([96, 84, 72], F32) * (shading * bark)[..., None]
        full[:, :xw] += (trunk - full[:, :xw]) * tm[..., None]
        # sensor grain (luma + a little chroma) -> photographic entropy
        if night:
            # IR flash: lights the near grass and the trunk; the distance and the sky stay dark
            flash = hfall * (0.12 + mg * (0.35 + 1.3 * depth_f ** 1.1))
            flash[:, :xw] = np.maximum(flash[:, :xw], 0.7 * tm)
            y = full @ lumw
            y *= flash
            y += 7 * gy[rows]
            np.clip(y, 0, 255, out=y)
            out[rows] = y
        else:
            full += (5.0 * gy[rows])[..., None]
            full[..., 0] += 1.5 * g[7 + r0:7 + r1, 3:3 + W]
            full[..., 2] += 1.5 * g[2 + r0:2 + r1, 11:11 + W]
            np.clip(full, 0, 255, out=full)
            out[rows] = full
    return Image.fromarray(out)


def night_eyes(img, rng, n=2):
    """Eye-shine pairs (an animal at night): the classic IR camera-trap tell."""
    d = ImageDraw.Draw(img)
    W, H = img.size
    for _ in range(n):
        x, y = rng.uniform(0.3, 0.7) * W, rng.uniform(0.45, 0.6) * H
        r, gap = max(2, W // 600), max(6, W // 130)
        for dx in (-gap / 2, gap / 2):
            d.ellipse([x + dx - r, y - r, x + dx + r, y + r], fill=250)


# ---------------------------------------------------------------------------------------------
# Writing files
# ---------------------------------------------------------------------------------------------
def jpeg_bytes(img, quality=90, exif=b""):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, exif=exif, subsampling="4:2:0" if img.mode == "RGB" else -1)
    return buf.getvalue()


def write_atomic(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


# Site coordinates: a savanna reserve in northern Botswana (Okavango/Moremi area), ~950 m AMSL.
DRONE_SITE = dict(lat=-19.21347, lon=23.62182)
CAM_SITE = dict(lat=-19.18826, lon=23.58741, alt=948.0)
OFFSET = "+02:00"

DRONE_FRAMES = [
    # name, local time, flight altitude above ground, spec, what it shows
    dict(name="DJI_20240914061203_0001_T.JPG", time=(2024, 9, 14, 6, 12, 3), agl=60.2,
         desc="3 people walking in file on a two-track near the road + 1 pickup on the road",
         spec=dict(road=[(-20, 380), (200, 330), (420, 350), (660, 280)], road_width=16,
                   track=[(260, -20), (300, 160), (250, 340)], trees=7, bushes=70, rocks=5,
                   people=[(286, 120, 22), (298, 148, 20), (292, 177, 23)],
                   vehicles=[(0.62, 1, "pickup", 44)])),
    dict(name="DJI_20240914061418_0002_T.JPG", time=(2024, 9, 14, 6, 14, 18), agl=85.0,
         desc="group of 4 people in the bush by a dry river bed, no vehicle",
         spec=dict(river=[(-30, 120), (180, 210), (380, 170), (680, 260)], trees=12, bushes=110,
                   rocks=6, mounds=3, people=[(210, 330, 17), (236, 342, 16), (226, 366, 18), (470, 410, 15)])),
    dict(name="DJI_20240914061655_0003_T.JPG", time=(2024, 9, 14, 6, 16, 55), agl=70.5,
         desc="vehicles only: car, SUV and truck on a road junction area, no people",
         spec=dict(road=[(120, -20), (180, 180), (300, 330), (360, 540)], road_width=20,
                   track=[(-20, 250), (200, 250), (420, 200), (660, 210)], grid=True, trees=6,
                   bushes=50, rocks=4, people=[],
                   vehicles=[(0.18, 1, "car", 34), (0.5, -1, "suv", 38), (0.8, 1, "truck", 58)])),
    dict(name="DJI_20240914062031_0004_T.JPG", time=(2024, 9, 14, 6, 20, 31), agl=90.0,
         desc="empty: bush, trees, warm boulders and termite mounds, no people or vehicles",
         spec=dict(river=[(300, -30), (340, 200), (260, 360), (320, 540)], track=[(-20, 420), (640, 380)],
                   trees=14, bushes=130, rocks=9, mounds=5, people=[], vehicles=[])),
    dict(name="DJI_20240914214705_0005_T.JPG", time=(2024, 9, 14, 21, 47, 5), agl=55.0,
         desc="night: 2 people beside a car with a hot engine, stopped on the road",
         spec=dict(night=True, road=[(-20, 150), (250, 250), (450, 240), (660, 330)], road_width=14,
                   trees=8, bushes=60, rocks=3, people=[(330, 300, 24), (352, 306, 25)],
                   vehicles=[(0.52, 1, "car", 40)])),
    dict(name="DJI_20240914215212_0006_T.png", time=(2024, 9, 14, 21, 52, 12), agl=48.0,
         desc="night, PNG (8-bit gray): 1 person on foot and a 2nd pickup further along the road",
         spec=dict(night=True, road=[(200, -20), (260, 200), (230, 400), (300, 540)], road_width=15,
                   trees=9, bushes=70, rocks=2, people=[(420, 180, 26)],
                   vehicles=[(0.72, -1, "pickup", 48)])),
]


def make_drone(out, seed, log):
    rows = []
    for i, fr in enumerate(DRONE_FRAMES):
        rng = np.random.default_rng([seed, 1, i])
        img, boxes = thermal_frame(rng, fr["spec"])
        t = dt.datetime(*fr["time"])
        alt = 951.0 + fr["agl"]
        ex = build_exif("DJI", "M30T", t, OFFSET, DRONE_SITE["lat"] + i * 0.0011, DRONE_SITE["lon"] + i * 0.0007,
                        alt, size=(TW, TH), software="10.01.16.00", little_endian=True)
        rel = "ridge-north/drone01/" + fr["name"]
        path = os.path.join(out, rel)
        pim = Image.fromarray(img)  # mode L
        buf = io.BytesIO()
        if fr["name"].lower().endswith(".png"):
            pim.save(buf, "PNG", exif=ex, optimize=False, compress_level=9)
        else:
            pim.save(buf, "JPEG", quality=92, exif=ex)
        write_atomic(path, buf.getvalue())
        check_exif(path, dict(make="DJI", model="M30T", orientation=1, time=t, offset=OFFSET,
                              lat=DRONE_SITE["lat"] + i * 0.0011, lon=DRONE_SITE["lon"] + i * 0.0007, alt=alt))
        for cls, x, y, w, h in boxes:
            rows.append((rel, cls, x / TW, y / TH, w / TW, h / TH, (x, y, w, h)))
        log(f"  {rel}: {len(boxes)} targets")
    return rows


CAM_FILES = [
    # name, size (upright), orientation, night, time, what
    dict(name="RCNX0001.JPG", size=(4000, 3000), orientation=1, night=False, time=(2024, 9, 14, 6, 41, 9),
         desc="12-megapixel daylight colour photo (4000x3000), EXIF Make/Model/time/GPS"),
    dict(name="RCNX0002.JPG", size=(1920, 1080), orientation=1, night=True, time=(2024, 9, 14, 2, 13, 47),
         desc="night infrared, 1920x1080 8-bit grayscale, with an eye-shine pair"),
    dict(name="RCNX0003.jpeg", size=(1280, 960), orientation=6, night=False, time=(2024, 9, 14, 7, 2, 30),
         desc="stored sideways (960x1280 pixels), EXIF Orientation 6: rotate 90 deg clockwise to view"),
    dict(name="RCNX0004.jpg", size=(1280, 960), orientation=8, night=False, time=(2024, 9, 14, 7, 2, 31),
         desc="stored sideways the other way, EXIF Orientation 8: rotate 90 deg counter-clockwise to view"),
    dict(name="RCNX0005.JPEG", size=(1280, 960), orientation=3, night=False, time=(2024, 9, 14, 7, 2, 32),
         desc="stored upside down, EXIF Orientation 3: rotate 180 deg to view"),
]
# Orientation -> how to store the upright picture so that a correct viewer shows it upright.
STORE = {1: None, 3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}
CORRUPT = dict(name="DCIM_corrupt_0007.JPG", size=(1280, 960), time=(2024, 9, 14, 7, 15, 0),
               desc="truncated JPEG: a valid 1280x960 JPEG cut to the first half of its bytes (no EOI)")


def _cam_meta(fr, i):
    t = dt.datetime(*fr["time"])
    temp = 14 + (fr["time"][3] - 2) // 2 if fr["time"][3] >= 2 else 13
    top = ("RIVER-CAMP  CAM03", t.strftime("%Y-%m-%d %H:%M:%S"), f"{temp}\u00b0C  M 1/3")
    bottom = f"HP2X  #{i + 1:04d}  {'IR' if fr.get('night') else 'DAY'}  {abs(CAM_SITE['lat']):.4f}S {CAM_SITE['lon']:.4f}E"
    return t, top, bottom


def make_camera(out, seed, log):
    info = []
    fields_cache = {}
    for i, fr in enumerate(CAM_FILES + [CORRUPT]):
        rng = np.random.default_rng([seed, 2, i])
        W, H = fr["size"]
        key = (W, H)
        if key not in fields_cache:
            fields_cache[key] = Fields(np.random.default_rng([seed, 3, W, H]), W, H)
        img = camera_scene(rng, W, H, fields_cache[key], night=fr.get("night", False),
                              season=[0.15, 0.5, 0.3, 0.6, 0.05, 0.4][i])
        t, top, bottom = _cam_meta(fr, i)
        if fr.get("night"):
            night_eyes(img, rng, 1)
        _info_bar(img, top, bottom, night=fr.get("night", False))
        orient = fr.get("orientation", 1)
        if STORE.get(orient):
            img = img.transpose(STORE[orient])
        ex = build_exif("RECONYX", "HP2X", t, OFFSET, CAM_SITE["lat"], CAM_SITE["lon"], CAM_SITE["alt"],
                        orientation=orient, size=img.size, little_endian=False)
        data = jpeg_bytes(img, quality=90, exif=ex)
        rel = "river-camp/cam03/" + fr["name"]
        path = os.path.join(out, rel)
        if fr is CORRUPT:
            data = data[: len(data) // 2]
            write_atomic(path, data)
        else:
            write_atomic(path, data)
            check_exif(path, dict(make="RECONYX", model="HP2X", orientation=orient, time=t, offset=OFFSET,
                                  lat=CAM_SITE["lat"], lon=CAM_SITE["lon"], alt=CAM_SITE["alt"]))
        info.append((rel, img.size))
        log(f"  {rel}: stored {img.size[0]}x{img.size[1]}, {len(data) / 1e6:.2f} MB")
    return info


def write_expected(out, rows):
    with open(os.path.join(out, "expected.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "class", "x", "y", "w", "h"])
        for rel, cls, x, y, ww, hh, _ in rows:
            w.writerow([rel, cls, f"{x:.4f}", f"{y:.4f}", f"{ww:.4f}", f"{hh:.4f}"])


def write_sources(out, seed, rows):
    def size(rel):
        return os.path.getsize(os.path.join(out, rel))

    L = []
    L.append("# SampleImages: where every file comes from\n")
    L.append("Every image in this folder is **synthetic**, drawn from scratch by `scripts/make_samples.py` "
             f"(numpy noise + Pillow drawing, fixed seed `{seed}`; per-file seeds are "
             "`numpy.random.default_rng([seed, group, index])`). No pixel comes from a photograph or from "
             "any data set (in particular nothing from the training data in `shared/data/`). "
             "Regenerate byte-identically with:\n")
    L.append("```\npython scripts/make_samples.py          # rewrite SampleImages/\n"
             "python scripts/make_samples.py --check  # regenerate elsewhere and compare\n```\n")
    L.append("(with the pinned `pillow==13.0.0` and `numpy==2.4.6` from `scripts/requirements.txt`; other "
             "versions may change the JPEG bytes, not the content).\n")
    L.append("**License**: generated by the project, dedicated to the public domain under **CC0 1.0** "
             "(you may also use them under the repository's license). The only third-party input is the text "
             "font burned into the camera-trap info strips: Pillow's built-in default font "
             "(`ImageFont.load_default(size)`, *Aileron Regular* by Sora Sagano / dotcolon, CC0 1.0), which "
             "ships inside the Pillow wheel (PyPI `pillow`).\n")
    L.append("Layout is `<site>/<camera>/<file>`: the scan takes the site and camera from the first two "
             "folder levels. `expected.csv` and this file are not images.\n")
    L.append("## ridge-north/drone01: thermal drone frames (DJI M30T-like)\n")
    L.append("640x512, 8-bit grayscale (white = warm), like a radiometric drone camera's AGC output. Cool "
             "textured savanna ground (multi-octave noise, vegetation patches, roads, two-track paths, dry "
             "river beds), warm bushes/trees with cool shadows, sun-warmed boulders and termite mounds as "
             "distractors. **People**: small bright blobs (about 7-14 px wide, 15-27 px tall) with a brighter "
             "head, optical halo and a short cool shadow. **Vehicles**: warm rectangles 34-58 px long with a hot "
             "engine block, cool glass, warm wheels. Sensor blur, column fixed-pattern noise, vignetting, "
             "temporal noise. EXIF (little-endian): Make `DJI`, Model `M30T`, DateTimeOriginal + "
             "OffsetTimeOriginal `+02:00`, GPS (S/E refs, deg/min/sec rationals, sec /10000, altitude AMSL /100), "
             "GPS UTC date/time. Every target is listed in `expected.csv` (`file,class,x,y,w,h`, normalized "
             "to 0..1, top-left corner + size, MegaDetector's convention); a drone frame with no rows there is "
             "empty.\n")
    L.append("| file | bytes | shows | targets (pixel boxes x,y,w,h) |\n|---|---|---|---|")
    for fr in DRONE_FRAMES:
        rel = "ridge-north/drone01/" + fr["name"]
        tg = "; ".join(f"{c} {b[0]},{b[1]},{b[2]},{b[3]}" for r, c, *_, b in rows if r == rel) or "none (empty)"
        L.append(f"| `{fr['name']}` | {size(rel):,} | {fr['desc']} | {tg} |")
    L.append("")
    L.append("## river-camp/cam03: camera-trap photos (Reconyx HP2X-like)\n")
    L.append("Savanna view from a post-mounted camera: sky with clouds and sun glare (top-left), a treeline "
             "and flat-topped acacias on the horizon, dry grass with perspective-scaled texture and "
             "thousands of drawn grass blades, a tree trunk on the LEFT edge, a termite mound on the RIGHT, "
             "and a black info strip at top and bottom with text and an up-arrow (bottom-right). The "
             "asymmetry makes a wrong rotation obvious: upright, the sky is at the top, the trunk on the "
             "left and the text reads left-to-right. EXIF (big-endian): Make `RECONYX`, Model `HP2X`, "
             "Orientation, DateTimeOriginal + OffsetTimeOriginal `+02:00`, GPS. These frames contain **no** "
             "people, vehicles or animals (apart from the eye-shine in the night frame, too small to box), "
             "so a detector should report them empty.\n")
    L.append("| file | bytes | stored pixels | shows |\n|---|---|---|---|")
    for fr in CAM_FILES + [CORRUPT]:
        rel = "river-camp/cam03/" + fr["name"]
        w, h = fr["size"]
        if fr.get("orientation") in (6, 8):
            w, h = h, w
        L.append(f"| `{fr['name']}` | {size(rel):,} | {w}x{h} | {fr['desc']} |")
    L.append("")
    L.append("## Formats covered\n")
    L.append("- extensions: `.JPG`, `.jpg`, `.jpeg`, `.JPEG`, `.png`\n"
             "- JPEG baseline 4:2:0 colour (quality 90) and 8-bit grayscale; PNG 8-bit grayscale with an "
             "`eXIf` chunk\n"
             "- EXIF in both byte orders (`II` drone, `MM` camera trap); Orientation 1, 3, 6, 8\n"
             "- one failure: `river-camp/cam03/DCIM_corrupt_0007.JPG` ends in the middle of the entropy-coded "
             "data (no EOI marker); its headers and EXIF are intact, so it opens and its metadata reads, but "
             "decoding fails. libjpeg only *warns* (`Premature end of JPEG file`, `djpeg` exits 2) and pads "
             "the rest with gray, so the reader must treat that warning as an error for the scan to report "
             "a failure.\n")
    L.append("## expected.csv\n")
    L.append("`file,class,x,y,w,h`: one row per synthetic target in the drone frames, `file` relative to this "
             "folder, `class` `person` or `vehicle`, box = tight bounds of the target's opaque pixels "
             "(alpha > 0.3, halo and shadow excluded) normalized by 640x512, 4 decimals. It covers every file "
             "in `ridge-north/drone01/`; the camera-trap frames have no targets.\n")
    with open(os.path.join(out, "SOURCES.md"), "w") as f:
        f.write("\n".join(L))


def make_card(out, seed=SEED, quiet=False):
    def log(m):
        if not quiet:
            print(m, file=sys.stderr)

    t0 = time.perf_counter()
    os.makedirs(out, exist_ok=True)
    rows = make_drone(out, seed, log)
    t1 = time.perf_counter()
    make_camera(out, seed, log)
    t2 = time.perf_counter()
    write_expected(out, rows)
    write_sources(out, seed, rows)
    log(f"drone {t1 - t0:.1f}s, camera {t2 - t1:.1f}s, total {time.perf_counter() - t0:.1f}s")
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "SampleImages"))
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--check", action="store_true",
                    help="regenerate into a temporary folder and compare byte-for-byte with --out")
    a = ap.parse_args(argv)
    if a.check:
        with tempfile.TemporaryDirectory() as tmp:
            make_card(tmp, a.seed, quiet=True)
            bad = []
            for d, _, files in os.walk(tmp):
                for fn in files:
                    rel = os.path.relpath(os.path.join(d, fn), tmp)
                    other = os.path.join(a.out, rel)
                    if not os.path.exists(other) or not filecmp.cmp(os.path.join(d, fn), other, shallow=False):
                        bad.append(rel)
            if bad:
                print("differs: " + ", ".join(sorted(bad)), file=sys.stderr)
                return 1
            print("SampleImages is up to date", file=sys.stderr)
            return 0
    rows = make_card(a.out, a.seed)
    for rel, cls, *_, b in rows:
        print(f"{rel},{cls},{b[0]},{b[1]},{b[2]},{b[3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
