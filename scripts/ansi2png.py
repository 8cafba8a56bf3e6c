#!/usr/bin/env python3
"""Render a `tmux capture-pane -e -p` capture (text with SGR colour codes) to a PNG.

Usage: ansi2png.py CAPTURE.ans OUT.png [--cols N --rows N]
Needs Pillow and the DejaVu Sans Mono font (Debian: fonts-dejavu-core).
"""
import re
import sys
import unicodedata

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
SIZE = 16
DEFAULT_FG = (220, 220, 220)
DEFAULT_BG = (24, 26, 33)


def palette():
    colours = [(0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16), (36, 114, 200), (188, 63, 188),
               (17, 168, 205), (229, 229, 229), (102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67),
               (59, 142, 234), (214, 112, 214), (41, 184, 219), (255, 255, 255)]
    levels = [0, 95, 135, 175, 215, 255]
    for r in levels:
        for g in levels:
            for b in levels:
                colours.append((r, g, b))
    for i in range(24):
        v = 8 + i * 10
        colours.append((v, v, v))
    return colours


PALETTE = palette()
SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def width_of(ch):
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def parse(text, cols, rows):
    cells = [[(" ", None, None, set()) for _ in range(cols)] for _ in range(rows)]
    for y, line in enumerate(text.split("\n")[:rows]):
        fg, bg, attrs = None, None, set()
        x = 0
        pos = 0
        while pos < len(line):
            m = SGR.match(line, pos)
            if m:
                params = [int(p) if p else 0 for p in re.split("[;:]", m.group(1))] or [0]
                i = 0
                while i < len(params):
                    p = params[i]
                    if p == 0:
                        fg, bg, attrs = None, None, set()
                    elif p == 1:
                        attrs.add("bold")
                    elif p == 2:
                        attrs.add("dim")
                    elif p == 4:
                        attrs.add("underline")
                    elif p == 7:
                        attrs.add("reverse")
                    elif p == 22:
                        attrs -= {"bold", "dim"}
                    elif p == 24:
                        attrs.discard("underline")
                    elif p == 27:
                        attrs.discard("reverse")
                    elif 30 <= p <= 37:
                        fg = PALETTE[p - 30]
                    elif p == 39:
                        fg = None
                    elif 40 <= p <= 47:
                        bg = PALETTE[p - 40]
                    elif p == 49:
                        bg = None
                    elif 90 <= p <= 97:
                        fg = PALETTE[p - 90 + 8]
                    elif 100 <= p <= 107:
                        bg = PALETTE[p - 100 + 8]
                    elif p in (38, 48) and i + 1 < len(params):
                        if params[i + 1] == 5 and i + 2 < len(params):
                            colour = PALETTE[params[i + 2]]
                            i += 2
                        elif params[i + 1] == 2 and i + 4 < len(params):
                            colour = tuple(params[i + 2:i + 5])
                            i += 4
                        else:
                            colour = None
                        if p == 38:
                            fg = colour
                        else:
                            bg = colour
                    i += 1
                pos = m.end()
                continue
            ch = line[pos]
            pos += 1
            w = width_of(ch)
            if w == 0:
                continue
            if x < cols:
                cells[y][x] = (ch, fg, bg, set(attrs))
                if w == 2 and x + 1 < cols:
                    cells[y][x + 1] = ("", fg, bg, set(attrs))
            x += w
    return cells


def render(cells, out):
    font = ImageFont.truetype(FONT, SIZE)
    bold = ImageFont.truetype(FONT_BOLD, SIZE)
    left, top, right, bottom = font.getbbox("M")
    cw = round(font.getlength("M"))
    ch = SIZE + 4
    rows, cols = len(cells), len(cells[0])
    pad = 12
    image = Image.new("RGB", (cols * cw + 2 * pad, rows * ch + 2 * pad), DEFAULT_BG)
    draw = ImageDraw.Draw(image)

    def colours(fg, bg, attrs):
        f = fg or DEFAULT_FG
        b = bg or DEFAULT_BG
        if "reverse" in attrs:
            f, b = b, f
        if "dim" in attrs:
            f = tuple((c + bb) // 2 for c, bb in zip(f, b))
        return f, b

    # Backgrounds first, then text: a glyph reaching below its cell (the "_" of whsec_) was
    # painted over by the next row's background.
    for y, row in enumerate(cells):
        for x, (text, fg, bg, attrs) in enumerate(row):
            _, b = colours(fg, bg, attrs)
            px, py = pad + x * cw, pad + y * ch
            span = 2 if x + 1 < cols and row[x + 1][0] == "" and text else 1
            draw.rectangle([px, py, px + cw * span - 1, py + ch - 1], fill=b)
    for y, row in enumerate(cells):
        for x, (text, fg, bg, attrs) in enumerate(row):
            f, _ = colours(fg, bg, attrs)
            px, py = pad + x * cw, pad + y * ch
            if text and text != " ":
                draw.text((px, py + 2), text, font=bold if "bold" in attrs else font, fill=f)
            if "underline" in attrs:
                draw.line([px, py + ch - 2, px + cw - 1, py + ch - 2], fill=f)
    image.save(out)


def main():
    args = sys.argv[1:]
    cols, rows = 100, 30
    if "--cols" in args:
        cols = int(args[args.index("--cols") + 1])
    if "--rows" in args:
        rows = int(args[args.index("--rows") + 1])
    text = open(args[0], encoding="utf-8").read()
    render(parse(text, cols, rows), args[1])


if __name__ == "__main__":
    main()
