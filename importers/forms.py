"""The admin's upload form: a spreadsheet, its source, and the options of an import."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from importers.columns import MappingError, parse_mapping
from importers.models import ImportSource

SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".ods")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("spreadsheet (CSV, XLSX or ODS)"))
    source = forms.CharField(
        max_length=200,
        help_text=_(
            "who sends this file; next month's file from the same source updates the "
            "same listings and reuses the saved column mapping"
        ),
    )
    mapping = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("only for columns not recognised: one field=Header per line"),
    )
    sheet = forms.CharField(required=False, max_length=200, help_text=_("default: the first"))
    geocoder = forms.ChoiceField(
        choices=[("", _("as configured")), ("offline", _("offline (local fallbacks only)"))],
        required=False,
    )
    all_or_nothing = forms.BooleanField(
        required=False, label=_("import nothing if any row has an error")
    )
    delete_missing = forms.BooleanField(
        required=False, label=_("delete this source's listings that are not in the file")
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        known = list(ImportSource.objects.values_list("name", flat=True)[:200])
        self.fields["source"].widget.attrs["list"] = "import-sources"
        self.known_sources = known

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        limit = settings.GEITONIA_IMPORT_MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB."),
                params={"mb": settings.GEITONIA_IMPORT_MAX_UPLOAD_MB},
            )
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(_("Upload a CSV, XLSX or ODS file."))
        return upload

    def clean_mapping(self) -> dict[str, str]:
        try:
            return parse_mapping(self.cleaned_data["mapping"])
        except MappingError as exc:
            raise forms.ValidationError(str(exc)) from exc
