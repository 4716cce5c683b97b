"""Admin for imports: upload a spreadsheet, see its dry run (row errors, what would change, the
points on a map), confirm it; the runs, their row errors and the saved mappings; exports.

Staff only (every view goes through admin_view). The work itself is queued for the import worker.
"""

import hashlib
import io
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from geo.models import Location
from importers.export import write_csv, write_xlsx
from importers.forms import UploadForm
from importers.models import ImportRun, ImportSource, RowError

# Row errors and changes listed on the preview page; the JSON report has all of them.
SHOWN = 500


@admin.register(ImportSource)
class ImportSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "sheet", "updated_at"]
    search_fields = ["name"]


@admin.register(RowError)
class RowErrorAdmin(admin.ModelAdmin):
    list_display = ["run", "row", "column", "value", "problem", "severity"]
    list_filter = ["severity"]
    search_fields = ["reason", "value", "column"]
    list_select_related = ["run"]
    fields = ["run", "row", "column", "value", "problem", "reason", "severity"]
    readonly_fields = ["problem"]

    @admin.display(description=_("problem"))
    def problem(self, error: RowError) -> str:
        """The reason in the language of the admin page."""
        return error.translated_reason

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "source",
        "file_name",
        "status",
        "dry_run",
        "progress",
        "rows",
        "new",
        "changed",
        "unchanged",
        "missing",
        "errors",
        "needs_pin",
        "preview_link",
    ]
    list_filter = ["status", "dry_run", "source"]
    search_fields = ["source", "file_name", "sha256"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]
    change_list_template = "admin/importers/importrun/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # runs are made by the upload page, never typed in

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("progress"))
    def progress(self, run: ImportRun) -> str:
        if run.status not in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING):
            return ""
        total = f"/{run.progress_total}" if run.progress_total else ""
        return f"{run.stage} {run.progress_done}{total}"

    @admin.display(description=_("report"))
    def preview_link(self, run: ImportRun) -> str:
        url = reverse("admin:importers_importrun_preview", args=[run.pk])
        return format_html('<a href="{}">{}</a>', url, _("report"))

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="importers_importrun_upload"),
            path("<int:pk>/preview/", view(self.preview_view), name="importers_importrun_preview"),
            path(
                "<int:pk>/confirm/",
                view(require_POST(self.confirm_view)),
                name="importers_importrun_confirm",
            ),
            *super().get_urls(),
        ]

    def _context(self, request: HttpRequest, **extra: object) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("importers.add_importrun"):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            run = _queue_upload(form, request)
            return HttpResponseRedirect(reverse("admin:importers_importrun_preview", args=[run.pk]))
        return TemplateResponse(
            request,
            "admin/importers/importrun/upload.html",
            self._context(
                request,
                form=form,
                title=_("Import a spreadsheet"),
                max_mb=settings.GEITONIA_IMPORT_MAX_UPLOAD_MB,
            ),
        )

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("importers.view_importrun"):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=pk)
        report = run.report or {}
        markers = [
            {
                "lonlat": c["lonlat"],
                "action": c["action"],
                "name": c["org_name"],
                "address": c["address"],
                "rows": c["rows"][:5],
            }
            for c in report.get("changes", [])
            if c.get("lonlat")
        ]
        working = run.status in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING)
        return TemplateResponse(
            request,
            "admin/importers/importrun/preview.html",
            self._context(
                request,
                run=run,
                title=_("Import report"),
                working=working,
                report=report,
                summary=_summary(run),
                row_errors=run.row_errors.all()[:SHOWN],
                changes=report.get("changes", [])[:SHOWN],
                markers=markers,
                tiles={
                    "url": settings.GEITONIA_TILE_URL,
                    "attribution": settings.GEITONIA_TILE_ATTRIBUTION,
                },
                can_confirm=run.status == ImportRun.Status.DRY_RUN
                and bool(run.stored_path)
                and request.user.has_perm("importers.add_importrun"),
            ),
        )

    def confirm_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("importers.add_importrun"):
            raise PermissionDenied
        dry = get_object_or_404(ImportRun, pk=pk, status=ImportRun.Status.DRY_RUN)
        stored = Path(dry.stored_path)
        if not stored.is_file() or _sha256(stored) != dry.sha256:
            messages.error(request, _("The uploaded file is gone or changed; upload it again."))
            return HttpResponseRedirect(reverse("admin:importers_importrun_upload"))
        run = ImportRun.objects.create(
            source=dry.source,
            file_name=dry.file_name,
            stored_path=dry.stored_path,
            sha256=dry.sha256,
            mapping=dry.mapping,  # the mapping the preview showed, so the run does the same
            options=dry.options,
            dry_run=False,
            created_by=request.user,
        )
        messages.success(request, _("The import is queued; this page shows its progress."))
        return HttpResponseRedirect(reverse("admin:importers_importrun_preview", args=[run.pk]))


def _queue_upload(form: UploadForm, request: HttpRequest) -> ImportRun:
    upload = form.cleaned_data["file"]
    folder = Path(settings.GEITONIA_IMPORT_DIR) / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    # our own file name: the uploaded one is only kept for display
    stored = folder / f"upload{Path(upload.name).suffix.lower()}"
    digest = hashlib.sha256()
    with stored.open("wb") as f:
        for chunk in upload.chunks():
            digest.update(chunk)
            f.write(chunk)
    options = {
        key: form.cleaned_data[key]
        for key in ("sheet", "geocoder", "all_or_nothing", "delete_missing")
        if form.cleaned_data[key]
    }
    return ImportRun.objects.create(
        source=form.cleaned_data["source"],
        file_name=Path(upload.name).name[:300],
        stored_path=str(stored),
        sha256=digest.hexdigest(),
        mapping=form.cleaned_data["mapping"],
        options=options,
        dry_run=True,
        created_by=request.user,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _summary(run: ImportRun) -> list[tuple[str, int]]:
    return [
        (_("rows read"), run.rows),
        (_("rows with errors (not imported)"), run.errors),
        (_("new listings"), run.new),
        (_("changed listings"), run.changed),
        (_("unchanged listings"), run.unchanged),
        (_("missing from the file"), run.missing),
        (_("need a pin on the map"), run.needs_pin),
    ]


# --- Export: actions on the locations admin (geo knows nothing of importers) ----------------


@admin.action(description=_("Export the selected listings to CSV"))
def export_csv(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse:
    out = io.StringIO()
    out.write("\ufeff")  # so that Excel reads the Greek as UTF-8
    write_csv(out, queryset=queryset)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="geitonia-listings.csv"'
    return response


@admin.action(description=_("Export the selected listings to XLSX"))
def export_xlsx(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse:
    out = io.BytesIO()
    write_xlsx(out, queryset=queryset)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="geitonia-listings.xlsx"'
    return response


def _add_export_actions() -> None:
    if not admin.site.is_registered(Location):
        return
    location_admin = admin.site.get_model_admin(Location)
    actions = list(location_admin.actions or [])
    location_admin.actions = [*actions, *(a for a in (export_csv, export_xlsx) if a not in actions)]


_add_export_actions()
