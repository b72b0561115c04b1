"""Share links: a design packed into a short URL-safe token (`?design=...`) and back, validated."""

from __future__ import annotations

import base64
import binascii
import zlib

from .design import Design
from .documents import loads_design
from .errors import DesignError

MAX_TOKEN_CHARACTERS = 8192  # a link stays well under what browsers and servers accept
MAX_UNPACKED_BYTES = 256 * 1024


def encode_design(design: Design) -> str:
    """The design as a token: its compact JSON, deflated, base64url without padding."""
    packed = zlib.compress(design.model_dump_json(exclude_none=True).encode("utf-8"), 9)
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_design(token: str) -> Design:
    """The design a token carries; raises DesignError for a damaged, oversized or invalid link."""
    if not token or len(token) > MAX_TOKEN_CHARACTERS:
        raise DesignError("design link: empty or too long")
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        unpacker = zlib.decompressobj()
        text = unpacker.decompress(packed, MAX_UNPACKED_BYTES + 1)
    except (binascii.Error, ValueError, zlib.error):
        raise DesignError("design link: damaged (it does not decode)") from None
    if len(text) > MAX_UNPACKED_BYTES or unpacker.unconsumed_tail:
        raise DesignError("design link: too large")
    if not unpacker.eof or unpacker.unused_data:  # the stream's Adler-32 checksum is its last four bytes
        raise DesignError("design link: damaged (cut short, or its checksum does not match)")
    return loads_design(text)
