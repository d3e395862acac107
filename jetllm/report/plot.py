"""latency.svg: the concurrency sweep as a plot, written by this small code (no plotting
library): response time p50 and p95 and TTFT p95 against concurrency, the target as a
dashed line."""

from __future__ import annotations

from html import escape

from jetllm.core.load import LoadSweep

W, H = 560, 320
LEFT, RIGHT, TOP, BOTTOM = 60, 150, 30, 40
SERIES = (("total_p95", "response p95", "#d62728"), ("total_p50", "response p50", "#1f77b4"),
          ("ttft_p95", "TTFT p95", "#2ca02c"))


def latency_svg(sweep: LoadSweep, title: str = "latency under load") -> str:
    levels = sweep.levels
    values: list[float] = [v for lv in levels for key, _, _ in SERIES if (v := getattr(lv, key)) is not None]
    top: float = max([*values, sweep.target_p95_s or 0.0, 0.001]) * 1.15
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * (i + 0.5) / max(len(levels), 1))

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
           'font-family="sans-serif" font-size="11">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{LEFT}" y="18" font-size="13">{escape(title)}</text>',
           f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="black"/>',
           f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="black"/>']
    for n in range(5):
        v = top * n / 4
        out.append(f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.2f}</text>')
        out.append(f'<line x1="{LEFT}" y1="{y(v):.1f}" x2="{LEFT + plot_w}" y2="{y(v):.1f}" stroke="#eee"/>')
    out.append(f'<text x="14" y="{TOP + plot_h / 2}" transform="rotate(-90 14 {TOP + plot_h / 2})" '
               'text-anchor="middle">seconds</text>')
    for i, lv in enumerate(levels):
        out.append(f'<text x="{x(i):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{lv.concurrency}</text>')
    out.append(f'<text x="{LEFT + plot_w / 2}" y="{H - 6}" text-anchor="middle">concurrency</text>')
    if sweep.target_p95_s is not None:
        ty = y(sweep.target_p95_s)
        out.append(f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{LEFT + plot_w}" y2="{ty:.1f}" stroke="black" '
                   'stroke-dasharray="5,4"/>')
        out.append(f'<text x="{LEFT + plot_w + 6}" y="{ty + 4:.1f}">target {sweep.target_p95_s:g} s</text>')
    for n, (key, label, colour) in enumerate(SERIES):
        points = [(x(i), y(v)) for i, lv in enumerate(levels) if (v := getattr(lv, key)) is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            out.append(f'<polyline class="{key}" points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>' for px, py in points]
        ly = TOP + 20 + 16 * n
        out.append(f'<line x1="{W - RIGHT + 30}" y1="{ly - 4}" x2="{W - RIGHT + 50}" y2="{ly - 4}" '
                   f'stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{W - RIGHT + 55}" y="{ly}">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
