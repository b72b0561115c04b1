"""Text from people and documents, made inert before Streamlit shows it.

Streamlit's messages, captions and markdown render Markdown (links, images, headings): a client's name such as
`![c](http://host/x.png)` would make every browser that shows it fetch that address. `plain` escapes every Markdown
character so the text shows as typed; `html_text` escapes it for `st.html`, which renders no Markdown at all.
"""

from __future__ import annotations

import html
import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping them all leaves no Markdown.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=^%@/;,?])")


def plain(text: object) -> str:
    """`text` for a Markdown-rendering element (st.error, st.caption, st.success...), shown exactly as typed:
    no links, images, headings or HTML, and no address turned into a link."""
    escaped = _MARKDOWN.sub(r"\\\1", str(text))
    return escaped.replace("\n", " ")


def html_text(text: object) -> str:
    """`text` escaped for `st.html` (no Markdown there; tags and entities become text)."""
    return html.escape(str(text), quote=True)
