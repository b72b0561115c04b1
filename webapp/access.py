"""Who is at the page and what they may hold, free of Streamlit: the client's address, a saved design's private
link, and the store's rule for holding its stones.

A saved design is reached again by its access code: the app keeps the code for the session that saved it (the
database keeps only its hash), puts it in a private link (`?saved=ID&code=CODE`) and on the client's sheet. A stone
of the store's is held by staff for the store's days; for a client only when she leaves a phone or an e-mail, for a
short time, and one stone at a time (per client and per browser).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

CLIENT_HOLDS = 1  # stones a client (her browser, her contact details) may hold at once


def client_address(peer: str | None, headers) -> str:
    """The address a request comes from: the peer's, or (behind a proxy on this machine, as in `deploy/`) the
    address the proxy passes in X-Real-IP or last in X-Forwarded-For. A header from anywhere else is not believed:
    anyone can send one."""
    peer = (peer or "").strip()
    try:
        local = ipaddress.ip_address(peer).is_loopback if peer else True
    except ValueError:
        local = False
    if local and headers is not None:
        real = str(headers.get("X-Real-Ip") or headers.get("X-Real-IP") or "").strip()
        forwarded = [part.strip() for part in str(headers.get("X-Forwarded-For") or "").split(",") if part.strip()]
        for candidate in (real, forwarded[-1] if forwarded else ""):
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                continue
    return peer or "unknown"


def normal_code(text: str) -> str | None:
    """An access code as typed (any case, spaces or no dashes) in its canonical form, or None if it cannot be one."""
    letters = re.sub(r"[\s-]", "", str(text or "")).upper()
    if not re.fullmatch(r"[A-Z2-7]{16}", letters):
        return None
    return "-".join(letters[index:index + 4] for index in range(0, 16, 4))


def private_link(base: str, design_id: int, code: str) -> str:
    """The link that opens saved design `design_id` with its code on any device (keep it private)."""
    return f"{base}?{urlencode({'saved': design_id, 'code': code})}"


def saved_link_params(params) -> tuple[int, str] | None:
    """The (design id, code) a private link carries, or None when the address has none or they are malformed."""
    saved, code = str(params.get("saved") or ""), normal_code(params.get("code") or "")
    if not re.fullmatch(r"[0-9]{1,12}", saved) or code is None:
        return None
    return int(saved), code


@dataclass(frozen=True)
class HoldRule:
    """How long a save holds the stone, and how many a client may hold at once (None: no limit, staff's)."""

    until: datetime
    client_limit: int | None


def hold_rule(staff: bool, contact: str | None, store_days: float, visitor_hours: float,
              now: datetime) -> HoldRule | None:
    """The store's rule for holding its stone when a design is saved: staff hold it for the store's days; a client
    holds it for `visitor_hours` when she leaves a phone or an e-mail (so the store can reach her), one stone at a
    time; without them nothing is held (None)."""
    from datetime import timedelta

    if staff:
        return HoldRule(now + timedelta(days=store_days), None)
    if not contact:
        return None
    return HoldRule(now + timedelta(hours=visitor_hours), CLIENT_HOLDS)


def held_elsewhere(held: dict[str, int], number: str, limit: int | None) -> tuple[str, int] | None:
    """The stone this visit already holds (its stock number, and the saved design it is held for) that keeps it from
    holding stone `number` too: a client holds `limit` stones at a time, staff (`limit` None) any number. Holding
    `number` again (a new save of the piece) is never kept from her."""
    others = {stone: design for stone, design in held.items() if stone != number}
    if limit is not None and len(others) >= limit:
        return next(iter(others.items()))
    return None
