"""Refusing zip bombs: the sizes in a zip's central directory are checked before any member is read.

Python's zipfile stops decompressing a member at the size its directory entry declares (and then
fails the CRC check), so a member cannot expand beyond what we checked here.
"""

import zipfile

from importers.errors import UnreadableFile
from importers.readers import Limits


def check_zip(zf: zipfile.ZipFile, *, name: str, limits: Limits) -> None:
    total = 0
    members = zf.infolist()
    if len(members) > 10_000:
        raise UnreadableFile(f"{name} holds {len(members)} files; a spreadsheet holds a few dozen.")
    for info in members:
        if info.flag_bits & 0x1:
            raise UnreadableFile(f"{name} is encrypted (password-protected): save it without one.")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        # Small members may compress extremely well (a sheet of empty styled cells); only large
        # ones with an absurd ratio are a bomb.
        if info.file_size > 1024 * 1024 and ratio > limits.max_ratio:
            raise UnreadableFile(
                f"{name} looks like a zip bomb: {info.filename} would expand "
                f"{ratio:.0f} times to {info.file_size / 1e6:.0f} MB. It was not opened."
            )
    if total > limits.max_uncompressed_bytes:
        raise UnreadableFile(
            f"{name} would expand to {total / 1e6:.0f} MB; the limit is "
            f"{limits.max_uncompressed_bytes / 1e6:.0f} MB. It was not opened."
        )
