"""Import runs, their row errors, and the saved column mapping of each source.

Fields and constraints only: the pipeline (importers.pipeline) fills them in.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from importers.reasons import Reason


class ImportSource(models.Model):
    """A network or coordinator that sends a file every month, and how its columns map."""

    name = models.CharField(max_length=200, unique=True)
    mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("field name → header in the file, reused when the next file comes"),
    )
    sheet = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="importsource_named")]

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        DRY_RUN = "dry-run", _("dry run done")

    source = models.CharField(max_length=200)
    file_name = models.CharField(max_length=300)
    # Where the uploaded file waits for the background worker; empty for command-line runs.
    stored_path = models.CharField(max_length=500, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    mapping = models.JSONField(default=dict, blank=True, help_text=_("the column mapping used"))
    options = models.JSONField(
        default=dict, blank=True, help_text=_("sheet, geocoder, all_or_nothing, delete_missing")
    )
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=20, blank=True, help_text=_("what it is doing now"))
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    missing = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    needs_pin = models.PositiveIntegerField(default=0)
    timings = models.JSONField(default=dict, blank=True, help_text=_("seconds per stage"))
    report = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True, help_text=_("why it failed"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(status="queued"), name="importrun_queue"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.file_name} ({self.get_status_display()})"


class RowError(models.Model):
    class Severity(models.TextChoices):
        ERROR = "error", _("error: row not imported")
        WARNING = "warning", _("warning: row imported")

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(null=True, blank=True, help_text=_("row number in the file"))
    column = models.CharField(max_length=200, blank=True)
    value = models.TextField(blank=True)
    reason = models.TextField(help_text=_("in English"))
    # The reason's message id and parameters (importers.reasons.Reason), to show it in the
    # language of whoever reads it; empty for rows from before they were kept.
    message = models.TextField(blank=True, default="", editable=False)
    params = models.JSONField(blank=True, default=dict, editable=False)
    severity = models.CharField(max_length=7, choices=Severity.choices, default=Severity.ERROR)

    class Meta:
        ordering = ["run", "row", "id"]

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.reason}"

    @property
    def translated_reason(self) -> str:
        """The reason in the active language (the stored English one when it kept no message)."""
        if not self.message:
            return self.reason
        try:
            reason = Reason.from_dict({"message": self.message, "params": self.params})
        except (KeyError, IndexError, ValueError, TypeError):  # not as it was written
            return self.reason
        return reason.translated()
