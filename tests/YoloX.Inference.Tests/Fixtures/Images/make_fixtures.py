#!/usr/bin/python3
"""Writes the image-variant fixtures of ImageVariantTests with Pillow (Debian's python3-pil 9.4), independently of
SkiaSharp. Run from this folder: /usr/bin/python3 make_fixtures.py. The pixel patterns are the formulas the test
repeats to compute what the decoder must return; the files are committed so that CI needs no Python."""
import struct
import zlib

from PIL import Image, ImageOps

W, H = 32, 24

# CMYK blocks: one colour per aligned 8x8 JPEG block, so the DCT keeps it (up to rounding) at quality 100.
CMYK = [(0, 0, 0, 0), (255, 0, 0, 0), (0, 255, 0, 0), (0, 0, 255, 0),
        (0, 0, 0, 128), (64, 128, 192, 32), (200, 30, 90, 10), (10, 220, 40, 100),
        (128, 128, 128, 0), (0, 90, 180, 60), (255, 255, 0, 0), (30, 60, 90, 200)]


def cmyk_block(x, y):
    return CMYK[(y // 8) * (W // 8) + x // 8]


def grey(x, y):
    return (x * 8 + y * 3) % 256


def alpha(x, y):
    return (x * 5 + y * 11) % 256


def rgb(x, y):
    return ((x * 8) % 256, (y * 10) % 256, (x * 3 + y * 7) % 256)


def grey16(x, y):
    return (x * 2048 + y * 700 + 129) % 65536


def rgb16(x, y):
    return ((x * 2000 + 77) % 65536, (y * 2700 + 300) % 65536, (x * 900 + y * 1500 + 5) % 65536)


def image(mode, pixel):
    im = Image.new(mode, (W, H))
    im.putdata([pixel(x, y) for y in range(H) for x in range(W)])
    return im


def png16_rgb(path):
    """Pillow has no 16-bit RGB mode: write the PNG chunks by hand (bit depth 16, colour type 2)."""
    rows = b"".join(b"\0" + b"".join(struct.pack(">HHH", *rgb16(x, y)) for x in range(W)) for y in range(H))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 16, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


# Pillow writes CMYK JPEGs the Adobe way (inverted samples, APP14 marker), as Photoshop does.
image("CMYK", cmyk_block).save("cmyk.jpg", quality=100, subsampling=0)
image("L", grey).save("grey.png")
image("LA", lambda x, y: (grey(x, y), alpha(x, y))).save("grey_alpha.png")
image("RGBA", lambda x, y: rgb(x, y) + (alpha(x, y),)).save("rgba.png")
image("I;16", grey16).save("grey16.png")
png16_rgb("rgb16.png")

# EXIF orientation k: store the upright pattern transformed by the inverse of what a viewer applies for k, so that
# every file shows the same upright 32x24 picture. Blocks of 8x8 one colour each, as for CMYK.
upright = image("RGB", lambda x, y: tuple(255 - v for v in CMYK[(y // 8) * (W // 8) + x // 8][:3]))
inverse = {1: None, 2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
           4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_90,
           7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_270}
for k, method in inverse.items():
    stored = upright if method is None else upright.transpose(method)
    exif = Image.Exif()
    exif[0x0112] = k
    name = f"exif_orientation_{k}.jpg"
    stored.save(name, quality=100, subsampling=0, exif=exif.tobytes())
    shown = ImageOps.exif_transpose(Image.open(name))
    assert shown.size == (W, H), (k, shown.size)
    assert max(abs(a - b) for p, q in zip(shown.getdata(), upright.getdata()) for a, b in zip(p, q)) <= 4, k

# Pillow's own reading of the CMYK file must give back the CMYK values (the file is what it claims).
back = Image.open("cmyk.jpg")
assert back.mode == "CMYK"
assert max(abs(a - b) for y in range(H) for x in range(W)
           for a, b in zip(back.getpixel((x, y)), cmyk_block(x, y))) <= 2
print("ok")
