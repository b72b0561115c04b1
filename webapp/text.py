"""Text from people and documents, made inert before Streamlit shows it.

Streamlit's messages, captions and markdown render Markdown (links, images, headings): a client's name such as
`![c](http://host/x.png)` would make every browser that shows it fetch that address. `plain` escapes every Markdown
character so the text shows as typed; `html_text` escapes it for `st.html`, which renders no Markdown at all.
"""

from __future__ import annotations

import html
import re

# Where GitHub's autolinks begin: an address's "://", a leading "www." and an e-mail's "@".
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(?=://)|(?<=\bwww)(?=\.)|(?=@)")
# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping them all leaves no Markdown.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=^%@/;,?])")


def plain(text: object) -> str:
    """`text` for a Markdown-rendering element (a caption, a label, a button), shown exactly as typed: no links,
    images, headings or HTML. Escapes alone leave GitHub's autolinks (an address, "www.", an e-mail) live, so a word
    joiner (U+2060, invisible) goes where one would begin."""
    escaped = _MARKDOWN.sub(r"\\\1", _AUTOLINK.sub("\u2060", str(text)))
    return escaped.replace("\n", " ")


def html_text(text: object) -> str:
    """`text` escaped for `st.html` (no Markdown there; tags and entities become text)."""
    return html.escape(str(text), quote=True)


# The look of Streamlit's own alerts, kept by hand: a message is drawn from inert HTML, since a Markdown message
# turns any address in a person's text into a link (GitHub's autolinks ignore backslash escapes).
_MESSAGE_STYLES = {
    "error": ("#fdecea", "#7d1f1a", "alert"),
    "warning": ("#fff6dc", "#6b4e00", "alert"),
    "info": ("#e8f1fb", "#1d4a7a", "status"),
    "success": ("#e7f5ec", "#17603a", "status"),
}


def message_html(kind: str, text: object) -> str:
    """A message box (error, warning, info or success) for `st.html`: the text escaped, so no link, image or tag is
    made from it; line breaks kept. The box carries `data-message="<kind>"` for tests and assistive technology reads
    its role (alert or status)."""
    background, colour, role = _MESSAGE_STYLES[kind]
    body = "<br>".join(html_text(line) for line in str(text).splitlines() or [""])
    return (f'<div class="cfg-message" data-message="{kind}" role="{role}" style="background:{background};'
            f'color:{colour};border-radius:0.5rem;padding:0.75rem 1rem;margin:0 0 0.5rem 0;line-height:1.5;'
            f'overflow-wrap:anywhere;font-size:0.95rem">{body}</div>')
