"""Write a blind set of expense documents for a trade mission to Japan, with their truth.

    .venv/bin/python benchmarks/blind_receipts/make_blind_receipts.py OUT_FOLDER

Mission: Tokyo and Osaka, 14-18 June 2027. Two invented SMEs send documents:
Meccanica Ferretti & Figli S.r.l. (Modena; Giulia Ferretti, CEO, and Daniel Moore,
English-speaking export manager) and Verrerie Delaunay SAS (Lyon; Claire Delaunay).

The documents were written by hand from this file alone, without looking at any reader.
Every value in `truth.jsonl` is written out literally below, next to the text that shows
it; the arithmetic of each document is asserted so that totals, taxes and balances on the
page are consistent with each other. Fixed seeds: PDFs and images are byte-identical from
one run to the next (the two DOCX files differ only in their zip timestamps).

Needs fpdf2, Pillow and python-docx, and TrueType fonts under /usr/share/fonts
(DejaVu and Liberation). No CJK font is assumed: yen is written "¥", "JPY" or "Yen" and
Japanese dates as 2027/06/14, 2027.06.16 and the like.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

# --------------------------------------------------------------------------- fonts

FONT_FILES = {
    "sans": "LiberationSans-Regular.ttf",
    "sans_b": "LiberationSans-Bold.ttf",
    "sans_i": "LiberationSans-Italic.ttf",
    "sans_bi": "LiberationSans-BoldItalic.ttf",
    "serif": "LiberationSerif-Regular.ttf",
    "serif_b": "LiberationSerif-Bold.ttf",
    "serif_i": "LiberationSerif-Italic.ttf",
    "serif_bi": "LiberationSerif-BoldItalic.ttf",
    "dejavu": "DejaVuSans.ttf",
    "dejavu_b": "DejaVuSans-Bold.ttf",
    "dejavu_c": "DejaVuSansCondensed.ttf",
    "dejavu_cb": "DejaVuSansCondensed-Bold.ttf",
    "dserif": "DejaVuSerif.ttf",
    "dserif_b": "DejaVuSerif-Bold.ttf",
    "dserif_i": "DejaVuSerif-Italic.ttf",
    "mono": "DejaVuSansMono.ttf",
    "mono_b": "DejaVuSansMono-Bold.ttf",
    "lmono": "LiberationMono-Regular.ttf",
    "lmono_b": "LiberationMono-Bold.ttf",
    "narrow": "LiberationSansNarrow-Regular.ttf",
    "narrow_b": "LiberationSansNarrow-Bold.ttf",
}
_FONT_CACHE: dict[str, Path] = {}


def font(key: str) -> Path:
    if key not in _FONT_CACHE:
        name = FONT_FILES[key]
        hits = sorted(Path("/usr/share/fonts").rglob(name))
        if not hits:
            sys.exit(f"font {name} not found under /usr/share/fonts (install fonts-dejavu and fonts-liberation)")
        _FONT_CACHE[key] = hits[0]
    return _FONT_CACHE[key]


def pil_font(key: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font(key)), size)


# --------------------------------------------------------------------------- numbers

C = Decimal("0.01")


def d(x) -> Decimal:
    return Decimal(str(x))


def r2(x: Decimal) -> Decimal:
    return x.quantize(C, rounding=ROUND_HALF_UP)


def _group(intpart: str, sep: str) -> str:
    out = []
    while len(intpart) > 3:
        out.insert(0, intpart[-3:])
        intpart = intpart[:-3]
    out.insert(0, intpart)
    return sep.join(out)


def it_amt(x) -> str:
    """1.286,40"""
    x = r2(d(x))
    sign = "-" if x < 0 else ""
    i, f = f"{abs(x):.2f}".split(".")
    return f"{sign}{_group(i, '.')},{f}"


def fr_amt(x, sep="\u00a0") -> str:
    """1 286,40 (no-break space as thousands separator)"""
    x = r2(d(x))
    sign = "-" if x < 0 else ""
    i, f = f"{abs(x):.2f}".split(".")
    return f"{sign}{_group(i, sep)},{f}"


def en_amt(x) -> str:
    """1,286.40"""
    x = r2(d(x))
    sign = "-" if x < 0 else ""
    i, f = f"{abs(x):.2f}".split(".")
    return f"{sign}{_group(i, ',')}.{f}"


def yen(x) -> str:
    """47,810 (no decimals)"""
    x = int(x)
    sign = "-" if x < 0 else ""
    return sign + _group(str(abs(x)), ",")


# --------------------------------------------------------------------------- fictitious identifiers


def it_vat(base10: str) -> str:
    """Italian partita IVA: 10 digits + check digit."""
    assert len(base10) == 10
    s = 0
    for i, ch in enumerate(base10):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        s += n
    return base10 + str((10 - s % 10) % 10)


def luhn_ok(num: str) -> bool:
    s = 0
    for i, ch in enumerate(reversed(num)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        s += n
    return s % 10 == 0


def luhn_complete(prefix: str) -> str:
    for c in "0123456789":
        if luhn_ok(prefix + c):
            return prefix + c
    raise AssertionError


def fr_tva(siren: str) -> str:
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def iban(country: str, bban: str) -> str:
    def num(s: str) -> str:
        return "".join(str(int(c, 36)) for c in s)

    check = 98 - int(num(bban + country + "00")) % 97
    return f"{country}{check:02d}{bban}"


def it_cin(abi: str, cab: str, conto: str) -> str:
    odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
    s = 0
    for i, ch in enumerate(abi + cab + conto):
        v = int(ch) if ch.isdigit() else ord(ch.upper()) - 65
        s += odd[v] if i % 2 == 0 else v
    return chr(65 + s % 26)


def it_iban(abi: str, cab: str, conto: str) -> str:
    return iban("IT", it_cin(abi, cab, conto) + abi + cab + conto)


def fr_iban(bank: str, guichet: str, compte: str) -> str:
    key = 97 - ((89 * int(bank) + 15 * int(guichet) + 3 * int(compte)) % 97)
    return iban("FR", f"{bank}{guichet}{compte}{key:02d}")


def spaced(s: str, n: int = 4) -> str:
    return " ".join(s[i : i + n] for i in range(0, len(s), n))


def jp_reg(base12: str) -> str:
    """Japanese qualified-invoice registration number: T + check digit + 12 digits."""
    digits = [int(c) for c in reversed(base12)]
    s = sum(p * (1 if i % 2 == 0 else 2) for i, p in enumerate(digits))
    return f"T{9 - s % 9}{base12}"


# The parties (all invented).
FERRETTI = "Meccanica Ferretti & Figli S.r.l."
FERRETTI_ADDR = "Via Emilia Ovest 1184, 41123 Modena (MO)"
FERRETTI_VAT = it_vat("0328714036")
FERRETTI_IBAN = it_iban("05387", "12900", "000012345678")
DELAUNAY = "Verrerie Delaunay SAS"
DELAUNAY_ADDR = "14 rue des Tanneurs, 69007 Lyon"
DELAUNAY_SIREN = luhn_complete("51234785")
DELAUNAY_IBAN = fr_iban("14608", "00071", "08126543077")
PIMA = "Polo Innovazione Meccatronica Adriatico"

# --------------------------------------------------------------------------- PDF helpers


class Pdf(FPDF):
    def __init__(self, created: dt.datetime, title: str, author: str):
        super().__init__(format="A4", unit="mm")
        for fam, reg, b, i, bi in (
            ("Sans", "sans", "sans_b", "sans_i", "sans_bi"),
            ("Serif", "serif", "serif_b", "serif_i", "serif_bi"),
        ):
            self.add_font(fam, "", str(font(reg)))
            self.add_font(fam, "B", str(font(b)))
            self.add_font(fam, "I", str(font(i)))
            self.add_font(fam, "BI", str(font(bi)))
        self.add_font("DejaVu", "", str(font("dejavu")))
        self.add_font("DejaVu", "B", str(font("dejavu_b")))
        self.add_font("Cond", "", str(font("dejavu_c")))
        self.add_font("Cond", "B", str(font("dejavu_cb")))
        self.add_font("Mono", "", str(font("lmono")))
        self.add_font("Mono", "B", str(font("lmono_b")))
        self.add_font("Narrow", "", str(font("narrow")))
        self.add_font("Narrow", "B", str(font("narrow_b")))
        self.set_creation_date(created.replace(tzinfo=dt.UTC))
        self.set_title(title)
        self.set_author(author)
        self.set_creator(author)
        self.set_auto_page_break(True, 14)
        self.set_margins(16, 14, 16)
        self.add_page()

    def line_text(
        self,
        text: str,
        size: float = 10,
        style: str = "",
        family: str = "Sans",
        h: float | None = None,
        align: str = "L",
        w: float = 0,
        color=(0, 0, 0),
    ):
        self.set_font(family, style, size)
        self.set_text_color(*color)
        self.multi_cell(w, h or size * 0.45, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)

    def kv(
        self,
        pairs,
        x: float,
        w_key: float,
        w_val: float,
        size: float = 9,
        family: str = "Sans",
        h: float = 4.6,
        bold_val: bool = False,
    ):
        for k, v in pairs:
            self.set_x(x)
            self.set_font(family, "", size)
            if w_key:  # a zero width would make fpdf2 stretch the cell to the right margin
                self.cell(w_key, h, k)
            self.set_font(family, "B" if bold_val else "", size)
            self.cell(w_val, h, v, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(
        self,
        rows,
        widths,
        aligns,
        size=8.5,
        family="Sans",
        line_height=4.6,
        layout="HORIZONTAL_LINES",
        head_fill=(225, 225, 225),
        first_heading=True,
    ):
        self.set_font(family, "", size)
        with self.table(
            col_widths=widths,
            text_align=aligns,
            line_height=line_height,
            width=sum(widths),
            align="LEFT",
            borders_layout=layout,
            first_row_as_headings=first_heading,
            headings_style=FontFace(emphasis="B", fill_color=head_fill),
        ) as t:
            for r in rows:
                t.row([str(c) for c in r])

    def totals(
        self,
        pairs,
        x: float,
        w_key: float,
        w_val: float,
        size=9.5,
        family="Sans",
        bold_last=True,
        h=5.6,
        boxed_last=False,
        bold_keys=(),
    ):
        for n, (k, v) in enumerate(pairs):
            last = n == len(pairs) - 1
            bold = (last and bold_last) or k in bold_keys
            self.set_x(x)
            self.set_font(family, "B" if bold else "", size + (1 if last and bold_last else 0))
            border = 1 if (last and boxed_last) else 0
            self.cell(w_key, h, k, border=border)
            self.cell(w_val, h, v, border=border, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def hline(self, y=None, x1=None, x2=None, width=0.2, gray=0):
        y = self.get_y() if y is None else y
        self.set_draw_color(gray, gray, gray)
        self.set_line_width(width)
        self.line(x1 or self.l_margin, y, x2 or (self.w - self.r_margin), y)
        self.set_draw_color(0, 0, 0)

    def band(self, text: str, rgb, size=16, h=12, family="Sans", text_rgb=(255, 255, 255), align="L", sub=None):
        self.set_fill_color(*rgb)
        self.set_text_color(*text_rgb)
        self.set_font(family, "B", size)
        self.cell(
            0, h, "  " + text if align == "L" else text, fill=True, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        if sub:
            self.set_font(family, "", 8)
            self.cell(0, 5, "  " + sub, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.set_fill_color(255, 255, 255)

    def barcode(self, x, y, w, h, seed, rows=1):
        rnd = random.Random(seed)
        self.set_fill_color(0, 0, 0)
        rh = h / rows
        for r in range(rows):
            cx = x
            while cx < x + w:
                bw = rnd.choice([0.25, 0.25, 0.5, 0.75, 1.0]) * (0.6 if rows > 1 else 1)
                if rnd.random() < 0.55:
                    self.rect(cx, y + r * rh, min(bw, x + w - cx), rh * 0.96, style="F")
                cx += bw
        self.set_fill_color(255, 255, 255)


# --------------------------------------------------------------------------- image helpers

PAPER = (247, 245, 239)
INK = (38, 38, 44)


def receipt_paper(lines, *, chars=32, size=24, ink=INK, paper=PAPER, regular="mono", bold="mono_b", seed=0, fade=0):
    """Render thermal-receipt lines on a narrow strip of paper.

    Items: "text" (left), ("c", t) centred, ("cb", t) centred bold, ("big", t) centred large bold,
    ("b", t) bold left, ("lr", l, r) left + right, ("lrb", l, r) bold, ("hr",) dashes, ("sp",) blank,
    ("bar",) barcode, ("=",) double rule.
    """
    f = pil_font(regular, size)
    fb = pil_font(bold, size)
    fbig = pil_font(bold, int(size * 1.45))
    cw = f.getlength("0")
    margin = int(cw * 2.2)
    width = int(cw * chars + 2 * margin)
    lh = int(size * 1.42)
    height = margin * 2
    for it in lines:
        kind = it[0] if isinstance(it, tuple) else "l"
        height += int(lh * 1.55) if kind == "big" else (int(lh * 2.4) if kind == "bar" else lh)
    img = Image.new("RGB", (width, height + lh), paper)
    dr = ImageDraw.Draw(img)
    rnd = random.Random(seed)
    y = margin
    for raw in lines:
        it = ("l", raw) if isinstance(raw, str) else raw
        kind = it[0]
        col = tuple(min(255, c + (rnd.randint(0, fade) if fade else 0)) for c in ink)
        if kind == "l":
            dr.text((margin, y), it[1], font=f, fill=col)
        elif kind == "b":
            dr.text((margin, y), it[1], font=fb, fill=col)
        elif kind in ("c", "cb"):
            ff = fb if kind == "cb" else f
            dr.text(((width - ff.getlength(it[1])) / 2, y), it[1], font=ff, fill=col)
        elif kind == "big":
            dr.text(((width - fbig.getlength(it[1])) / 2, y), it[1], font=fbig, fill=col)
            y += int(lh * 1.55)
            continue
        elif kind in ("lr", "lrb"):
            ff = fb if kind == "lrb" else f
            dr.text((margin, y), it[1], font=ff, fill=col)
            dr.text((width - margin - ff.getlength(it[2]), y), it[2], font=ff, fill=col)
        elif kind == "hr":
            dr.text((margin, y), "-" * chars, font=f, fill=col)
        elif kind == "=":
            dr.text((margin, y), "=" * chars, font=f, fill=col)
        elif kind == "bar":
            x = margin + cw * 3
            while x < width - margin - cw * 3:
                bw = rnd.choice([2, 2, 3, 4, 6])
                if rnd.random() < 0.55:
                    dr.rectangle([x, y + 4, x + bw - 1, y + int(lh * 2.0)], fill=col)
                x += bw
            y += int(lh * 2.4)
            continue
        elif kind == "sp":
            pass
        y += lh
    return img


def photograph(
    paper: Image.Image,
    out: Path,
    *,
    seed: int,
    angle: float,
    bg=(96, 86, 74),
    margin=80,
    light_dir=35.0,
    dark=0.70,
    fmt="JPEG",
    quality=80,
    blur=0.7,
    max_side=1400,
    min_side=820,
    curl=True,
):
    """Make a flat rendering look like a phone photo of paper on a table."""
    rnd = random.Random(seed)
    w, h = paper.size
    # paper grain
    grain = Image.effect_noise((w, h), 7).convert("RGB")
    paper = ImageChops.add(paper, grain, 1.0, -128)
    # slight horizontal stretch of lines on thermal paper: a faint vertical fold shadow
    if curl:
        fold = Image.new("L", (w, h), 255)
        fd = ImageDraw.Draw(fold)
        fx = int(w * rnd.uniform(0.3, 0.7))
        for i in range(40):
            fd.line([(fx + i - 20, 0), (fx + i - 20, h)], fill=int(255 - 22 * (1 - abs(i - 20) / 20)))
        fold = fold.filter(ImageFilter.GaussianBlur(6))
        paper = ImageChops.multiply(paper, Image.merge("RGB", [fold] * 3))
    cw, ch = w + 2 * margin, h + 2 * margin
    canvas = Image.new("RGB", (cw, ch), bg)
    tex = Image.effect_noise((cw, ch), 14).convert("RGB")
    canvas = ImageChops.add(canvas, tex, 1.0, -128)
    # shadow under the paper
    shadow = Image.new("L", (cw, ch), 0)
    ImageDraw.Draw(shadow).rectangle([margin + 8, margin + 10, margin + w + 8, margin + h + 10], fill=150)
    shadow = shadow.filter(ImageFilter.GaussianBlur(9))
    canvas = Image.composite(Image.new("RGB", (cw, ch), (30, 26, 22)), canvas, shadow)
    canvas.paste(paper, (margin, margin))
    canvas = canvas.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=bg)
    cw, ch = canvas.size
    # uneven light: linear falloff in one direction plus a soft hot spot
    grad = Image.linear_gradient("L").resize((512, 512), Image.BICUBIC)
    grad = grad.rotate(light_dir, resample=Image.BICUBIC, expand=True)
    gx, gy = grad.size[0] // 2, grad.size[1] // 2
    grad = grad.crop((gx - 180, gy - 180, gx + 180, gy + 180)).resize((cw, ch), Image.BICUBIC)
    lo = int(255 * dark)
    grad = grad.point(lambda v: 255 - int((255 - lo) * v / 255))
    spot = Image.radial_gradient("L").resize((cw, ch), Image.BICUBIC)
    spot = spot.point(lambda v: 255 - int(40 * v / 255))
    light = ImageChops.multiply(grad, spot)
    light = ImageChops.multiply(Image.merge("RGB", [light] * 3), Image.new("RGB", (cw, ch), (255, 248, 236)))
    canvas = ImageChops.multiply(canvas, light)
    canvas = canvas.filter(ImageFilter.GaussianBlur(blur))
    sensor = Image.effect_noise((cw, ch), 6).convert("RGB")
    canvas = ImageChops.add(canvas, sensor, 1.0, -128)
    longest = max(cw, ch)
    scale = 1.0
    if longest > max_side:
        scale = max_side / longest
    elif longest < min_side:
        scale = min_side / longest
    if scale != 1.0:
        canvas = canvas.resize((round(cw * scale), round(ch * scale)), Image.LANCZOS)
    if fmt == "JPEG":
        canvas.save(out, "JPEG", quality=quality, optimize=True)
    else:
        canvas.save(out, "PNG", optimize=True)


# --------------------------------------------------------------------------- truth


def truth(file, fmt, kind, date, end_date, amount, currency, supplier, nights, language, note):
    readable = "ocr" if fmt == "image" else "text"
    return {
        "file": file,
        "format": fmt,
        "claim": "blind",
        "kind": kind,
        "date": date,
        "end_date": end_date,
        "amount": amount,
        "currency": currency,
        "supplier": supplier,
        "nights": nights,
        "language": language,
        "readable": readable,
        "problems": [],
        "refusal": None,
        "note": note,
    }


# =========================================================================== documents
# Each function writes one file into `out` and returns its truth line.


def f1_eticket_return(out: Path):
    name = "ETKT_7822417563390.pdf"
    fare = d("845.00")
    taxes = [
        ("YQ", "Carrier-imposed surcharge", "310.00"),
        ("YR", "Carrier service fee", "122.85"),
        ("IT", "Italy embarkation tax", "24.20"),
        ("HB", "Italy municipal surcharge", "6.50"),
        ("VT", "Italy security charge", "2.43"),
        ("EX", "Italy airport charge", "12.60"),
        ("MJ", "Italy noise charge", "1.17"),
        ("OI", "Japan international tourist tax", "6.00"),
        ("SW", "Japan passenger service facility charge", "17.10"),
    ]
    tax_total = sum(d(t[2]) for t in taxes)
    total = fare + tax_total
    assert tax_total == d("502.85") and total == d("1347.85")

    p = Pdf(dt.datetime(2027, 4, 28, 9, 14), "Electronic Ticket Receipt", "Aeris Europa")
    p.band("AERIS EUROPA", (11, 53, 99), size=20, h=13, sub="Electronic Ticket Itinerary / Receipt")
    p.ln(4)
    y0 = p.get_y()
    p.kv(
        [
            ("Passenger name", "MOORE/DANIEL MR"),
            ("Booking reference", "K7QW2M"),
            ("Ticket number", "782 2417563390"),
            ("Frequent flyer", "AX 40417729 SILVER"),
        ],
        x=16,
        w_key=36,
        w_val=55,
        bold_val=True,
    )
    p.set_y(y0)
    p.kv(
        [
            ("Date of issue", "28APR27"),
            ("Place of issue", "AERIS EUROPA ONLINE MILANO IT"),
            ("IATA number", "38291746"),
            ("Tour code", "-"),
        ],
        x=110,
        w_key=28,
        w_val=60,
    )
    p.ln(4)
    p.line_text("ITINERARY", 10, "B")
    p.grid(
        [
            ["Date", "Flight", "From", "To", "Dep", "Arr", "Class", "Fare basis", "Bag", "Status"],
            [
                "13JUN27",
                "AX 781",
                "MILAN MALPENSA (MXP) T1",
                "TOKYO HANEDA (HND) T3",
                "21:40",
                "17:25 14JUN",
                "Y",
                "YLXR2IT",
                "1PC",
                "OK",
            ],
            [
                "18JUN27",
                "AX 786",
                "OSAKA KANSAI (KIX) T1",
                "MILAN MALPENSA (MXP) T1",
                "11:05",
                "18:50",
                "Y",
                "YLXR2IT",
                "1PC",
                "OK",
            ],
        ],
        widths=[16, 14, 34, 34, 11, 19, 11, 18, 10, 11],
        aligns=["L"] * 10,
        size=7.5,
        family="Cond",
    )
    p.ln(2)
    p.line_text(
        "Times are local. Check-in closes 60 minutes before departure. Not valid before/after: 13JUN27 / 13JUN28.",
        7.5,
        family="Cond",
    )
    p.ln(3)
    p.line_text("FARE CALCULATION", 10, "B")
    p.line_text("MIL AX TYO 405.00 /-OSA AX MIL 440.00 NUC845.00END ROE1.000000", 8.5, family="Mono")
    p.ln(3)
    p.line_text("PAYMENT DETAILS", 10, "B")
    p.totals([("Fare", f"EUR {en_amt(fare)}")], x=16, w_key=120, w_val=40, size=9)
    p.set_font("Sans", "", 8.5)
    p.set_x(16)
    p.cell(0, 5, "Taxes, fees and charges:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for code, label, v in taxes:
        p.set_x(22)
        p.set_font("Mono", "", 8.5)
        p.cell(12, 4.4, code)
        p.set_font("Sans", "", 8.5)
        p.cell(102, 4.4, label)
        p.cell(40, 4.4, f"EUR {en_amt(v)}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.totals(
        [("Total taxes, fees and charges", f"EUR {en_amt(tax_total)}")],
        x=16,
        w_key=120,
        w_val=40,
        size=9,
        bold_last=False,
    )
    p.hline(x1=120)
    p.ln(1)
    p.totals([("TOTAL AMOUNT", f"EUR {en_amt(total)}")], x=16, w_key=120, w_val=40, size=10)
    p.ln(2)
    p.kv(
        [
            ("Form of payment", f"CC VI XXXXXXXXXXXX4821 EUR {en_amt(total)}  APPR 514270"),
            ("Endorsements", "NONREF/CHG FEE APPLIES/VALID ON AX ONLY"),
        ],
        x=16,
        w_key=36,
        w_val=120,
        size=8.5,
    )
    p.ln(6)
    p.line_text(
        "Carriage and other services provided by the carrier are subject to conditions of carriage, which are "
        "hereby incorporated by reference. Passengers on a journey involving an ultimate destination or a stop in "
        "a country other than the country of departure are advised that international treaties known as the "
        "Montreal Convention may apply. This receipt is your record of an electronic ticket; keep it until the end "
        "of your journey.",
        7,
        family="Cond",
        color=(70, 70, 70),
    )
    p.ln(3)
    p.line_text(
        f"Aeris Europa S.p.A. - Via del Gregge 100, 21015 Lonate Pozzolo (VA), Italy - P.IVA IT{it_vat('0271846012')}",
        7,
        family="Cond",
        color=(70, 70, 70),
    )
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "ticket",
        "2027-06-13",
        "2027-06-18",
        "1347.85",
        "EUR",
        "Aeris Europa",
        None,
        "en",
        "Return e-ticket receipt: issue date 28APR27 and airline-style dates (13JUN27); outward arrives "
        "next day (14JUN); nine tax lines and a 'Total taxes' figure (502.85) above the TOTAL AMOUNT.",
    )


def f2_conferma_volo(out: Path):
    name = "Conferma_prenotazione_QF-88123.pdf"
    fare, taxes, agency, insurance = d("1020.00"), d("318.47"), d("35.00"), d("39.90")
    total = fare + taxes + agency + insurance
    agency_vat = r2(agency * 22 / 122)
    assert total == d("1413.37") and agency_vat == d("6.31")

    p = Pdf(dt.datetime(2027, 4, 15, 10, 43), "Conferma di prenotazione QF-88123", "Viaggi Quadrifoglio")
    p.set_text_color(24, 120, 62)
    p.set_font("Serif", "BI", 22)
    p.cell(0, 10, "Viaggi Quadrifoglio", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.set_text_color(0, 0, 0)
    p.line_text(
        f"Viaggi Quadrifoglio S.r.l. - Agenzia di viaggi online - Via Nazionale 214, 00184 Roma - "
        f"P.IVA {it_vat('1549026100')} - Aut. Reg. Lazio n. 412/2011",
        7.5,
        color=(90, 90, 90),
    )
    p.hline(gray=150)
    p.ln(4)
    p.line_text("CONFERMA DI PRENOTAZIONE E RICEVUTA DI PAGAMENTO", 13, "B")
    p.ln(2)
    p.kv(
        [
            ("Codice prenotazione:", "QF-88123"),
            ("Data prenotazione:", "15/04/2027 ore 10:42"),
            ("Passeggero:", "Sig.ra FERRETTI GIULIA (adulto)"),
            ("Biglietto elettronico:", "417-2290184551 (vettore Hanse Air)"),
        ],
        x=16,
        w_key=42,
        w_val=120,
        size=9.5,
    )
    p.ln(4)
    for title, segs in (
        (
            "ANDATA - sabato 12 giugno 2027",
            [
                ["HX 231", "Roma Fiumicino (FCO)", "13:15", "Francoforte (FRA)", "15:20", "Economy"],
                ["HX 716", "Francoforte (FRA)", "17:55", "Tokyo Narita (NRT)", "12:40 (dom 13 giu)", "Economy"],
            ],
        ),
        (
            "RITORNO - sabato 19 giugno 2027",
            [
                ["HX 741", "Osaka Kansai (KIX)", "10:30", "Francoforte (FRA)", "16:45", "Economy"],
                ["HX 248", "Francoforte (FRA)", "19:10", "Roma Fiumicino (FCO)", "21:05", "Economy"],
            ],
        ),
    ):
        p.set_fill_color(232, 243, 236)
        p.set_font("Sans", "B", 10)
        p.cell(0, 7, "  " + title, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        p.grid(
            [["Volo", "Partenza da", "Ora", "Arrivo a", "Ora", "Classe"], *segs],
            widths=[18, 40, 16, 40, 30, 22],
            aligns=["L"] * 6,
            size=8.5,
            head_fill=(245, 245, 245),
        )
        p.ln(1)
        p.line_text("Bagaglio incluso: 1 collo da 23 kg in stiva + 1 bagaglio a mano da 8 kg.", 8)
        p.ln(3)
    p.line_text("RIEPILOGO PAGAMENTO", 11, "B")
    p.totals(
        [
            ("Tariffa aerea (1 adulto)", f"€ {it_amt(fare)}"),
            ("Tasse aeroportuali e supplementi", f"€ {it_amt(taxes)}"),
            ("Diritti di agenzia (IVA inclusa)", f"€ {it_amt(agency)}"),
            ("Polizza annullamento viaggio (facoltativa)", f"€ {it_amt(insurance)}"),
            ("TOTALE PAGATO", f"€ {it_amt(total)}"),
        ],
        x=16,
        w_key=120,
        w_val=40,
        size=9.5,
        boxed_last=True,
    )
    p.ln(2)
    p.line_text(
        f"di cui IVA 22% su diritti di agenzia € {it_amt(agency_vat)}. Pagamento con carta Mastercard "
        f"**** 7710 del 15/04/2027, autorizzazione 009214.",
        8,
    )
    p.ln(4)
    p.line_text(
        "Il presente documento costituisce ricevuta di pagamento. La fattura elettronica per i diritti di "
        "agenzia sarà trasmessa tramite SdI. Le tariffe aeree sono soggette alle regole del vettore: "
        "biglietto non rimborsabile, cambio data con penale.",
        7.5,
        color=(90, 90, 90),
    )
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "ticket",
        "2027-06-12",
        "2027-06-19",
        "1413.37",
        "EUR",
        "Viaggi Quadrifoglio S.r.l.",
        None,
        "it",
        "Agency booking confirmation for a return flight with a connection: booking date 15/04/2027, "
        "outward leaves 12 June and lands 13 June; total paid includes agency fee and optional "
        "cancellation insurance; a VAT-of-which line (6,31).",
    )


def f3_billet_aller_simple(out: Path):
    name = "recu_billet_AL276.pdf"
    tarif, yq = d("712.00"), d("245.00")
    taxes = [
        ("FR", "Taxe de l'aviation civile", "8.26"),
        ("QX", "Redevance passagers aéroport", "64.43"),
        ("IZ", "Taxe de solidarité sur les billets d'avion", "15.00"),
    ]
    frais = d("15.00")
    tax_total = yq + sum(d(t[2]) for t in taxes)
    total = tarif + tax_total + frais
    assert tax_total == d("332.69") and total == d("1059.69")

    p = Pdf(dt.datetime(2027, 4, 29, 21, 5), "Reçu de billet électronique", "Air Lumière")
    p.set_font("Serif", "B", 22)
    p.set_text_color(120, 20, 60)
    p.cell(90, 11, "AIR LUMIÈRE")
    p.set_font("Sans", "", 11)
    p.set_text_color(0, 0, 0)
    p.cell(0, 11, "Reçu de billet électronique / Itinéraire", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.hline(width=0.6)
    p.ln(4)
    p.kv(
        [
            ("Référence de réservation", "7HXRTL"),
            ("Numéro de billet", "607 2418823117"),
            ("Date d'émission", "29 avril 2027"),
            ("Émis par", "Air Lumière - vente internet"),
            ("Passager", "Mme DELAUNAY CLAIRE"),
        ],
        x=16,
        w_key=50,
        w_val=100,
        size=9.5,
    )
    p.ln(5)
    p.line_text("VOTRE VOYAGE - ALLER SIMPLE", 11, "B")
    p.grid(
        [
            ["Vol", "Départ", "Arrivée", "Classe", "Bagage", "Statut"],
            [
                "AL 276",
                "dim. 13 juin 2027 11:20\nParis-Charles de Gaulle (CDG)\nTerminal 2E",
                "lun. 14 juin 2027 07:05\nTokyo-Haneda (HND)\nTerminal 3",
                "Economy Standard (N)",
                "1 x 23 kg",
                "Confirmé",
            ],
        ],
        widths=[16, 49, 49, 28, 18, 18],
        aligns=["L"] * 6,
        size=8.5,
    )
    p.ln(5)
    p.line_text("DÉTAIL DU PRIX", 11, "B")
    rows = [("Tarif", f"{fr_amt(tarif)} €"), ("Surcharge transporteur (YQ)", f"{fr_amt(yq)} €")]
    rows += [(f"{label} ({code})", f"{fr_amt(v)} €") for code, label, v in taxes]
    rows += [
        ("Total taxes et surcharges", f"{fr_amt(tax_total)} €"),
        ("Frais de service", f"{fr_amt(frais)} €"),
        ("Montant total payé", f"{fr_amt(total)} €"),
    ]
    p.totals(rows, x=16, w_key=120, w_val=40, size=9.5, bold_keys=("Total taxes et surcharges",))
    p.ln(2)
    p.line_text("Moyen de paiement : carte Visa se terminant par 3308, débitée le 29/04/2027.", 8.5)
    p.ln(5)
    p.line_text(
        "Conditions tarifaires : non remboursable ; modification avant départ moyennant frais de 150 EUR "
        "plus différence tarifaire. Présentez-vous à l'enregistrement au plus tard 60 minutes avant le "
        "départ. Le transport est soumis aux conditions générales de transport d'Air Lumière.",
        7.5,
        color=(80, 80, 80),
    )
    p.ln(2)
    p.line_text(
        "Air Lumière SA - 2 rue de l'Envol, 95700 Roissy-en-France - RCS Pontoise 801 442 118", 7, color=(80, 80, 80)
    )
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "ticket",
        "2027-06-13",
        None,
        "1059.69",
        "EUR",
        "Air Lumière",
        None,
        "fr",
        "French one-way e-ticket: issue date 29 avril 2027, flight dim. 13 juin 2027 landing lun. 14 juin; "
        "a 'Total taxes et surcharges' subtotal (332,69) and service fee before the amount paid; French "
        "number style with no-break spaces.",
    )


def f4_boarding_pass_pdf(out: Path):
    name = "boardingpass_DELAUNAY_AL276.pdf"
    p = Pdf(dt.datetime(2027, 6, 12, 18, 2), "Boarding pass", "Air Lumière")
    p.set_font("Serif", "B", 18)
    p.set_text_color(120, 20, 60)
    p.cell(90, 10, "AIR LUMIÈRE")
    p.set_text_color(0, 0, 0)
    p.set_font("Sans", "B", 13)
    p.cell(0, 10, "BOARDING PASS / Carte d'embarquement", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.hline(width=0.6)
    p.ln(3)
    x0, y0 = 16, p.get_y()
    p.set_draw_color(120, 20, 60)
    p.set_line_width(0.5)
    p.rect(x0, y0, 178, 92)
    p.set_line_width(0.2)

    def field(x, y, label, value, size=14, w=40):
        p.set_xy(x, y)
        p.set_font("Sans", "", 7.5)
        p.set_text_color(100, 100, 100)
        p.cell(w, 4, label)
        p.set_text_color(0, 0, 0)
        p.set_xy(x, y + 4)
        p.set_font("Sans", "B", size)
        p.cell(w, size * 0.45, value)

    field(x0 + 5, y0 + 4, "Name / Nom", "DELAUNAY/CLAIRE MRS", 14, 100)
    field(x0 + 120, y0 + 4, "Booking ref.", "7HXRTL", 12)
    field(x0 + 5, y0 + 18, "From", "PARIS CDG", 20, 60)
    field(x0 + 5, y0 + 28, "", "Terminal 2E", 9, 60)
    field(x0 + 70, y0 + 18, "To", "TOKYO HND", 20, 60)
    field(x0 + 70, y0 + 28, "", "Terminal 3", 9, 60)
    field(x0 + 5, y0 + 40, "Flight", "AL 276", 14, 30)
    field(x0 + 40, y0 + 40, "Date", "13JUN", 14, 30)
    field(x0 + 75, y0 + 40, "Departure", "11:20", 14, 30)
    field(x0 + 110, y0 + 40, "Class", "ECONOMY", 12, 30)
    field(x0 + 5, y0 + 54, "Boarding time", "10:35", 18, 35)
    field(x0 + 40, y0 + 54, "Gate", "K41", 18, 30)
    field(x0 + 75, y0 + 54, "Seat", "27C", 18, 30)
    field(x0 + 110, y0 + 54, "Zone", "3", 18, 20)
    field(x0 + 135, y0 + 54, "Seq.", "118", 14, 20)
    field(x0 + 5, y0 + 70, "Ticket", "607 2418823117", 9, 50)
    field(x0 + 60, y0 + 70, "Frequent flyer", "-", 9, 30)
    field(x0 + 100, y0 + 70, "Baggage", "1PC 23KG", 9, 30)
    p.barcode(x0 + 126, y0 + 15, 46, 21, seed=276, rows=8)
    p.set_xy(x0 + 5, y0 + 82)
    p.set_font("Sans", "", 7.5)
    p.cell(0, 4, "Gate closes 20 minutes before departure / La porte ferme 20 minutes avant le départ.")
    p.set_y(y0 + 98)
    p.line_text(
        "Issued 12JUN27 18:02 - online check-in. Gate and boarding time may change: check the screens at "
        "the airport. Present this boarding pass together with a valid passport.",
        8,
    )
    p.ln(4)
    p.line_text(
        "Important: liquids in cabin baggage must be in containers of max. 100 ml in one transparent bag. "
        "Lithium batteries are not permitted in checked baggage.",
        7.5,
        color=(90, 90, 90),
    )
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "boarding_pass",
        "2027-06-13",
        None,
        None,
        None,
        "Air Lumière",
        None,
        "en",
        "Web boarding pass: the flight date is '13JUN' with no year; the only full date is the check-in "
        "issue line 12JUN27. Bilingual labels; times and gate look like amounts/dates.",
    )


def f5_boarding_pass_photo(out: Path):
    name = "IMG_5127.jpg"
    pw, ph = 1180, 430
    img = Image.new("RGB", (pw, ph), (250, 249, 244))
    dr = ImageDraw.Draw(img)
    f_small = pil_font("dejavu", 15)
    f_mid = pil_font("dejavu_b", 26)
    f_big = pil_font("dejavu_b", 36)
    f_title = pil_font("dejavu_b", 30)
    blue = (16, 58, 108)
    dr.rectangle([0, 0, pw, 56], fill=blue)
    dr.text((24, 10), "AERIS EUROPA", font=f_title, fill=(255, 255, 255))
    dr.text((560, 18), "BOARDING PASS", font=pil_font("dejavu_b", 22), fill=(255, 255, 255))
    dr.line([(860, 0), (860, ph)], fill=(150, 150, 150), width=2)
    for yy in range(0, ph, 14):
        dr.line([(860, yy), (860, yy + 7)], fill=(250, 249, 244), width=3)
    ink = (30, 30, 36)
    grey = (110, 110, 110)

    def fld(x, y, label, value, f=f_mid):
        dr.text((x, y), label, font=f_small, fill=grey)
        dr.text((x, y + 20), value, font=f, fill=ink)

    fld(24, 72, "NAME OF PASSENGER", "MOORE/DANIEL MR")
    fld(24, 140, "FROM", "OSAKA KANSAI  KIX", f_big)
    fld(24, 210, "TO", "MILAN MALPENSA  MXP", f_big)
    fld(24, 290, "FLIGHT", "AX 786")
    fld(190, 290, "CLASS", "Y")
    fld(290, 290, "DATE", "18JUN")
    fld(440, 290, "DEP TIME", "11:05")
    fld(600, 290, "GATE", "14")
    fld(24, 355, "BOARDING TIME", "10:20", f_mid)
    fld(250, 355, "SEAT", "41A", f_mid)
    fld(380, 355, "SEQ", "087", f_mid)
    fld(520, 355, "ETKT", "7822417563390", pil_font("dejavu", 20))
    dr.text((560, 80), "GATE CLOSES 10:45", font=pil_font("dejavu_b", 18), fill=ink)
    rnd = random.Random(786)
    x = 560
    while x < 840:
        bw = rnd.choice([2, 2, 3, 5])
        if rnd.random() < 0.55:
            dr.rectangle([x, 130, x + bw - 1, 200], fill=ink)
        x += bw
    # stub
    fld(880, 72, "NAME", "MOORE/DANIEL", pil_font("dejavu_b", 20))
    fld(880, 130, "FLIGHT  DATE", "AX786  18JUN", pil_font("dejavu_b", 22))
    fld(880, 195, "FROM  TO", "KIX - MXP", pil_font("dejavu_b", 22))
    fld(880, 260, "SEAT", "41A", f_big)
    fld(1010, 260, "SEQ", "087", f_mid)
    dr.text((880, 360), "AERIS EUROPA", font=pil_font("dejavu_b", 16), fill=blue)
    # a pen tick over the stub, as gate staff do
    dr.line([(905, 330), (935, 352), (1000, 300)], fill=(40, 60, 150), width=4)
    photograph(img, out / name, seed=5127, angle=-2.2, margin=70, light_dir=120, dark=0.68, curl=False, bg=(70, 72, 78))
    return truth(
        name,
        "image",
        "boarding_pass",
        "2027-06-18",
        None,
        None,
        None,
        "Aeris Europa",
        None,
        "en",
        "Phone photo of a paper boarding pass (landscape, with tear-off stub): the date is only '18JUN', "
        "year taken from the mission; boarding/departure times and gate; no amount.",
    )


def h1_folio_tokyo(out: Path):
    name = "folio_880214.pdf"
    room, svc, bkf, acc = 18500, 1850, 2400, 200
    taxable = 2 * room + 2 * svc + bkf
    ctax = taxable // 10
    total = taxable + ctax + 2 * acc
    assert (taxable, ctax, total) == (43100, 4310, 47810)

    p = Pdf(dt.datetime(2027, 6, 16, 7, 58), "Guest folio 880214", "Hotel Shiodome Bayview Tokyo")
    p.set_font("Serif", "B", 18)
    p.cell(0, 9, "HOTEL SHIODOME BAYVIEW TOKYO", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.line_text("1-9-3 Higashi-Shimbashi, Minato-ku, Tokyo 105-0021 Japan  -  Tel +81-3-6255-8800", 8, align="C")
    p.line_text(f"Registration No. {jp_reg('010401098765')}", 8, align="C")
    p.ln(3)
    p.line_text("GUEST FOLIO / INVOICE", 12, "B", align="C")
    p.ln(3)
    y0 = p.get_y()
    p.kv(
        [
            ("Guest Name", "Mr. Daniel Moore"),
            ("Company", FERRETTI),
            ("Address", "Via Emilia Ovest 1184"),
            ("", "41123 Modena, Italy"),
        ],
        x=16,
        w_key=26,
        w_val=70,
        size=8.5,
    )
    p.set_y(y0)
    p.kv(
        [
            ("Room No.", "1812"),
            ("Arrival", "2027/06/14"),
            ("Departure", "2027/06/16"),
            ("Nights", "2"),
            ("Guests", "1"),
            ("Folio No.", "880214"),
            ("Cashier", "KATO"),
            ("Printed", "2027/06/16 07:58"),
        ],
        x=126,
        w_key=24,
        w_val=44,
        size=8.5,
    )
    p.ln(3)
    rows = [
        ["Date", "Description", "Reference", "Charges (JPY)", "Credits (JPY)"],
        ["2027/06/14", "Room Charge - Superior King", "RM1812", yen(room), ""],
        ["2027/06/14", "Service Charge 10%", "", yen(svc), ""],
        ["2027/06/14", "Tokyo Accommodation Tax", "", yen(acc), ""],
        ["2027/06/15", "Breakfast - The Bay Kitchen", "CHK 20331", yen(bkf), ""],
        ["2027/06/15", "Room Charge - Superior King", "RM1812", yen(room), ""],
        ["2027/06/15", "Service Charge 10%", "", yen(svc), ""],
        ["2027/06/15", "Tokyo Accommodation Tax", "", yen(acc), ""],
        ["2027/06/16", "Consumption Tax 10%", "", yen(ctax), ""],
        ["2027/06/16", "VISA ************4821", "AUTH 772190", "", yen(total)],
    ]
    p.grid(rows, widths=[24, 70, 28, 28, 28], aligns=["L", "L", "L", "R", "R"], size=8.5)
    p.ln(3)
    p.totals(
        [("Total Charges", f"¥{yen(total)}"), ("Total Credits", f"¥{yen(total)}"), ("Balance", "¥0")],
        x=110,
        w_key=44,
        w_val=24,
        size=9.5,
    )
    p.ln(3)
    p.line_text(
        f"Tax summary: taxable amount (10%) ¥{yen(taxable)}, consumption tax ¥{yen(ctax)}; Tokyo "
        f"accommodation tax ¥{acc} per person per night (not subject to consumption tax) ¥{yen(2 * acc)}.",
        8,
    )
    p.ln(10)
    p.line_text("Guest signature: ______________________________", 9)
    p.ln(4)
    p.line_text("Thank you for staying with us. We look forward to welcoming you again.", 8, "I", align="C")
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "hotel_bill",
        "2027-06-14",
        "2027-06-16",
        "47810",
        "JPY",
        "Hotel Shiodome Bayview Tokyo",
        2,
        "en",
        "Tokyo folio in yen: service charge, consumption tax line and accommodation-tax lines; the card "
        "credit equals the total and 'Balance ¥0' ends the page; printed date is check-out day.",
    )


def h2_booking_site(out: Path):
    name = "Stayvia_receipt_4102887316.pdf"
    nightly = d("131.00")
    base = 2 * nightly
    svc = r2(base * d("0.10"))
    ctax = r2((base + svc) * d("0.10"))
    total = base + svc + ctax
    assert (svc, ctax, total) == (d("26.20"), d("28.82"), d("317.02"))

    p = Pdf(dt.datetime(2027, 5, 3, 14, 20), "Payment receipt", "Stayvia")
    p.set_font("Sans", "B", 24)
    p.set_text_color(0, 110, 190)
    p.cell(60, 12, "stayvia")
    p.set_text_color(0, 0, 0)
    p.set_font("Sans", "", 9)
    p.cell(0, 12, "Payment receipt", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.hline(gray=180)
    p.ln(4)
    p.kv(
        [
            ("Receipt date:", "May 3, 2027"),
            ("Booking number:", "4102 887 316"),
            ("PIN code:", "7721"),
            ("Booked by:", "Daniel Moore (daniel.moore@ferretti-meccanica.example)"),
        ],
        x=16,
        w_key=36,
        w_val=140,
        size=9.5,
    )
    p.ln(4)
    p.set_font("Sans", "B", 13)
    p.cell(0, 7, "Namba Riverside Hotel Osaka", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.line_text("2-4-11 Nipponbashi, Chuo-ku, Osaka 542-0073, Japan", 9)
    p.ln(3)
    p.kv(
        [
            ("Check-in", "Wednesday, June 16, 2027 (from 15:00)"),
            ("Check-out", "Friday, June 18, 2027 (until 11:00)"),
            ("Length of stay", "2 nights, 1 room"),
            ("Room", "Superior Double Room - non-refundable"),
            ("Guest name", "Daniel Moore"),
        ],
        x=16,
        w_key=36,
        w_val=140,
        size=9.5,
    )
    p.ln(4)
    p.set_font("Sans", "B", 10)
    p.cell(0, 6, "Price details", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.totals(
        [
            ("2 nights x € 131.00", f"€ {en_amt(base)}"),
            ("10% service charge", f"€ {en_amt(svc)}"),
            ("10% consumption tax", f"€ {en_amt(ctax)}"),
            ("Total price", f"€ {en_amt(total)}"),
        ],
        x=16,
        w_key=120,
        w_val=40,
        size=9.5,
    )
    p.line_text("Local currency for reference only: approx. JPY 53,420", 8, "I", color=(90, 90, 90))
    p.ln(2)
    p.set_fill_color(240, 246, 252)
    p.set_font("Sans", "", 9)
    p.multi_cell(
        0,
        5,
        f"Amount charged: € {en_amt(total)} on May 3, 2027 to Mastercard •••• 5530 "
        "(prepaid, non-refundable).\nNot included: Osaka accommodation tax of JPY 200 per person per "
        "night (JPY 400 in total), payable at the property.",
        fill=True,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    p.ln(6)
    p.line_text(
        "This receipt is issued by Stayvia B.V. on behalf of the accommodation provider. Stayvia B.V., "
        "Keizersgracht 401, 1016 EK Amsterdam, the Netherlands. VAT NL861204733B01. "
        "Chamber of Commerce 57012994.",
        7.5,
        color=(90, 90, 90),
    )
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "hotel_bill",
        "2027-06-16",
        "2027-06-18",
        "317.02",
        "EUR",
        "Stayvia B.V.",
        2,
        "en",
        "Booking-site receipt in EUR: receipt/charge date May 3, 2027 differs from the stay; a JPY "
        "'for reference' total and a JPY city tax payable at the hotel that is not part of the amount.",
    )


def h3_folio_extras(out: Path):
    name = "Dojima_invoice_G-30517.pdf"
    room, acc = 16000, 200
    minibar, restaurant, laundry = 1650, 8800, 1200
    total = 3 * room + 3 * acc + minibar + restaurant + laundry
    taxable = total - 3 * acc
    ctax_incl = taxable * 10 // 110
    deposit = 30000
    final = total - deposit
    assert (total, taxable, ctax_incl, final) == (60250, 59650, 5422, 30250)

    p = Pdf(dt.datetime(2027, 6, 19, 8, 31), "Invoice G-30517", "Dojima Grand Hotel Osaka")
    p.set_font("Serif", "B", 20)
    p.set_text_color(110, 80, 20)
    p.cell(0, 10, "DOJIMA GRAND HOTEL OSAKA", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.set_text_color(0, 0, 0)
    p.line_text(
        f"1-3-18 Dojimahama, Kita-ku, Osaka 530-0004  |  +81-6-6344-1200  |  Registration No. {jp_reg('120001187342')}",
        8,
    )
    p.hline(gray=120)
    p.ln(3)
    y0 = p.get_y()
    p.line_text("INVOICE", 14, "B")
    p.kv([("Invoice No.", "G-30517"), ("Date of issue", "19-Jun-2027")], x=16, w_key=30, w_val=40, size=9)
    p.ln(2)
    p.kv([("Guest", "Ms Giulia Ferretti"), ("Company", FERRETTI)], x=16, w_key=30, w_val=80, size=9)
    p.set_y(y0)
    p.kv(
        [
            ("Room", "905 - Deluxe Twin (single use)"),
            ("Arrival", "16-Jun-2027"),
            ("Departure", "19-Jun-2027"),
            ("Nights", "3"),
            ("Rate", "JPY 16,000 / night"),
            ("Reservation", "DGO-771402"),
        ],
        x=116,
        w_key=24,
        w_val=56,
        size=9,
    )
    p.ln(6)
    rows = [
        ["Date", "Description", "Voucher", "Charges", "Payments"],
        ["16-Jun-2027", "Advance deposit - AMEX ***1006", "DEP 5511", "", yen(deposit)],
        ["16-Jun-2027", "Room charge", "", yen(room), ""],
        ["16-Jun-2027", "Osaka accommodation tax", "", yen(acc), ""],
        ["17-Jun-2027", "Room charge", "", yen(room), ""],
        ["17-Jun-2027", "Osaka accommodation tax", "", yen(acc), ""],
        ["17-Jun-2027", "Minibar", "MB 0931", yen(minibar), ""],
        ["17-Jun-2027", "Restaurant SAKABA - dinner, 2 covers", "CHK 4471", yen(restaurant), ""],
        ["18-Jun-2027", "Room charge", "", yen(room), ""],
        ["18-Jun-2027", "Osaka accommodation tax", "", yen(acc), ""],
        ["18-Jun-2027", "Laundry service", "LD 0216", yen(laundry), ""],
        ["19-Jun-2027", "Payment - AMEX ***1006", "PAY 5590", "", yen(final)],
    ]
    p.grid(rows, widths=[25, 72, 23, 29, 29], aligns=["L", "L", "L", "R", "R"], size=8.5)
    p.ln(3)
    p.totals(
        [("Total charges", f"JPY {yen(total)}"), ("Total payments", f"JPY {yen(total)}"), ("Balance due", "JPY 0")],
        x=104,
        w_key=44,
        w_val=30,
        size=9.5,
        bold_last=False,
        bold_keys=("Total charges",),
    )
    p.ln(3)
    p.line_text(
        f"All charges include 10% consumption tax. Included consumption tax: JPY {yen(ctax_incl)} "
        f"(taxable total JPY {yen(taxable)}). Accommodation tax (JPY 200 per person per night) is not "
        "subject to consumption tax.",
        8,
    )
    p.ln(8)
    p.line_text(
        "I agree that my liability for this bill is not waived and I agree to be held personally liable in "
        "the event that the indicated person, company or association fails to pay all or part of these "
        "charges.",
        7.5,
        "I",
        color=(90, 90, 90),
    )
    p.ln(6)
    p.line_text("Signature ____________________________", 9)
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "hotel_bill",
        "2027-06-16",
        "2027-06-19",
        "60250",
        "JPY",
        "Dojima Grand Hotel Osaka",
        3,
        "en",
        "Folio with minibar, restaurant and laundry extras; a 30,000 deposit at check-in and a 30,250 "
        "final payment (neither is the total); tax-included prices with an 'included consumption tax' "
        "figure; balance due 0; issue date is check-out day.",
    )


def h4_facture_hotel(out: Path):
    name = "Facture_F27-06-0412.pdf"
    lines = [
        ("Nuitée chambre double standard - 12/06/2027", 1, d("118.18"), d("0.10")),
        ("Petit-déjeuner buffet", 1, d("16.00"), d("0.10")),
        ("Parking souterrain 24 h", 1, d("20.00"), d("0.20")),
    ]
    sejour = d("3.25")
    ht = sum(q * pu for _, q, pu, _ in lines)
    tva10 = r2(sum(q * pu for _, q, pu, t in lines if t == d("0.10")) * d("0.10"))
    tva20 = r2(sum(q * pu for _, q, pu, t in lines if t == d("0.20")) * d("0.20"))
    total = ht + tva10 + tva20 + sejour
    assert (ht, tva10, tva20, total) == (d("154.18"), d("13.42"), d("4.00"), d("174.85"))

    p = Pdf(dt.datetime(2027, 6, 13, 6, 12), "Facture F27-06-0412", "Hôtel Le Relais de Roissy")
    p.set_font("Serif", "BI", 20)
    p.cell(0, 10, "Hôtel Le Relais de Roissy", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    siren = luhn_complete("42871339")
    p.line_text(
        f"SARL au capital de 30 000 € - 3 rue de la Haye, 95700 Roissy-en-France - Tél. 01 34 29 70 00\n"
        f"SIRET {luhn_complete(siren + '0001')} - TVA intracommunautaire {fr_tva(siren)}",
        8,
        color=(70, 70, 70),
    )
    p.ln(5)
    y0 = p.get_y()
    p.set_font("Sans", "B", 16)
    p.cell(0, 8, "FACTURE N° F27-06-0412", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.kv(
        [
            ("Date :", "13/06/2027"),
            ("Chambre :", "214"),
            ("Arrivée :", "12/06/2027"),
            ("Départ :", "13/06/2027"),
            ("Nuits :", "1"),
            ("Adultes :", "1"),
        ],
        x=16,
        w_key=24,
        w_val=40,
        size=9.5,
    )
    p.set_y(y0 + 10)
    p.kv(
        [
            ("Client :", DELAUNAY),
            ("", "Mme Claire Delaunay"),
            ("", DELAUNAY_ADDR),
            ("", f"TVA {fr_tva(DELAUNAY_SIREN)}"),
        ],
        x=110,
        w_key=16,
        w_val=70,
        size=9.5,
    )
    p.ln(12)
    rows = [["Désignation", "Qté", "P.U. HT", "TVA", "Montant HT"]]
    for lab, q, pu, t in lines:
        rows.append([lab, str(q), fr_amt(pu), f"{int(t * 100)} %", fr_amt(q * pu)])
    rows.append(["Taxe de séjour (1 pers. x 1 nuit)", "1", fr_amt(sejour), "-", fr_amt(sejour)])
    p.grid(
        rows,
        widths=[86, 14, 26, 16, 36],
        aligns=["L", "C", "R", "C", "R"],
        size=9,
        layout="ALL",
        head_fill=(235, 235, 235),
    )
    p.ln(4)
    p.totals(
        [
            ("Total HT", f"{fr_amt(ht)} €"),
            ("TVA 10 %", f"{fr_amt(tva10)} €"),
            ("TVA 20 %", f"{fr_amt(tva20)} €"),
            ("Taxe de séjour", f"{fr_amt(sejour)} €"),
            ("Total TTC", f"{fr_amt(total)} €"),
        ],
        x=108,
        w_key=50,
        w_val=36,
        size=9.5,
    )
    p.ln(2)
    p.totals(
        [("Réglé par CB Visa le 13/06/2027", f"{fr_amt(total)} €"), ("Reste dû", "0,00 €")],
        x=88,
        w_key=70,
        w_val=36,
        size=9,
        bold_last=False,
    )
    p.ln(8)
    p.line_text(
        "Facture acquittée. En cas de retard de paiement, indemnité forfaitaire pour frais de recouvrement : "
        "40 €. Taxe de séjour collectée pour le compte de la commune, non soumise à TVA.",
        7.5,
        color=(80, 80, 80),
    )
    p.ln(3)
    p.line_text("Merci de votre visite et bon voyage !", 10, "I", align="C")
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "hotel_bill",
        "2027-06-12",
        "2027-06-13",
        "174.85",
        "EUR",
        "Hôtel Le Relais de Roissy",
        1,
        "fr",
        "French hotel facture for the night before the CDG flight: invoice date is the check-out day, two "
        "VAT rates and a tourist tax outside VAT, 'Total HT' above 'Total TTC', and a 'Reste dû 0,00 €' "
        "line after payment.",
    )


def r1_fattura_stand(out: Path):
    name = "FT_118_2027.pdf"
    rows_num = [
        ("Quota di iscrizione espositore TAMEX 2027", "n.", 1, d("450.00"), None),
        ("Stand preallestito Padiglione Italia (stand C-14)", "mq", 9, d("260.00"), 10),
        ("Inserimento nel catalogo ufficiale della fiera", "n.", 1, d("120.00"), None),
    ]

    def line_amount(q, pu, sc):
        a = q * pu
        return r2(a * (100 - sc) / 100) if sc else a

    imponibile = sum(line_amount(q, pu, sc) for _, _, q, pu, sc in rows_num)
    iva = r2(imponibile * d("0.22"))
    total = imponibile + iva
    assert (imponibile, iva, total) == (d("2676.00"), d("588.72"), d("3264.72"))

    p = Pdf(dt.datetime(2027, 5, 20, 11, 0), "Fattura 118/2027", "Expo Italia Servizi")
    p.set_font("Sans", "B", 17)
    p.set_text_color(0, 90, 60)
    p.cell(0, 8, "EXPO ITALIA SERVIZI S.r.l.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.set_text_color(0, 0, 0)
    p.line_text(
        f"Via Larga 8 - 20122 Milano (MI) - P.IVA e C.F. {it_vat('0918273015')} - REA MI-2088173\n"
        "Tel. 02 8807 1450 - amministrazione@expoitaliaservizi.example - PEC expoitaliaservizi@pec.example",
        8,
        color=(70, 70, 70),
    )
    p.ln(4)
    y0 = p.get_y()
    p.set_font("Sans", "B", 14)
    p.cell(80, 8, "FATTURA", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.kv(
        [
            ("Numero", "118/2027"),
            ("Data", "20/05/2027"),
            ("Tipo documento", "TD01 Fattura"),
            ("Scadenza", "19/06/2027"),
        ],
        x=16,
        w_key=32,
        w_val=40,
        size=9.5,
        bold_val=True,
    )
    p.set_y(y0)
    p.set_x(110)
    p.set_font("Sans", "B", 9)
    p.cell(0, 5, "Spett.le", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.kv(
        [
            ("", FERRETTI),
            ("", "Via Emilia Ovest 1184"),
            ("", "41123 Modena (MO)"),
            ("", f"P.IVA {FERRETTI_VAT}"),
            ("", "Cod. destinatario M5UXCR1"),
        ],
        x=110,
        w_key=0,
        w_val=80,
        size=9.5,
    )
    p.ln(6)
    p.line_text(
        "Oggetto: partecipazione alla collettiva italiana - TAMEX Tokyo Advanced Manufacturing Expo, "
        "Ariake Expo Center, Tokyo, 15-17 giugno 2027",
        9,
        "B",
    )
    p.ln(2)
    rows = [["Descrizione", "U.M.", "Q.tà", "Prezzo unit.", "Sconto", "Importo", "IVA"]]
    for lab, um, q, pu, sc in rows_num:
        rows.append([lab, um, str(q), it_amt(pu), f"{sc}%" if sc else "", it_amt(line_amount(q, pu, sc)), "22"])
    p.grid(
        rows, widths=[70, 12, 12, 24, 16, 28, 12], aligns=["L", "C", "R", "R", "C", "R", "C"], size=8.5, layout="ALL"
    )
    p.ln(5)
    p.set_font("Sans", "B", 8.5)
    p.cell(0, 5, "Riepilogo IVA", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.grid(
        [["Aliquota", "Imponibile", "Imposta", "Esigibilità"], ["22%", it_amt(imponibile), it_amt(iva), "I"]],
        widths=[20, 30, 30, 24],
        aligns=["C", "R", "R", "C"],
        size=8.5,
        layout="ALL",
    )
    p.ln(3)
    p.totals(
        [
            ("Totale imponibile", f"€ {it_amt(imponibile)}"),
            ("Totale IVA", f"€ {it_amt(iva)}"),
            ("Totale documento", f"€ {it_amt(total)}"),
        ],
        x=110,
        w_key=46,
        w_val=38,
        size=9.5,
        boxed_last=True,
    )
    p.ln(4)
    p.line_text(
        f"Modalità di pagamento: bonifico bancario - IBAN {spaced(it_iban('03069', '09606', '100000118245'))}"
        f" - Scadenze: 19/06/2027 € {it_amt(total)}",
        8.5,
    )
    p.ln(4)
    p.line_text(
        "Copia di cortesia: il documento fiscalmente valido è la fattura elettronica trasmessa tramite il "
        "Sistema di Interscambio (SdI).",
        7.5,
        "I",
        color=(90, 90, 90),
    )
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "registration_fee",
        "2027-05-20",
        None,
        "3264.72",
        "EUR",
        "Expo Italia Servizi S.r.l.",
        None,
        "it",
        "Italian stand/registration invoice: issue date 20/05/2027 vs due date 19/06/2027 and fair dates "
        "15-17 giugno; a 10% discount column on one line; VAT summary table repeats imponibile and IVA "
        "before 'Totale documento'.",
    )


def r2_facture_pavillon(out: Path):
    name = "FA-2027-0311.pdf"
    droits, stand_q, stand_pu = d("390.00"), 6, d("145.00")
    stand = stand_q * stand_pu
    remise = r2(stand * d("0.05"))
    ht = droits + stand - remise
    tva = r2(ht * d("0.20"))
    ttc = ht + tva
    assert (remise, ht, tva, ttc) == (d("43.50"), d("1216.50"), d("243.30"), d("1459.80"))

    p = Pdf(dt.datetime(2027, 5, 3, 16, 40), "Facture FA-2027-0311", "Export Conseil Rhône")
    siren = luhn_complete("80344129")
    p.set_font("Sans", "B", 16)
    p.set_text_color(30, 60, 140)
    p.cell(0, 8, "Export Conseil Rhône", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.set_text_color(0, 0, 0)
    p.line_text(
        f"SAS au capital de 20 000 € - 27 quai Perrache, 69002 Lyon - RCS Lyon {spaced(siren, 3)}\n"
        f"N° TVA : {fr_tva(siren)} - contact@exportconseilrhone.example",
        8,
        color=(70, 70, 70),
    )
    p.ln(6)
    y0 = p.get_y()
    p.kv(
        [
            ("Facture n°", "FA-2027-0311"),
            ("Date de facture", "3 mai 2027"),
            ("Date d'échéance", "2 juin 2027"),
            ("Réf. client", "CLI-0587"),
        ],
        x=16,
        w_key=34,
        w_val=50,
        size=9.5,
        bold_val=True,
    )
    p.set_y(y0)
    p.kv(
        [("", DELAUNAY), ("", "À l'attention de Mme Claire Delaunay"), ("", DELAUNAY_ADDR)],
        x=112,
        w_key=0,
        w_val=80,
        size=9.5,
    )
    p.ln(8)
    p.line_text(
        "Objet : Pavillon France - TAMEX Tokyo Advanced Manufacturing Expo 2027 (Tokyo, 15-17 juin 2027)", 9.5, "B"
    )
    p.ln(2)
    rows = [
        ["Désignation", "Qté", "PU HT", "Total HT"],
        ["Droits d'inscription exposant - Pavillon France", "1", fr_amt(droits), fr_amt(droits)],
        ["Stand équipé, hall 2, stand F-07 (m²)", str(stand_q), fr_amt(stand_pu), fr_amt(stand)],
        ["Remise partenaire CCI (5 % sur stand)", "1", fr_amt(-remise), fr_amt(-remise)],
    ]
    p.grid(
        rows,
        widths=[100, 14, 30, 34],
        aligns=["L", "C", "R", "R"],
        size=9,
        layout="HORIZONTAL_LINES",
        head_fill=(220, 228, 245),
    )
    p.ln(4)
    p.totals(
        [
            ("Total HT", f"{fr_amt(ht)} €"),
            ("TVA 20 %", f"{fr_amt(tva)} €"),
            ("Total TTC", f"{fr_amt(ttc)} €"),
            ("Net à payer", f"{fr_amt(ttc)} €"),
        ],
        x=112,
        w_key=44,
        w_val=38,
        size=9.5,
        boxed_last=True,
    )
    p.ln(6)
    p.line_text(
        "Conditions de règlement : virement à 30 jours date de facture.\n"
        f"IBAN : {spaced(fr_iban('30004', '01990', '00010448277'))} - BIC : BNPAFRPPXXX\n"
        "Pas d'escompte pour paiement anticipé. Pénalités de retard : 3 fois le taux d'intérêt légal ; "
        "indemnité forfaitaire pour frais de recouvrement : 40 €.",
        8.5,
    )
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "registration_fee",
        "2027-05-03",
        None,
        "1459.80",
        "EUR",
        "Export Conseil Rhône",
        None,
        "fr",
        "French pavilion/stand invoice: 'Date de facture 3 mai 2027' vs 'Date d'échéance 2 juin 2027' and "
        "fair dates; a negative discount line; Total HT / TVA 20 % / Total TTC / Net à payer with "
        "no-break-space thousands (1 459,80 €).",
    )


def r3_invoice_b2b_jpy(out: Path):
    name = "Invoice_TME27-B2B-0442.pdf"
    reg, extra = 30000, 12000
    sub = reg + extra
    tax = sub // 10
    total = sub + tax
    assert (sub, tax, total) == (42000, 4200, 46200)

    p = Pdf(dt.datetime(2027, 6, 1, 10, 0), "Invoice TME27-B2B-0442", "Nippon Trade Events")
    p.set_font("Sans", "B", 14)
    p.cell(0, 7, "Nippon Trade Events Co., Ltd.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.line_text(
        "TAMEX Organising Secretariat\n2-5-1 Ariake, Koto-ku, Tokyo 135-0063, Japan\n"
        f"Tel +81-3-5530-2270  |  Qualified invoice registration No. {jp_reg('010601034567')}",
        8.5,
    )
    p.ln(4)
    p.set_font("Sans", "B", 22)
    p.cell(0, 11, "INVOICE", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    y0 = p.get_y()
    p.kv(
        [
            ("Bill to:", FERRETTI),
            ("", "Via Emilia Ovest 1184"),
            ("", "41123 Modena, Italy"),
            ("Attn:", "Mr Daniel Moore, Export Manager"),
        ],
        x=16,
        w_key=16,
        w_val=80,
        size=9,
    )
    p.set_y(y0)
    p.kv(
        [
            ("Invoice No.", "TME27-B2B-0442"),
            ("Invoice date", "June 1, 2027"),
            ("Payment due", "June 10, 2027"),
            ("Customer ID", "EXH-IT-0219"),
        ],
        x=120,
        w_key=28,
        w_val=44,
        size=9,
    )
    p.ln(6)
    rows = [
        ["Description", "Qty", "Unit price (JPY)", "Amount (JPY)"],
        [
            "Business Matching Programme registration - Osaka, June 17-18, 2027 (1 company, 1 delegate)",
            "1",
            yen(reg),
            yen(reg),
        ],
        ["Additional delegate (Ms Giulia Ferretti)", "1", yen(extra), yen(extra)],
    ]
    p.grid(rows, widths=[104, 12, 32, 30], aligns=["L", "C", "R", "R"], size=9)
    p.ln(3)
    p.totals(
        [
            ("Subtotal", f"¥{yen(sub)}"),
            ("Consumption tax (10%)", f"¥{yen(tax)}"),
            ("Total (tax included)", f"¥{yen(total)}"),
        ],
        x=104,
        w_key=50,
        w_val=28,
        size=9.5,
        bold_last=False,
    )
    p.ln(2)
    p.set_fill_color(30, 30, 30)
    p.set_text_color(255, 255, 255)
    p.set_x(104)
    p.set_font("Sans", "B", 11)
    p.cell(50, 8, " AMOUNT DUE", fill=True)
    p.cell(28, 8, f"JPY {yen(total)} ", fill=True, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.set_text_color(0, 0, 0)
    p.ln(6)
    p.line_text(
        "Please remit in Japanese Yen by June 10, 2027 to: Ariake Shinkin Bank, Toyosu Branch (SWIFT "
        "ARSKJPJT), ordinary account 3318204, Nippon Trade Events Co., Ltd. All bank charges are borne by "
        "the remitter. Please quote the invoice number.",
        8.5,
    )
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "registration_fee",
        "2027-06-01",
        None,
        "46200",
        "JPY",
        "Nippon Trade Events Co., Ltd.",
        None,
        "en",
        "Japanese organiser's invoice in yen for the Osaka B2B programme: invoice date vs due date vs event "
        "dates (June 17-18); yen written both '¥46,200' and 'JPY 46,200'; a subtotal and tax line.",
    )


def t1_taxi_tokyo(out: Path):
    name = "IMG_4471.jpg"
    fare, toll = 7300, 1320
    total = fare + toll
    tax = total * 10 // 110
    assert (total, tax) == (8620, 783)
    lines = [
        ("big", "ASUKA KOTSU"),
        ("cb", "ASUKA KOTSU CO., LTD."),
        ("c", "RECEIPT / RYOSHUSHO"),
        ("c", "3-8-2 Shibaura, Minato-ku, Tokyo"),
        ("c", "TEL 03-5442-7781"),
        ("c", f"Reg.No. {jp_reg('010401077715')}"),
        ("hr",),
        ("lr", "Date", "2027/06/14 (Mon)"),
        ("lr", "Time", "18:12 - 18:49"),
        ("lr", "Car No.", "Shinagawa 500 A 12-34"),
        ("lr", "Driver", "No. 4471"),
        ("hr",),
        "From: Haneda Airport T3",
        "To:   Higashi-Shimbashi 1",
        ("lr", "Distance", "17.2 km"),
        ("hr",),
        ("lr", "Fare", f"¥{yen(fare)}"),
        ("lr", "Expressway toll", f"¥{yen(toll)}"),
        ("=",),
        ("lrb", "TOTAL", f"¥{yen(total)}"),
        ("lr", "(incl. tax 10%", f"¥{yen(tax)})"),
        ("hr",),
        ("lr", "Payment", "CREDIT VISA"),
        ("lr", "Card", "************4821"),
        ("lr", "Approval", "240196"),
        ("sp",),
        ("c", "Thank you - Arigato gozaimashita"),
        ("sp",),
    ]
    paper = receipt_paper(lines, chars=32, size=24, seed=1)
    photograph(paper, out / name, seed=4471, angle=2.6, light_dir=20, dark=0.62)
    return truth(
        name,
        "image",
        "local_transport",
        "2027-06-14",
        None,
        "8620",
        "JPY",
        "Asuka Kotsu Co., Ltd.",
        None,
        "en",
        "Photo of a Tokyo taxi thermal receipt, rotated with uneven light: fare plus expressway toll; total "
        "followed by an '(incl. tax 10% ¥783)' line; date as 2027/06/14 (Mon).",
    )


def t2_ic_charge(out: Path):
    name = "IMG_4502.png"
    before, charge, cash = 1140, 3000, 5000
    after, change = before + charge, cash - charge
    lines = [
        ("big", "NANIWA RAPID TRANSIT"),
        ("c", "Namba Station - East Gate"),
        ("c", "Machine No. 14"),
        ("hr",),
        ("cb", "IC CARD CHARGE RECEIPT"),
        ("c", "2027.06.16  16:42"),
        ("hr",),
        ("lr", "Card type", "Suica"),
        ("lr", "Card No.", "JE**** **** 0417"),
        ("sp",),
        ("lr", "Balance before", f"¥{yen(before)}"),
        ("lrb", "Charge amount", f"¥{yen(charge)}"),
        ("lr", "Balance after", f"¥{yen(after)}"),
        ("hr",),
        ("lr", "Cash inserted", f"¥{yen(cash)}"),
        ("lr", "Change", f"¥{yen(change)}"),
        ("hr",),
        ("c", "Please keep this receipt."),
        ("c", "Charged value is not refundable"),
        ("c", "at this machine."),
        ("sp",),
    ]
    paper = receipt_paper(lines, chars=30, size=26, seed=2, regular="lmono", bold="lmono_b")
    photograph(paper, out / name, seed=4502, angle=-1.4, light_dir=200, dark=0.72, fmt="PNG", bg=(150, 150, 156))
    assert after == 4140 and change == 2000
    return truth(
        name,
        "image",
        "local_transport",
        "2027-06-16",
        None,
        "3000",
        "JPY",
        "Naniwa Rapid Transit",
        None,
        "en",
        "IC-card (Suica) top-up slip from an Osaka metro machine: the amount is the 3,000 charge, not the "
        "'Balance after' (4,140), the cash inserted (5,000) or the change; date 2027.06.16.",
    )


def t3_shinkansen(out: Path):
    name = "IMG_4518.jpg"
    basic, express = 8910, 5810
    total = basic + express
    assert total == 14720
    lines = [
        ("big", "TOKAI SHINKANSEN"),
        ("cb", "TOKAI SHINKANSEN RAIL CO."),
        ("c", "Tokyo Station"),
        ("c", "Yaesu Central Ticket Office"),
        ("hr",),
        ("cb", "RECEIPT"),
        ("lr", "Issued", "2027.06.15 17:05"),
        ("lr", "Receipt No.", "0615-22-0871"),
        ("hr",),
        ("lr", "Travel date", "16 Jun 2027"),
        ("b", "NOZOMI 219"),
        ("lr", "Tokyo 09:30", "Shin-Osaka 11:57"),
        ("lr", "Car 8", "Seat 12-D"),
        ("lr", "Reserved", "Ordinary car"),
        ("lr", "Passenger", "1 Adult"),
        ("hr",),
        ("lr", "Basic fare", f"¥{yen(basic)}"),
        ("lr", "Limited express", f"¥{yen(express)}"),
        ("=",),
        ("lrb", "TOTAL", f"¥{yen(total)}"),
        ("hr",),
        ("lr", "Paid by", "CREDIT"),
        ("lr", "VISA", "****4821"),
        ("sp",),
        ("c", "Valid only for the train shown."),
        ("sp",),
    ]
    paper = receipt_paper(lines, chars=32, size=24, seed=3)
    photograph(paper, out / name, seed=4518, angle=-3.3, light_dir=300, dark=0.66, bg=(120, 98, 70))
    return truth(
        name,
        "image",
        "local_transport",
        "2027-06-16",
        None,
        "14720",
        "JPY",
        "Tokai Shinkansen Rail Co.",
        None,
        "en",
        "Shinkansen ticket-office receipt: bought 2027.06.15 for travel on 16 Jun 2027; the truth takes the "
        "travel date, as for a flight ticket (the issue date is the obvious wrong pick); fare + limited "
        "express supplement.",
    )


def t4_limousine(out: Path):
    name = "IMG_4539.png"
    fare, cash = 1300, 10000
    tax = fare * 10 // 110
    assert tax == 118
    lines = [
        ("big", "NANIWA AIRPORT"),
        ("big", "LIMOUSINE"),
        ("c", "OCAT Namba Bus Terminal"),
        ("c", "Ticket counter 2"),
        ("c", f"Reg.No. {jp_reg('120001205519')}"),
        ("hr",),
        ("cb", "RECEIPT"),
        ("lr", "Jun 18 2027", "07:52"),
        ("hr",),
        "OCAT (Namba) ->",
        "  Kansai Int'l Airport T1",
        ("lr", "Departure", "08:10"),
        ("lr", "Seat", "Non-reserved"),
        ("hr",),
        ("lr", "Adult x 1", f"¥{yen(fare)}"),
        ("=",),
        ("lrb", "TOTAL", f"¥{yen(fare)}"),
        ("lr", "(Tax 10% incl.", f"¥{tax})"),
        ("lr", "Cash", f"¥{yen(cash)}"),
        ("lr", "Change", f"¥{yen(cash - fare)}"),
        ("hr",),
        ("c", "Have a nice flight!"),
        ("sp",),
    ]
    paper = receipt_paper(lines, chars=30, size=25, seed=4, regular="lmono", bold="lmono_b", fade=40)
    photograph(paper, out / name, seed=4539, angle=1.2, light_dir=90, dark=0.64, fmt="PNG", bg=(60, 64, 70))
    return truth(
        name,
        "image",
        "local_transport",
        "2027-06-18",
        None,
        "1300",
        "JPY",
        "Naniwa Airport Limousine",
        None,
        "en",
        "Airport limousine bus receipt (faded thermal print, PNG): date 'Jun 18 2027'; cash 10,000 and "
        "change 8,700 are bigger than the total 1,300.",
    )


def t5_taxi_milano(out: Path):
    name = "ricevuta_taxi_MXP.jpg"
    lines = [
        ("big", "RADIO TAXI"),
        ("big", "AMBROSIANO"),
        ("c", "Soc. Coop. - Via Giambellino 118"),
        ("c", "20146 Milano"),
        ("c", f"P.IVA {it_vat('0744182015')}"),
        ("hr",),
        ("lr", "Licenza n.", "3417"),
        ("lr", "Auto", "MI 3417"),
        ("hr",),
        ("cb", "RICEVUTA"),
        ("lr", "Data", "13.06.27"),
        ("lr", "Ora", "18:05"),
        ("hr",),
        "Da: Via Tortona 27 - Milano",
        "A:  Aeroporto Malpensa T1",
        ("sp",),
        "Tariffa predeterminata",
        ("lr", "Milano - Malpensa", "110,00"),
        ("lr", "Supplementi", "0,00"),
        ("=",),
        ("lrb", "TOTALE EURO", "110,00"),
        ("hr",),
        ("lr", "Pagamento", "CARTA"),
        ("sp",),
        "Firma ___________________",
        ("sp",),
    ]
    paper = receipt_paper(lines, chars=32, size=24, seed=5)
    photograph(paper, out / name, seed=3417, angle=3.6, light_dir=250, dark=0.60, bg=(150, 128, 100))
    return truth(
        name,
        "image",
        "local_transport",
        "2027-06-13",
        None,
        "110.00",
        "EUR",
        "Radio Taxi Ambrosiano Soc. Coop.",
        None,
        "it",
        "Italian taxi slip to Malpensa: two-digit-year date 13.06.27, amounts with no currency symbol "
        "('TOTALE EURO 110,00'), strong rotation.",
    )


def p1_estratto_conto(out: Path):
    name = "estratto_conto_05-2027_p2.pdf"
    start = d("148322.55")
    moves = [
        (
            "03/05/2027",
            "03/05/2027",
            "ADDEBITO SDD CORE LUCEGAS EMILIA SPA FATT. 2027/0412 CONTRATTO 88120",
            d("1142.18"),
            None,
        ),
        (
            "07/05/2027",
            "05/05/2027",
            "BONIFICO A VOSTRO FAVORE ORD. ROSSI IMPIANTI SRL CAUS. SALDO FT 77/2027",
            None,
            d("12400.00"),
        ),
        ("12/05/2027", "11/05/2027", "PAGAMENTO POS 11/05 CARTA *4821 CARBURANTI EMILIA SRL MODENA", d("86.40"), None),
        ("17/05/2027", "17/05/2027", "F24 TELEMATICO DELEGA N. 0517-3391 ERARIO", d("4318.00"), None),
        (
            "27/05/2027",
            "27/05/2027",
            "BONIFICO SEPA A FAVORE DI EXPO ITALIA SERVIZI SRL CAUS. SALDO FT "
            "118/2027 DEL 20/05/2027 TAMEX TOKYO CRO 0527193380",
            d("3264.72"),
            None,
        ),
        ("27/05/2027", "27/05/2027", "COMMISSIONI SU BONIFICO SEPA", d("1.50"), None),
        ("27/05/2027", "27/05/2027", "DISPOSIZIONE STIPENDI MAGGIO 2027 - N. 38 BENEFICIARI", d("61280.00"), None),
        ("31/05/2027", "31/05/2027", "CANONE MENSILE CONTO BUSINESS", d("12.00"), None),
    ]
    end = start - sum(m[3] or 0 for m in moves) + sum(m[4] or 0 for m in moves)
    assert end == d("90617.75")

    p = Pdf(dt.datetime(2027, 6, 2, 6, 0), "Estratto conto maggio 2027", "Banca Popolare del Frignano")
    p.set_font("Serif", "B", 15)
    p.set_text_color(130, 20, 30)
    p.cell(120, 8, "Banca Popolare del Frignano")
    p.set_text_color(0, 0, 0)
    p.set_font("Sans", "", 8)
    p.cell(0, 8, "Pag. 2 di 3", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.line_text(
        "Filiale di Modena Centro - Corso Canalgrande 41, 41121 Modena - ABI 05387 CAB 12900", 8, color=(80, 80, 80)
    )
    p.ln(3)
    p.line_text("ESTRATTO CONTO CORRENTE AL 31/05/2027", 11, "B")
    p.kv(
        [
            ("Intestatario", FERRETTI),
            ("Conto n.", "000012345678"),
            ("IBAN", spaced(FERRETTI_IBAN)),
            ("Periodo", "dal 01/05/2027 al 31/05/2027"),
        ],
        x=16,
        w_key=28,
        w_val=120,
        size=8.5,
    )
    p.ln(3)
    widths = [22, 22, 84, 25, 25]
    p.set_font("Sans", "B", 8)
    p.set_fill_color(225, 225, 225)
    heads = ["Data contabile", "Data valuta", "Descrizione operazione", "Uscite", "Entrate"]
    for w, h in zip(widths, heads, strict=True):
        p.cell(w, 6, h, border="B", fill=True, align="R" if h in ("Uscite", "Entrate") else "L")
    p.ln(6)
    p.set_font("Sans", "", 8)
    p.cell(128, 5, "SALDO INIZIALE AL 01/05/2027")
    p.cell(50, 5, it_amt(start), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for dc, dv, desc, out_, in_ in moves:
        y = p.get_y()
        nlines = len(p.multi_cell(widths[2], 4.2, desc, align="L", dry_run=True, output="LINES"))
        h = 4.2 * nlines + 1.6
        if "EXPO ITALIA" in desc:  # highlighted by the company with a yellow marker
            p.set_fill_color(255, 236, 90)
            p.rect(p.l_margin - 1, y - 0.2, sum(widths) + 2, h, style="F")
        p.set_xy(p.l_margin, y + 0.8)
        p.cell(widths[0], 4.2, dc)
        p.cell(widths[1], 4.2, dv)
        x_desc = p.get_x()
        p.multi_cell(widths[2], 4.2, desc, align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
        p.set_xy(x_desc + widths[2], y + 0.8)
        p.cell(widths[3], 4.2, it_amt(out_) if out_ else "", align="R")
        p.cell(widths[4], 4.2, it_amt(in_) if in_ else "", align="R")
        p.set_y(y + h)
        p.hline(gray=200)
    p.ln(1)
    p.set_font("Sans", "B", 8.5)
    p.cell(128, 6, "SALDO FINALE AL 31/05/2027")
    p.cell(50, 6, it_amt(end), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.ln(6)
    p.line_text(
        "Il saldo è espresso in euro. Eventuali contestazioni devono pervenire entro 60 giorni dalla data di "
        "ricezione del presente estratto conto. Documento prodotto il 02/06/2027.",
        7.5,
        color=(90, 90, 90),
    )
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "payment_proof",
        "2027-05-27",
        None,
        "3264.72",
        "EUR",
        "Banca Popolare del Frignano",
        None,
        "it",
        "Bank statement page with eight movements, opening/closing balances and a 1,50 transfer fee; the "
        "relevant transfer (FT 118/2027, 3.264,72 on 27/05/2027) is marked only by a yellow highlight "
        "drawn on the page, not in the text layer.",
    )


def p2_card_slip_dcc(out: Path):
    name = "IMG_4527.jpg"
    jpy, rate = 12100, d("168.52")
    eur = r2(d(jpy) / rate)
    assert eur == d("71.80")
    lines = [
        ("big", "ARIAKE EXPO CENTER"),
        ("c", "EXHIBITOR SERVICE COUNTER"),
        ("c", "3-11-1 Ariake, Koto-ku"),
        ("c", "Tokyo 135-0063"),
        ("hr",),
        ("lr", "TID: 40017724", "MID: 000112907713"),
        ("hr",),
        ("cb", "SALE"),
        ("lr", "VISA CREDIT", "************4821"),
        ("lr", "ENTRY", "CONTACTLESS"),
        ("lr", "DATE 2027/06/15", "TIME 10:42:17"),
        ("lr", "INV# 000318", "APPR 083512"),
        ("hr",),
        ("lr", "Local amount", f"JPY {yen(jpy)}"),
        ("lr", "Exchange rate", ""),
        ("lr", "", f"1 EUR = {rate} JPY"),
        ("lr", "Margin over ECB rate", "3.50%"),
        ("=",),
        ("lrb", "TOTAL", f"EUR {eur}"),
        ("=",),
        "Transaction currency: EUR",
        ("sp",),
        "I accept that I have been offered",
        "a choice of currencies and that",
        "my choice is final.",
        "Currency conversion is provided",
        "by the merchant.",
        ("sp",),
        ("c", "NO SIGNATURE REQUIRED"),
        ("cb", "CARDHOLDER COPY"),
        ("sp",),
    ]
    paper = receipt_paper(lines, chars=34, size=23, seed=6)
    photograph(paper, out / name, seed=4527, angle=-2.8, light_dir=160, dark=0.62, bg=(40, 44, 52))
    return truth(
        name,
        "image",
        "payment_proof",
        "2027-06-15",
        None,
        "71.80",
        "EUR",
        "Ariake Expo Center",
        None,
        "en",
        "Card terminal slip with dynamic currency conversion: local amount JPY 12,100 but the card was "
        "charged TOTAL EUR 71.80 (transaction currency EUR); exchange rate and margin lines look like "
        "amounts.",
    )


def p3_virement_sepa(out: Path):
    name = "Confirmation_virement_VIR27051000418.pdf"
    amount = d("1459.80")
    p = Pdf(dt.datetime(2027, 5, 10, 7, 3), "Confirmation de virement", "Banque Rhodanienne de Crédit")
    p.set_font("Sans", "B", 15)
    p.set_text_color(0, 80, 110)
    p.cell(0, 8, "Banque Rhodanienne de Crédit", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.set_text_color(0, 0, 0)
    p.line_text("Espace Entreprises - Agence Lyon Confluence", 8.5, color=(90, 90, 90))
    p.ln(6)
    p.line_text("Confirmation d'exécution de virement SEPA", 13, "B")
    p.ln(2)
    p.line_text("Votre ordre de virement a été exécuté.", 9.5)
    p.ln(3)
    p.kv(
        [
            ("Référence de l'opération", "VIR27051000418"),
            ("Date de la demande", "09/05/2027 à 18:22"),
            ("Date d'exécution", "10/05/2027"),
            ("Type", "Virement SEPA (SCT) non instantané"),
            ("Compte débité", f"{DELAUNAY} - {spaced(DELAUNAY_IBAN)}"),
            ("", ""),
            ("Bénéficiaire", "Export Conseil Rhône SAS"),
            ("IBAN du bénéficiaire", spaced(fr_iban("30004", "01990", "00010448277"))),
            ("BIC", "BNPAFRPPXXX"),
            ("Motif", "FA-2027-0311 Pavillon France TAMEX"),
            ("", ""),
            ("Montant", f"{fr_amt(amount, ' ')} EUR"),
            ("Frais", "0,00 EUR"),
            ("Montant total débité", f"{fr_amt(amount, ' ')} EUR"),
        ],
        x=16,
        w_key=52,
        w_val=120,
        size=9.5,
    )
    p.ln(8)
    p.line_text(
        "Document édité le 10/05/2027 à 07:03. Ce document ne constitue pas un relevé de compte. "
        "Banque Rhodanienne de Crédit, SA au capital de 48 000 000 €, 12 cours Charlemagne, 69002 Lyon.",
        7.5,
        color=(90, 90, 90),
    )
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "payment_proof",
        "2027-05-10",
        None,
        "1459.80",
        "EUR",
        "Banque Rhodanienne de Crédit",
        None,
        "fr",
        "SEPA transfer confirmation: request date 09/05/2027 vs execution date 10/05/2027 (the payment "
        "date); amount written '1 459,80 EUR' with a plain space; two IBANs.",
    )


def c1_modulo_docx(out: Path):
    name = "Modulo_rendicontazione_Giappone2027.docx"
    rate = d("168.40")

    def conv(j):
        return r2(d(j) / rate)

    items = [
        (
            "Viaggio aereo A/R MXP-HND / KIX-MXP (D. Moore)",
            "Aeris Europa",
            "E-ticket 782 2417563390",
            "28/04/2027",
            "",
            d("1347.85"),
        ),
        (
            "Viaggio aereo A/R FCO-NRT / KIX-FCO (G. Ferretti)",
            "Viaggi Quadrifoglio S.r.l.",
            "Conf. QF-88123",
            "15/04/2027",
            "",
            d("1413.37"),
        ),
        (
            "Alloggio Tokyo, 2 notti (D. Moore)",
            "Hotel Shiodome Bayview",
            "Folio 880214",
            "16/06/2027",
            "JPY 47.810",
            conv(47810),
        ),
        ("Alloggio Osaka, 2 notti (D. Moore)", "Stayvia B.V.", "Booking 4102887316", "03/05/2027", "", d("317.02")),
        (
            "Alloggio Osaka, 3 notti (G. Ferretti)",
            "Dojima Grand Hotel",
            "Invoice G-30517",
            "19/06/2027",
            "JPY 60.250",
            conv(60250),
        ),
        (
            "Quota partecipazione e stand TAMEX",
            "Expo Italia Servizi S.r.l.",
            "FT 118/2027",
            "20/05/2027",
            "",
            d("3264.72"),
        ),
        (
            "Business matching Osaka",
            "Nippon Trade Events",
            "Inv. TME27-B2B-0442",
            "01/06/2027",
            "JPY 46.200",
            conv(46200),
        ),
        (
            "Trasporti locali (taxi, metro, Shinkansen, bus)",
            "vari",
            "4 ricevute",
            "14-18/06/2027",
            "JPY 27.640",
            conv(27640),
        ),
        (
            "Traduzione catalogo e interpretariato",
            "Studio Linguistico Sakura",
            "FT FPR 41/27",
            "08/06/2027",
            "",
            d("1705.56"),
        ),
        (
            "Spedizione campionatura in fiera",
            "Rapidex Express Italia",
            "Inv. 9027718845",
            "31/05/2027",
            "",
            d("745.79"),
        ),
        (
            "Assicurazione viaggio",
            "Assicurazioni Ponte Vecchio",
            "Polizza 27/VB/0048812",
            "02/06/2027",
            "",
            d("192.40"),
        ),
    ]
    total = sum(i[5] for i in items)
    assert [conv(47810), conv(60250), conv(46200), conv(27640)] == [d("283.91"), d("357.78"), d("274.35"), d("164.13")]
    assert total == d("10066.88")

    doc = docx.Document()
    st = doc.styles["Normal"]
    st.font.name = "Calibri"
    st.font.size = Pt(10)
    head = doc.add_paragraph()
    r = head.add_run(PIMA.upper())
    r.bold = True
    r.font.size = Pt(12)
    r.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)
    head.add_run("\nProgramma Missioni Internazionali 2027 - Bando PMI Export").italic = True
    h = doc.add_paragraph()
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = h.add_run("MODULO DI RENDICONTAZIONE E RICHIESTA DI RIMBORSO")
    r.bold = True
    r.font.size = Pt(14)
    doc.add_paragraph(
        "Missione imprenditoriale in Giappone (Tokyo - Osaka), 14-18 giugno 2027\n"
        "Termine per la presentazione: 17 agosto 2027. Contributo massimo per impresa: € 5.000,00 "
        "(50% delle spese ammissibili)."
    )
    doc.add_heading("1. Dati dell'impresa", level=2)
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    for k, v in [
        ("Ragione sociale", FERRETTI),
        ("Sede legale", FERRETTI_ADDR),
        ("Partita IVA", FERRETTI_VAT),
        ("Legale rappresentante", "Giulia Ferretti"),
        ("Partecipanti alla missione", "Giulia Ferretti (CEO), Daniel Moore (Export Manager)"),
        ("Referente", "Daniel Moore - daniel.moore@ferretti-meccanica.example - +39 059 771 2290"),
    ]:
        row = t.add_row().cells
        row[0].text, row[1].text = k, v
    doc.add_heading("2. Spese sostenute", level=2)
    doc.add_paragraph("Per le spese in valuta è applicato il cambio BCE del 15/06/2027: 1 EUR = 168,40 JPY.")
    t = doc.add_table(rows=1, cols=7)
    t.style = "Table Grid"
    for c, txt in zip(
        t.rows[0].cells,
        ["N.", "Voce di spesa", "Fornitore", "Documento", "Data doc.", "Importo in valuta", "Importo EUR"],
        strict=True,
    ):
        c.text = ""
        c.paragraphs[0].add_run(txt).bold = True
    for n, (voce, forn, docu, data, val, eur) in enumerate(items, 1):
        cells = t.add_row().cells
        for c, txt in zip(cells, [str(n), voce, forn, docu, data, val, it_amt(eur)], strict=True):
            c.text = txt
        cells[6].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    cells = t.add_row().cells
    cells[0].merge(cells[5])
    cells[0].text = ""
    cells[0].paragraphs[0].add_run("TOTALE SPESE RENDICONTATE").bold = True
    cells[6].text = ""
    cells[6].paragraphs[0].add_run(it_amt(total)).bold = True
    cells[6].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_heading("3. Coordinate per l'accredito", level=2)
    doc.add_paragraph(f"IBAN: {spaced(FERRETTI_IBAN)} - Banca Popolare del Frignano, filiale di Modena Centro")
    doc.add_heading("4. Allegati", level=2)
    for a in [
        "copia dei giustificativi di spesa e delle prove di pagamento",
        "carte d'imbarco",
        "attestato di partecipazione",
        "dichiarazione de minimis",
        "visura camerale aggiornata",
        "attestazione delle coordinate bancarie",
    ]:
        doc.add_paragraph(a, style="List Bullet")
    doc.add_paragraph(
        "Il/La sottoscritto/a dichiara, ai sensi del D.P.R. 445/2000, che le spese sopra indicate sono "
        "state "
        "interamente sostenute e quietanzate e non sono state oggetto di altri contributi pubblici."
    )
    doc.add_paragraph("Modena, 5 luglio 2027")
    sig = doc.add_paragraph("Il legale rappresentante\nGiulia Ferretti\n(firmato digitalmente)")
    sig.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    cp = doc.core_properties
    cp.author, cp.title = "Daniel Moore", "Rendicontazione missione Giappone 2027"
    cp.created = cp.modified = dt.datetime(2027, 7, 5, 11, 20)
    doc.save(str(out / name))
    return truth(
        name,
        "docx",
        "expense_form",
        "2027-07-05",
        None,
        "10066.88",
        "EUR",
        FERRETTI,
        None,
        "it",
        "Word claim form: eleven expense rows each with its own date and amount (some converted from JPY), "
        "an exchange-rate date, a deadline and a 5.000,00 cap; the document date is the signing line "
        "'Modena, 5 luglio 2027' and the amount is the 'TOTALE SPESE RENDICONTATE' row.",
    )


def c2_de_minimis_docx(out: Path):
    name = "Dichiarazione_de_minimis.docx"
    doc = docx.Document()
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(11)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run("DICHIARAZIONE SOSTITUTIVA DI ATTO DI NOTORIETÀ\n")
    r.bold = True
    p.add_run("(art. 47 D.P.R. 28 dicembre 2000, n. 445)\n")
    r = p.add_run(
        "relativa agli aiuti «de minimis» ai sensi del Regolamento (UE) 2023/2831 della Commissione del "
        "13 dicembre 2023"
    )
    r.italic = True
    doc.add_paragraph(
        f"La sottoscritta Giulia Ferretti, nata a Modena il 14/03/1972, codice fiscale "
        f"FRRGLI72C54F257X, in qualità di legale rappresentante dell'impresa {FERRETTI}, con sede "
        f"legale in {FERRETTI_ADDR}, partita IVA {FERRETTI_VAT},"
    )
    doc.add_paragraph(
        "in relazione alla domanda di contributo per la partecipazione alla missione imprenditoriale "
        f"in Giappone (14-18 giugno 2027) promossa dal {PIMA},"
    )
    doc.add_paragraph(
        "consapevole delle sanzioni penali previste dall'art. 76 del D.P.R. 445/2000 in caso di dichiarazioni mendaci,"
    )
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("DICHIARA").bold = True
    doc.add_paragraph(
        "che l'esercizio finanziario dell'impresa inizia il 1° gennaio e termina il 31 dicembre;", style="List Number"
    )
    doc.add_paragraph(
        "che l'impresa non fa parte di un'impresa unica ai sensi dell'art. 2, par. 2, del Reg. (UE) 2023/2831;",
        style="List Number",
    )
    doc.add_paragraph(
        "che all'impresa sono stati concessi, nell'esercizio in corso e nei due precedenti, i seguenti "
        "aiuti «de minimis»:",
        style="List Number",
    )
    t = doc.add_table(rows=1, cols=5)
    t.style = "Table Grid"
    for c, txt in zip(
        t.rows[0].cells,
        ["Ente concedente", "Riferimento normativo / bando", "Data concessione", "Regolamento", "Importo aiuto (€)"],
        strict=True,
    ):
        c.text = ""
        c.paragraphs[0].add_run(txt).bold = True
    for row in [
        (
            "Regione Emilia-Romagna",
            "Bando internazionalizzazione PMI 2025",
            "12/09/2025",
            "Reg. UE 2023/2831",
            "15.000,00",
        ),
        ("CCIAA di Modena", "Voucher digitalizzazione 2026", "03/03/2026", "Reg. UE 2023/2831", "4.500,00"),
        ("", "", "", "TOTALE", "19.500,00"),
    ]:
        cells = t.add_row().cells
        for c, txt in zip(cells, row, strict=True):
            c.text = txt
    doc.add_paragraph("")
    doc.add_paragraph(
        "di impegnarsi a comunicare tempestivamente eventuali ulteriori aiuti «de minimis» ricevuti "
        "successivamente alla presente dichiarazione.",
        style="List Number",
    )
    doc.add_paragraph("Modena, 02/07/2027")
    sig = doc.add_paragraph(
        "Il legale rappresentante\nGiulia Ferretti\n(documento firmato digitalmente ai sensi del D.Lgs. 82/2005)"
    )
    sig.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    cp = doc.core_properties
    cp.author, cp.title = "Giulia Ferretti", "Dichiarazione de minimis"
    cp.created = cp.modified = dt.datetime(2027, 7, 2, 9, 40)
    doc.save(str(out / name))
    return truth(
        name,
        "docx",
        "de_minimis",
        "2027-07-02",
        None,
        None,
        None,
        FERRETTI,
        None,
        "it",
        "De minimis self-declaration: no amount to pay, but a table of past aid (15.000,00, 4.500,00, total "
        "19.500,00) with grant dates, a birth date, a regulation date and the mission dates; the document "
        "date is 'Modena, 02/07/2027'.",
    )


def c3_attestato_scan(out: Path):
    name = "scan_attestato_20270625.pdf"
    pw, ph = 990, 1400
    page = Image.new("L", (pw, ph), 252)
    dr = ImageDraw.Draw(page)
    f_head = pil_font("dserif_b", 28)
    f_sub = pil_font("dserif", 17)
    f_title = pil_font("dserif_b", 40)
    f_body = pil_font("dserif", 23)
    f_it = pil_font("dserif_i", 21)

    def centre(y, text, f, fill=20):
        dr.text(((pw - f.getlength(text)) / 2, y), text, font=f, fill=fill)

    # letterhead: a simple logo of three squares
    for i, g in enumerate((40, 90, 140)):
        dr.rectangle([90 + i * 26, 80, 110 + i * 26, 100], fill=g)
    dr.text((190, 70), PIMA.upper(), font=pil_font("dserif_b", 21), fill=25)
    dr.text((190, 100), "Via dei Mille 22, 40121 Bologna - C.F. 91357260375", font=f_sub, fill=60)
    dr.line([(90, 140), (pw - 90, 140)], fill=80, width=2)
    centre(260, "CERTIFICATE OF ATTENDANCE", f_title)
    body = [
        "This is to certify that",
        "",
        "Mr DANIEL MOORE",
        "Export Manager of",
        FERRETTI.upper(),
        f"(VAT IT{FERRETTI_VAT}, Modena, Italy)",
        "",
        "took part in the Trade Mission to Japan",
        "Tokyo and Osaka, 14-18 June 2027,",
        "organised within the programme",
        "\u201cProgramma Missioni Internazionali 2027\u201d,",
        "including the TAMEX Tokyo Advanced Manufacturing Expo",
        "(15-17 June 2027) and the B2B meetings in Osaka",
        "(17-18 June 2027).",
    ]
    y = 380
    for line in body:
        f = f_head if line in ("Mr DANIEL MOORE", FERRETTI.upper()) else f_body
        centre(y, line, f)
        y += 40
    y += 30
    dr.text((120, y), "This certificate is issued at the request of the company", font=f_it, fill=40)
    dr.text((120, y + 30), "for the purposes of its reimbursement claim.", font=f_it, fill=40)
    dr.text((120, y + 110), "Bologna, 25 June 2027", font=f_body, fill=20)
    dr.text((600, y + 110), "The Director", font=f_body, fill=20)
    dr.text((600, y + 145), "Dr. Marco Landi", font=f_body, fill=20)
    # handwritten signature
    rnd = random.Random(25)
    pts = []
    for i in range(60):
        tx = 590 + i * 4.2
        ty = y + 215 + 18 * math.sin(i / 3.1) + rnd.uniform(-4, 4) - i * 0.35
        pts.append((tx, ty))
    dr.line(pts, fill=30, width=3, joint="curve")
    dr.line([(600, y + 236), (840, y + 212)], fill=35, width=2)
    # round stamp
    cx, cy, rad = 330, y + 240, 78
    dr.ellipse([cx - rad, cy - rad, cx + rad, cy + rad], outline=95, width=4)
    dr.ellipse([cx - rad + 12, cy - rad + 12, cx + rad - 12, cy + rad - 12], outline=95, width=2)
    centre_s = pil_font("dserif_b", 19)
    for k, txt in enumerate(["P.I.M.A.", "BOLOGNA"]):
        tw = centre_s.getlength(txt)
        dr.text((cx - tw / 2, cy - 24 + k * 28), txt, font=centre_s, fill=95)
    dr.line([(90, ph - 110), (pw - 90, ph - 110)], fill=120, width=1)
    dr.text(
        (90, ph - 95), "www.pima-cluster.example - info@pima-cluster.example - +39 051 642 1180", font=f_sub, fill=90
    )
    # scanner look: slight skew, grey noise, soft edges
    page = page.rotate(0.8, resample=Image.BICUBIC, expand=False, fillcolor=250)
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    noise = Image.effect_noise((pw, ph), 10)
    page = ImageChops.add(page, noise, 1.0, -128)
    edge = Image.linear_gradient("L").rotate(90, expand=False).resize((pw, ph)).point(lambda v: 255 - int(25 * v / 255))
    page = ImageChops.multiply(page, edge)
    tmp = out / ".attestato_scan.jpg"
    page.convert("RGB").save(tmp, "JPEG", quality=72)
    p = FPDF(format="A4", unit="mm")
    p.set_creation_date(dt.datetime(2027, 6, 25, 15, 12, tzinfo=dt.UTC))
    p.set_creator("Scanner MFP-4420 Scan to PDF")
    p.add_page()
    p.image(str(tmp), x=0, y=0, w=210, h=297)
    p.output(str(out / name))
    tmp.unlink()
    t = truth(
        name,
        "pdf",
        "attendance",
        "2027-06-25",
        None,
        None,
        None,
        PIMA,
        None,
        "en",
        "Scanned attendance certificate: a PDF holding only a page image (no text layer), stamp and signature; "
        "mission dates 14-18 June, fair 15-17 June and B2B 17-18 June around the issue date "
        "'Bologna, 25 June 2027'.",
    )
    t["readable"] = "ocr"
    return t


def c4_visura(out: Path):
    name = "visura_ordinaria_MO-287341.pdf"
    p = Pdf(dt.datetime(2027, 6, 30, 10, 4), "Visura ordinaria societa' di capitale", "InfoCamere")
    p.set_font("Sans", "", 8)
    p.cell(
        0,
        4,
        "Camera di Commercio, Industria, Artigianato e Agricoltura di MODENA",
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    p.cell(0, 4, "Registro Imprese - Archivio ufficiale della CCIAA", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.ln(2)
    p.set_font("Sans", "B", 13)
    p.cell(0, 7, "VISURA ORDINARIA SOCIETA' DI CAPITALE", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.set_font("Sans", "B", 16)
    p.cell(0, 9, "MECCANICA FERRETTI & FIGLI S.R.L.", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.hline(width=0.5)
    p.ln(3)
    p.kv(
        [
            ("Indirizzo Sede legale", "MODENA (MO) VIA EMILIA OVEST 1184 CAP 41123"),
            ("Indirizzo PEC", "meccanicaferretti@pec.example"),
            ("Numero REA", "MO - 287341"),
            ("Codice fiscale e n.iscr. al Registro Imprese", FERRETTI_VAT),
            ("Partita IVA", FERRETTI_VAT),
            ("Forma giuridica", "societa' a responsabilita' limitata"),
            ("Data atto di costituzione", "14/05/1987"),
            ("Data iscrizione", "19/02/1996"),
            ("Stato attivita'", "attiva"),
            ("Attivita' prevalente", "fabbricazione di macchine utensili per la formatura dei metalli"),
            ("Codice ATECO", "28.41"),
            ("Capitale sociale in Euro", "Deliberato: 100.000,00 Sottoscritto: 100.000,00 Versato: 100.000,00"),
            ("Addetti al 31/03/2027", "38"),
            ("Amministratore unico", "FERRETTI GIULIA nata a MODENA (MO) il 14/03/1972"),
            ("Certificazioni di qualita'", "ISO 9001:2015"),
        ],
        x=16,
        w_key=72,
        w_val=110,
        size=8.5,
        h=5.2,
    )
    p.ln(4)
    p.line_text(
        "Sezioni: iscritta nella sezione ORDINARIA il 19/02/1996. Bilancio 2026 depositato il 27/05/2027. "
        "Durata della societa': data termine 31/12/2050.",
        8.5,
    )
    p.ln(4)
    p.line_text(
        "Indice: 1 Sede - 2 Informazioni da statuto/atto costitutivo - 3 Capitale e strumenti finanziari - "
        "4 Soci e titolari di diritti su azioni e quote - 5 Amministratori - 6 Attivita', albi ruoli e "
        "licenze - 7 Sedi secondarie ed unita' locali",
        8,
        color=(60, 60, 60),
    )
    p.ln(10)
    p.set_font("Sans", "", 7.5)
    p.multi_cell(
        0,
        4,
        "Documento n. T 482913557 estratto dal Registro Imprese in data 30/06/2027\n"
        "MECCANICA FERRETTI & FIGLI S.R.L. - Codice Fiscale " + FERRETTI_VAT,
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "company_register",
        "2027-06-30",
        None,
        None,
        None,
        "Camera di Commercio di Modena",
        None,
        "it",
        "Chamber-of-commerce extract: many dates (1987 incorporation, 1996 registration, birth date, "
        "31/03/2027 staff count, 27/05/2027 filing) and a share capital of 100.000,00 that is not an "
        "amount to pay; the document date is the extraction date in the footer (30/06/2027).",
    )


def c5_kbis(out: Path):
    name = "Kbis_Verrerie_Delaunay.pdf"
    p = Pdf(dt.datetime(2027, 6, 28, 9, 12), "Extrait Kbis", "Greffe du Tribunal de commerce de Lyon")
    p.set_font("Serif", "B", 11)
    p.cell(0, 6, "Greffe du Tribunal de commerce de Lyon", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.set_font("Serif", "", 9)
    p.cell(0, 5, "44 rue de Bonnel - 69003 Lyon", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.ln(3)
    p.set_font("Serif", "B", 12)
    p.multi_cell(
        0,
        6,
        "Extrait Kbis\nEXTRAIT D'IMMATRICULATION PRINCIPALE AU REGISTRE DU COMMERCE ET DES SOCIETES\n"
        "à jour au 28 juin 2027",
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    p.set_font("Serif", "", 8)
    p.cell(
        0,
        5,
        "Code de vérification : qZ7pLr2kXe  -  https://www.infogreffe.example/controle",
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    p.ln(4)

    def section(title, pairs):
        p.set_font("Serif", "B", 10)
        p.set_fill_color(230, 230, 230)
        p.cell(0, 6, " " + title, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        p.kv(pairs, x=16, w_key=70, w_val=108, size=9, family="Serif", h=5.2)
        p.ln(2)

    section(
        "IDENTIFICATION DE LA PERSONNE MORALE",
        [
            ("Immatriculation au RCS, numéro", f"{spaced(DELAUNAY_SIREN, 3)} R.C.S. Lyon"),
            ("Date d'immatriculation", "04/03/2009"),
            ("Dénomination ou raison sociale", "VERRERIE DELAUNAY"),
            ("Forme juridique", "Société par actions simplifiée"),
            ("Capital social", "80 000,00 Euros"),
            ("Adresse du siège", "14 rue des Tanneurs 69007 Lyon"),
            ("Activités principales", "Fabrication de verre creux et d'objets en verre"),
            ("Durée de la personne morale", "Jusqu'au 03/03/2108"),
            ("Date de clôture de l'exercice social", "31 décembre"),
        ],
    )
    section(
        "GESTION, DIRECTION, ADMINISTRATION, CONTROLE, ASSOCIES OU MEMBRES",
        [
            ("Président", "DELAUNAY Claire Marie"),
            ("", "Née le 22/09/1978 à Villeurbanne (69)"),
            ("", "De nationalité française"),
            ("Commissaire aux comptes titulaire", "AUDIT SAONE CONSEILS, 9 place Bellecour 69002 Lyon"),
        ],
    )
    section(
        "RENSEIGNEMENTS RELATIFS A L'ACTIVITE ET A L'ETABLISSEMENT PRINCIPAL",
        [
            ("Adresse de l'établissement", "14 rue des Tanneurs 69007 Lyon"),
            ("Activité(s) exercée(s)", "Fabrication et négoce d'objets en verre soufflé"),
            ("Date de commencement d'activité", "01/03/2009"),
            ("Origine du fonds", "Création"),
            ("Mode d'exploitation", "Exploitation directe"),
        ],
    )
    p.ln(4)
    p.set_font("Serif", "I", 8.5)
    p.multi_cell(
        0,
        4.5,
        "Le Greffier\n\nFIN DE L'EXTRAIT\n\nR.C.S. Lyon - 28/06/2027 - 09:12:44 - page 1/1",
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "company_register",
        "2027-06-28",
        None,
        None,
        None,
        "Greffe du Tribunal de commerce de Lyon",
        None,
        "fr",
        "French Kbis: 'à jour au 28 juin 2027' plus registration/birth/start-of-activity dates and a "
        "duration end date in 2108; share capital '80 000,00 Euros' is not an amount to pay.",
    )


def c6_attestazione_iban(out: Path):
    name = "attestazione_IBAN.pdf"
    p = Pdf(dt.datetime(2027, 6, 29, 12, 30), "Attestazione coordinate bancarie", "Banca Popolare del Frignano")
    p.set_font("Serif", "B", 17)
    p.set_text_color(130, 20, 30)
    p.cell(0, 9, "Banca Popolare del Frignano", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.set_text_color(0, 0, 0)
    p.line_text(
        f"Società per azioni - Sede in Pavullo nel Frignano (MO) - P.IVA {it_vat('0150387036')} - "
        "Iscritta all'Albo delle Banche - Aderente al Fondo Interbancario di Tutela dei Depositi",
        7.5,
        color=(90, 90, 90),
    )
    p.hline(gray=150)
    p.ln(3)
    p.line_text("Filiale di Modena Centro\nCorso Canalgrande 41 - 41121 Modena", 9)
    p.ln(6)
    p.set_x(110)
    p.multi_cell(
        0, 5, f"Spett.le\n{FERRETTI}\nVia Emilia Ovest 1184\n41123 Modena (MO)", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    p.ln(6)
    p.line_text("Modena, 29 giugno 2027", 10)
    p.ln(4)
    p.line_text("Oggetto: attestazione delle coordinate bancarie", 10.5, "B")
    p.ln(3)
    p.line_text(
        f"Su Vostra richiesta si attesta che la società {FERRETTI}, partita IVA {FERRETTI_VAT}, è titolare "
        "presso questa filiale del conto corrente n. 000012345678, aperto in data 11/02/1998 e tuttora in "
        "essere, con le seguenti coordinate:",
        10,
        h=5.2,
    )
    p.ln(4)
    p.kv(
        [
            ("IBAN", spaced(FERRETTI_IBAN)),
            ("BIC / SWIFT", "BPFRIT3M"),
            ("Intestazione", FERRETTI),
            ("Filiale", "Modena Centro (ABI 05387 - CAB 12900)"),
        ],
        x=30,
        w_key=34,
        w_val=120,
        size=10.5,
        h=6.5,
        bold_val=True,
    )
    p.ln(4)
    p.line_text("Persone autorizzate a operare sul conto: Giulia Ferretti (firma singola).", 10, h=5.2)
    p.ln(3)
    p.line_text(
        "La presente attestazione viene rilasciata per gli usi consentiti dalla legge e non costituisce "
        "garanzia di solvibilità del correntista né del saldo del conto.",
        9,
        "I",
        h=5,
    )
    p.ln(14)
    p.set_x(110)
    p.multi_cell(
        0,
        5,
        "Banca Popolare del Frignano S.p.A.\nIl Direttore di Filiale\n(Andrea Mucci)",
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "bank_details",
        "2027-06-29",
        None,
        None,
        None,
        "Banca Popolare del Frignano",
        None,
        "it",
        "Bank letter certifying the IBAN: letter date 'Modena, 29 giugno 2027' vs account opening date "
        "11/02/1998; no amount; ABI/CAB and account numbers are long digit strings.",
    )


def o1_ristorante(out: Path):
    name = "IMG_4530.jpg"
    items = [("Omakase course", 4, 5500), ("Draft beer", 6, 750), ("Sake tokkuri", 3, 1100), ("Oolong tea", 2, 400)]
    sub = sum(q * u for _, q, u in items)
    svc = sub // 10
    tax = (sub + svc) // 10
    total = sub + svc + tax
    cash = 40000
    assert (sub, svc, tax, total, cash - total) == (30600, 3060, 3366, 37026, 2974)
    lines = [
        ("big", "IZAKAYA TANUKI"),
        ("cb", "SHINBASHI"),
        ("c", "2-14-5 Shinbashi, Minato-ku"),
        ("c", "TEL 03-3591-0427"),
        ("c", f"Reg.No. {jp_reg('010401112233')}"),
        ("hr",),
        ("cb", "RECEIPT"),
        ("lr", "2027/06/15 (Tue)", "21:36"),
        ("lr", "Table 12", "Guests 4"),
        ("lr", "Check No.", "0087"),
        ("hr",),
    ]
    for lab, q, u in items:
        lines.append(("lr", f"{lab} x{q}", yen(q * u)))
        lines.append(("lr", f"   @{yen(u)}", ""))
    lines += [
        ("hr",),
        ("lr", "Subtotal", yen(sub)),
        ("lr", "Service charge 10%", yen(svc)),
        ("lr", "Consumption tax 10%", yen(tax)),
        ("=",),
        ("lrb", "TOTAL", f"¥{yen(total)}"),
        ("=",),
        ("lr", "CASH", f"¥{yen(cash)}"),
        ("lr", "CHANGE", f"¥{yen(cash - total)}"),
        ("hr",),
        ("lr", "(10% target", f"¥{yen(sub + svc)})"),
        ("lr", "(10% tax", f"¥{yen(tax)})"),
        ("sp",),
        ("c", "Thank you! Please come again."),
        ("sp",),
    ]
    paper = receipt_paper(lines, chars=32, size=23, seed=7)
    photograph(paper, out / name, seed=4530, angle=1.8, light_dir=60, dark=0.45, bg=(84, 60, 40))
    return truth(
        name,
        "image",
        "other",
        "2027-06-15",
        None,
        "37026",
        "JPY",
        "Izakaya Tanuki Shinbashi",
        None,
        "en",
        "Photo of a restaurant dinner receipt (darker lower corner): service charge and tax added to a "
        "subtotal; CASH 40,000 and CHANGE 2,974 after the TOTAL; a '10% target' line repeats a bigger "
        "figure than the subtotal.",
    )


def o2_polizza(out: Path):
    name = "Polizza_27VB0048812.pdf"
    imponibile = d("158.68")
    imposte = r2(imponibile * d("0.2125"))
    lordo = imponibile + imposte
    assert (imposte, lordo) == (d("33.72"), d("192.40"))

    p = Pdf(dt.datetime(2027, 6, 2, 16, 45), "Polizza 27/VB/0048812", "Assicurazioni Ponte Vecchio")
    p.set_font("Serif", "B", 17)
    p.set_text_color(20, 50, 100)
    p.cell(0, 9, "Assicurazioni Ponte Vecchio S.p.A.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.set_text_color(0, 0, 0)
    p.line_text(
        f"Sede legale: Lungarno Acciaiuoli 12, 50123 Firenze - Capitale sociale € 25.000.000,00 i.v. - "
        f"P.IVA {it_vat('0482915048')} - Iscr. Albo Imprese IVASS n. 1.00177",
        7.5,
        color=(80, 80, 80),
    )
    p.hline(gray=150)
    p.ln(4)
    p.line_text("CERTIFICATO DI ASSICURAZIONE - POLIZZA VIAGGIO BUSINESS", 12, "B", align="C")
    p.line_text('Polizza n. 27/VB/0048812 - Prodotto "Business Travel Plus" ed. 01/2027', 9, align="C")
    p.ln(4)
    p.kv(
        [
            ("Contraente", f"{FERRETTI} - P.IVA {FERRETTI_VAT}"),
            ("Assicurati", "Giulia Ferretti (14/03/1972); Daniel Moore (02/11/1984)"),
            ("Destinazione", "Giappone"),
            ("Decorrenza", "12/06/2027 ore 00:00"),
            ("Scadenza", "19/06/2027 ore 24:00"),
            ("Data di emissione", "02/06/2027"),
            ("Intermediario", "Broker Emilia Rischi S.r.l. - RUI B000418822"),
        ],
        x=16,
        w_key=40,
        w_val=140,
        size=9.5,
        h=5.4,
    )
    p.ln(4)
    p.line_text("GARANZIE E MASSIMALI (per assicurato)", 10, "B")
    p.grid(
        [
            ["Garanzia", "Massimale", "Franchigia / scoperto"],
            ["Spese mediche e ospedaliere all'estero", "€ 250.000,00", "€ 50,00"],
            ["Assistenza alla persona 24h", "compresa", "-"],
            ["Bagaglio e effetti personali", "€ 1.500,00", "€ 50,00"],
            ["Annullamento viaggio", "€ 3.000,00", "scoperto 10%"],
            ["Responsabilità civile verso terzi", "€ 100.000,00", "€ 250,00"],
        ],
        widths=[90, 45, 43],
        aligns=["L", "R", "R"],
        size=9,
    )
    p.ln(4)
    p.line_text("PREMIO", 10, "B")
    p.totals(
        [
            ("Premio imponibile", f"€ {it_amt(imponibile)}"),
            ("Imposte (21,25%)", f"€ {it_amt(imposte)}"),
            ("Premio lordo totale", f"€ {it_amt(lordo)}"),
        ],
        x=16,
        w_key=80,
        w_val=40,
        size=9.5,
    )
    p.ln(2)
    p.line_text(
        f"Il premio lordo di € {it_amt(lordo)} è stato pagato il 02/06/2027 tramite bonifico al "
        "broker. Il pagamento al broker è liberatorio per il contraente.",
        9,
    )
    p.ln(5)
    p.line_text(
        "Le garanzie sono prestate alle condizioni del Set Informativo ed. 01/2027, che il contraente "
        "dichiara di aver ricevuto. In caso di sinistro contattare la Centrale Operativa +39 055 1234 900, "
        "attiva 24 ore su 24.",
        7.5,
        color=(80, 80, 80),
    )
    p.ln(6)
    p.line_text("Emessa a Firenze il 2 giugno 2027", 9, "I")
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "other",
        "2027-06-02",
        None,
        "192.40",
        "EUR",
        "Assicurazioni Ponte Vecchio S.p.A.",
        None,
        "it",
        "Travel insurance certificate: cover limits (250.000,00, 100.000,00, 3.000,00...), share capital "
        "and birth dates are not the premium; coverage period 12-19/06/2027 vs issue date 02/06/2027; the "
        "amount is 'Premio lordo totale'.",
    )


def i1_fattura_traduzioni(out: Path):
    name = "Fattura_FPR41-27.pdf"
    rows_num = [
        ("Traduzione IT>JA catalogo prodotti 2027", "cart.", 24, d("38.00"), None),
        ("Revisione madrelingua e impaginazione", "ore", 6, d("45.00"), None),
        ("Interpretariato IT<>JA da remoto, incontri preparatori", "ore", 4, d("60.00"), 10),
    ]

    def amount(q, pu, sc):
        a = q * pu
        return r2(a * (100 - sc) / 100) if sc else a

    imponibile = sum(amount(q, pu, sc) for _, _, q, pu, sc in rows_num)
    iva = r2(imponibile * d("0.22"))
    total = imponibile + iva
    assert (imponibile, iva, total) == (d("1398.00"), d("307.56"), d("1705.56"))

    p = Pdf(dt.datetime(2027, 6, 8, 17, 0), "Fattura FPR 41/27", "Studio Linguistico Sakura")
    p.set_font("Sans", "B", 15)
    p.cell(0, 8, "Studio Linguistico Sakura", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.line_text(
        f"di Elena Bianchi & C. S.a.s. - Via Marsala 31, 40126 Bologna - P.IVA {it_vat('0391827037')}\n"
        "traduzioni tecniche - interpretariato - localizzazione",
        8.5,
        color=(70, 70, 70),
    )
    p.ln(6)
    p.set_font("Sans", "B", 12)
    p.cell(0, 7, "FATTURA N. FPR 41/27 del 8 giugno 2027", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.ln(2)
    p.kv(
        [
            ("Cliente:", FERRETTI),
            ("", FERRETTI_ADDR),
            ("", f"P.IVA {FERRETTI_VAT}"),
            ("Rif. ordine:", "OA 2027/118 del 12 maggio 2027"),
        ],
        x=16,
        w_key=26,
        w_val=140,
        size=9.5,
    )
    p.ln(4)
    rows = [["Descrizione", "U.M.", "Quantità", "Prezzo", "Sc. %", "Importo", "IVA"]]
    for lab, um, q, pu, sc in rows_num:
        rows.append([lab, um, f"{q},00", it_amt(pu), str(sc) if sc else "", it_amt(amount(q, pu, sc)), "22%"])
    p.grid(
        rows,
        widths=[72, 14, 18, 20, 14, 26, 14],
        aligns=["L", "C", "R", "R", "C", "R", "C"],
        size=8.5,
        layout="ALL",
        head_fill=(240, 230, 235),
    )
    p.ln(5)
    p.totals(
        [
            ("Totale imponibile", it_amt(imponibile)),
            ("IVA 22%", it_amt(iva)),
            ("Totale documento", it_amt(total)),
            ("Netto a pagare €", it_amt(total)),
        ],
        x=110,
        w_key=46,
        w_val=38,
        size=9.5,
        boxed_last=True,
    )
    p.ln(5)
    p.line_text(
        "Pagamento: bonifico bancario a 30 gg data fattura (scadenza 08/07/2027)\n"
        f"IBAN {spaced(it_iban('08883', '02401', '000000041277'))}",
        9,
    )
    p.ln(3)
    p.line_text(
        "Operazione soggetta a fatturazione elettronica; copia analogica ai sensi dell'art. 21 DPR 633/72.",
        7.5,
        "I",
        color=(90, 90, 90),
    )
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "invoice",
        "2027-06-08",
        None,
        "1705.56",
        "EUR",
        "Studio Linguistico Sakura",
        None,
        "it",
        "Italian service invoice: date written '8 giugno 2027' in the title line, order date 12 maggio and "
        "due date 08/07/2027; a discount-percentage column; amounts without € in the totals block; "
        "'Totale documento' equals 'Netto a pagare'.",
    )


def i2_courier_invoice(out: Path):
    name = "Rapidex_invoice_9027718845.pdf"
    freight = d("512.30")
    fuel = r2(freight * d("0.2475"))
    duties, disb = d("88.40"), d("15.00")
    vat = r2(disb * d("0.22"))
    total = freight + fuel + duties + disb + vat
    assert (fuel, vat, total) == (d("126.79"), d("3.30"), d("745.79"))

    p = Pdf(dt.datetime(2027, 5, 31, 23, 10), "Invoice 9027718845", "Rapidex Express Italia")
    p.band(
        "RAPIDEX EXPRESS",
        (200, 30, 30),
        size=18,
        h=12,
        sub=f"Rapidex Express Italia S.r.l. - Via Cassanese 224, 20054 Segrate (MI) - VAT IT{it_vat('0610045015')}",
    )
    p.ln(4)
    p.set_font("Sans", "B", 14)
    p.cell(0, 8, "INVOICE / FATTURA", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    y0 = p.get_y()
    p.kv(
        [
            ("Invoice number", "9027718845"),
            ("Invoice date", "2027-05-31"),
            ("Due date", "2027-06-30"),
            ("Account number", "48812007"),
            ("Currency", "EUR"),
        ],
        x=16,
        w_key=34,
        w_val=50,
        size=9,
    )
    y_left = p.get_y()
    p.set_y(y0)
    p.kv([("Bill to", FERRETTI), ("", FERRETTI_ADDR), ("", f"VAT IT{FERRETTI_VAT}")], x=108, w_key=18, w_val=70, size=9)
    p.set_y(max(y_left, p.get_y()))
    p.ln(6)
    p.line_text("Shipment details", 10, "B")
    p.grid(
        [
            ["Waybill", "Ship date", "Origin", "Destination", "Pieces", "Weight"],
            [
                "7734 1190 26",
                "2027-05-24",
                "Modena IT",
                "Tokyo JP (Ariake Expo Center, TAMEX stand C-14)",
                "3",
                "41.5 kg",
            ],
        ],
        widths=[24, 22, 22, 70, 16, 24],
        aligns=["L"] * 6,
        size=8.5,
    )
    p.ln(4)
    p.line_text("Charges", 10, "B")
    p.grid(
        [
            ["Description", "VAT code", "Net amount", "VAT", "Total"],
            ["Express Worldwide - export", "N.I. art. 9", en_amt(freight), "0.00", en_amt(freight)],
            ["Fuel surcharge 24.75%", "N.I. art. 9", en_amt(fuel), "0.00", en_amt(fuel)],
            ["Import duties & taxes paid on your behalf (JP)", "Excl. art. 15", en_amt(duties), "0.00", en_amt(duties)],
            ["Disbursement fee", "22%", en_amt(disb), en_amt(vat), en_amt(disb + vat)],
        ],
        widths=[80, 26, 24, 24, 24],
        aligns=["L", "C", "R", "R", "R"],
        size=8.5,
    )
    p.ln(3)
    net = freight + fuel + duties + disb
    p.totals(
        [("Net total", en_amt(net)), ("VAT", en_amt(vat)), ("Amount due (EUR)", en_amt(total))],
        x=104,
        w_key=50,
        w_val=28,
        size=9.5,
        boxed_last=True,
    )
    p.ln(6)
    p.line_text(
        "N.I. art. 9 c.1 n.2 DPR 633/72: international transport services not subject to VAT. Excl. art. 15: "
        "amounts advanced in the name and on behalf of the customer. Payment by SEPA direct debit on the "
        "due date. Late payment interest under D.Lgs. 231/2002.",
        7.5,
        color=(80, 80, 80),
    )
    p.output(str(out / name))
    return truth(
        name,
        "pdf",
        "invoice",
        "2027-05-31",
        None,
        "745.79",
        "EUR",
        "Rapidex Express Italia S.r.l.",
        None,
        "en",
        "Courier invoice for shipping samples to the fair: ISO dates (invoice 2027-05-31, due 2027-06-30, "
        "ship date 2027-05-24); VAT only on one line, a 'Net total' of 742.49 above 'Amount due'.",
    )


DOCUMENTS = [
    f1_eticket_return,
    f2_conferma_volo,
    f3_billet_aller_simple,
    f4_boarding_pass_pdf,
    f5_boarding_pass_photo,
    h1_folio_tokyo,
    h2_booking_site,
    h3_folio_extras,
    h4_facture_hotel,
    r1_fattura_stand,
    r2_facture_pavillon,
    r3_invoice_b2b_jpy,
    t1_taxi_tokyo,
    t2_ic_charge,
    t3_shinkansen,
    t4_limousine,
    t5_taxi_milano,
    p1_estratto_conto,
    p2_card_slip_dcc,
    p3_virement_sepa,
    c1_modulo_docx,
    c2_de_minimis_docx,
    c3_attestato_scan,
    c4_visura,
    c5_kbis,
    c6_attestazione_iban,
    o1_ristorante,
    o2_polizza,
    i1_fattura_traduzioni,
    i2_courier_invoice,
]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[0])
        print("usage: make_blind_receipts.py OUT_FOLDER")
        return 2
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for make in DOCUMENTS:
        row = make(out)
        assert (out / row["file"]).is_file(), row["file"]
        rows.append(row)
    names = [r["file"] for r in rows]
    assert len(set(names)) == len(names)
    with open(out / "truth.jsonl", "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} documents and truth.jsonl to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
