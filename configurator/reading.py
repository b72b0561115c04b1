"""Reading what people hand the configurator: a file named on the command line, and numbers as people type them.

A file is read only when it is a regular file (a FIFO would hang the reader, a device such as /dev/zero never
ends, a folder is no file): its kind is checked with `os.stat` before it is opened, it is opened without blocking
(a FIFO swapped in after the check cannot hang the open) and checked again on the open descriptor, and at most one
byte past its limit is read, so a file larger than the limit, or one that grows, is refused without being read
whole. Text is UTF-8 (a byte-order mark is dropped); any other byte is refused naming its line.

A number in a cell may be written as a store's spreadsheet writes it: a decimal comma ("4100,50"), thousands
separators ("4,100.50", "4.100,50"). `read_decimal` gives its rules; "1,500" (1.5, or 1500?) is refused, unless the
range the value must fall in settles it (`read_decimal_in`).

Text from a file shown in a message goes through `quoted` or `one_line`, so no newline, control character or
terminal escape in a cell or a name reaches the terminal or forges a line of a report.
"""

from __future__ import annotations

import math
import os
import re
import stat
from decimal import Decimal
from pathlib import Path

from .errors import ConfiguratorError

QUOTED_CHARACTERS = 40  # a value from a file, as a message quotes it
LINE_CHARACTERS = 300  # one line of a message


class UnreadableFile(ConfiguratorError):
    """A file that was not read: missing, not a regular file, too large, or not UTF-8 text (one line naming it)."""


# --- text in messages -----------------------------------------------------------------------------------------------


def one_line(text: str, limit: int = LINE_CHARACTERS) -> str:
    """`text` as one readable line: every control, escape or invisible character written as its escape (`\\n`,
    `\\x1b`, `\\u202e`), at most `limit` characters (cut with "...")."""
    text = "".join(char if char.isprintable() else ascii(char)[1:-1] for char in str(text))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def quoted(value: object, limit: int = QUOTED_CHARACTERS) -> str:
    """A value from a file as a message quotes it: in quotes, escaped as Python's repr escapes (no newline, control
    or escape character survives), cut to `limit` characters with "..." after the closing quote."""
    text = str(value)
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "..."


def file_label(path: str | os.PathLike[str]) -> str:
    """A file's name or path (or a key someone typed) as messages show it: as it is when it is printable text, else
    quoted and escaped; at most 200 characters. A label given again comes back as it was."""
    text = os.fspath(path)
    return one_line(text, 200) if text.isprintable() else quoted(text, 200)


# --- files ----------------------------------------------------------------------------------------------------------


def _size(limit: int) -> str:
    """A byte limit in words: 256 KiB, 4 MB."""
    for unit, size in (("MiB", 1 << 20), ("KiB", 1 << 10), ("MB", 1_000_000), ("kB", 1000)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit:,} bytes"


def _kind(mode: int) -> str | None:
    """What a file is, in words, when it is not a regular file (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bytes(path: str | os.PathLike[str], limit: int, *, what: str = "a file", advice: str = "",
               error: type[ConfiguratorError] = UnreadableFile) -> bytes:
    """The whole of the regular file `path`, at most `limit` bytes.

    Args:
        path: the file a person named (the command line's argument, a setting); never a value from a document.
        limit: the largest file taken, in bytes; a larger one is refused after reading `limit` + 1 bytes at most.
        what: the kind of file wanted, in words, for the messages ("a design file", "a price grid").
        advice: what to do about a file that is too large ("split the file"), appended to that message.
        error: the caller's kind of ConfiguratorError (DesignError for a design), so a caller that catches its own
            errors catches these too.

    Raises `error` in one line: "cannot read NAME: no such file", "cannot read NAME: it is a named pipe (FIFO), not
    a price grid", "NAME: larger than 256 KiB, not a design file".
    """
    shown = file_label(path)
    name = file_label(Path(path).name)
    too_large = f"{name}: larger than {_size(limit)}, not {what}" + (f"; {advice}" if advice else "")
    try:
        info = os.stat(path)  # before it is opened: opening a FIFO for reading waits for a writer
        kind = _kind(info.st_mode)
        if kind is not None:
            raise error(f"cannot read {shown}: it is {kind}, not {what}")
        if info.st_size > limit:
            raise error(too_large)
        # O_NONBLOCK: a FIFO put in its place after the check opens at once instead of waiting; O_NOCTTY: a
        # terminal put there never becomes ours.
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(f"cannot read {shown}: no such file") from None
    except OSError as exc:
        raise error(f"cannot read {shown}: {one_line(str(exc.strerror or exc), 80)}") from None
    except ValueError:  # a NUL in the name
        raise error(f"{quoted(os.fspath(path), 80)}: not a usable file name") from None
    try:
        kind = _kind(os.fstat(handle).st_mode)  # what was opened, which may not be what was checked
        if kind is not None:
            raise error(f"cannot read {shown}: it is {kind}, not {what}")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(handle, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise error(f"cannot read {shown}: {one_line(str(exc.strerror or exc), 80)}") from None
    finally:
        os.close(handle)
    if total > limit:  # it grew after the check
        raise error(too_large)
    return b"".join(chunks)


def decode_text(data: bytes, name: str, *, error: type[ConfiguratorError] = UnreadableFile) -> str:
    """`data` as UTF-8 text (a byte-order mark dropped); `error` naming the file `name` and the line of the first
    byte that is not UTF-8 ("prices.csv: line 14: not UTF-8 text (byte 0xff); save it as UTF-8")."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        decoded = bytes(exc.object)  # the data after its byte-order mark, which `exc.start` counts in
        line = decoded[: exc.start].count(b"\n") + 1
        raise error(f"{file_label(name)}: line {line}: not UTF-8 text (byte 0x{decoded[exc.start]:02x}); save it as "
                    "UTF-8 (in a spreadsheet: CSV UTF-8)") from None


def read_text(path: str | os.PathLike[str], limit: int, *, what: str = "a file", advice: str = "",
              error: type[ConfiguratorError] = UnreadableFile) -> str:
    """The UTF-8 text of the regular file `path` of at most `limit` bytes (`read_bytes`, then `decode_text`)."""
    return decode_text(read_bytes(path, limit, what=what, advice=advice, error=error), Path(path).name, error=error)


# --- numbers as people type them ------------------------------------------------------------------------------------


class NumberError(ValueError):
    """Text that is not a number as `read_decimal` reads them; the message says why in words, without a field name
    (the caller puts the field or cell before it)."""


class AmbiguousNumber(NumberError):
    """A number that reads two ways ("1,500": 1.5 or 1500); `readings` holds both."""

    def __init__(self, message: str, readings: tuple[float, float]) -> None:
        super().__init__(message)
        self.readings = readings


_SHAPE = re.compile(r"[+-]?[0-9.,]+", re.ASCII)
_EXPONENT = re.compile(r"[+-]?[0-9.,]*[0-9][eE][+-]?[0-9]+", re.ASCII)
_NOT_FINITE = {"nan", "inf", "infinity"}
_GROUPED = re.compile(r"[0-9]{1,3}(?:X[0-9]{3})+", re.ASCII)  # X: the thousands separator


def _grouped(digits: str, separator: str) -> str | None:
    """`digits` without its thousands separators, when every group after the first has three digits."""
    return digits.replace(separator, "") if _GROUPED.fullmatch(digits.replace(separator, "X")) else None


# Thousands grouped by a space, as French, Nordic and ISO 80000 write them ("25 000", "25 000,50"): a space, a
# no-break space or a narrow one (U+202F, which a French keyboard or a phone puts there), groups of three.
_SPACED = re.compile(r"([0-9]{1,3}(?:[ \u00a0\u202f\u2009][0-9]{3})+)([.,][0-9]+)?")


def _readings(text: str) -> tuple[float, float | None]:
    """The number `text` spells and, when it reads two ways, the second reading."""
    sign, body = ("-", text[1:]) if text[:1] == "-" else ("", text.removeprefix("+"))
    spaced = _SPACED.fullmatch(body)
    if spaced:
        body = re.sub(r"[ \u00a0\u202f\u2009]", "", spaced.group(1)) + (spaced.group(2) or "")
    wrong = NumberError(f"must be a number, not {quoted(text)}")
    if not _SHAPE.fullmatch(body) or not any(char.isdigit() for char in body):
        raise wrong
    commas, points = body.count(","), body.count(".")
    if commas and points:  # both: the last one written is the decimal separator, the other groups the thousands
        decimal, thousands = (",", ".") if body.rfind(",") > body.rfind(".") else (".", ",")
        whole, _, fraction = body.rpartition(decimal)
        whole = _grouped(whole, thousands)
        if whole is None or not fraction or decimal in whole:
            raise wrong
        return float(f"{sign}{whole}.{fraction}"), None
    separator, count = (",", commas) if commas else (".", points)
    if count == 0:
        return float(sign + body), None
    whole, _, fraction = body.partition(separator)
    if count > 1:  # 1,000,000 or 1.000.000: thousands only
        grouped = _grouped(body, separator)
        if grouped is None:
            raise wrong
        return float(sign + grouped), None
    if not fraction:  # "12," or "12."
        if separator == "." and whole:
            return float(sign + whole), None
        raise wrong
    if separator == "." or len(fraction) != 3 or not 1 <= len(whole) <= 3 or whole.startswith("0"):
        return float(f"{sign}{whole or '0'}.{fraction}"), None  # a decimal point, or a comma that cannot group
    return float(f"{sign}{whole}.{fraction}"), float(f"{sign}{whole}{fraction}")  # "1,500": 1.5 or 1500


def _plain(value: float) -> str:
    """A number as digits and a decimal point, no exponent: 1500, 0.015."""
    return f"{value:.10f}".rstrip("0").rstrip(".")


def read_decimal(text: str) -> float:
    """The number a person typed in a cell or a field, by these rules:

    - digits 0-9 with an optional sign; spaces around are ignored;
    - a point is a decimal point ("4100.50"), and a comma between the units and the decimals is one too
      ("4100,50" -> 4100.5, "1,5" -> 1.5, "0,500" -> 0.5, "1234,567" -> 1234.567);
    - thousands grouped in threes by spaces ("25 000", "25 000,50", a no-break or narrow space too) are one number;
    - with both, the one written last is the decimal separator and the other groups thousands in threes
      ("4,100.50" and "4.100,50" -> 4100.5); several of one kind alone group thousands ("1,000,000", "1.000.000");
    - a lone comma followed by exactly three digits after one to three digits ("1,500") reads two ways, 1.5 or
      1500, and is refused (AmbiguousNumber) with words saying what to write; `read_decimal_in` settles it when
      the value's range allows only one reading;
    - exponents ("1e3"), "nan", "inf", other digits (Arabic-Indic, full-width), underscores, currency signs and
      groups other than threes ("1,00,000") are refused.

    Raises NumberError (a ValueError) whose message says what is wrong in words, with no field name.
    """
    if not isinstance(text, str):
        raise NumberError(f"must be a number written as text, not {type(text).__name__}")
    stripped = text.strip()
    if not stripped:
        raise NumberError("is empty; write a number")
    if stripped.lstrip("+-").lower() in _NOT_FINITE:
        raise NumberError(f"{quoted(stripped)} is not a number; write the figure in digits")
    if _EXPONENT.fullmatch(stripped):
        mantissa, _, exponent = stripped.lower().partition("e")
        hint = ""
        if abs(int(exponent)) <= 12 and not (set(mantissa) & {","}):
            try:
                hint = f" ({_plain(float(Decimal(stripped)))})"
            except ArithmeticError:
                hint = ""
        raise NumberError(f"{quoted(stripped)} has an exponent; write the number in full{hint}")
    value, other = _readings(stripped)
    if not math.isfinite(value):
        raise NumberError(f"{quoted(stripped)} is too large a number")
    if other is not None:
        raise AmbiguousNumber(
            f"{quoted(stripped)} could be {_plain(value)} or {_plain(other)}: write {_plain(value)} if the comma "
            f"marks the decimals, {_plain(other)} if it separates the thousands",
            (value, other))
    return value


def read_decimal_in(text: str, low: float, high: float) -> float:
    """`read_decimal`, with "1,500" settled when exactly one of its readings lies from `low` to `high` (a carat of
    0.01-100: 1.5; a price of 100-10,000: 1500). The range only settles that case: a value outside it is returned
    for its field to refuse with its own words; when both readings or neither lie in it, AmbiguousNumber."""
    try:
        return read_decimal(text)
    except AmbiguousNumber as exc:
        inside = [reading for reading in exc.readings if low <= reading <= high]
        if len(inside) == 1:
            return inside[0]
        raise
