"""CSV: Greek-aware encoding detection, delimiter detection, rows streamed from disk.

Generic detectors (charset-normalizer, chardet) confuse Windows-1253 with ISO-8859-7, so the
choice between them is made from the bytes where they differ:
- 0x80-0x9F are printable in cp1253 (€ ‚ „ … ‘ ’ “ ” • – —) and C1 control codes in 8859-7;
- `Ά` is 0xA2 in cp1253 and 0xB6 in 8859-7 (where 0xA2 is ’ and in cp1253 0xB6 is ¶);
- 0xA1 is `΅` in cp1253 and ‘ in 8859-7; 0xAE is ® in cp1253 and undefined in 8859-7.
"""

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext_noop

from importers.errors import UnreadableFile
from importers.readers import Limits, Table, find_header
from importers.reasons import Reason

CHUNK = 1024 * 1024
SAMPLE_CHARS = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")

# Bytes 0x80-0x9F that cp1253 defines (everything else in that range is undefined in cp1253 too).
_CP1253_C1 = re.compile(rb"[\x80\x82-\x87\x89\x8b\x91-\x97\x99\x9b]")
# 0xA2 before a Greek letter is `Ά` (cp1253); after a letter it is the apostrophe ’ (8859-7),
# as in «σ’ αυτό». 0xB6 is `Ά` in 8859-7 and ¶ in cp1253, which spreadsheets hardly contain.
_ALPHA_TONOS_1253 = re.compile(rb"\xa2(?=[\xc1-\xd1\xd3-\xfe])")
_APOSTROPHE_8859 = re.compile(rb"(?<=[a-zA-Z\xc1-\xd1\xd3-\xfe])\xa2")
_ALPHA_TONOS_8859 = re.compile(rb"\xb6")
# 0xA1 is ‘ in 8859-7 and `΅` (dialytika tonos) in cp1253; ® (0xAE) exists only in cp1253.
_QUOTE_8859 = re.compile(rb"\xa1")
_CP1253_ONLY = re.compile(rb"\xae")


def detect_encoding(path: Path) -> tuple[str, list[str]]:
    """The Python codec for the file and any warnings; reads the file in chunks, never all at once.

    BOMs first (UTF-8, UTF-16, UTF-32), then UTF-16 without a BOM (NUL bytes in every other
    position), then strict UTF-8 over the whole file, then cp1253 vs ISO-8859-7 by the byte facts
    above. With no evidence either way, cp1253: Excel on Greek Windows saves CSV in it.
    """
    with path.open("rb") as f:
        head = f.read(4)
        if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            return "utf-32", []
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig", []
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16", []
        f.seek(0)
        sample = f.read(4096)
        if len(sample) >= 4:
            even, odd = sample[0::2], sample[1::2]
            if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
                return "utf-16-le", []
            if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
                return "utf-16-be", []
        if b"\x00" in sample:
            raise UnreadableFile(
                f"{path.name} is neither a spreadsheet (XLSX, ODS) nor a text (CSV) file."
            )
        f.seek(0)
        if _is_utf8(f):
            return "utf-8", []
        f.seek(0)
        votes = _greek_votes(f)
    warnings: list[str] = []
    encoding = "iso8859-7" if votes["iso8859-7"] > votes["cp1253"] else "cp1253"
    if not _decodes(path, encoding):
        warnings.append(
            Reason(
                gettext_noop(
                    "Some bytes are not valid {encoding}; they were replaced by {mark}. "
                    "Save the file as CSV UTF-8 to avoid this."
                ),
                encoding=encoding,
                mark="\ufffd",
            )
        )
    return encoding, warnings


def _is_utf8(f: BinaryIO) -> bool:
    """Whether the rest of the file is strict UTF-8; stops at the first chunk that is not."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := f.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _greek_votes(f: BinaryIO) -> Counter[str]:
    """cp1253 vs ISO-8859-7 evidence in the rest of the file. Asked only of files that are not
    UTF-8: in UTF-8 Greek text every other byte is in 0x80-0x9F, and counting them took longer
    than reading the file."""
    votes: Counter[str] = Counter()
    prev = b""
    while chunk := f.read(CHUNK):
        # One byte of overlap so a pattern across the chunk boundary is still seen.
        window = prev + chunk
        votes["cp1253"] += 3 * len(_CP1253_C1.findall(window))
        votes["cp1253"] += 2 * len(_ALPHA_TONOS_1253.findall(window))
        votes["cp1253"] += len(_CP1253_ONLY.findall(window))
        votes["iso8859-7"] += 2 * len(_ALPHA_TONOS_8859.findall(window))
        votes["iso8859-7"] += len(_APOSTROPHE_8859.findall(window))
        votes["iso8859-7"] += len(_QUOTE_8859.findall(window))
        prev = chunk[-1:]
    return votes


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as f:
        try:
            while chunk := f.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _text(path: Path, encoding: str) -> io.TextIOWrapper:
    # newline="" lets the csv module see quoted newlines; errors="replace" never raises midway.
    return path.open(encoding=encoding, errors="replace", newline="")


_SEP_LINE = re.compile(r"^\s*\"?sep=(.)\"?\s*$", re.IGNORECASE)


def detect_delimiter(sample: str) -> str:
    """The delimiter giving the most consistent number (>1) of fields per record of the sample."""
    lines = sample.splitlines()
    if lines and (m := _SEP_LINE.match(lines[0])):
        return m.group(1)
    best, best_score = ",", -1.0
    for delimiter in DELIMITERS:
        try:
            records = list(csv.reader(io.StringIO(sample), delimiter=delimiter))[:50]
        except csv.Error:
            continue
        records = [r for r in records if any(c.strip() for c in r)]
        if len(records) > 1:
            records = records[:-1]  # the sample may cut the last record short
        if not records:
            continue
        widths = Counter(len(r) for r in records)
        width, count = widths.most_common(1)[0]
        if width < 2:
            continue
        # Consistency matters most; the header's own width breaks ties (decimal commas in a
        # semicolon file give ragged comma counts in the data rows).
        score = count / len(records) + (0.5 if len(records[0]) == width else 0) + width / 1000
        if score > best_score:
            best, best_score = delimiter, score
    return best


def open_csv(path: Path, *, limits: Limits) -> Table:
    encoding, warnings = detect_encoding(path)
    with _text(path, encoding) as f:
        sample = f.read(SAMPLE_CHARS)
    skip_first = bool(sample.splitlines() and _SEP_LINE.match(sample.splitlines()[0]))
    delimiter = detect_delimiter(sample)

    def rows() -> Iterator[tuple[int, list[str]]]:
        with _text(path, encoding) as f:
            if skip_first:
                f.readline()
            reader = csv.reader(f, delimiter=delimiter)
            number = 0
            try:
                for record in reader:
                    number += 1
                    yield number, [c.replace("\x00", "") for c in record]
            except csv.Error as e:
                raise UnreadableFile(
                    f"{path.name} cannot be read as CSV after row {number}: {e}."
                ) from e

    header_row, headers, header_warnings = find_header(rows(), name=path.name)
    return Table(
        path=path,
        format="csv",
        headers=headers,
        header_row=header_row,
        encoding=encoding,
        delimiter=delimiter,
        warnings=warnings + header_warnings,
        _rows=rows,
    )
