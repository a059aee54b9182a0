"""Draw walkrx's app icons (issue 14): a walker on a path, white on the brand blue.

    .venv/bin/python scripts/make_icons.py

writes src/walkrx/web/static/icons/icon-192.png, icon-512.png and icon-maskable-512.png (the
maskable one keeps the figure inside the central safe zone, with the blue to the edges). Drawn
here with Pillow (a dependency of fpdf2), at four times the size and scaled down for smooth edges.
The PNGs are committed; run this again only to change them.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "src" / "walkrx" / "web" / "static" / "icons"
BLUE = (31, 78, 156, 255)  # --brand in walkrx.css
WHITE = (255, 255, 255, 255)
GREEN = (138, 201, 38, 255)
SCALE = 4


def _figure(draw: ImageDraw.ImageDraw, size: int, inset: float) -> None:
    """The walker and the path, in a box `inset` (a fraction of the size) from each edge."""
    box = size * (1 - 2 * inset)

    def p(x: float, y: float) -> tuple[float, float]:
        return (size * inset + x * box, size * inset + y * box)

    width = round(box * 0.085)
    # the path, rising gently to the right
    draw.line([p(0.08, 0.93), p(0.92, 0.80)], fill=GREEN, width=round(box * 0.06))
    # head
    cx, cy = p(0.56, 0.15)
    r = box * 0.095
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=WHITE)
    # body, arms and legs, mid-stride
    hip, neck = p(0.50, 0.55), p(0.55, 0.30)
    for a, b in (
        (neck, hip),
        (neck, p(0.36, 0.45)),
        (neck, p(0.72, 0.46)),
        (hip, p(0.33, 0.84)),
        (hip, p(0.62, 0.69)),
        (p(0.62, 0.69), p(0.70, 0.86)),
    ):
        draw.line([a, b], fill=WHITE, width=width)
        for x, y in (a, b):  # round joints
            draw.ellipse([x - width / 2, y - width / 2, x + width / 2, y + width / 2], fill=WHITE)


def icon(size: int, maskable: bool = False) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle([0, 0, big, big], fill=BLUE)
        _figure(draw, big, inset=0.22)  # inside the maskable safe zone (a circle of 80 %)
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 0.2, fill=BLUE)
        _figure(draw, big, inset=0.14)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size).save(OUT / f"icon-{size}.png", optimize=True)
    icon(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    for path in sorted(OUT.glob("*.png")):
        print(path.relative_to(OUT.parent.parent.parent.parent.parent), path.stat().st_size)


if __name__ == "__main__":
    main()
