"""The admin import flow: upload → dry run (row errors, changes, map) → confirm → imported;
staff only, with a size limit; the queue is worked by the same functions the worker runs."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from geo.models import Location
from importers.models import ImportRun
from importers.worker import claim_next_run, process, retire_orphans, work
from tests.importing import listing, nameless, three_listings, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_nominatim")]


def said(html: str, message: str) -> str:
    """`message` in the language the page declares: the admin speaks the site's language, and
    setup compiles the translations."""
    lang = re.search(r'<html lang="([^"]+)"', html).group(1)
    with translation.override(lang):
        return translation.gettext(message)


@pytest.fixture
def staff(client):
    user = User.objects.create_user("coordinator", password="x", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.GEITONIA_IMPORT_DIR = tmp_path / "imports"


def _upload(client, tmp_path, rows, **fields):
    path = write_csv(tmp_path / "listings.csv", rows)
    upload = SimpleUploadedFile("listings.csv", path.read_bytes(), content_type="text/csv")
    return client.post(
        reverse("admin:importers_importrun_upload"), {"file": upload, "source": "network", **fields}
    )


def test_upload_dry_run_then_confirm_imports_the_file(staff, tmp_path):
    rows = [*three_listings(), nameless("9")]  # row 5 has no name
    response = _upload(staff, tmp_path, rows)
    assert response.status_code == 302
    dry = ImportRun.objects.get()
    assert response.url == reverse("admin:importers_importrun_preview", args=[dry.pk])
    assert dry.status == ImportRun.Status.QUEUED and dry.dry_run

    queued = staff.get(response.url)
    assert b"import_worker" in queued.content and b'http-equiv="refresh"' in queued.content

    assert work(once=True) == 1
    dry.refresh_from_db()
    assert dry.status == ImportRun.Status.DRY_RUN and (dry.new, dry.errors) == (3, 1)
    assert not Location.objects.filter(source="network").exists()

    page = staff.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    errors_table = html[html.index('id="import-row-errors"') :]
    assert re.search(r"<td>5</td>", errors_table)
    markers = json.loads(
        re.search(
            r'<script id="import-markers" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert len(markers) == 3 and {m["action"] for m in markers} == {"new"}
    assert [23.7355, 37.9864] in [m["lonlat"] for m in markers]
    assert "vendor/leaflet/leaflet.js" in html and "js/import_preview.js" in html
    assert "unpkg" not in html and "cdn" not in html.lower()
    assert said(html, "Confirm: import this file") in html

    confirmed = staff.post(reverse("admin:importers_importrun_confirm", args=[dry.pk]))
    real = ImportRun.objects.exclude(pk=dry.pk).get()
    assert confirmed.url == reverse("admin:importers_importrun_preview", args=[real.pk])
    assert real.mapping == dry.mapping and not real.dry_run
    assert work(once=True) == 1
    real.refresh_from_db()
    assert real.status == ImportRun.Status.DONE
    assert (real.new, real.changed, real.errors) == (dry.new, dry.changed, dry.errors)
    assert Location.objects.filter(source="network").count() == 3
    done = staff.get(confirmed.url).content.decode()
    assert "Confirm" not in done


def test_names_in_the_preview_are_escaped(staff, tmp_path):
    _upload(staff, tmp_path, [listing("1", "<img src=x onerror=alert(1)>")])
    work(once=True)
    html = staff.get(
        reverse("admin:importers_importrun_preview", args=[ImportRun.objects.get().pk])
    ).content.decode()
    assert "<img src=x" not in html
    assert "\\u003Cimg src=x" in html  # json_script escapes it for the map's popups


def test_a_file_over_the_size_limit_is_refused(staff, tmp_path, settings):
    settings.GEITONIA_IMPORT_MAX_UPLOAD_MB = 0
    response = _upload(staff, tmp_path, three_listings())
    assert response.status_code == 200
    html = response.content.decode()
    assert said(html, "The file is larger than %(mb)s MB.") % {"mb": 0} in html
    assert not ImportRun.objects.exists()


def test_import_pages_are_for_staff_only(client, tmp_path):
    user = User.objects.create_user("visitor", password="x")
    for url in (
        reverse("admin:importers_importrun_upload"),
        reverse("admin:importers_importrun_preview", args=[1]),
    ):
        assert client.get(url).status_code == 302  # to the login page
        client.force_login(user)
        assert client.get(url).status_code == 302
        client.logout()
    staff_without_rights = User.objects.create_user("helper", password="x", is_staff=True)
    client.force_login(staff_without_rights)
    assert client.get(reverse("admin:importers_importrun_upload")).status_code == 403


def test_confirming_a_changed_file_is_refused(staff, tmp_path):
    _upload(staff, tmp_path, three_listings())
    work(once=True)
    dry = ImportRun.objects.get()
    with open(dry.stored_path, "a", encoding="utf-8") as f:
        f.write("tampered;row\n")
    response = staff.post(reverse("admin:importers_importrun_confirm", args=[dry.pk]))
    assert response.url == reverse("admin:importers_importrun_upload")
    assert ImportRun.objects.count() == 1


def test_a_queued_run_is_claimed_once(staff, tmp_path):
    _upload(staff, tmp_path, three_listings())
    run = claim_next_run()
    assert run is not None and run.status == ImportRun.Status.RUNNING
    assert claim_next_run() is None
    assert retire_orphans() == 0  # its lock is held: it is alive
    process(run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DRY_RUN


def test_a_run_whose_worker_died_is_retired(staff, tmp_path):
    _upload(staff, tmp_path, three_listings())
    ImportRun.objects.update(status=ImportRun.Status.RUNNING)  # claimed by a worker now gone
    assert retire_orphans() == 1
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and "rolled back" in run.message


def test_exports_are_admin_actions_on_locations(staff, tmp_path):
    from tests.factories import LocationFactory

    location = LocationFactory(source_ref="=1+1")
    response = staff.post(
        reverse("admin:geo_location_changelist"),
        {"action": "export_csv", "_selected_action": [location.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "'=1+1" in response.content.decode("utf-8-sig")


def test_an_unconfirmed_upload_is_deleted_after_the_keep_days(staff, tmp_path, settings):
    import datetime as dt

    from django.utils import timezone

    from importers.worker import discard_stale_uploads

    settings.GEITONIA_IMPORT_KEEP_DAYS = 7
    _upload(staff, tmp_path, three_listings())
    work(once=True)
    dry = ImportRun.objects.get()
    stored = dry.stored_path
    assert dry.status == ImportRun.Status.DRY_RUN and Path(stored).is_file()

    assert discard_stale_uploads() == 0  # still within the week
    ImportRun.objects.filter(pk=dry.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    assert discard_stale_uploads() == 1
    assert not Path(stored).exists() and not Path(stored).parent.exists()
    dry.refresh_from_db()
    assert dry.stored_path == ""
    page = staff.get(reverse("admin:importers_importrun_preview", args=[dry.pk])).content
    assert b"Confirm" not in page  # nothing left to confirm


def test_the_preview_never_holds_the_coordinates_of_a_sensitive_listing(staff, tmp_path):
    from tests.importing import HEADERS

    rows = [{**r, "Ευαίσθητο": "όχι"} for r in three_listings()]
    rows[1]["Ευαίσθητο"] = "ναι"  # a shelter in Kypseli, at 37.9990, 23.7410
    path = write_csv(tmp_path / "listings.csv", rows, headers=[*HEADERS, "Ευαίσθητο"])
    upload = SimpleUploadedFile("listings.csv", path.read_bytes(), content_type="text/csv")
    staff.post(reverse("admin:importers_importrun_upload"), {"file": upload, "source": "network"})
    work(once=True)
    dry = ImportRun.objects.get()
    stored = json.dumps(dry.report)
    assert "37.999" not in stored and "23.741" not in stored
    html = staff.get(reverse("admin:importers_importrun_preview", args=[dry.pk])).content
    assert b"37.999" not in html and b"23.741" not in html
    assert said(html.decode(), "shown only as").encode() in html
    assert b"37.9864" in html  # the exact ones are on the map


# What the preview says about three bad rows, in each language (the catalogues' words).
ROW_PROBLEMS = {
    "el": [
        "η γραμμή δεν έχει όνομα, φορέα ή υπηρεσία",
        "το 'abc' δεν είναι αριθμός τηλεφώνου",
        "το σημείο (41.03690, 28.98500) είναι εκτός Ελλάδας",
    ],
    "ar": ["لا يحتوي الصف على اسم أو منظمة أو خدمة", "'abc' ليس رقم هاتف"],
    "fa": ["این ردیف نام، سازمان یا خدمتی ندارد", "'abc' شماره تلفن نیست"],
    "en": [
        "the row has no name, organisation or service",
        "'abc' is not a phone number",
        "the point (41.03690, 28.98500) is outside Greece",
    ],
}


@pytest.mark.parametrize("lang", sorted(ROW_PROBLEMS))
def test_row_problems_are_shown_in_the_language_of_the_admin(staff, tmp_path, lang):
    """Found in English in a cleaning worker, stored with the run, read by a coordinator in
    Greek, Arabic or Farsi."""
    rows = [
        listing("1", **{"Τηλέφωνο": "abc"}),
        listing("2", **{"Γεωγρ. πλάτος": "41.0369", "Γεωγρ. μήκος": "28.985"}),  # Istanbul
        nameless("3"),
    ]
    _upload(staff, tmp_path, rows)
    work(once=True)
    run = ImportRun.objects.get()
    url = reverse("admin:importers_importrun_preview", args=[run.pk])
    html = staff.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert f'<html lang="{lang}"' in html
    table = html[html.index('id="import-row-errors"') :]
    for words in ROW_PROBLEMS[lang]:
        assert escape(words) in table, words
    if lang != "en":
        assert "is not a phone number" not in table and "outside Greece" not in table
    # the list of row errors says them the same way; the run keeps them in English too
    listed = staff.get(
        reverse("admin:importers_rowerror_changelist"), HTTP_ACCEPT_LANGUAGE=lang
    ).content.decode()
    assert escape(ROW_PROBLEMS[lang][1]) in listed
    assert "'abc' is not a phone number" in [e.reason for e in run.row_errors.all()]
