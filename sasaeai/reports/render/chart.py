"""The share chart (pie) drawn the same way everywhere: its colours, its geometry and its
labels. The web page gets SVG markup (server-rendered, no script), Word a PNG drawn with
Pillow in the same font; PDF and Excel draw their own vector or native charts from the same
palette."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from decimal import Decimal
from importlib.util import find_spec
from pathlib import Path

from django.utils.html import escape

from ..figures import shares

# Okabe–Ito colours: told apart with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def text_colour(fill: str) -> str:
    """Black or white, whichever reads better on the fill."""
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if luminance > 0.45 else "#FFFFFF"


def font_path() -> Path:
    """IPAex Gothic, shipped inside the japanize-matplotlib package (IPA Font License)."""
    spec = find_spec("japanize_matplotlib")
    if spec is None or spec.origin is None:
        raise RuntimeError("japanize-matplotlib が見つかりません（IPAexゴシックの入手先）。")
    path = Path(spec.origin).parent / "fonts" / "ipaexg.ttf"
    if not path.exists():
        raise RuntimeError(f"IPAexゴシックのフォントファイルがありません: {path}")
    return path


@dataclass(frozen=True)
class Slice:
    label: str
    value: int
    share: Decimal
    colour: str
    start: float  # angle in degrees, clockwise from 12 o'clock
    end: float

    @property
    def middle(self) -> float:
        return (self.start + self.end) / 2


def slices(data: list[tuple[str, int]]) -> list[Slice]:
    """The pie's slices with the shares the table prints (`figures.shares`)."""
    total = sum(v for _, v in data)
    found: list[Slice] = []
    angle = 0.0
    share_of = shares([max(0, v) for _, v in data])
    for index, (label, value) in enumerate(data):
        if value <= 0:
            continue
        sweep = 360.0 * value / total
        found.append(Slice(label, value, share_of[index], colour(index), angle, angle + sweep))
        angle += sweep
    return found


LABEL_RADIUS = 0.62  # where a share is written inside its slice, as a fraction of the radius


def label_fits(s: Slice, radius: float, font_size: float) -> bool:
    """Is the slice wide enough to write its share inside without touching its neighbours'?
    The label (「13.7%」, digits about 0.6 em wide) must fit, with a quarter to spare, along
    the slice's arc at the label radius; any two labels drawn are then at least one label
    width apart. Every share is in the legend anyway."""
    width = len(f"{s.share}%") * font_size * 0.6 * 1.25
    arc = math.radians(s.end - s.start) * radius * LABEL_RADIUS
    return arc >= width


def _point(cx: float, cy: float, r: float, degrees: float) -> tuple[float, float]:
    radians = math.radians(degrees - 90)
    return cx + r * math.cos(radians), cy + r * math.sin(radians)


def svg(title: str, data: list[tuple[str, int]], *, ident: str = "pie") -> str:
    """An accessible SVG pie with a legend (label, count, share). Presentation attributes
    only (fill, stroke): nothing the Content-Security-Policy refuses."""
    parts = slices(data)
    size, cx, cy, r = 240, 120, 120, 110
    legend_x, row = 260, 30
    height = max(size, 20 + row * len(parts))
    width = 620
    desc = "、".join(f"{s.label} {s.value}件（{s.share}%）" for s in parts)
    out = [
        f'<svg class="report-pie" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        f' role="img" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
    ]
    for s in parts:
        if s.end - s.start >= 359.999:
            out.append(
                f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{s.colour}" stroke="#FFFFFF"'
                ' stroke-width="2"/>'
            )
        else:
            x1, y1 = _point(cx, cy, r, s.start)
            x2, y2 = _point(cx, cy, r, s.end)
            large = 1 if s.end - s.start > 180 else 0
            out.append(
                f'<path d="M{cx},{cy} L{x1:.2f},{y1:.2f} A{r},{r} 0 {large} 1 {x2:.2f},{y2:.2f} Z"'
                f' fill="{s.colour}" stroke="#FFFFFF" stroke-width="2"/>'
            )
        if label_fits(s, r, 14):
            tx, ty = _point(cx, cy, r * LABEL_RADIUS, s.middle)
            out.append(
                f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="middle" dominant-baseline="middle"'
                f' class="report-pie__pct" fill="{text_colour(s.colour)}">{s.share}%</text>'
            )
    for index, s in enumerate(parts):
        y = 20 + index * row
        out.append(
            f'<rect x="{legend_x}" y="{y - 9}" width="18" height="18" fill="{s.colour}"'
            ' stroke="#333333" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{legend_x + 28}" y="{y}" dominant-baseline="middle"'
            f' class="report-pie__label" fill="#1A1A1A">'
            f"{escape(s.label)} {s.value}件（{s.share}%）</text>"
        )
    out.append("</svg>")
    return "".join(out)


def png(title: str, data: list[tuple[str, int]], *, scale: int = 3) -> bytes:
    """The same pie as a PNG (for Word, which takes no SVG), drawn at twice the size and
    scaled down so that the edges are smooth."""
    from PIL import Image, ImageDraw, ImageFont

    parts = slices(data)
    base_w, base_h = 620, max(270, 60 + 30 * len(parts))
    out_w, out_h = base_w * scale, base_h * scale
    k = 2 * scale  # drawing units per base pixel
    image = Image.new("RGB", (base_w * k, base_h * k), "white")
    draw = ImageDraw.Draw(image)
    path = str(font_path())
    font = ImageFont.truetype(path, 15 * k)
    small = ImageFont.truetype(path, 14 * k)
    title_font = ImageFont.truetype(path, 16 * k)
    draw.text((10 * k, 8 * k), title, font=title_font, fill="#1A1A1A")
    cx, cy, r = 130 * k, 150 * k, 105 * k
    box = [cx - r, cy - r, cx + r, cy + r]
    for s in parts:
        # Pillow measures angles clockwise from 3 o'clock; ours start at 12 o'clock.
        draw.pieslice(box, s.start - 90, s.end - 90, fill=s.colour, outline="white", width=2 * k)
        if label_fits(s, r, 14 * k):
            tx, ty = _point(cx, cy, r * LABEL_RADIUS, s.middle)
            draw.text((tx, ty), f"{s.share}%", font=small, fill=text_colour(s.colour), anchor="mm")
    for index, s in enumerate(parts):
        y = (60 + index * 30) * k
        x = 270 * k
        draw.rectangle([x, y - 9 * k, x + 18 * k, y + 9 * k], fill=s.colour, outline="#333333")
        draw.text(
            (x + 28 * k, y),
            f"{s.label} {s.value}件（{s.share}%）",
            font=font,
            fill="#1A1A1A",
            anchor="lm",
        )
    image = image.resize((out_w, out_h), Image.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(96 * scale, 96 * scale))
    return buffer.getvalue()


def nice_top(largest: int) -> tuple[int, int]:
    """The axis top and step for counts up to `largest` (1, 2, 5 × 10ⁿ steps, 4–6 of them)."""
    if largest <= 0:
        return 5, 1
    step = 1
    while True:
        for k in (1, 2, 5):
            if largest / (k * step) <= 5:
                top = -(-largest // (k * step)) * k * step
                return top, k * step
        step *= 10


def bars_svg(
    title: str, categories: list[str], series: list[tuple[str, list[int]]], *, ident: str = "bars"
) -> str:
    """Grouped bars by month, with an axis, a legend and the counts as the description (a
    screen reader reads the table under it too). Presentation attributes only."""
    left, top_pad, bottom, right = 48, 36, 34, 12
    slot = max(36, 12 * len(series) + 14)
    width = left + right + slot * len(categories)
    plot_h = 200
    height = top_pad + plot_h + bottom
    largest = max((v for _, values in series for v in values), default=0)
    top, step = nice_top(largest)
    desc = "。".join(
        f"{name}: " + "、".join(f"{c} {v:,}件" for c, v in zip(categories, values, strict=True))
        for name, values in series
    )
    out = [
        f'<svg class="report-bars" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        f' role="img" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
    ]
    for tick in range(0, top + 1, step):
        y = top_pad + plot_h - plot_h * tick / top
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}"'
            ' stroke="#CCCCCC" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{y:.1f}" text-anchor="end" dominant-baseline="middle"'
            f' class="report-bars__tick" fill="#1A1A1A">{tick:,}</text>'
        )
    bar_w = (slot - 14) / max(1, len(series))
    for index, category in enumerate(categories):
        x0 = left + slot * index + 7
        for s_index, (_name, values) in enumerate(series):
            value = values[index]
            h = plot_h * value / top
            out.append(
                f'<rect x="{x0 + bar_w * s_index:.1f}" y="{top_pad + plot_h - h:.1f}"'
                f' width="{bar_w - 1:.1f}" height="{h:.1f}" fill="{colour(s_index)}"/>'
            )
        out.append(
            f'<text x="{x0 + (slot - 14) / 2:.1f}" y="{top_pad + plot_h + 16}"'
            f' text-anchor="middle" class="report-bars__tick" fill="#1A1A1A">'
            f"{escape(category)}</text>"
        )
    x = left
    for s_index, (name, _values) in enumerate(series):
        out.append(
            f'<rect x="{x}" y="8" width="14" height="14" fill="{colour(s_index)}"'
            ' stroke="#333333" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{x + 20}" y="15" dominant-baseline="middle" class="report-bars__label"'
            f' fill="#1A1A1A">{escape(name)}</text>'
        )
        x += 20 + 14 * len(name) + 16
    out.append("</svg>")
    return "".join(out)
