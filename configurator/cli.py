"""Command line: `python -m configurator schema|sizes|quote|check|export|sheet|stones|orders ...`.

Bad input exits with code 2 and one line on stderr; a design that fails its manufacturability check exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import catalogue, sizes
from .design import Design
from .documents import json_schema, load_design, loads_design
from .errors import ConfiguratorError
from .files import write_atomically
from .passwords import hash_password
from .price_table import (
    current_price_table,
    import_price_table,
    price_history,
    price_table_source,
    update_price_table,
)
from .reading import NumberError, file_label, one_line, quoted, read_bytes, read_decimal

# Each command imports the geometry, the database, the mesh and PDF libraries when it runs (a quote needs no PDF
# writer, the size table no geometry): the command line starts in what one command needs.

FORMATS = ("stl", "obj", "glb", "3mf")  # export.Format's values (named here so parsing needs no geometry)
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2


class UsageError(ConfiguratorError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not usage + error
        raise UsageError(f"{self.prog}: {message} (see --help)")


def _read(path: str) -> Design:
    """The design a command works on: read, and its stone of the store's (if any) brought to that stone's record, as
    the app does (a note on stderr says what the document said otherwise)."""
    design = loads_design(sys.stdin.buffer.read(1024 * 1024)) if path == "-" else load_design(path)
    if design.stone is None or design.stone.stock_number is None:
        return design  # no database for a design without one of the store's stones
    from .inventory import to_record

    store, inventory = _stones()
    try:
        recorded = to_record(design, inventory)
    finally:
        store.close()
    if recorded.note:
        print(f"note: {recorded.note}", file=sys.stderr)
    return recorded.design


def _print_json(data: object) -> None:
    """Valid JSON or nothing: a NaN or infinity (which JSON has no word for) is an error, not output."""
    print(json.dumps(data, indent=2, allow_nan=False))


def _cmd_fit(args: argparse.Namespace) -> int:
    from .budget import fit
    from .quotes import price

    design = _read(args.design)
    if not (args.budget > 0 and args.budget < 1e9):
        raise UsageError(f"fit: --budget must be a positive amount, not {args.budget:g}")
    current = price(design)
    suggestions = fit(design, args.budget, selection=_available_stones() if args.our_stones else ())
    if args.json:
        _print_json([suggestion.to_dict() for suggestion in suggestions])
        return 0
    currency = current.currency
    if current.total <= args.budget:
        print(f"already within budget: {currency} {current.total:,.2f} <= {args.budget:,.2f}")
        return 0
    print(f"the design costs {currency} {current.total:,.2f}; within {args.budget:,.2f}:")
    for suggestion in suggestions:
        print(f"  {suggestion.change:<48} {currency} {suggestion.total:>10,.2f}")
    if not suggestions:
        print("  no single change brings it within budget")
    return 0


def _available_stones() -> list:
    """The store's available stones (the database in force), for the budget's suggestions."""
    from .inventory import Filters, Status

    store, inventory = _stones()
    try:
        return inventory.list(Filters(status=Status.AVAILABLE))
    finally:
        store.close()


def _parse_setting(text: str) -> tuple[str, float]:
    """FIELD=VALUE of `prices --set`; the value read as people type numbers (`reading.read_decimal`: 2,2 is 2.2;
    1e3, nan and inf are refused)."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise UsageError(f"prices --set: {quoted(text)} is not FIELD=VALUE (e.g. metal_per_gram.14k-yellow=80)")
    try:
        number = read_decimal(value)
    except NumberError as exc:
        raise UsageError(f"prices --set: {file_label(key.strip())}: {exc}") from None
    return key.strip(), number


def _cmd_prices(args: argparse.Namespace) -> int:
    if args.import_file:  # read as `reading` reads a file: a FIFO or a device is refused, not waited on
        table = import_price_table(Path(args.import_file))
        print(f"price table imported from {file_label(args.import_file)}, dated {table.date.isoformat()}; every "
              "server sharing the database quotes from it now")
        return 0
    if args.history:
        edits = price_history()
        if args.json:
            _print_json([{"edit": edit.id, "date": edit.dated, "saved_at": edit.saved_at.isoformat(),
                          "change": edit.change} for edit in edits])
            return 0
        if not edits:
            print("no history: the price table is a file (set DATABASE_URL to keep it in the database)")
        for edit in edits:
            print(f"#{edit.id:<5} {edit.dated}  saved {edit.saved_at:%Y-%m-%d %H:%M} UTC  {one_line(edit.change)}")
        return 0
    if args.set:
        changes = dict(_parse_setting(text) for text in args.set)
        table = update_price_table(changes, Path(args.file) if args.file else None)
        print(f"price table updated ({', '.join(map(file_label, changes))}), dated {table.date.isoformat()}")
        return 0
    table = current_price_table()
    if args.json:
        _print_json(table.model_dump(mode="json", exclude={"diamonds", "gems"}))
        return 0
    print(f"price table {one_line(price_table_source())} of {table.date.isoformat()}, {table.currency}, markup "
          f"x{table.markup:g}")
    for metal_id, amount in table.metal_per_gram.items():
        print(f"  {metal_id:<16} {amount:>9.2f} /g")
    for metal_id in table.unpriced_metals():
        print(f"  {metal_id:<16} not priced: set it with --set metal_per_gram.{metal_id}=PRICE")
    return 0


def _stones() -> tuple:
    from .inventory import Inventory
    from .storage import Store

    store = Store.open()
    return store, Inventory(store)


def _cmd_stones_import(args: argparse.Namespace) -> int:
    from .inventory import MAX_IMPORT_BYTES, InventoryError, read_csv

    path = Path(args.file)
    data = read_bytes(path, MAX_IMPORT_BYTES, what="a stones file (CSV)", advice="split the file",
                      error=InventoryError)  # a FIFO or a device is refused before it is opened
    started = time.perf_counter()
    stones = read_csv(data, path.name)
    store, inventory = _stones()
    try:
        inventory.import_stones(stones, path.name)
    finally:
        store.close()
    print(f"imported {len(stones)} stones from {file_label(path.name)} in {time.perf_counter() - started:.2f} s")
    return 0


def _filters(args: argparse.Namespace):
    from .inventory import Filters, Status, grade_set

    def words(text: str | None) -> frozenset[str]:
        return frozenset(part.strip().lower() for part in (text or "").split(",") if part.strip())

    def grades(text: str | None) -> frozenset[str]:
        from .inventory import CUT_GRADES

        chosen = set()
        for part in (part.strip() for part in (text or "").split(",") if part.strip()):
            match = [grade for grade in CUT_GRADES if grade.lower() == part.lower()]
            if not match:
                raise UsageError(f"stones list: --cut-grade {part!r} is not one of {', '.join(CUT_GRADES)}")
            chosen.add(match[0])
        return frozenset(chosen)

    status = None if args.status in (None, "all") else Status(args.status)
    return Filters(shapes=words(args.shape), materials=words(args.material),
                   colors=grade_set(args.color) if args.color else frozenset(),
                   clarities=grade_set(args.clarity) if args.clarity else frozenset(),
                   cut_grades=grades(args.cut_grade), carat_min=args.carat_min, carat_max=args.carat_max,
                   status=status)


def _cmd_stones_list(args: argparse.Namespace) -> int:
    from .inventory import priced_stones

    store, inventory = _stones()
    try:
        records = inventory.list(_filters(args))
    finally:
        store.close()
    rows = priced_stones(records, current_price_table(), args.price_min, args.price_max)
    if args.json:
        _print_json([{**row.record.to_dict(), "price_in_force": round(row.price, 2), "priced_from_grid":
                      row.from_grid} for row in rows])
        return 0
    print(f"{'stock':<10} {'shape':<9} {'ct':>5} {'col':<4} {'clar':<5} {'cut':<10} {'measurements':<24} "
          f"{'report':<18} {'price':>12} status")
    for row in rows:
        stone, record = row.record.stone, row.record
        status = record.status.value
        if record.reserved_until is not None:
            status += f" for #{record.reserved_for} until {record.reserved_until:%Y-%m-%d}"
        shown = f"{row.price:,.2f}" + ("*" if row.from_grid else " ")
        print(f"{stone.stock_number:<10} {stone.shape.value:<9} {stone.carat:>5.2f} {stone.color:<4} "
              f"{stone.clarity:<5} {(stone.cut_grade.value if stone.cut_grade else '-'):<10} "
              f"{stone.measurements:<24} {(stone.report or '-'):<18} {shown:>12} {status}")
    print(f"{len(rows)} stone{'s' if len(rows) != 1 else ''}" + ("; * priced from the grid" if any(
        row.from_grid for row in rows) else ""))
    return 0


def _cmd_stones_expire(args: argparse.Namespace) -> int:
    store, inventory = _stones()
    try:
        freed = inventory.expire()
    finally:
        store.close()
    print(f"{freed} reservation{'s' if freed != 1 else ''} past {'their' if freed != 1 else 'its'} time freed")
    return 0


def _cmd_stones_remove(args: argparse.Namespace) -> int:
    from .inventory import SAMPLE_CSV, Filters, Status, read_csv

    if not args.stock_numbers and not args.sample:
        raise UsageError("stones remove: name the stones (stock numbers) or --sample")
    store, inventory = _stones()
    try:
        numbers = list(args.stock_numbers)
        if args.sample:
            sample = frozenset(stone.stock_number for stone in read_csv(SAMPLE_CSV.read_bytes(), SAMPLE_CSV.name))
            numbers += [record.stock_number for record in inventory.list(Filters(stock_numbers=sample,
                                                                                 status=Status.AVAILABLE))]
        removed = inventory.remove(numbers) if numbers else 0
    finally:
        store.close()
    print(f"removed {removed} stone{'s' if removed != 1 else ''}")
    return 0


def _cmd_stones_set(args: argparse.Namespace) -> int:
    changes: dict[str, str | None] = {}
    for text in args.changes:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"stones set: {text!r} is not FIELD=VALUE (e.g. price=6900, status=sold)")
        changes[key.strip()] = value.strip() or None
    store, inventory = _stones()
    try:
        record = inventory.set(args.stock_number, **changes)
    finally:
        store.close()
    print(f"stone {record.stock_number}: {record.stone.described}; {record.status.value}")
    return 0


# --- orders (configurator.orders): the same rules as the app's; a refused step is one line on stderr, exit 2 ---


def _orders():
    from .orders import Orders
    from .storage import Store

    return Orders(Store.open())


def _day(option: str, text: str | None):
    """A date typed as YYYY-MM-DD (None: not given)."""
    import datetime as dt

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option}: {quoted(text)} is not a date (write YYYY-MM-DD)") from None


def _amount(option: str, text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return read_decimal(text)
    except NumberError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _order_line(order) -> str:
    """One line for an order in a list."""
    approval = "approved" if order.approval is not None else "awaiting approval"
    return (f"{order.number}  {order.stage_label:<18.18} {order.client_name:<22.22} {order.currency} "
            f"{order.total:>11,.2f}  balance {order.balance:>11,.2f}  promised {order.promised.isoformat()}  "
            f"v{order.version.number} {approval}")


def _said(order, words: str, as_json: bool) -> int:
    if as_json:
        _print_json(order.to_dict())
    else:
        print(f"order {order.number}: {one_line(words)}")
    return 0


def _cmd_orders_new(args: argparse.Namespace) -> int:
    orders = _orders()
    try:
        order = orders.place(args.saved, promised=_day("--promised", args.promised), by=args.by,
                             deposit=_amount("--deposit", args.deposit) or 0.0, method=args.method,
                             deposit_date=_day("--deposit-date", args.deposit_date), notes=args.notes or "")
    finally:
        orders.store.close()
    return _said(order, f"placed for {order.client_name}, version 1 ({order.version.design_hash[:12]}), "
                        f"{order.currency} {order.total:,.2f}, balance {order.balance:,.2f}; awaiting the client's "
                        "approval", args.json)


def _cmd_orders_list(args: argparse.Namespace) -> int:
    if args.stage and args.to_make:
        raise UsageError("orders list: --to-make is the workshop's list; leave out --stage")
    orders = _orders()
    try:
        found = orders.to_make() if args.to_make else orders.list(stage=args.stage, client=args.client)
    finally:
        orders.store.close()
    if args.json:
        _print_json([order.to_dict() for order in found])
        return 0
    for order in found:
        print(one_line(_order_line(order), 400))
    print(f"{len(found)} order{'s' if len(found) != 1 else ''}" + (" to make" if args.to_make else ""))
    return 0


def _cmd_orders_show(args: argparse.Namespace) -> int:
    orders = _orders()
    try:
        order = orders.get(args.number)
        versions, approvals, history = (orders.versions(args.number), orders.approvals(args.number),
                                        orders.history(args.number))
    finally:
        orders.store.close()
    if args.json:
        _print_json({**order.to_dict(design=True), "versions": [version.to_dict() for version in versions],
                     "approvals": [approval.to_dict() for approval in approvals],
                     "history": [event.to_dict() for event in history]})
        return 0
    lines = [f"order {order.number} for {order.client_name} (saved design #{order.design_id})",
             f"stage: {order.stage_label} (since {order.moved_at:%Y-%m-%d %H:%M} UTC, {order.moved_by})"
             + (f"; cancelled: {order.cancelled_reason}" if order.cancelled_reason else "")]
    for version in versions:
        approved = next((approval for approval in approvals if approval.version == version.number), None)
        said = (f"approved by {approved.name} at {approved.approved_at:%Y-%m-%d %H:%M} UTC"
                + (f" (in writing, recorded by {approved.recorded_by})" if approved.recorded_by else "")
                if approved else "not approved")
        current = " (current)" if version.number == order.version.number else ""
        lines.append(f"version {version.number}{current}: design {version.design_hash}, {version.currency} "
                     f"{version.total:,.2f} (prices of {version.prices_date.isoformat()}, {version.prices_version}); "
                     f"{said}")
    deposit = order.deposit
    lines.append("deposit: " + (f"{deposit.amount:,.2f} by {deposit.method} on {deposit.taken_on.isoformat()}"
                                if deposit.amount else "none"))
    for payment in order.payments:
        lines.append(f"paid: {payment.amount:,.2f} by {payment.method} on {payment.paid_on.isoformat()} "
                     f"({payment.recorded_by})")
    lines.append(f"balance: {order.currency} {order.balance:,.2f}" + (" (paid in full)" if order.balance <= 0 else ""))
    lines.append(f"promised: {order.promised.isoformat()}")
    if order.version.stock_number:
        lines.append(f"our stone: {order.version.stock_number}")
    lines += ["notes for the bench:", *(f"  {line}" for line in order.notes.splitlines() or ["none"]), "history:"]
    for event in history:
        change = " -> ".join(filter(None, [event.before, event.after]))
        lines.append(f"  {event.at:%Y-%m-%d %H:%M}  {event.who}: {event.what} {change}"
                     + (f" ({event.reason})" if event.reason else ""))
    for line in lines:
        print(one_line(line, 600))
    return 0


def _cmd_orders_approve(args: argparse.Namespace) -> int:
    from .job_bag import client_sheet

    prefix = args.version.strip().lower()
    if len(prefix) < 8 or any(char not in "0123456789abcdef" for char in prefix):
        raise UsageError("orders approve: --version takes the approved version's design hash (at least its first 8 "
                         "characters, as `orders show` prints it)")
    orders = _orders()
    try:
        order = orders.get(args.number)
        versions = [version for version in orders.versions(args.number) if version.design_hash.startswith(prefix)]
        if not versions:
            raise UsageError(f"orders approve: no version of order {order.number} has a design hash starting {prefix}")
        if versions[-1].number != order.version.number:
            raise UsageError(f"orders approve: order {order.number}: the design changed since version "
                             f"{versions[-1].number}; version {order.version.number} ({order.version.design_hash[:12]}) "
                             "is the one to approve")
        order = orders.approve(order.number, order.version.design_hash, args.name, client_sheet(orders, order.number),
                               recorded_by=args.by)
    finally:
        orders.store.close()
    return _said(order, f"version {order.version.number} approved by {order.approval.name} (in writing, recorded by "
                        f"{args.by}); to make", args.json)


def _cmd_orders_revise(args: argparse.Namespace) -> int:
    orders = _orders()
    try:
        if args.design:
            design_json = _read(args.design).to_json()
        else:
            design_json = orders.store.get(orders.get(args.number).design_id).design_json
        order = orders.revise(args.number, design_json, args.by)
    finally:
        orders.store.close()
    return _said(order, f"version {order.version.number} ({order.version.design_hash[:12]}), {order.currency} "
                        f"{order.total:,.2f}, balance {order.balance:,.2f}; awaiting the client's approval", args.json)


def _cmd_orders_advance(args: argparse.Namespace) -> int:
    from .orders import stage_key

    orders = _orders()
    try:
        expected = args.from_stage or orders.get(args.number).stage
        before = orders.stage_labels()
        order = orders.advance(args.number, args.to, args.by, expected_stage=expected, reason=args.reason,
                               paid=_amount("--paid", args.paid), method=args.method,
                               paid_on=_day("--paid-date", args.paid_date))
    finally:
        orders.store.close()
    paid = f"; paid {order.payments[-1].amount:,.2f}, balance {order.balance:,.2f}" if args.paid else ""
    return _said(order, f"{before[stage_key(expected, before)]} -> {order.stage_label} ({order.moved_by}){paid}",
                 args.json)


def _cmd_orders_pay(args: argparse.Namespace) -> int:
    orders = _orders()
    try:
        order = orders.pay(args.number, _amount("--amount", args.amount), args.method, args.by,
                           paid_on=_day("--date", args.date))
    finally:
        orders.store.close()
    left = "paid in full" if order.balance <= 0 else f"balance {order.currency} {order.balance:,.2f}"
    return _said(order, f"{order.payments[-1].amount:,.2f} by {order.payments[-1].method} recorded; {left}", args.json)


def _cmd_orders_cancel(args: argparse.Namespace) -> int:
    orders = _orders()
    try:
        order = orders.cancel(args.number, args.reason, args.by)
    finally:
        orders.store.close()
    stone = f"; stone {order.version.stock_number} released" if order.version.stock_number else ""
    return _said(order, f"cancelled ({order.cancelled_reason}){stone}", args.json)


def _cmd_orders_change(args: argparse.Namespace) -> int:
    orders = _orders()
    try:
        order = orders.change(args.number, args.by, deposit=_amount("--deposit", args.deposit), method=args.method,
                              deposit_date=_day("--deposit-date", args.deposit_date),
                              promised=_day("--promised", args.promised), notes=args.notes)
    finally:
        orders.store.close()
    return _said(order, f"deposit {order.deposit.amount:,.2f}, balance {order.balance:,.2f}, promised "
                        f"{order.promised.isoformat()}", args.json)


def _pdf_target(command: str, output: str) -> Path:
    out = Path(output)
    if out.suffix.lower() != ".pdf":
        raise UsageError(f"orders {command}: -o {file_label(output)} must name a .pdf file")
    return out


def _cmd_orders_bag(args: argparse.Namespace) -> int:
    from .job_bag import job_bag

    out = _pdf_target("bag", args.output)
    orders = _orders()
    try:
        number = orders.get(args.number).number
        data = job_bag(orders, number)
    finally:
        orders.store.close()
    write_atomically({out: data})
    print(f"wrote {file_label(str(out))} ({len(data) / 1024:.0f} KiB, the job bag of {number})")
    return 0


def _cmd_orders_sheet(args: argparse.Namespace) -> int:
    out = _pdf_target("sheet", args.output)
    orders = _orders()
    try:
        data = orders.approval_sheet(args.number, args.version)
    finally:
        orders.store.close()
    write_atomically({out: data})
    print(f"wrote {file_label(str(out))} (the sheet the client saw when she approved)")
    return 0


def _cmd_orders_stages(args: argparse.Namespace) -> int:
    orders = _orders()
    try:
        if args.rename:
            key, sep, label = args.rename.partition("=")
            if not sep or not args.by:
                raise UsageError("orders stages: --rename KEY=LABEL (e.g. wax_printed='wax out') and --by NAME")
            labels = orders.rename_stage(key.strip(), label, args.by)
        else:
            labels = orders.stage_labels()
    finally:
        orders.store.close()
    if args.json:
        _print_json(labels)
        return 0
    for key, label in labels.items():
        print(f"{key:<18} {one_line(label)}")
    return 0


def _cmd_hash_password(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\n")
    if len(password) < 8:
        raise UsageError("hash-password: give a password of at least 8 characters on standard input")
    print(hash_password(password))
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    _print_json(json_schema())
    return 0


def _cmd_sizes(args: argparse.Namespace) -> int:
    rows = sizes.table()
    if args.json:
        _print_json(rows)
        return 0
    header = ["US", "UK", "EU", "JP", "CH", "circumference_mm", "diameter_mm"]
    print("  ".join(f"{name:>8}" for name in ["US", "UK", "EU", "JP", "CH", "circ mm", "diam mm"]))
    for row in rows:
        print("  ".join(f"{row[name]:>8}" for name in header))
    return 0


def _cmd_quote(args: argparse.Namespace) -> int:
    from .quotes import quote_summary

    summary = quote_summary(_read(args.design))
    if args.json:
        _print_json(summary.to_dict())
        return 0
    if summary.ring_size is not None:
        systems = ", ".join(f"{key} {value}" for key, value in summary.ring_size.items())
        print(f"ring size: {systems}; inner diameter {summary.inner_diameter_mm:.2f} mm")
    print(f"metal: {summary.metal}, {summary.metal_volume_mm3:.1f} mm3, {summary.metal_grams:.2f} g")
    for stone in summary.stones:
        if stone.role == "centre":
            print(f"stone: {stone.shape} {stone.cut} {stone.material} {stone.length_mm} x "
                  f"{stone.width_mm} x {stone.depth_mm} mm, {stone.carat:.2f} ct")
        elif stone.role == "side":
            print(f"side stones: {stone.count} x {stone.shape} {stone.material} {stone.length_mm} x "
                  f"{stone.width_mm} mm ({stone.share_of_centre:.0%} of the centre) in {stone.setting}"
                  f"{' (prongs shared with the centre)' if summary.side_stones.shared_prongs else ''}, "
                  f"{stone.carat_each:.2f} ct each")
        elif stone.role == "eternity":
            row = summary.eternity
            print(f"eternity: {row.described}, {stone.shape} {stone.material}, {row.coverage} in "
                  f"{row.setting}" + ("" if row.resizable else " (a full eternity cannot be resized)"))
        else:
            print(f"accents: {stone.count} x {stone.length_mm} mm round {stone.material}, "
                  f"{stone.carat:.2f} ct in all")
    if (band := summary.matching_band) is not None:
        shape = f"contoured to the ring, {band.clearance_mm:g} mm clear" if band.contoured else "straight (nothing of " \
            f"the ring comes within {band.clearance_mm:g} mm)"
        print(f"matching band: {band.profile} {band.width_mm:g} x {band.thickness_mm:g} mm, {shape}, {band.side} the "
              f"ring; {band.metal_volume_mm3:.1f} mm3, {band.metal_grams:.2f} g")
    quote = summary.price
    subtotals = {"ring": "subtotal, the ring", "band": "subtotal, the matching band"}
    width = max(len(text) for text in [*(line.item for line in quote.rows),
                                       *(subtotals.values() if quote.is_set else ())])
    for index, line in enumerate(quote.rows):
        print(f"  {line.item:<{width}}  {line.amount:>10,.2f}")
        following = quote.rows[index + 1].part if index + 1 < len(quote.rows) else None
        if line.part in subtotals and following != line.part:  # a set: each ring's subtotal after its lines
            print(f"  {subtotals[line.part]:<{width}}  {quote.subtotals[line.part]:>10,.2f}")
    total = f"total {quote.currency}" + (" (the set)" if quote.is_set else "")
    print(f"  {total:<{width}}  {quote.total:>10,.2f}")
    compared = quote.catalogue_comparison
    print(f"  (the same metal and stones as a catalogue piece: {compared.total:,.2f}; custom work adds "
          f"{compared.difference:,.2f})")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from .builds import model_of
    from .checks import Severity, check

    design = _read(args.design)
    findings = check(design, model_of(design))
    blocking = [finding for finding in findings if finding.severity is Severity.BLOCKING]
    if args.json:
        _print_json({"ok": not blocking, "findings": [finding.to_dict() for finding in findings]})
    else:
        for finding in findings:
            print(finding.line())
        print("ok: ready to cast" if not blocking else f"not castable: {len(blocking)} blocking finding(s)")
    if blocking:
        print(f"check: {blocking[0].line()}", file=sys.stderr)
        return EXIT_FINDINGS
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from .builds import model_of
    from .export import Format, NotCastable, export

    design = _read(args.design)
    fmt = Format(args.format) if args.format else None
    out = Path(args.output)
    stones = Path(args.stones) if args.stones else None
    fittings = Path(args.fittings) if args.fittings else None
    band = Path(args.band) if args.band else None
    targets = [path.resolve() for path in (out, stones, fittings, band) if path is not None]
    if len(set(targets)) != len(targets):
        raise UsageError("export: -o, --stones, --fittings and --band must name different files")
    model = model_of(design)
    try:
        written = export(model, out, stones, args.shrinkage, fmt, fittings, force=args.force, band_out=band)
    except NotCastable as exc:
        print(f"export: not castable, nothing written: {exc} (--force exports anyway)", file=sys.stderr)
        return EXIT_FINDINGS
    note = f"wrote {written['metal']} ({written['format']}, shrinkage {written['shrinkage_pct']:g} %, "
    note += f"scale {written['scale']:.4f}, {written['volume_mm3']:.1f} mm3)"
    if stones is not None:
        note += f"; stones: {written['stones']}" if written["stones"] else "; no stones in this design"
    if fittings is not None:
        note += f"; fittings: {written['fittings']}" if written["fittings"] else "; no fittings in this design"
    if band is not None:
        note += f"; matching band: {written['band']}" if written["band"] else "; no matching band in this design"
    print(note)
    return 0


def _cmd_sheet(args: argparse.Namespace) -> int:
    from .sheet import spec_sheet

    design = _read(args.design)
    out = Path(args.output)
    if out.suffix.lower() != ".pdf":
        raise UsageError(f"sheet: -o {out} must name a .pdf file")
    write_atomically({out: spec_sheet(design, audience=args.audience, client=args.client)})
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KiB, the {args.audience}'s sheet)")
    return 0


def _cmd_sizer(args: argparse.Namespace) -> int:
    from .sizer import sizer_pdf

    out = Path(args.output)
    if out.suffix.lower() != ".pdf":
        raise UsageError(f"sizer: -o {out} must name a .pdf file")
    write_atomically({out: sizer_pdf(args.system, store=args.store)})
    print(f"wrote {out}: a ring sizer marked in {args.system} (print it at 100 %)")
    return 0


def parser() -> argparse.ArgumentParser:
    root = _Parser(prog="configurator", description="Custom-jewelry design configurator.")
    commands = root.add_subparsers(dest="command", required=True, parser_class=_Parser)

    schema = commands.add_parser("schema", help="print the design document's JSON Schema")
    schema.set_defaults(run=_cmd_schema)

    table = commands.add_parser("sizes", help="print the ring size table in every system")
    table.add_argument("--json", action="store_true", help="print JSON rows")
    table.set_defaults(run=_cmd_sizes)

    sizer = commands.add_parser("sizer", help="write a printable ring sizer (PDF): a strip, discs, and the checks "
                                              "that it printed at 100 %%")
    sizer.add_argument("-o", "--output", required=True, help="PDF file to write")
    sizer.add_argument("--system", choices=[system.value for system in sizes.System], default="US",
                       help="the store's size system, marked first (default US); the others are beside it")
    sizer.add_argument("--store", help="the store's name, under the title")
    sizer.set_defaults(run=_cmd_sizer)

    priced = commands.add_parser("quote", help="weight, carats and price of a design")
    priced.add_argument("design", help="design JSON file, or - for standard input")
    priced.add_argument("--json", action="store_true", help="print JSON")
    priced.set_defaults(run=_cmd_quote)

    checked = commands.add_parser("check", help="manufacturability check; exits 1 on a blocking finding")
    checked.add_argument("design", help="design JSON file, or - for standard input")
    checked.add_argument("--json", action="store_true", help="print JSON")
    checked.set_defaults(run=_cmd_check)

    exported = commands.add_parser("export", help="write the wax pattern (and stones) for printing")
    exported.add_argument("design", help="design JSON file, or - for standard input")
    exported.add_argument("-o", "--output", required=True, help="metal file (the wax pattern)")
    exported.add_argument("--stones", help="stones file (true size, not scaled)")
    exported.add_argument("--fittings", "--findings", dest="fittings",  # --findings: the trade's word, kept for scripts
                          help="fittings file: jump ring, clasp parts, hinged bail (scaled like -o)")
    exported.add_argument("--band", help="a ring's matching band, its own wax pattern (scaled like -o)")
    exported.add_argument(
        "--shrinkage", type=float, help="linear casting shrinkage in percent (default: the alloy's; 0 for none)"
    )
    exported.add_argument("--format", choices=list(FORMATS), help="default: from -o's extension")
    exported.add_argument("--force", action="store_true", help="export even when the check finds a blocking problem")
    exported.set_defaults(run=_cmd_export)

    sheet = commands.add_parser("sheet", help="write the spec sheet (PDF) for the store, the workshop or the client")
    sheet.add_argument("design", help="design JSON file, or - for standard input")
    sheet.add_argument("-o", "--output", required=True, help="PDF file to write")
    sheet.add_argument("--for", dest="audience", choices=["client", "workshop", "store"], default="store",
                       help="client: her piece and her price, nothing of the store's workings; workshop: every "
                            "dimension and the check, no prices; store (the default): everything")
    sheet.add_argument("--client", help="the client's name, under the title")
    sheet.set_defaults(run=_cmd_sheet)

    fitted = commands.add_parser("fit", help="changes that bring a design within a budget")
    fitted.add_argument("design", help="design JSON file, or - for standard input")
    fitted.add_argument("--budget", type=float, required=True, help="the client's budget, in the table's currency")
    fitted.add_argument("--our-stones", action="store_true",
                        help="also propose the store's available stones (`stones list`) that bring it within budget")
    fitted.add_argument("--json", action="store_true", help="print JSON: a list of {change, total, design}")
    fitted.set_defaults(run=_cmd_fit)

    prices = commands.add_parser("prices", help="show the price table in force, change it (--set), import a file into "
                                                "the database (--import) or list its edits (--history)")
    prices.add_argument("--set", action="append", metavar="FIELD=VALUE",
                        help="e.g. metal_per_gram.14k-yellow=80 or markup=2.1; repeatable; validated, then dated today")
    prices.add_argument("--file", help="the store's table file to write (default: the database when DATABASE_URL is "
                                       "set, else data/prices.toml or $CONFIGURATOR_PRICES)")
    prices.add_argument("--import", dest="import_file", metavar="FILE",
                        help="make a table file (TOML, its grids beside it) the database's newest table")
    prices.add_argument("--history", action="store_true", help="the database table's dated edits, newest first")
    prices.add_argument("--json", action="store_true", help="print JSON")
    prices.set_defaults(run=_cmd_prices)

    stones = commands.add_parser("stones", help="the store's loose stones: import a CSV, list, set, expire, remove")
    stone_commands = stones.add_subparsers(dest="stones_command", required=True, parser_class=_Parser)
    imported = stone_commands.add_parser("import", help="add the stones of a CSV file: all of them, or none")
    imported.add_argument("file", help="CSV with the columns of configurator.inventory.COLUMNS (see the README)")
    imported.set_defaults(run=_cmd_stones_import)
    listed = stone_commands.add_parser("list", help="the stones, filtered")
    listed.add_argument("--shape", help="e.g. round or round,oval")
    listed.add_argument("--material", help="e.g. diamond")
    listed.add_argument("--color", help="e.g. G, D-G or G,H; a coloured stone's colour name")
    listed.add_argument("--clarity", help="e.g. VS1, VVS2-SI1; eye-clean")
    listed.add_argument("--cut-grade", help="e.g. Excellent or 'Excellent,Very Good'")
    listed.add_argument("--carat-min", type=float)
    listed.add_argument("--carat-max", type=float)
    listed.add_argument("--price-min", type=float, help="the stone's own price, or the grid's at its carat")
    listed.add_argument("--price-max", type=float)
    listed.add_argument("--status", choices=["available", "reserved", "sold", "all"], default="all")
    listed.add_argument("--json", action="store_true", help="print JSON records")
    listed.set_defaults(run=_cmd_stones_list)
    changed = stone_commands.add_parser("set", help="change a stone's record or status")
    changed.add_argument("stock_number")
    changed.add_argument("changes", nargs="+", metavar="FIELD=VALUE",
                         help="e.g. price=6900 (price= prices it from the grid), status=sold, status=available")
    changed.set_defaults(run=_cmd_stones_set)
    expired = stone_commands.add_parser("expire", help="free the reservations past their time (reads already show "
                                                       "those stones available)")
    expired.set_defaults(run=_cmd_stones_expire)
    removed = stone_commands.add_parser("remove", help="take available stones out of the inventory: all, or none")
    removed.add_argument("stock_numbers", nargs="*", metavar="STOCK_NUMBER")
    removed.add_argument("--sample", action="store_true",
                         help="the sample stones a new embedded database starts with (those still available)")
    removed.set_defaults(run=_cmd_stones_remove)

    _order_commands(commands)

    hashed = commands.add_parser("hash-password", help="hash the store password read from standard input")
    hashed.set_defaults(run=_cmd_hash_password)
    return root


def _order_commands(commands) -> None:
    """`orders new|list|show|approve|revise|advance|cancel|change|bag|sheet|stages`."""
    orders = commands.add_parser("orders", help="orders made from saved designs: place, list, show, approve, move "
                                                "through the stages, cancel, print the job bag")
    order_commands = orders.add_subparsers(dest="orders_command", required=True, parser_class=_Parser)

    def add(name: str, run, help: str, number: bool = True, json: bool = True):
        command = order_commands.add_parser(name, help=help)
        if number:
            command.add_argument("number", help="the order's number, e.g. J-000123")
        if json:
            command.add_argument("--json", action="store_true", help="print JSON")
        command.set_defaults(run=run)
        return command

    new = add("new", _cmd_orders_new, "an order from a saved design as it is now, awaiting the client's approval",
              number=False)
    new.add_argument("--saved", type=int, required=True, metavar="ID", help="the saved design's number")
    new.add_argument("--promised", required=True, metavar="YYYY-MM-DD", help="the day the piece is promised for")
    new.add_argument("--deposit", metavar="AMOUNT", help="the deposit taken (default none)")
    new.add_argument("--method", help="how the deposit was paid: card, cash, bank transfer...")
    new.add_argument("--deposit-date", metavar="YYYY-MM-DD", help="the day the deposit was taken")
    new.add_argument("--notes", help="notes for the bench")
    new.add_argument("--by", required=True, metavar="NAME", help="who places it (staff)")

    listed = add("list", _cmd_orders_list, "orders, the newest first", number=False)
    listed.add_argument("--stage", help="those at this stage (its key or the store's word)")
    listed.add_argument("--client", help="those whose client's name holds this text")
    listed.add_argument("--to-make", action="store_true",
                        help="the workshop's list: current version approved, not yet collected; the earliest promised "
                             "first")

    add("show", _cmd_orders_show, "an order: its versions, approvals and history")

    approve = add("approve", _cmd_orders_approve, "record the client's written approval of the current version (she "
                                                  "approves herself in the app, by her saved design's code)")
    approve.add_argument("--name", required=True, help="the client's name as she signed")
    approve.add_argument("--version", required=True, metavar="HASH",
                         help="the design hash of the version she approved (its first 8 characters or more)")
    approve.add_argument("--by", required=True, metavar="NAME", help="who records it (staff)")

    revise = add("revise", _cmd_orders_revise, "a new version of the design (it needs the client's approval again)")
    source = revise.add_mutually_exclusive_group(required=True)
    source.add_argument("--design", metavar="FILE", help="the changed design (JSON file, or - for standard input)")
    source.add_argument("--from-saved", action="store_true", help="the saved design as it is now")
    revise.add_argument("--by", required=True, metavar="NAME", help="who makes the change (staff)")

    advance = add("advance", _cmd_orders_advance, "move the work to a stage (the next; a skip or a step back needs "
                                                  "--reason)")
    advance.add_argument("--to", required=True, metavar="STAGE", help="the stage (its key or the store's word)")
    advance.add_argument("--from", dest="from_stage", metavar="STAGE",
                         help="the stage you saw it at: refused if someone moved it since (default: where it is now)")
    advance.add_argument("--reason", help="why a stage is skipped, or the work goes back, or the piece is collected "
                                          "with some unpaid")
    advance.add_argument("--paid", metavar="AMOUNT", help="a payment taken with the move (the balance, at collection)")
    advance.add_argument("--method", help="how it was paid: card, cash, bank transfer...")
    advance.add_argument("--paid-date", metavar="YYYY-MM-DD", help="the day it was paid (default today)")
    advance.add_argument("--by", required=True, metavar="NAME", help="who moves it")

    pay = add("pay", _cmd_orders_pay, "record a payment after the deposit (part of the balance, or the rest)")
    pay.add_argument("--amount", required=True, metavar="AMOUNT", help="the amount paid")
    pay.add_argument("--method", required=True, help="how it was paid: card, cash, bank transfer...")
    pay.add_argument("--date", metavar="YYYY-MM-DD", help="the day it was paid (default today)")
    pay.add_argument("--by", required=True, metavar="NAME", help="who takes it (staff)")

    cancel = add("cancel", _cmd_orders_cancel, "cancel an order (never deleted): its stone of the store's is released")
    cancel.add_argument("--reason", required=True, help="why")
    cancel.add_argument("--by", required=True, metavar="NAME", help="who cancels it (staff)")

    change = add("change", _cmd_orders_change, "change the deposit, the promised date or the bench's notes")
    change.add_argument("--deposit", metavar="AMOUNT")
    change.add_argument("--method")
    change.add_argument("--deposit-date", metavar="YYYY-MM-DD")
    change.add_argument("--promised", metavar="YYYY-MM-DD")
    change.add_argument("--notes")
    change.add_argument("--by", required=True, metavar="NAME", help="who changes it (staff)")

    bag = add("bag", _cmd_orders_bag, "write the job bag (PDF) of an approved order: its number as text and QR code, "
                                      "the stages to sign, the workshop sheet", json=False)
    bag.add_argument("-o", "--output", required=True, help="PDF file to write")

    sheet = add("sheet", _cmd_orders_sheet, "write the sheet the client saw when she approved (PDF)", json=False)
    sheet.add_argument("-o", "--output", required=True, help="PDF file to write")
    sheet.add_argument("--version", type=int, help="the version (default: the last one approved)")

    stages = add("stages", _cmd_orders_stages, "the stages and the store's words for them; --rename one", number=False)
    stages.add_argument("--rename", metavar="KEY=LABEL", help="e.g. wax_printed='wax out'")
    stages.add_argument("--by", metavar="NAME", help="who renames it (staff)")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
        catalogue.metals()  # a broken catalogue is one line, before any command
        return args.run(args)
    except ConfiguratorError as exc:
        # A refused file: one line a problem. Every line is escaped once more, the last line of defence: whatever a
        # message carries from a file, no control character or terminal escape reaches the terminal.
        for line in str(exc).splitlines() or [""]:
            print(f"error: {_printable(line)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - last resort: one line, never a traceback
        print(f"error: internal error ({_printable(f'{type(exc).__name__}: {exc}')})", file=sys.stderr)
        return 3


def _printable(line: str) -> str:
    """A line for stderr: control, escape and invisible characters written as their escapes (`\x1b`, `\n`)."""
    return one_line(line, limit=2000)
