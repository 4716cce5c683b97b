"""The import queue, kept in the database: queued ImportRuns are claimed with
SELECT ... FOR UPDATE SKIP LOCKED, so any number of workers may run and no extra server is needed.

A run being worked on holds a session advisory lock on its id (taken by run_import); a "running"
run whose lock nobody holds lost its worker, and is retired as failed.
"""

import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from importers.errors import UnreadableFile
from importers.models import ImportRun
from importers.pipeline import ImportReport, run_import
from importers.pipeline.run import RUN_LOCK_NAMESPACE

log = logging.getLogger(__name__)
# how often a long-running worker looks for uploads nobody confirmed
SWEEP_SECONDS = 3600


def claim_next_run() -> ImportRun | None:
    """The oldest queued run, marked running; None when the queue is empty."""
    with transaction.atomic():
        run = (
            ImportRun.objects.select_for_update(skip_locked=True)
            .filter(status=ImportRun.Status.QUEUED)
            .order_by("created_at", "id")
            .first()
        )
        if run is None:
            return None
        run.status = ImportRun.Status.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at"])
        # held from the claim on, so that no other worker takes this run for an orphan
        _advisory(run, "pg_advisory_lock")
    return run


def _advisory(run: ImportRun, fn: str) -> None:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {fn}(%s, %s)", [RUN_LOCK_NAMESPACE, run.pk])


def process(run: ImportRun) -> ImportReport | None:
    """Run a claimed import; failures are recorded on the run, never raised."""
    options = run.options or {}
    try:
        return run_import(
            run.stored_path,
            source=run.source,
            mapping=run.mapping or None,
            dry_run=run.dry_run,
            all_or_nothing=bool(options.get("all_or_nothing")),
            geocoder=options.get("geocoder"),
            delete_missing=bool(options.get("delete_missing")),
            sheet=options.get("sheet"),
            run=run,
        )
    except UnreadableFile:
        return None  # run_import recorded why on the run
    except Exception:
        log.exception("import run %s failed", run.pk)
        return None
    finally:
        _advisory(run, "pg_advisory_unlock")
        if not run.dry_run:
            # the confirmed run is the file's last use; a dry run keeps it for the confirmation
            _remove_upload(run.stored_path)


def discard_stale_uploads(*, older_than: dt.timedelta | None = None) -> int:
    """Delete uploaded files whose dry run was never confirmed within `older_than` (default
    settings.GEITONIA_IMPORT_KEEP_DAYS); returns how many. Uploads hold addresses, some of
    them sensitive: they are not kept longer than a coordinator needs to confirm them."""
    if older_than is None:
        older_than = dt.timedelta(days=settings.GEITONIA_IMPORT_KEEP_DAYS)
    cutoff = timezone.now() - older_than
    stale = ImportRun.objects.filter(
        status=ImportRun.Status.DRY_RUN, finished_at__lt=cutoff
    ).exclude(stored_path="")
    discarded = 0
    for run in stale:
        # a confirmation queued from this dry run still needs the file
        if ImportRun.objects.filter(
            stored_path=run.stored_path,
            dry_run=False,
            status__in=(ImportRun.Status.QUEUED, ImportRun.Status.RUNNING),
        ).exists():
            continue
        _remove_upload(run.stored_path)
        ImportRun.objects.filter(pk=run.pk).update(stored_path="")
        discarded += 1
    return discarded


def _remove_upload(stored_path: str) -> None:
    path = Path(stored_path)
    path.unlink(missing_ok=True)
    # each upload has a folder of its own (admin._queue_upload); remove it when empty
    with contextlib.suppress(OSError):
        if path.parent.resolve().parent == Path(settings.GEITONIA_IMPORT_DIR).resolve():
            path.parent.rmdir()


def retire_orphans() -> int:
    """Mark failed the running runs that no live session holds; returns how many."""
    retired = 0
    for run in ImportRun.objects.filter(status=ImportRun.Status.RUNNING):
        with connection.cursor() as cur:
            # any session, this one included (advisory locks are re-entrant per session)
            cur.execute(
                """SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
                    AND classid = %s AND objid = %s AND objsubid = 2 AND granted)""",
                [RUN_LOCK_NAMESPACE, run.pk],
            )
            if cur.fetchone()[0]:
                continue  # alive
        ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
            status=ImportRun.Status.FAILED,
            finished_at=timezone.now(),
            message="the worker stopped during the import; its transaction was rolled back, "
            "so nothing of it was written",
        )
        retired += 1
    return retired


def work(*, once: bool = False, poll: float = 2.0, stop: Callable[[], bool] | None = None) -> int:
    """Process queued runs until `stop()` is true (or the queue is empty, with `once`)."""
    done = 0
    retire_orphans()
    swept = 0.0
    while not (stop and stop()):
        if time.monotonic() - swept > SWEEP_SECONDS:
            discard_stale_uploads()
            swept = time.monotonic()
        run = claim_next_run()
        if run is None:
            if once:
                break
            time.sleep(poll)
            continue
        process(run)
        done += 1
    return done
