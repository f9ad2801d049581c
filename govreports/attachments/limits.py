"""What one attachment may cost: time, memory, pages, and bytes inflated from archives.

A hostile or broken file must not take the crawl down with it.  The time and memory
limits are enforced by running extraction in a child process
(:mod:`govreports.attachments.worker`); the page cap and the inflation budget are
enforced by the extractors themselves, so they also hold when :func:`extract` is
called in-process.

Inflation budget.  DOCX, XLSX and zip files are zip archives.  No member may
inflate to more than ``max_inflated_member`` bytes, and all members together (of the
file and of every archive nested in it) to no more than ``max_inflated``:

* the sizes the central directory *declares* are checked first (free);
* declared sizes lie, and :mod:`zipfile` does not protect a reader that calls
  ``read()`` without a size (python-docx and openpyxl do): it inflates everything the
  member's compressed bytes hold and only then cuts at the declared size.  So before
  python-docx or openpyxl opens a package, every member is inflated once here, in
  bounded chunks, counting the real bytes and stopping at the cap
  (:meth:`InflateBudget.charge_package`);
* members of plain zips are read with an explicit size (the declared one, itself
  within the caps), which zipfile does honour chunk by chunk.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import asdict, dataclass

MiB = 1024 * 1024
INFLATE_CHUNK = MiB  # output produced per decompression step while counting real sizes

# Extraction statuses that mean "a limit was hit" (the file may be fine, just too big
# or too slow for the limits in force).  Same words as govreports.failures.FailureKind.
TOO_LARGE = "too_large"
TIMEOUT = "timeout"


@dataclass(frozen=True)
class Limits:
    """Per attachment.  Defaults match ``settings.py``; see :meth:`from_settings`."""

    timeout: float = 120.0  # s of wall clock for the whole file, converters included
    memory_mib: int = 1024  # address space of the worker process (RLIMIT_AS)
    max_pages: int = 300  # PDF pages read; the rest are counted, not read
    max_inflated: int = 256 * MiB  # bytes all archive members of one file may inflate to
    max_inflated_member: int = 64 * MiB  # bytes one archive member may inflate to

    @classmethod
    def from_settings(cls, settings) -> "Limits":
        """From Scrapy settings (anything with ``getint``/``getfloat``)."""
        d = cls()
        return cls(
            timeout=settings.getfloat("GOVREPORTS_ATTACHMENT_TIMEOUT", d.timeout),
            memory_mib=settings.getint("GOVREPORTS_ATTACHMENT_MEMORY", d.memory_mib),
            max_pages=settings.getint("GOVREPORTS_ATTACHMENT_MAX_PAGES", d.max_pages),
            max_inflated=settings.getint("GOVREPORTS_ATTACHMENT_MAX_INFLATED", d.max_inflated),
            max_inflated_member=settings.getint("GOVREPORTS_ATTACHMENT_MAX_INFLATED_MEMBER", d.max_inflated_member),
        )

    def as_dict(self) -> dict:
        return asdict(self)


class LimitExceeded(Exception):
    """A file that would cost more than the limits allow; its status is ``too_large``."""

    status = TOO_LARGE


class InflateBudget:
    """Bytes the archive members of one attachment may still inflate to (shared by
    nested archives: a zip of zips cannot multiply the budget)."""

    def __init__(self, total: int, member: int):
        self.left = total
        self.member = member

    def charge(self, infos: list[zipfile.ZipInfo], what: str = "archive") -> None:
        """Take the declared sizes of these members from the budget, or raise
        :class:`LimitExceeded` (and take nothing) if they do not fit."""
        declared = 0
        for info in infos:
            if info.file_size > self.member:
                raise LimitExceeded(f"{what} member {info.filename!r} inflates to {info.file_size} bytes "
                                    f"(limit {self.member} per member)")
            declared += info.file_size
        if declared > self.left:
            raise LimitExceeded(f"{what} inflates to {declared} bytes (limit: {self.left} bytes left of the "
                                f"budget for this file's archives)")
        self.left -= declared

    def charge_package(self, data: bytes, what: str) -> None:
        """Check a DOCX/XLSX package before a reader that inflates whole members opens
        it: declared sizes first, then the real ones.  A file that is not a readable
        zip is left for the reader to report."""
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                infos = zf.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError):
            return
        left = self.left
        self.charge(infos, what)
        self.left = left  # charge the real sizes instead
        real = []
        for info in infos:
            cap = min(self.member, self.left - sum(real))
            size = inflated_size(data, info, cap)
            if size is None:
                raise LimitExceeded(f"{what} member {info.filename!r} inflates to more than {cap} bytes "
                                    f"(declared: {info.file_size})")
            real.append(size)
        self.left -= sum(real)


def inflated_size(data: bytes, info: zipfile.ZipInfo, cap: int) -> int | None:
    """How many bytes this member of the zip ``data`` really inflates to, or None
    once that passes ``cap`` (at most one chunk past it is ever held).  Damaged data
    counts as what inflated before the damage: the reader reports the damage."""
    offset = info.header_offset
    header = data[offset:offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        return 0
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_length + extra_length
    raw = memoryview(data)[start:start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        return len(raw) if len(raw) <= cap else None
    if info.compress_type != zipfile.ZIP_DEFLATED:
        # Office, WPS and LibreOffice write deflate; anything else is not read.
        raise zipfile.BadZipFile(f"member {info.filename!r}: compression method {info.compress_type} "
                                 "is not used in Office files")
    inflater = zlib.decompressobj(-15)
    total = 0
    pending: bytes | memoryview = raw
    try:
        while True:
            out = inflater.decompress(pending, INFLATE_CHUNK)
            total += len(out)
            if total > cap:
                return None
            pending = inflater.unconsumed_tail
            if inflater.eof or (not out and not pending):
                return total
    except zlib.error:
        return total
