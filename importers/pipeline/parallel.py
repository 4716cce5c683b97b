"""Cleaning the chunks of a large file in worker processes while this one writes the staging table.

Cleaning is pure Python at ~100 µs a row, spread over many small rules with no single hot spot,
so the way to make a 100,000-row file faster is more cores. The workers are forked once the
CleaningContext is built: they inherit the categories, the outline of Greece and the postcode
check without pickling them, and leave the inherited database connection alone
(`_forget_inherited_connections`). Chunks go out and come back in
order, at most `IN_FLIGHT` per worker at a time, so memory stays bounded whatever the file size.
A file of one chunk or less is cleaned in this process: forking would cost more than it saves.
"""

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import connections

from importers.cleaning import CleaningContext, clean_rows
from importers.columns import ColumnMapping
from importers.errors import RowError
from importers.pipeline.staging import record_of, staging_row

Chunk = list[tuple[int, list[str]]]
# (row number, errors, warnings, the staging row when there are no errors)
Cleaned = tuple[int, list[RowError], list[RowError], tuple | None]
IN_FLIGHT = 2
# a chunk takes about a second; a worker that stops answering for this long has died
CHUNK_TIMEOUT = 600

_state: dict = {}  # in each worker: what _init gave it


def cleaned_chunks(
    chunks: Iterable[Chunk], *, columns: ColumnMapping, context: CleaningContext, size: int
) -> Iterator[list[Cleaned]]:
    """Each chunk of (row number, cells) cleaned, in order."""
    chunks = iter(chunks)
    first = next(chunks, None)
    if first is None:
        return
    workers = settings.GEITONIA_IMPORT_WORKERS
    if workers < 2 or len(first) < size:
        yield _clean(first, columns, context)
        for chunk in chunks:
            yield _clean(chunk, columns, context)
        return
    pool = multiprocessing.get_context("fork").Pool(
        workers, initializer=_init, initargs=(columns, context)
    )
    try:
        pending: deque = deque()
        for chunk in _prepend(first, chunks):
            pending.append(pool.apply_async(_work, (chunk,)))
            if len(pending) >= workers * IN_FLIGHT:
                yield pending.popleft().get(CHUNK_TIMEOUT)
        while pending:
            yield pending.popleft().get(CHUNK_TIMEOUT)
    finally:
        pool.terminate()
        pool.join()


def _clean(chunk: Chunk, columns: ColumnMapping, context: CleaningContext) -> list[Cleaned]:
    """Clean, and build the staging rows here too: in a worker that is work the writing
    process does not do."""
    cleaned = clean_rows(
        ((row, columns.values(cells)) for row, cells in chunk),
        context=context,
        headers=columns.columns(),
    )
    return [
        (c.row, c.errors, c.warnings, None if c.errors else staging_row(record_of(c)))
        for c in cleaned
    ]


def _prepend(first: Chunk, rest: Iterator[Chunk]) -> Iterator[Chunk]:
    yield first
    yield from rest


def _init(columns: ColumnMapping, context: CleaningContext) -> None:
    _forget_inherited_connections()
    _state["columns"], _state["context"] = columns, context


def _forget_inherited_connections() -> None:
    """Fork copied this process's database connections, sockets included: a query here would
    read the other process's answers off its socket (both hang), and closing one would end its
    session. Keep them referenced and unused (the worker ends with os._exit or a signal, which
    closes nothing); should any code here query after all, it gets a connection of its own."""
    for conn in connections.all(initialized_only=True):
        _state.setdefault("inherited", []).append(conn)
        del connections[conn.alias]


def _work(chunk: Chunk) -> list[Cleaned]:
    return _clean(chunk, _state["columns"], _state["context"])
