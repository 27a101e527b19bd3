"""Draws the demo collection's images with Pillow (simple, recognisable pictures; no photographs).

Run ``python -m moien.heritage.demo.make_images`` to redraw ``heritage/demo/images/*.png``; the files are
committed, so nothing needs drawing at install time.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

Draw = ImageDraw.ImageDraw
RGB = tuple[int, int, int]
Theme = Callable[[Image.Image, Draw, random.Random], None]

OUT = Path(__file__).with_name("images")
W, H = 400, 300
SKY: RGB = (214, 228, 240)
SEPIA_SKY: RGB = (236, 222, 196)


def _canvas(sky: RGB = SKY, ground: RGB = (120, 150, 90), horizon: int = 210) -> tuple[Image.Image, Draw]:
    img = Image.new("RGB", (W, H), sky)
    d = ImageDraw.Draw(img)
    d.rectangle([0, horizon, W, H], fill=ground)
    return img, d


def castle(d: ImageDraw.ImageDraw, x: int = 120, y: int = 200, color: RGB = (110, 100, 95)) -> None:
    d.polygon([(0, 210), (90, 120), (200, 150), (320, 110), (400, 210)], fill=(95, 130, 80))
    d.rectangle([x, y - 90, x + 160, y - 10], fill=color)
    for tx in (x - 10, x + 140):
        d.rectangle([tx, y - 130, tx + 30, y - 10], fill=color)
        d.polygon([(tx - 5, y - 130), (tx + 15, y - 160), (tx + 35, y - 130)], fill=(150, 60, 50))
    for cx in range(x, x + 160, 20):
        d.rectangle([cx, y - 100, cx + 10, y - 90], fill=color)
    for wx in range(x + 20, x + 150, 35):
        d.rectangle([wx, y - 70, wx + 10, y - 50], fill=(40, 40, 50))


def bridge(d: Draw, y: int = 215, color: RGB = (150, 140, 125)) -> None:
    d.rectangle([0, y, W, H], fill=(90, 120, 160))
    d.rectangle([0, y - 40, W, y - 20], fill=color)
    for ax in range(20, W, 90):
        d.rectangle([ax, y - 20, ax + 20, y + 40], fill=color)
        d.arc([ax + 20, y - 30, ax + 90, y + 40], 180, 360, fill=color, width=8)


def church(d: Draw, x: int = 170, color: RGB = (200, 190, 170)) -> None:
    d.rectangle([x, 110, x + 90, 210], fill=color)
    d.polygon([(x - 5, 110), (x + 45, 70), (x + 95, 110)], fill=(120, 70, 60))
    d.rectangle([x + 30, 30, x + 60, 110], fill=color)
    d.polygon([(x + 25, 30), (x + 45, 0), (x + 65, 30)], fill=(80, 90, 100))
    d.arc([x + 30, 150, x + 60, 210], 180, 360, fill=(60, 50, 40), width=4)
    d.ellipse([x + 38, 45, x + 52, 59], outline=(60, 50, 40), width=2)


def furnace(d: Draw) -> None:
    d.rectangle([0, 210, W, H], fill=(90, 70, 60))
    for x, h in ((60, 150), (170, 180), (280, 140)):
        d.polygon([(x, 210), (x + 20, 210 - h), (x + 50, 210 - h), (x + 70, 210)], fill=(70, 60, 60))
        d.rectangle([x + 28, 210 - h - 40, x + 42, 210 - h], fill=(60, 55, 55))
        for k in range(4):
            d.ellipse([x + 25 + k * 12, 140 - h - k * 18, x + 60 + k * 12, 165 - h - k * 18], fill=(170, 170, 170))
    d.rectangle([0, 190, W, 198], fill=(150, 80, 40))


def vineyard(d: Draw) -> None:
    d.polygon([(0, 90), (400, 40), (400, 230), (0, 230)], fill=(150, 170, 90))
    for i, yy in enumerate(range(70, 230, 18)):
        d.line([(0, yy + 30), (400, yy - 20 + i)], fill=(80, 110, 50), width=5)
    d.rectangle([0, 230, W, H], fill=(90, 120, 160))


def train(d: Draw) -> None:
    d.rectangle([0, 230, W, 240], fill=(90, 80, 70))
    for x in range(0, W, 20):
        d.rectangle([x, 238, x + 10, 246], fill=(120, 100, 70))
    d.rectangle([80, 160, 240, 225], fill=(40, 40, 45))
    d.rectangle([240, 130, 310, 225], fill=(60, 30, 30))
    d.rectangle([100, 120, 125, 160], fill=(40, 40, 45))
    for cx in (110, 160, 210, 270):
        d.ellipse([cx - 18, 210, cx + 18, 246], fill=(150, 30, 30), outline=(20, 20, 20), width=3)
    for k in range(5):
        d.ellipse([95 - k * 20, 80 - k * 14, 135 - k * 15, 110 - k * 14], fill=(200, 200, 200))


def market(d: Draw, rng: random.Random) -> None:
    for x in range(20, W, 75):
        col = rng.choice([(200, 60, 50), (60, 120, 180), (230, 190, 60), (90, 160, 90)])
        d.polygon([(x, 140), (x + 60, 140), (x + 70, 165), (x - 10, 165)], fill=col)
        d.rectangle([x, 165, x + 60, 210], fill=(170, 130, 90))
    for _ in range(14):
        px, py = rng.randint(0, W), rng.randint(215, 280)
        d.ellipse([px, py - 30, px + 12, py - 18], fill=(230, 200, 170))
        d.rectangle([px, py - 18, px + 12, py], fill=rng.choice([(60, 60, 90), (120, 40, 40), (40, 90, 60)]))


def fair(d: Draw) -> None:
    cx, cy, r = 200, 120, 90
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(120, 60, 60), width=4)
    for a in range(0, 360, 30):
        x = cx + r * math.cos(math.radians(a))
        y = cy + r * math.sin(math.radians(a))
        d.line([(cx, cy), (x, y)], fill=(120, 60, 60), width=2)
        d.rectangle([x - 8, y, x + 8, y + 12], fill=(220, 170, 40))
    d.polygon([(cx - 10, cy), (cx - 50, 215), (cx + 50, 215), (cx + 10, cy)], outline=(90, 60, 60), width=4)
    d.polygon([(20, 215), (70, 160), (120, 215)], fill=(200, 60, 60))
    d.polygon([(290, 215), (340, 150), (390, 215)], fill=(60, 110, 190))


def procession(d: Draw, rng: random.Random) -> None:
    church(d, x=280, color=(210, 200, 180))
    for i in range(12):
        px = 20 + i * 22
        py = 230 + (i % 2) * 12
        d.ellipse([px, py - 40, px + 12, py - 28], fill=(230, 200, 170))
        d.rectangle([px, py - 28, px + 12, py], fill=(240, 240, 240) if i % 3 else (30, 30, 30))
    d.line([(60, 150), (60, 200)], fill=(90, 60, 40), width=3)
    d.rectangle([45, 140, 90, 165], fill=(200, 40, 40))


def newspaper(img: Image.Image, d: Draw, rng: random.Random) -> None:
    d.rectangle([60, 20, 340, 290], fill=(245, 240, 225), outline=(90, 90, 90))
    d.rectangle([75, 32, 325, 58], fill=(40, 40, 40))
    for col in range(3):
        x = 75 + col * 85
        for row in range(22):
            w = rng.randint(50, 78)
            d.line([(x, 72 + row * 9), (x + w, 72 + row * 9)], fill=(110, 110, 110), width=2)


def lamp(d: Draw) -> None:
    d.rectangle([0, 0, W, H], fill=(60, 55, 50))
    d.polygon([(170, 240), (230, 240), (220, 120), (180, 120)], fill=(190, 150, 60))
    d.ellipse([165, 100, 235, 140], fill=(200, 160, 70))
    d.polygon([(195, 100), (205, 100), (210, 60), (190, 60)], fill=(170, 130, 50))
    d.arc([150, 30, 250, 130], 200, 340, fill=(160, 120, 50), width=5)
    d.ellipse([185, 45, 215, 62], fill=(255, 230, 120))


def vase(d: Draw) -> None:
    d.rectangle([0, 0, W, H], fill=(230, 225, 215))
    d.ellipse([130, 90, 270, 260], fill=(245, 245, 250), outline=(60, 80, 150), width=3)
    d.rectangle([170, 50, 230, 110], fill=(245, 245, 250), outline=(60, 80, 150), width=3)
    for k in range(6):
        d.ellipse([150 + k * 18, 160, 168 + k * 18, 178], outline=(40, 70, 160), width=3)
    d.line([(140, 200), (260, 200)], fill=(40, 70, 160), width=3)


def clock(d: Draw) -> None:
    d.rectangle([0, 0, W, H], fill=(225, 215, 200))
    d.rectangle([160, 20, 240, 290], fill=(120, 75, 40))
    d.ellipse([165, 35, 235, 105], fill=(245, 240, 220), outline=(60, 40, 20), width=3)
    d.line([(200, 70), (200, 45)], fill=(20, 20, 20), width=3)
    d.line([(200, 70), (220, 78)], fill=(20, 20, 20), width=3)
    d.ellipse([188, 200, 212, 224], fill=(200, 170, 60))
    d.line([(200, 110), (200, 200)], fill=(200, 170, 60), width=2)


def banner(d: Draw) -> None:
    d.rectangle([0, 0, W, H], fill=(230, 225, 215))
    d.line([(100, 20), (300, 20)], fill=(100, 70, 40), width=6)
    d.polygon([(110, 24), (290, 24), (290, 240), (200, 280), (110, 240)], fill=(150, 30, 40))
    d.ellipse([160, 90, 240, 170], outline=(230, 190, 70), width=5)
    d.polygon([(200, 105), (212, 140), (188, 140)], fill=(230, 190, 70))


def map_(d: Draw, rng: random.Random) -> None:
    d.rectangle([0, 0, W, H], fill=(240, 230, 200))
    pts = [
        (200 + 110 * math.cos(a) * (0.8 + 0.3 * rng.random()), 150 + 130 * math.sin(a) * (0.8 + 0.2 * rng.random()))
        for a in [i * math.pi / 9 for i in range(18)]
    ]
    d.polygon(pts, fill=(210, 220, 180), outline=(90, 80, 60))
    d.line([(120, 40), (160, 120), (150, 200), (210, 280)], fill=(80, 120, 170), width=3)
    for _ in range(8):
        x, y = rng.randint(130, 270), rng.randint(60, 240)
        d.ellipse([x - 4, y - 4, x + 4, y + 4], fill=(150, 40, 40))


def coin(d: Draw) -> None:
    d.rectangle([0, 0, W, H], fill=(60, 60, 70))
    d.ellipse([100, 50, 300, 250], fill=(190, 160, 80), outline=(140, 110, 50), width=6)
    d.ellipse([140, 90, 260, 210], outline=(140, 110, 50), width=3)
    d.polygon(
        [
            (200, 110),
            (215, 150),
            (255, 150),
            (222, 172),
            (235, 210),
            (200, 187),
            (165, 210),
            (178, 172),
            (145, 150),
            (185, 150),
        ],
        fill=(150, 120, 55),
    )


def portrait(d: Draw) -> None:
    d.rectangle([0, 0, W, H], fill=(235, 225, 205))
    d.rectangle([110, 20, 290, 280], outline=(120, 90, 60), width=8)
    d.ellipse([165, 60, 235, 140], fill=(225, 200, 175), outline=(90, 70, 60), width=2)
    d.pieslice([150, 45, 250, 120], 180, 360, fill=(80, 60, 50))
    d.polygon([(140, 270), (160, 160), (240, 160), (260, 270)], fill=(70, 80, 110))


def landscape(d: Draw) -> None:
    d.polygon([(0, 170), (120, 110), (230, 160), (320, 100), (400, 150), (400, 230), (0, 230)], fill=(110, 140, 90))
    d.rectangle([0, 200, W, 240], fill=(100, 140, 180))
    d.ellipse([300, 30, 350, 80], fill=(250, 200, 110))


def mill(d: Draw) -> None:
    d.rectangle([0, 220, W, H], fill=(90, 120, 160))
    d.rectangle([150, 110, 270, 220], fill=(200, 190, 170))
    d.polygon([(140, 110), (210, 60), (280, 110)], fill=(120, 70, 60))
    d.ellipse([80, 140, 160, 220], outline=(90, 70, 50), width=6)
    for a in range(0, 360, 45):
        d.line(
            [(120, 180), (120 + 40 * math.cos(math.radians(a)), 180 + 40 * math.sin(math.radians(a)))],
            fill=(90, 70, 50),
            width=4,
        )


def poster(d: Draw, rng: random.Random) -> None:
    col = rng.choice([(200, 60, 50), (40, 90, 150), (210, 160, 40)])
    d.rectangle([0, 0, W, H], fill=(230, 225, 215))
    d.rectangle([90, 15, 310, 285], fill=col)
    d.rectangle([105, 30, 295, 70], fill=(245, 240, 230))
    d.ellipse([150, 95, 250, 195], fill=(245, 240, 230))
    for k in range(4):
        d.rectangle([110, 210 + k * 16, 290 - k * 20, 218 + k * 16], fill=(245, 240, 230))


THEMES: dict[str, Theme] = {
    "castle": lambda img, d, rng: castle(d),
    "castle-sepia": lambda img, d, rng: castle(d, color=(120, 100, 80)),
    "bridge": lambda img, d, rng: bridge(d),
    "church": lambda img, d, rng: church(d),
    "furnace": lambda img, d, rng: furnace(d),
    "vineyard": lambda img, d, rng: vineyard(d),
    "train": lambda img, d, rng: train(d),
    "market": lambda img, d, rng: market(d, rng),
    "fair": lambda img, d, rng: fair(d),
    "procession": lambda img, d, rng: procession(d, rng),
    "newspaper": lambda img, d, rng: newspaper(img, d, rng),
    "lamp": lambda img, d, rng: lamp(d),
    "vase": lambda img, d, rng: vase(d),
    "clock": lambda img, d, rng: clock(d),
    "banner": lambda img, d, rng: banner(d),
    "map": lambda img, d, rng: map_(d, rng),
    "coin": lambda img, d, rng: coin(d),
    "portrait": lambda img, d, rng: portrait(d),
    "landscape": lambda img, d, rng: landscape(d),
    "mill": lambda img, d, rng: mill(d),
    "poster": lambda img, d, rng: poster(d, rng),
}
SEPIA = {"castle-sepia", "church", "procession", "market", "train", "furnace"}


def draw(theme: str, seed: int = 7) -> Image.Image:
    rng = random.Random(f"{theme}-{seed}")
    img, d = _canvas(sky=SEPIA_SKY if theme in SEPIA else SKY)
    THEMES[theme](img, d, rng)
    if theme in SEPIA:
        grey = img.convert("L")
        img = Image.merge(
            "RGB",
            [
                grey.point(lambda v: min(255, int(v * 1.07))),
                grey.point(lambda v: int(v * 0.95)),
                grey.point(lambda v: int(v * 0.8)),
            ],
        )
    return img.quantize(colors=32)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for theme in THEMES:
        draw(theme).save(OUT / f"{theme}.png", optimize=True)
    print(f"{len(THEMES)} images in {OUT}")


if __name__ == "__main__":
    main()
