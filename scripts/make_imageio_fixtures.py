#!/usr/bin/env python3
"""Generates the ImageIO test fixtures in Tests/ImageIOTests/Fixtures.

Run with a Python that has Pillow and numpy (e.g. /work/main/.venv/bin/python):

    python scripts/make_imageio_fixtures.py

Outputs are committed; tests never run Python. For every image `NAME.jpg|png` the expected
decoded pixels are written to `NAME.rgb`: raw 8-bit RGB, rows top to bottom, no header
(width and height are in the file name).

- JPEG references come from Pillow's decoder (an independent libjpeg-turbo build), converted
  to RGB; DCT-scaled references come from `djpeg -scale M/8 -dct int`, and the arithmetic-coded
  file from `jpegtran -arithmetic`, when libjpeg-turbo-progs is installed.
- PNG files are written by the small encoder below (every colour type, bit depth, filter
  type, tRNS, Adam7) and their references are computed from the source arrays with the rules
  ImageIO documents: 16-bit samples -> round(v / 257), alpha over black -> round(c * a / 255).
  Each PNG is also decoded with Pillow as a check on the encoder.
"""

import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

import numpy as np
from PIL import Image, ImageOps

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "ImageIOTests", "Fixtures")


def save_bytes(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def save_rgb(name, array):
    array = np.asarray(array, dtype=np.uint8)
    assert array.ndim == 3 and array.shape[2] == 3, array.shape
    save_bytes(name, array.tobytes())


# MARK: - Source patterns


def pattern_rgb(width, height):
    """Gradients in R and G, a 4-pixel checkerboard in B: detail that chroma subsampling and
    the IDCT must get right."""
    y, x = np.mgrid[0:height, 0:width]
    r = x * 255 // max(width - 1, 1)
    g = y * 255 // max(height - 1, 1)
    b = np.where(((x // 4) + (y // 4)) % 2 == 0, 40, 210)
    return np.stack([r, g, b], axis=-1).astype(np.uint8)


def smooth_rgb(width, height):
    """Slow gradients only, so scaled decodes by different decoders agree closely."""
    y, x = np.mgrid[0:height, 0:width]
    r = 30 + x * 190 // max(width - 1, 1)
    g = 220 - y * 180 // max(height - 1, 1)
    b = 60 + (x + y) * 120 // max(width + height - 2, 1)
    return np.stack([r, g, b], axis=-1).astype(np.uint8)


def pattern16(width, height, channels, seed):
    """Full-range 16-bit samples (deterministic), so low bytes matter when scaling to 8 bits."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 65536, size=(height, width, channels), dtype=np.uint32)


def pattern8(width, height, channels, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(height, width, channels), dtype=np.uint32)


# MARK: - JPEG fixtures


def pil_rgb(data):
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"))


def jpeg_bytes(image, **params):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **params)
    return buffer.getvalue()


def make_jpeg(name, image, **params):
    data = jpeg_bytes(image, **params)
    save_bytes(name + ".jpg", data)
    save_rgb(name + ".rgb", pil_rgb(data))
    return data


def djpeg_scaled(data, scale_num):
    """djpeg's decode at scale_num/8 as an RGB array, or None without djpeg."""
    if shutil.which("djpeg") is None:
        return None
    result = subprocess.run(
        ["djpeg", "-scale", f"{scale_num}/8", "-dct", "int", "-rgb", "-pnm"],
        input=data, capture_output=True, check=True)
    with Image.open(io.BytesIO(result.stdout)) as image:
        return np.asarray(image.convert("RGB"))


def make_jpegs():
    make_jpeg("jpeg_baseline_420_16x12", Image.fromarray(pattern_rgb(16, 12)),
              quality=90, subsampling="4:2:0")
    make_jpeg("jpeg_baseline_420_33x17", Image.fromarray(pattern_rgb(33, 17)),
              quality=90, subsampling="4:2:0")
    make_jpeg("jpeg_baseline_444_33x17", Image.fromarray(pattern_rgb(33, 17)),
              quality=95, subsampling="4:4:4")
    make_jpeg("jpeg_progressive_33x17", Image.fromarray(pattern_rgb(33, 17)),
              quality=90, progressive=True)
    gray = pattern_rgb(33, 17)[:, :, 0] // 2 + pattern_rgb(33, 17)[:, :, 2] // 2
    make_jpeg("jpeg_gray_33x17", Image.fromarray(gray.astype(np.uint8), "L"), quality=90)
    cmyk = Image.fromarray(pattern_rgb(16, 12)).convert("CMYK")
    make_jpeg("jpeg_cmyk_16x12", cmyk, quality=95)
    # A larger progressive file (several scans) for truncation tests.
    make_jpeg("jpeg_progressive_64x48", Image.fromarray(pattern_rgb(64, 48)),
              quality=85, progressive=True)

    # Restart markers every MCU row (decoders must resync at each RSTn).
    make_jpeg("jpeg_restart_33x17", Image.fromarray(pattern_rgb(33, 17)), quality=90,
              restart_marker_rows=1)
    # Arithmetic coding: a lossless transcode of the baseline file, so the reference is the
    # baseline's.
    if shutil.which("jpegtran") is not None:
        with open(os.path.join(OUT, "jpeg_baseline_420_33x17.jpg"), "rb") as f:
            baseline = f.read()
        arithmetic = subprocess.run(["jpegtran", "-arithmetic"], input=baseline,
                                    capture_output=True, check=True).stdout
        save_bytes("jpeg_arithmetic_33x17.jpg", arithmetic)
    else:
        print("jpegtran not found: skipping the arithmetic-coded fixture", file=sys.stderr)

    # DCT scaling: a smooth 64x48 image, references at several M/8.
    data = make_jpeg("jpeg_smooth_64x48", Image.fromarray(smooth_rgb(64, 48)), quality=92)
    for scale_num in (1, 2, 3, 4, 6):
        scaled = djpeg_scaled(data, scale_num)
        if scaled is None:
            print("djpeg not found: skipping scaled references", file=sys.stderr)
            break
        h, w = scaled.shape[:2]
        save_rgb(f"jpeg_smooth_64x48_scale{scale_num}_{w}x{h}.rgb", scaled)

    # Orientation: four flat 32x16 quadrants (aligned to 16x16 MCUs so colours stay clean).
    quadrants = np.zeros((32, 64, 3), dtype=np.uint8)
    quadrants[:16, :32] = (230, 20, 20)    # top-left red
    quadrants[:16, 32:] = (20, 200, 20)    # top-right green
    quadrants[16:, :32] = (20, 20, 230)    # bottom-left blue
    quadrants[16:, 32:] = (240, 240, 240)  # bottom-right white
    save_bytes("jpeg_quadrants_64x32.jpg",
               jpeg_bytes(Image.fromarray(quadrants), quality=95, subsampling="4:4:4"))

    # EXIF written by Pillow (an independent TIFF writer) for the parser to read back.
    image = Image.fromarray(smooth_rgb(16, 12))
    exif = Image.Exif()
    exif[0x010F] = "Reconyx"
    exif[0x0110] = "HyperFire 2"
    exif[0x0112] = 6
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0x9003] = "2024:05:01 06:12:09"
    exif_ifd[0x9011] = "+02:00"
    gps = exif.get_ifd(0x8825)
    gps[1] = "S"
    gps[2] = (33.0, 51.0, 54.36)
    gps[3] = "E"
    gps[4] = (151.0, 12.0, 36.0)
    gps[5] = b"\x01"
    gps[6] = 12.5
    save_bytes("jpeg_exif_pillow_16x12.jpg", jpeg_bytes(image, quality=90, exif=exif))


# MARK: - PNG encoder


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_row(samples, bit_depth):
    """One row of samples (flattened channels) as bytes, MSB-first for depths below 8."""
    if bit_depth == 16:
        return b"".join(struct.pack(">H", int(v)) for v in samples)
    if bit_depth == 8:
        return bytes(int(v) for v in samples)
    per_byte = 8 // bit_depth
    out = bytearray()
    for start in range(0, len(samples), per_byte):
        byte = 0
        group = samples[start:start + per_byte]
        for i, v in enumerate(group):
            byte |= int(v) << (8 - bit_depth * (i + 1))
        out.append(byte)
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_row(kind, row, previous, bpp):
    out = bytearray([kind])
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = previous[i] if previous is not None else 0
        c = previous[i - bpp] if previous is not None and i >= bpp else 0
        predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
        out.append((x - predictor) & 0xFF)
    return bytes(out)


def image_data(samples, bit_depth, channels):
    """Filtered scanlines of a (h, w, channels) array, cycling through all five filters."""
    height, width = samples.shape[:2]
    bpp = max(1, channels * bit_depth // 8)
    previous = None
    out = bytearray()
    for y in range(height):
        row = pack_row(samples[y].reshape(-1), bit_depth)
        out += filter_row(y % 5, row, previous, bpp)
        previous = row
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
         (0, 1, 1, 2)]


def encode_png(samples, bit_depth, color_type, palette=None, trns=None, interlaced=False,
               extra_chunks=()):
    height, width, channels = samples.shape
    if interlaced:
        raw = b""
        for x0, y0, dx, dy in ADAM7:
            sub = samples[y0::dy, x0::dx]
            if sub.shape[0] and sub.shape[1]:
                raw += image_data(sub, bit_depth, channels)
    else:
        raw = image_data(samples, bit_depth, channels)
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0,
                       1 if interlaced else 0)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
    if palette is not None:
        out += chunk(b"PLTE", bytes(np.asarray(palette, dtype=np.uint8).reshape(-1)))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    for kind, data in extra_chunks:
        out += chunk(kind, data)
    compressed = zlib.compress(raw, 9)
    # Split the image data over two IDAT chunks, as streaming encoders do.
    middle = len(compressed) // 2
    out += chunk(b"IDAT", compressed[:middle]) + chunk(b"IDAT", compressed[middle:])
    return out + chunk(b"IEND", b"")


# MARK: - PNG references


def to8(values, bit_depth):
    values = np.asarray(values, dtype=np.int64)
    if bit_depth == 16:
        return (values * 255 + 32767) // 65535  # round(v / 257)
    if bit_depth == 8:
        return values
    return values * 255 // ((1 << bit_depth) - 1)  # exact: low depths scale to 0...255


def over_black(rgb8, alpha8):
    rgb8 = np.asarray(rgb8, dtype=np.int64)
    alpha8 = np.asarray(alpha8, dtype=np.int64)[..., None]
    return (rgb8 * alpha8 + 127) // 255


def check_with_pillow(name, data, expected_rgba8):
    """Pillow's RGBA decode of an 8-bit-or-less PNG must equal the expected RGBA."""
    with Image.open(io.BytesIO(data)) as image:
        rgba = np.asarray(image.convert("RGBA"), dtype=np.int64)
    if not np.array_equal(rgba, expected_rgba8):
        raise SystemExit(f"{name}: Pillow disagrees with the source array")


def make_png(name, samples, bit_depth, color_type, expected_rgb, rgba_for_pillow=None,
             **params):
    data = encode_png(samples, bit_depth, color_type, **params)
    if rgba_for_pillow is not None:
        check_with_pillow(name, data, rgba_for_pillow)
    save_bytes(name + ".png", data)
    save_rgb(name + ".rgb", expected_rgb)
    return data


def opaque(rgb8):
    alpha = np.full(rgb8.shape[:2] + (1,), 255, dtype=np.int64)
    return np.concatenate([np.asarray(rgb8, dtype=np.int64), alpha], axis=-1)


def make_pngs():
    # RGB 8-bit.
    rgb = pattern8(33, 17, 3, 1)
    make_png("png_rgb8_33x17", rgb, 8, 2, rgb, opaque(rgb))
    # RGB 16-bit (Pillow reads these by truncation, so no Pillow check).
    rgb16 = pattern16(16, 12, 3, 2)
    make_png("png_rgb16_16x12", rgb16, 16, 2, to8(rgb16, 16))
    # Gray 8, 16, 1, 2 and 4 bits.
    gray = pattern8(33, 17, 1, 3)
    make_png("png_gray8_33x17", gray, 8, 0, np.repeat(gray, 3, -1),
             opaque(np.repeat(gray, 3, -1)))
    gray16 = pattern16(16, 12, 1, 4)
    make_png("png_gray16_16x12", gray16, 16, 0, np.repeat(to8(gray16, 16), 3, -1))
    for depth in (1, 2, 4):
        low = np.random.default_rng(10 + depth).integers(0, 1 << depth, size=(17, 33, 1))
        expanded = np.repeat(to8(low, depth), 3, -1)
        make_png(f"png_gray{depth}_33x17", low, depth, 0, expanded, opaque(expanded))
    # Gray + alpha, 8 and 16 bits.
    graya = pattern8(16, 12, 2, 5)
    g3 = np.repeat(graya[..., :1], 3, -1)
    make_png("png_graya8_16x12", graya, 8, 4, over_black(g3, graya[..., 1]),
             np.concatenate([g3, graya[..., 1:]], -1))
    graya16 = pattern16(16, 12, 2, 6)
    g16 = np.repeat(to8(graya16[..., :1], 16), 3, -1)
    make_png("png_graya16_16x12", graya16, 16, 4, over_black(g16, to8(graya16[..., 1], 16)))
    # RGBA, 8 and 16 bits.
    rgba = pattern8(33, 17, 4, 7)
    make_png("png_rgba8_33x17", rgba, 8, 6, over_black(rgba[..., :3], rgba[..., 3]), rgba)
    rgba16 = pattern16(16, 12, 4, 8)
    make_png("png_rgba16_16x12", rgba16, 16, 6,
             over_black(to8(rgba16[..., :3], 16), to8(rgba16[..., 3], 16)))
    # Palette, 8-bit indices with a partial tRNS (entries past it are opaque).
    rng = np.random.default_rng(9)
    palette = rng.integers(0, 256, size=(40, 3))
    palette_alpha = rng.integers(0, 256, size=20)
    indices = rng.integers(0, 40, size=(17, 33, 1))
    alpha = np.concatenate([palette_alpha, np.full(20, 255)])[indices[..., 0]]
    colours = palette[indices[..., 0]]
    make_png("png_palette8_trns_33x17", indices, 8, 3, over_black(colours, alpha),
             np.concatenate([colours, alpha[..., None]], -1), palette=palette,
             trns=bytes(palette_alpha.astype(np.uint8)))
    # Palette with 2-bit indices, no transparency.
    small_palette = np.array([[0, 0, 0], [255, 0, 0], [0, 255, 0], [10, 20, 250]])
    small_indices = rng.integers(0, 4, size=(12, 16, 1))
    small_colours = small_palette[small_indices[..., 0]]
    make_png("png_palette2_16x12", small_indices, 2, 3, small_colours, opaque(small_colours),
             palette=small_palette)
    # RGB with a colour-key tRNS: exactly the key colour becomes transparent (black).
    keyed = pattern8(16, 12, 3, 11) // 64 * 64  # few distinct colours, so the key repeats
    key = keyed[0, 0]
    key_alpha = np.where(np.all(keyed == key, axis=-1), 0, 255)
    make_png("png_rgb8_trns_16x12", keyed, 8, 2, over_black(keyed, key_alpha),
             np.concatenate([keyed, key_alpha[..., None]], -1),
             trns=struct.pack(">HHH", *[int(v) for v in key]))
    # Gray 16-bit with a tRNS key.
    gray16_keyed = pattern16(16, 12, 1, 12) // 16384 * 16384
    gray_key = int(gray16_keyed[0, 0, 0])
    gray_key_alpha = np.where(gray16_keyed[..., 0] == gray_key, 0, 255)
    make_png("png_gray16_trns_16x12", gray16_keyed, 16, 0,
             over_black(np.repeat(to8(gray16_keyed, 16), 3, -1), gray_key_alpha),
             trns=struct.pack(">H", gray_key))
    # Adam7 interlaced: RGB 8-bit and RGBA 16-bit.
    interlaced = pattern8(33, 17, 3, 13)
    make_png("png_interlaced_rgb8_33x17", interlaced, 8, 2, interlaced, opaque(interlaced),
             interlaced=True)
    interlaced16 = pattern16(33, 17, 4, 14)
    make_png("png_interlaced_rgba16_33x17", interlaced16, 16, 6,
             over_black(to8(interlaced16[..., :3], 16), to8(interlaced16[..., 3], 16)),
             interlaced=True)
    # A 1x1 palette image with 1-bit depth (smallest legal case).
    make_png("png_palette1_1x1", np.zeros((1, 1, 1), dtype=np.int64), 1, 3,
             np.array([[[7, 8, 9]]]), opaque(np.array([[[7, 8, 9]]])),
             palette=np.array([[7, 8, 9]]))


def make_orientation_pngs():
    """A 5x3 image of distinct colours stored with each EXIF orientation in an eXIf chunk;
    the references are Pillow's ImageOps.exif_transpose of the decoded image."""
    base = np.arange(5 * 3 * 3, dtype=np.int64).reshape(3, 5, 3) * 5 + 10
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        tiff = exif.tobytes()  # b"Exif\0\0" + TIFF
        tiff = tiff[6:] if tiff.startswith(b"Exif\x00\x00") else tiff
        data = encode_png(base, 8, 2, extra_chunks=[(b"eXIf", tiff)])
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if image.getexif().get(0x0112) != orientation:
                raise SystemExit("Pillow did not read back the orientation")
            upright = np.asarray(ImageOps.exif_transpose(image).convert("RGB"))
        h, w = upright.shape[:2]
        save_bytes(f"png_orientation{orientation}_5x3.png", data)
        save_rgb(f"png_orientation{orientation}_5x3_upright_{w}x{h}.rgb", upright)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        if name.endswith((".jpg", ".png", ".rgb")):
            os.remove(os.path.join(OUT, name))
    make_jpegs()
    make_pngs()
    make_orientation_pngs()
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes, to {OUT}")


if __name__ == "__main__":
    main()
