"""Reading design documents: JSON text, bytes or a file, bounded before it is parsed, validated into a `Design`.

Every document comes in through `parse_design`: the schema (`design`) first, then the fit rules, which need the
geometry (does the row fit the band, do the letters, the beads...) and belong to the feature modules. A refusal is one
line naming the field (or the document: its size, encoding, syntax or nesting). Also here: a design edited by dotted
field names, and the document's JSON schema.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .design import Design
from .edits import changed
from .errors import DesignError
from .reading import read_bytes

MAX_DOCUMENT_BYTES = 256 * 1024
MAX_NESTING = 16
MAX_INTEGER_DIGITS = 32  # a longer JSON integer is read as a float (perhaps inf) and refused by its field
MAX_MESSAGE_CHARACTERS = 300

_SUBFIELD = re.compile(r"^([a-z_]+(?:\.[a-z_]+)*): ")
_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")  # a key with a dot is quoted: it is not a path
# A JSON string (escapes included; one left open runs to the end, so no text is scanned twice), or a bracket.
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)


def _one_line(text: str, limit: int = MAX_MESSAGE_CHARACTERS) -> str:
    """`text` as one readable line: control and invisible characters escaped, at most `limit` characters."""
    text = "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _location(part: Any) -> str:
    """One part of a field's location; a key someone made up is quoted (and cut short) so it reads as a name."""
    text = str(part)
    return text if _PLAIN_KEY.match(text) else _one_line(repr(text), 42)


def _message(exc: ValidationError) -> str:
    """One line naming the field: `ring.size.value: UK size 'N 1/3' is not ...`."""
    error = exc.errors(include_url=False)[0]
    parts = [_location(part) for part in error["loc"]]
    # A value that may be a number or a string reports the branch type as the last location part (an unknown key's
    # last part is the key itself, whatever it is called: "bool" too).
    if error["type"] != "extra_forbidden" and parts and parts[-1] in {"float", "str", "int", "bool"}:
        parts.pop()
    text = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        text = "unknown field; the design document has no such part (see `python -m configurator schema`)"
    sub = _SUBFIELD.match(text)
    if sub:
        parts.append(sub.group(1))
        text = text[sub.end() :]
    given = error.get("input")  # NaN, Infinity, 1e400 or 400 digits read as a float: say which
    if isinstance(given, float) and not math.isfinite(given) and error["type"] != "extra_forbidden":
        text += ", not " + ("NaN" if math.isnan(given) else "-Infinity" if given < 0 else "Infinity")
    field = ".".join(parts)
    return _one_line(f"{field}: {text}" if field else text)


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_NESTING:
        return level
    if isinstance(value, dict):
        return max((_depth(item, level + 1) for item in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(item, level + 1) for item in value), default=level + 1)
    return level


def _text_depth(text: str) -> int:
    """How deep the JSON text's arrays and objects nest (brackets inside strings do not count); stops past the
    limit, so a document of a quarter megabyte of `[` is refused without being parsed."""
    depth = deepest = 0
    for token in _STRING_OR_BRACKET.finditer(text):
        first = token.group()[0]
        if first == '"':
            continue
        if first in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_NESTING:
                    break
        else:
            depth -= 1
    return deepest


class _DocumentError(DesignError):
    """A problem with the document as a whole (size, encoding, JSON syntax, nesting), not with one field."""


def _misfit(design: Design) -> str | None:
    """What of a design valid by its schema the piece cannot be made with, or None: each feature's fit rule, in the
    order a document's faults are named (`features.FIT_ORDER`), the first fault found."""
    # the rules measure solids and letters (manifold3d, fontTools): a command that reads no document loads neither
    from .features import FEATURES, FIT_ORDER, ordered

    for feature in ordered(FEATURES, FIT_ORDER):
        if feature.fit is not None and (problem := feature.fit(design)):
            return problem
    return None


def parse_design(data: Any) -> Design:
    """Validate a decoded JSON value as a design, its schema and then its fit; raises DesignError naming the field."""
    if not isinstance(data, dict):
        raise _DocumentError(f"a design document must be a JSON object, not {type(data).__name__}")
    if _depth(data) > MAX_NESTING:
        raise _DocumentError(f"the design is nested more than {MAX_NESTING} levels deep")
    try:
        design = Design.model_validate(data)
    except ValidationError as exc:
        raise DesignError(_message(exc)) from None
    except DesignError:
        raise
    except (ValueError, TypeError, RecursionError) as exc:
        raise DesignError(_one_line(f"the design is not valid: {exc}")) from None
    problem = _misfit(design)
    if problem:
        raise DesignError(_one_line(problem))
    return design


def _constant(name: str) -> float:
    """NaN, Infinity and -Infinity (not JSON) are read as floats so the field they stand in refuses them by name."""
    return float(name)


def _parse_int(digits: str) -> int | float:
    """A JSON integer; one longer than any field takes becomes a float (inf past 1e308), which its field refuses
    by name, where `int()` of over 4300 digits would raise a bare ValueError."""
    return int(digits) if len(digits) <= MAX_INTEGER_DIGITS else float(digits)


def _too_large() -> DesignError:
    return _DocumentError(f"the design file is larger than {MAX_DOCUMENT_BYTES // 1024} KiB")


def _text(document: Any) -> str:
    """The document as text, its size checked first: bytes are decoded (UTF-8, or UTF-16/32 with their marks)."""
    if isinstance(document, bytes | bytearray | memoryview):
        data = bytes(document)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise _too_large()
        try:
            return data.decode(json.detect_encoding(data))
        except (UnicodeDecodeError, LookupError):
            raise _DocumentError("the design file is not UTF-8 text") from None
    if not isinstance(document, str):
        raise _DocumentError(f"a design must be JSON text, not {type(document).__name__}")
    if len(document) > MAX_DOCUMENT_BYTES or (
        len(document) * 4 > MAX_DOCUMENT_BYTES and len(document.encode("utf-8", "surrogatepass")) > MAX_DOCUMENT_BYTES
    ):
        raise _too_large()
    return document


def _decode(document: str | bytes) -> Any:
    text = _text(document)
    if text.startswith("\ufeff"):
        text = text[1:]
    if _text_depth(text) > MAX_NESTING:
        raise _DocumentError(f"the design is nested more than {MAX_NESTING} levels deep")
    try:
        return json.loads(text, parse_constant=_constant, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise _DocumentError(f"the design is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise _DocumentError(f"the design is nested more than {MAX_NESTING} levels deep") from None
    except ValueError as exc:
        raise _DocumentError(_one_line(f"the design is not JSON: {exc}")) from None


def loads_design(text: str | bytes, source: str | None = None) -> Design:
    """Parse JSON text into a design; raises DesignError for bad JSON or a bad document.

    Bounded before parsing: at most 256 KiB, nested at most MAX_NESTING levels. Integers of any length, NaN and
    Infinity reach the fields only to be refused by name. A problem with the whole document (not one field) is
    prefixed with `source`, the file's name, when given."""
    try:
        return parse_design(_decode(text))
    except _DocumentError as exc:
        if source is None:
            raise
        raise _DocumentError(f"{_one_line(source, 80)}: {exc}") from None


def load_design(path: str | Path) -> Design:
    """Read a design JSON file; raises DesignError naming the file problem or the field.

    The path comes from the caller (the command line's argument), never from a document. It is read by
    `reading.read_bytes`: a regular file only (a FIFO, a device or a folder is refused before it is opened, so
    nothing waits on a pipe or reads /dev/zero for ever), at most one byte past MAX_DOCUMENT_BYTES."""
    path = Path(path)
    text = read_bytes(path, MAX_DOCUMENT_BYTES, what="a design file", error=DesignError)
    return loads_design(text, source=path.name)


def without_stray_parts(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored document with the other piece's part dropped (a ring part left in a pendant design, as designs
    saved before such parts were refused may carry). For documents the store already holds, not for new ones."""
    if not isinstance(doc, dict):
        return doc
    stray = {"ring": "pendant", "pendant": "ring"}.get(doc.get("piece"))
    return {key: value for key, value in doc.items() if key != stray}


def edited(design: Design, changes: dict[str, Any]) -> Design:
    """`design` with dotted fields set (`{"ring.thickness_mm": 1.9}`), validated; parts missing on the way are made.

    Raises DesignError naming the field when the result is not a valid design."""
    return parse_design(changed(design, changes))


def json_schema() -> dict[str, Any]:
    return Design.model_json_schema()
