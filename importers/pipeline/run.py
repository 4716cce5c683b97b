"""run_import: read, map and clean every row; geocode; upsert in one transaction; report.

A dry run is this same function with the transaction rolled back at the end, so its report is
what a real run would do. Reading and geocoding happen before the transaction, so it stays short.
"""

import contextlib
import gc
import hashlib
import itertools
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from importers import models
from importers.cleaning import CleaningContext
from importers.columns import map_columns
from importers.errors import UnreadableFile
from importers.pipeline import staging
from importers.pipeline.parallel import Cleaned, cleaned_chunks
from importers.pipeline.placing import place_rows
from importers.pipeline.report import ImportReport
from importers.pipeline.staging import STAGING
from importers.pipeline.upsert import upsert
from importers.readers import open_table
from importers.reasons import Reason

Progress = Callable[[str, int, int | None], None]
CHUNK = 5000
# Allocations between two collections of the youngest generation while reading (Python's: 700).
READ_GC_THRESHOLD = 100_000
# pg_advisory_lock(RUN_LOCK_NAMESPACE, run id) is held while a run is worked on (see worker).
RUN_LOCK_NAMESPACE = 5105


class _Rollback(Exception):  # not an error: the way out of the transaction
    """Raised inside the transaction to undo a dry run (or an all-or-nothing run with errors)."""


def run_import(
    path: str | Path,
    *,
    source: str,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    geocoder: str | None = None,
    delete_missing: bool = False,
    sheet: str | None = None,
    progress: Progress | None = None,
    run: models.ImportRun | None = None,
) -> ImportReport:
    """Import a spreadsheet of listings from `source`; returns what was (or would be) done.

    `mapping` (field name → header) overrides the mapping saved for the source, which is
    updated after a successful real run. Raises UnreadableFile when the file cannot be read at
    all; row problems never raise, they are in the report. Rows of the file that are missing
    are deleted only with `delete_missing` and only when no row had an error.
    """
    path = Path(path)
    started = time.monotonic()
    report = ImportReport(
        source=source,
        file_name=path.name,
        sha256=_sha256(path),
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
    )
    run = _start(
        run,
        report,
        path=path,
        sheet=sheet,
        geocoder=geocoder,
        mapping=mapping,
        delete_missing=delete_missing,
    )
    report.run_id = run.pk
    tick = _progress(run, progress)
    _lock(run, True)
    try:
        table = open_table(path, sheet=sheet)
        saved = models.ImportSource.objects.filter(name=source).first()
        explicit = {**(saved.mapping if saved else {}), **(mapping or {})}
        columns = map_columns(table.headers, explicit=explicit or None)
        report.mapping = columns.to_dict()
        for problem in [*table.warnings, *columns.problems]:
            report.row_errors.append(_error(None, "", "", problem, "warning"))
            report.warnings += 1

        t = time.monotonic()
        staging.create()
        context = CleaningContext.from_db()
        rows = table.rows()
        chunks = iter(lambda: list(itertools.islice(rows, CHUNK)), [])
        with _collector_tuned_for_reading():
            for cleaned in cleaned_chunks(chunks, columns=columns, context=context, size=CHUNK):
                staging.copy_rows(_staged(cleaned, report))
                tick("read", report.rows, None)
        _check_keys(report)
        report.timings["read"] = round(time.monotonic() - t, 3)

        t = time.monotonic()
        _set_stage(run, "geocode")
        report.geocoded = place_rows(geocoder=geocoder, progress=tick)
        report.timings["geocode"] = round(time.monotonic() - t, 3)

        t = time.monotonic()
        _set_stage(run, "upsert")
        try:
            with transaction.atomic():
                counts = upsert(
                    source=source, delete_missing=delete_missing and not report.rows_with_errors
                )
                for name in (
                    "new",
                    "changed",
                    "unchanged",
                    "missing",
                    "deleted",
                    "needs_pin",
                    "services_new",
                    "services_changed",
                    "changes",
                ):
                    setattr(report, name, getattr(counts, name))
                # part of "upsert": geo.areas.assign_areas on the new and changed locations
                report.timings["areas"] = counts.areas_seconds
                if counts.rebuild_seconds is not None:  # a bulk load (importers.pipeline.bulk)
                    report.timings["rebuild"] = counts.rebuild_seconds
                if dry_run or (all_or_nothing and report.rows_with_errors):
                    raise _Rollback
        except _Rollback:
            report.rolled_back = True
        report.timings["upsert"] = round(time.monotonic() - t, 3)
    except UnreadableFile as exc:
        _fail(run, report, str(exc))
        raise
    except Exception as exc:
        _fail(run, report, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        _drop_staging()
        _lock(run, False)
    report.timings["total"] = round(time.monotonic() - started, 3)
    _finish(run, report, sheet=sheet)
    return report


@contextlib.contextmanager
def _collector_tuned_for_reading() -> Iterator[None]:
    """Keep the garbage collector out of the way while rows are read, here and in the forked
    cleaning workers (which inherit its state).

    Reading makes millions of short-lived objects, few of them in reference cycles. The objects
    that exist when it starts (Django, the outline of Greece, the categories) are frozen, so
    that full collections no longer walk them, and the young generation is collected every
    READ_GC_THRESHOLD allocations instead of 700. Read phase of a 100,000-row file: ~25% less
    CPU. Nothing is lost: afterwards the objects are handed back and the thresholds restored."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(READ_GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            while block := f.read(1 << 20):
                digest.update(block)
    except OSError as exc:
        raise UnreadableFile(f"{path.name}: {exc.strerror or exc}") from exc
    return digest.hexdigest()


def _staged(cleaned: list[Cleaned], report: ImportReport) -> list[tuple]:
    """Count each cleaned row and keep its errors and warnings in the report; the staging rows
    of those without errors."""
    rows = []
    for row, errors, warnings, staged in cleaned:
        report.rows += 1
        for severity, problems in (("error", errors), ("warning", warnings)):
            for e in problems:
                report.row_errors.append(
                    _error(e.row or row, e.column, e.value, e.reason, severity)
                )
        report.warnings += len(warnings)
        if errors:
            report.rows_with_errors += 1
        else:
            rows.append(staged)
    return rows


def _error(row: int | None, column: str, value: object, reason: str, severity: str) -> dict:
    """A row error as the report and --report files give it: `reason` in English, and for the
    admin to say it in the coordinator's language, its `message` and `params` (a Reason's)."""
    error = {
        "row": row,
        "column": column,
        "value": str(value or ""),
        "reason": str(reason),
        "severity": severity,
    }
    if isinstance(reason, Reason):
        error.update(reason.to_dict())
    return error


def _check_keys(report: ImportReport) -> None:
    """Reject ids used for two buildings; key each building; warn about repeated rows."""
    with connection.cursor() as cur:
        _analyze(cur, "gkey", "ref", "org_slug", "row_number")
        cur.execute(
            f"""SELECT s.row_number, s.ref, f.row_number FROM {STAGING} s
                  JOIN (SELECT DISTINCT ON (ref) ref, gkey, row_number FROM {STAGING}
                         WHERE ref <> '' ORDER BY ref, row_number) f
                    ON f.ref = s.ref AND f.gkey <> s.gkey ORDER BY 1"""
        )
        reused = cur.fetchall()
        for row, ref, first in reused:
            report.row_errors.append(
                _error(
                    row,
                    "ref",
                    ref,
                    Reason(
                        gettext_noop(
                            "the id is already used on row {row} "
                            "for another organisation or address"
                        ),
                        row=first,
                    ),
                    "error",
                )
            )
            report.rows_with_errors += 1
        if reused:  # the same rows as above; most files have none
            cur.execute(
                f"""DELETE FROM {STAGING} s USING
                      (SELECT DISTINCT ON (ref) ref, gkey FROM {STAGING} WHERE ref <> ''
                        ORDER BY ref, row_number) f
                     WHERE f.ref = s.ref AND f.gkey <> s.gkey"""
            )
        # Several units in one building share a key: the smallest id, or a hash of the building.
        cur.execute(
            f"""UPDATE {STAGING} s SET loc_ref = g.ref
                  FROM (SELECT gkey, coalesce(min(nullif(ref, '')), 'k:' || md5(gkey)) AS ref
                          FROM {STAGING} GROUP BY gkey) g
                 WHERE s.gkey = g.gkey"""
        )
        _analyze(cur, "loc_ref")
        cur.execute(
            f"""SELECT row_number, first FROM (
                  SELECT row_number, first_value(row_number) OVER w AS first FROM {STAGING}
                  WINDOW w AS (PARTITION BY loc_ref, lower(service_name) ORDER BY row_number)) d
                 WHERE row_number <> first ORDER BY 1"""
        )
        for row, first in cur.fetchall():
            report.row_errors.append(
                _error(
                    row,
                    "",
                    "",
                    Reason(
                        gettext_noop("the same listing as row {row}; only row {row} is imported"),
                        row=first,
                    ),
                    "warning",
                )
            )
            report.warnings += 1
    report.row_errors.sort(key=lambda e: (e["row"] or 0, e["severity"]))


def _analyze(cur, *columns: str) -> None:
    """Statistics for the staged rows' keys. A temporary table has none: without them the
    planner takes a file's rows to form 200 buildings and may join buildings to rows by nested
    loop, which a benchmark run of 100,000 rows sat in for minutes. A sample of 3,000 rows
    (statistics target 10) tells it, in a few tens of milliseconds."""
    for column in columns:
        cur.execute(f"ALTER TABLE {STAGING} ALTER COLUMN {column} SET STATISTICS 10")
    cur.execute(f"ANALYZE {STAGING} ({', '.join(columns)})")


def _lock(run: models.ImportRun, take: bool) -> None:
    with contextlib.suppress(DatabaseError), connection.cursor() as cur:
        fn = "pg_advisory_lock" if take else "pg_advisory_unlock"
        cur.execute(f"SELECT {fn}(%s, %s)", [RUN_LOCK_NAMESPACE, run.pk])


def _drop_staging() -> None:
    # when the connection is gone, so is the temporary table
    with contextlib.suppress(DatabaseError):
        staging.drop()


def _start(
    run: models.ImportRun | None, report: ImportReport, **options: object
) -> models.ImportRun:
    path = options.pop("path")
    if run is None:
        run = models.ImportRun(source=report.source, file_name=report.file_name)
    run.sha256 = report.sha256
    run.dry_run = report.dry_run
    run.options = {k: v for k, v in options.items() if v not in (None, False)} | (
        {"all_or_nothing": True} if report.all_or_nothing else {}
    )
    run.status = models.ImportRun.Status.RUNNING
    run.stage = "read"
    run.started_at = timezone.now()
    run.progress_done = 0
    run.progress_total = None
    run.save()
    del path
    return run


def _progress(run: models.ImportRun, progress: Progress | None) -> Progress:
    last = [0.0]

    def tick(stage: str, done: int, total: int | None) -> None:
        if progress:
            progress(stage, done, total)
        now = time.monotonic()
        if now - last[0] > 1:  # the admin polls; a write per second is plenty
            last[0] = now
            models.ImportRun.objects.filter(pk=run.pk).update(
                stage=stage, progress_done=done, progress_total=total
            )

    return tick


def _set_stage(run: models.ImportRun, stage: str) -> None:
    run.stage = stage
    models.ImportRun.objects.filter(pk=run.pk).update(stage=stage)


def _fail(run: models.ImportRun, report: ImportReport, message: str) -> None:
    try:
        run.status = models.ImportRun.Status.FAILED
        run.message = message
        run.finished_at = timezone.now()
        run.report = report.to_dict()
        run.save()
    except DatabaseError:
        pass  # the database itself failed; the run stays "running" and the worker retires it


def _finish(run: models.ImportRun, report: ImportReport, *, sheet: str | None) -> None:
    Status = models.ImportRun.Status
    if report.dry_run:
        run.status = Status.DRY_RUN
    elif report.rolled_back:
        run.status = Status.FAILED
        run.message = (
            f"{report.rows_with_errors} rows have errors; nothing was imported (all or nothing)"
        )
    else:
        run.status = Status.DONE
    run.stage = ""
    run.mapping = report.mapping
    run.rows = report.rows
    run.errors = report.rows_with_errors
    for name in ("new", "changed", "unchanged", "missing", "needs_pin"):
        setattr(run, name, getattr(report, name))
    run.timings = report.timings
    run.report = report.to_dict()
    run.finished_at = timezone.now()
    with transaction.atomic():
        run.save()
        run.row_errors.all().delete()
        models.RowError.objects.bulk_create(
            (
                models.RowError(
                    run=run,
                    row=e["row"],
                    column=e["column"][:200],
                    value=e["value"],
                    reason=e["reason"],
                    message=e.get("message", ""),
                    params=e.get("params", {}),
                    severity=e["severity"],
                )
                for e in report.row_errors
            ),
            batch_size=2000,
        )
        if run.status == Status.DONE:
            models.ImportSource.objects.update_or_create(
                name=report.source, defaults={"mapping": report.mapping, "sheet": sheet or ""}
            )
