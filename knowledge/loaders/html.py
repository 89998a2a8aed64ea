"""HTML pages: site boilerplate (menus, cookie banners, footers) stripped, headings kept."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from knowledge.documents import Document, Section
from knowledge.loaders._common import (
    Hints,
    SectionBuilder,
    build_document,
    collapse_blank_lines,
    decode_text,
    hints_from_mapping,
    read_checked,
)
from knowledge.loaders.budget import ParseBudget, check_text_size

_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "nav", "header", "footer",
    "aside", "form", "iframe", "button", "select", "dialog",
)  # fmt: skip
_DROP_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary", "dialog"}
# A class or id is boilerplate when every word of it is a boilerplate word and one of them
# is a strong one: "cookie-banner", "site-footer", "main-menu" go; "has-sidebar" (a layout
# wrapper) and "social-impact-call" (content) stay.
_STRONG = {
    "cookie", "cookies", "consent", "gdpr", "banner", "breadcrumb", "breadcrumbs", "menu", "navbar", "nav",
    "navigation", "sidebar", "share", "sharing", "social", "newsletter", "skip", "footer", "header", "popup", "modal",
}  # fmt: skip
_WEAK = {
    "main",
    "site",
    "top",
    "bar",
    "link",
    "links",
    "widget",
    "notice",
    "container",
    "wrapper",
    "area",
    "box",
    "block",
}
_WORD = re.compile(r"[a-z]+")
_CONTENT_ROOTS = {"html", "body", "main", "article"}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = ("p", "li", "dt", "dd", "pre", "blockquote", "td", "th", "caption", "figcaption")


def load_html(path: Path, max_bytes: int, budget: ParseBudget) -> Document:
    """The main content of a page as sections under its headings."""
    text = decode_text(read_checked(path, max_bytes), str(path))
    check_text_size(len(text), str(path), budget)  # the markup, before a tree ten times its size is built
    soup = BeautifulSoup(text, "lxml")
    hints = _meta_hints(soup)
    page_title = soup.title.get_text(" ", strip=True) if soup.title else None
    _strip_boilerplate(soup)
    root = soup.find("main") or soup.find("article") or soup.find(None, {"role": "main"}) or soup.body or soup
    sections = _sections(root) if isinstance(root, Tag) else []
    first_h1 = root.find("h1") if isinstance(root, Tag) else None
    title = hints.title or (first_h1.get_text(" ", strip=True) if first_h1 else None) or page_title
    hints.title = title
    return build_document(path, sections, hints, page_title)


def _meta_hints(soup: BeautifulSoup) -> Hints:
    raw: dict[str, object] = {}
    for meta in soup.find_all("meta"):
        name = str(meta.get("name") or "")
        if name.startswith("sportello:"):
            raw[name.removeprefix("sportello:")] = str(meta.get("content") or "")
    if "language" not in raw and soup.html and soup.html.get("lang"):
        raw["language"] = str(soup.html.get("lang"))[:2].lower()
    return hints_from_mapping(raw)


def _strip_boilerplate(soup: BeautifulSoup) -> None:
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.attrs is None or tag.name in _CONTENT_ROOTS:
            continue
        role = str(tag.get("role") or "")
        names = [str(tag.get("id") or ""), *[str(c) for c in tag.get("class") or []]]
        if (role in _DROP_ROLES or any(_is_boilerplate(name) for name in names)) and not tag.find("h1"):
            tag.decompose()


def _is_boilerplate(name: str) -> bool:
    words = _WORD.findall(name.lower())
    return bool(words) and all(w in _STRONG or w in _WEAK for w in words) and any(w in _STRONG for w in words)


def _sections(root: Tag) -> list[Section]:
    builder = SectionBuilder()
    for element in root.find_all((*_HEADINGS, *_BLOCKS)):
        if element.name in _HEADINGS:
            builder.heading(int(element.name[1]), element.get_text(" ", strip=True))
        elif not element.find_parent(_BLOCKS):
            content = element.get_text(" ", strip=True)
            if content:
                builder.add(f"- {content}" if element.name == "li" else content)
    sections = builder.close()
    if not sections:
        # A page of bare text in divs: keep it rather than call it empty.
        loose = collapse_blank_lines(root.get_text("\n", strip=True))
        sections.append(Section(text=loose))
    return sections
