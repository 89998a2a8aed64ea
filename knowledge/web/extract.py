"""A fetched HTML page as its main text in Markdown, with the metadata and links the sync needs.

Pure: bytes in, an ``ExtractedPage`` out, no network. trafilatura finds the main text: its
boilerplate detection (link density, text density, fallbacks) is far better than class-name
rules. Its cost grows faster than the page, though (about 2 s for 20,000 paragraphs, 30 s for
100,000), so a page with more than ``_MAX_TRAFILATURA_ELEMENTS`` elements gets a linear walk of
its blocks instead: a hostile or giant page costs seconds, not minutes. Metadata and links come
from ``knowledge.web.markup``.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass

import trafilatura
import yaml
from lxml import etree
from lxml import html as lxml_html

from knowledge.errors import EmptyDocumentError
from knowledge.language import detect_language
from knowledge.loaders._common import collapse_blank_lines
from knowledge.web.call_fields import detect_call_fields
from knowledge.web.markup import decode_html, parse_html, read_markup

# Emptied before extraction. trafilatura's own fallbacks (baseline, jusText) otherwise return a
# lone menu ("Home") for a page with no content; <header>/<footer> inside an article hold its
# title and date, so only the site's own go.
_BOILERPLATE = etree.XPath(
    "//nav | //*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='search' or @role='dialog']"
    " | //header[not(ancestor::article or ancestor::main)] | //footer[not(ancestor::article or ancestor::main)]"
    " | //script | //style | //noscript | //template"
)
# A class or id names boilerplate when all its words are such words and one is a strong one:
# "cookie-banner", "sd-sharing-enabled" go; "social-impact-call" (content) stays.
_STRONG_WORDS = {
    "cookie", "cookies", "consent", "gdpr", "share", "sharing", "sharedaddy", "social", "breadcrumb", "breadcrumbs",
}  # fmt: skip
_WEAK_WORDS = {
    "banner", "bar", "notice", "buttons", "button", "links", "icons", "box", "container", "wrapper", "block",
    "widget", "popup", "modal", "overlay", "law", "tools", "media", "sd", "enabled", "wrap", "trail", "nav",
}  # fmt: skip
_WORD = re.compile(r"[a-z]+")
_HEADING = re.compile(r"\s*#{1,6}\s")
_MIN_LETTERS = 12
_MAX_TRAFILATURA_ELEMENTS = 10_000
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_TEXT_BLOCKS = {"p", "pre", "blockquote", "dt", "dd", "caption", "figcaption", "li", "tr", *_HEADINGS}
_CONTAINERS = {"div", "section", "article", "main", "ul", "ol", "dl", "table", "tbody", "thead", "form", "br", "hr"}
_FLUSH = object()  # marks the end of a container in the linear walk


@dataclass(frozen=True)
class ExtractedPage:
    """What a page says (its main text as Markdown) and what the sync needs around it."""

    title: str | None
    text: str
    language: str | None
    canonical_url: str | None
    publisher: str | None
    published: dt.date | None
    modified: dt.date | None
    deadline: dt.date | None
    links: tuple[str, ...]
    """Every absolute http(s) link of the whole page, menus included: the crawler follows them."""
    documents: tuple[str, ...]
    """The links to PDF and DOCX files."""


def extract_page(
    html: bytes | str, url: str, *, max_chars: int = 2_000_000, max_links: int = 500, charset: str | None = None
) -> ExtractedPage:
    """The main text and metadata of the page fetched from ``url``.

    ``charset`` is the one the HTTP ``Content-Type`` named, if any. Raises ``OverBudgetError``
    for a page over ``max_chars``, ``BinaryContentError`` for bytes that are not text and
    ``EmptyDocumentError`` for a page with no main text.
    """
    tree = parse_html(decode_html(html, url, max_chars, charset), url)
    markup = read_markup(tree, url, max_links)
    text = _main_text(tree, url)
    language = markup.language or detect_language(text)
    return ExtractedPage(
        title=markup.title,
        text=text,
        language=language,
        canonical_url=markup.canonical_url,
        publisher=markup.publisher,
        published=markup.published,
        modified=markup.modified,
        deadline=detect_call_fields(markup.title or "", text, language).deadline,
        links=markup.links,
        documents=markup.documents,
    )


def render_markdown(page: ExtractedPage, url: str, *, kind: str | None = None, language: str | None = None) -> str:
    """The document the sync stores: YAML front matter, then the page's text under its title.

    Every value is put on one line and ``yaml.safe_dump`` quotes what needs it, so a hostile
    title (``:``, newlines, ``---``) cannot end the front matter or add a key.
    """
    fields = {
        "title": page.title or page.canonical_url or url,
        "url": page.canonical_url or url,
        "language": language or page.language,
        "kind": kind,
        "publisher": page.publisher,
        "published": page.published.isoformat() if page.published else None,
        "modified": page.modified.isoformat() if page.modified else None,
        "deadline": page.deadline.isoformat() if page.deadline else None,
    }
    kept = {key: _one_line(value) for key, value in fields.items() if value}
    front = yaml.safe_dump(kept, allow_unicode=True, sort_keys=False, width=1 << 20)
    body = page.text if _HEADING.match(page.text) else f"# {kept['title']}\n\n{page.text}"
    return f"---\n{front}---\n\n{body.strip()}\n"


def _main_text(tree: lxml_html.HtmlElement, source: str) -> str:
    """The page's main text as Markdown, from a cleaned copy of the tree (the original keeps its links)."""
    cleaned = _cleaned_copy(tree)
    if sum(1 for _ in cleaned.iter()) > _MAX_TRAFILATURA_ELEMENTS:
        text = _plain_markdown(cleaned)
    else:
        text = _trafilatura(cleaned, source, recall=False)
        if _letters(text) < _MIN_LETTERS:
            # Precision drops the whole text of some short, simple pages: ask for recall there.
            text = _trafilatura(cleaned, source, recall=True)
    text = collapse_blank_lines(text)
    if _letters(text) < _MIN_LETTERS:
        raise EmptyDocumentError(source, "no main text on the page")
    return text


def _cleaned_copy(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    cleaned = copy.deepcopy(tree)
    doomed = [*_BOILERPLATE(cleaned), *(e for e in cleaned.iter() if _is_boilerplate_block(e))]
    for element in doomed:
        # Emptied in place, its tail kept: removing it would append the tail to its neighbour's,
        # quadratic over 100,000 siblings. (lxml's strip_tags is worse: it leaves text nodes
        # unmerged, and each read of .text then joins them all.)
        element.clear(keep_tail=True)
        element.tag = "span"
    # trafilatura deletes <time> elements with their text: "Scadenza: <time>30 giugno 2026</time>"
    # would lose the date a call is about. An inline element keeps the words.
    for element in cleaned.iter("time"):
        element.tag = "span"
    return cleaned


def _trafilatura(tree: lxml_html.HtmlElement, source: str, *, recall: bool) -> str:
    text = trafilatura.extract(
        tree,  # trafilatura works on its own copy
        url=source,
        output_format="markdown",  # headings, lists and tables kept as Markdown
        favor_precision=not recall,
        favor_recall=recall,
        include_comments=False,
        include_tables=True,
        include_links=False,
        include_images=False,
        with_metadata=False,  # read from the markup instead: trafilatura's runs htmldate's date guessing
    )
    return text or ""


def _plain_markdown(root: lxml_html.HtmlElement) -> str:
    """Headings, list items, table rows and paragraphs in document order, in one linear pass."""
    blocks: list[str] = []
    inline: list[str] = []

    def flush() -> None:
        _append(blocks, " ".join(" ".join(inline).split()), row=False)
        inline.clear()

    stack: list[object] = [root]
    while stack:
        item = stack.pop()
        if item is _FLUSH:
            flush()
        elif isinstance(item, str):
            inline.append(item)
        elif isinstance(item, etree._Element) and isinstance(item.tag, str):
            tag = item.tag.lower()
            if item.tail:
                stack.append(item.tail)
            if tag in _TEXT_BLOCKS:
                flush()
                _append(blocks, _block(item, tag), row=tag == "tr")
                continue
            if tag in _CONTAINERS:
                flush()
                stack.append(_FLUSH)
            stack.extend(reversed(item))
            if item.text:
                stack.append(item.text)
    flush()
    return "\n\n".join(blocks)


def _append(blocks: list[str], block: str, *, row: bool) -> None:
    """Add a block; a table row joins the rows before it, the first taken as the header."""
    if row and block and blocks and blocks[-1].startswith("| "):
        if "\n" not in blocks[-1]:
            blocks[-1] += "\n|" + "---|" * (blocks[-1].count(" | ") + 1)
        blocks[-1] += f"\n{block}"
    elif block:
        blocks.append(block)


def _block(element: lxml_html.HtmlElement, tag: str) -> str:
    if tag == "tr":
        cells = [" ".join(cell.text_content().split()) for cell in element if cell.tag in ("td", "th")]
        return f"| {' | '.join(cells)} |" if any(cells) else ""
    text = " ".join(element.text_content().split())
    if not text:
        return ""
    if tag in _HEADINGS:
        return f"{'#' * int(tag[1])} {text}"
    return f"- {text}" if tag == "li" else text


def _is_boilerplate_block(element: etree._Element) -> bool:
    """A cookie banner, share bar or breadcrumb: a class or id made of such words ("cookie-notice", "share-buttons")."""
    if not isinstance(element.tag, str) or element.tag in ("html", "body", "main", "article"):
        return False
    for name in (element.get("id") or "", *(element.get("class") or "").split()):
        words = set(_WORD.findall(name.lower()))
        if words & _STRONG_WORDS and words <= _STRONG_WORDS | _WEAK_WORDS:
            return True
    return False


def _letters(text: str) -> int:
    """Letters and digits at the start of ``text``: a table of figures is text, a lone "Home" is not."""
    return sum(1 for ch in text[:5000] if ch.isalnum())


def _one_line(text: str) -> str:
    return " ".join(text.split())
