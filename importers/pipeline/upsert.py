"""Writing the staged rows into organisations, locations and services, set-based in SQL.

Runs inside the caller's transaction (run_import owns the `transaction.atomic`). Locations are
keyed by (source, source_ref); services by their location and name. Nothing here deletes unless
asked, and nothing reads a location's point for output.
"""

import time
from dataclasses import dataclass, field

from django.db import connection

from geo.area_parts import locate_points
from geo.models import Location, Service
from importers.pipeline import bulk
from importers.pipeline.report import MAX_CHANGES
from importers.pipeline.staging import STAGING

# pg_advisory_xact_lock(SOURCE_LOCK_NAMESPACE, hashtext(source)) serialises writers per source.
SOURCE_LOCK_NAMESPACE = 5106
LOC = "importers_loc"
SVC = "importers_svc"
AREAS = "importers_areas"
_POINT = "CASE WHEN n.lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(n.lon, n.lat), 4326) END"
# Location columns the file decides, compared to tell changed from unchanged.
_LOCATION_FIELDS = {
    "organisation_id": "n.org_id",
    "name": "n.name",
    "address": "n.address",
    "address_extra": "n.address_extra",
    "accessibility": "n.accessibility",
    "postcode": "n.postcode",
    "locality": "n.locality",
    "phones": "n.phones",
    "email": "n.email",
    "website": "n.website",
    "opening_hours": "n.opening_hours",
    "opening_hours_text": "n.opening_hours_text",
    "geocode_precision": "n.geocode_precision",
    "needs_pin": "n.needs_pin",
    # a file without the date keeps the one set before (in the admin, say)
    "verified_at": "coalesce(n.verified_at, l.verified_at)",
}


@dataclass
class UpsertCounts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    missing: int = 0
    deleted: int = 0
    needs_pin: int = 0
    services_new: int = 0
    services_changed: int = 0
    areas_seconds: float = 0.0
    rebuild_seconds: float | None = None  # building indexes and keys after a bulk load
    changes: list[dict] = field(default_factory=list)


def upsert(*, source: str, delete_missing: bool) -> UpsertCounts:
    """Write the staging table; the caller holds the transaction."""
    p = {"source": source}
    counts = UpsertCounts()
    with connection.cursor() as cur:
        # one writer per source at a time (a worker and a command line, say); the lock goes
        # with the transaction
        cur.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [SOURCE_LOCK_NAMESPACE, source]
        )
        for table in (LOC, SVC, AREAS):
            cur.execute(f"DROP TABLE IF EXISTS {table}")
        # the listings this file adds: next month's file of a network adds a few, and a few
        # are written row by row, without the bulk load's lock and index rebuild
        cur.execute(
            f"""SELECT count(*) FROM (SELECT DISTINCT loc_ref FROM {STAGING}) s
                 WHERE NOT EXISTS (SELECT 1 FROM geo_location l WHERE l.source = %(source)s
                                     AND l.source_ref <> '' AND l.source_ref = s.loc_ref)""",
            p,
        )
        loading = bulk.start(cur, new=cur.fetchone()[0])
        # Organisations first: one per normalised name, shared with other sources; the first
        # row that names one gives its name and kind.
        cur.execute(
            f"""INSERT INTO geo_organisation (slug, name, name_key, alternate_name, kind,
                       description, website, email, phones, source, created_at, updated_at)
                SELECT DISTINCT ON (org_slug) left(org_slug, 120), left(org_name, 300),
                       org_name_key, '', org_kind, '', '', '', '{{}}', %(source)s, now(), now()
                  FROM {STAGING} ORDER BY org_slug, row_number
                ON CONFLICT (slug) DO NOTHING""",
            p,
        )
        # One row per building, built in one pass (every UPDATE of a temp table rewrites it):
        # its organisation, the listing it already is (by source and key), a pin placed by
        # hand that survives a file without coordinates, and an id drawn now for a new one.
        cur.execute(
            f"""CREATE TEMP TABLE {LOC} AS
                WITH f AS (
                  SELECT DISTINCT ON (loc_ref) loc_ref, row_number, org_name, org_slug, name,
                         name_key, address, address_extra, accessibility, postcode, locality,
                         phones, email, website, opening_hours, opening_hours_text, precision,
                         lon, lat, geocode_precision, geocode_provider, geocode_query, needs_pin,
                         needs_regeocode
                    FROM {STAGING} ORDER BY loc_ref, row_number),
                r AS (
                  SELECT loc_ref, array_agg(row_number ORDER BY row_number) AS rows,
                         max(verified_at) AS verified_at -- the latest of its units
                    FROM {STAGING} GROUP BY loc_ref),
                m AS (
                  SELECT f.loc_ref, f.row_number, f.org_name, f.org_slug, f.name, f.name_key,
                         f.address,
                         f.address_extra, f.accessibility, f.postcode, f.locality, f.phones,
                         f.email, f.website, f.opening_hours, f.opening_hours_text, f.precision,
                         r.rows, r.verified_at, o.id AS org_id, l.id AS old_id,
                         {_kept("ST_X(l.point)", "f.lon")} AS lon,
                         {_kept("ST_Y(l.point)", "f.lat")} AS lat,
                         {_kept("'manual'", "f.geocode_precision")} AS geocode_precision,
                         {_kept("l.geocode_provider", "f.geocode_provider")} AS geocode_provider,
                         {_kept("l.geocode_query", "f.geocode_query")} AS geocode_query,
                         {_kept("false", "f.needs_pin")} AS needs_pin,
                         {_kept("false", "f.needs_regeocode")} AS needs_regeocode
                    FROM f JOIN r USING (loc_ref)
                    JOIN geo_organisation o ON o.slug = left(f.org_slug, 120)
                    LEFT JOIN geo_location l ON l.source = %(source)s AND l.source_ref <> ''
                                            AND l.source_ref = f.loc_ref)
                SELECT m.*,
                       CASE WHEN m.old_id IS NULL
                            THEN nextval(pg_get_serial_sequence('geo_location', 'id'))
                            ELSE m.old_id END AS id,
                       CASE WHEN m.old_id IS NULL THEN 'new' END AS action
                  FROM m""",
            p,
        )
        cur.execute(f"CREATE UNIQUE INDEX ON {LOC} (loc_ref)")
        cur.execute(f"ANALYZE {LOC} (loc_ref, id, action)")
        _services(cur)

        differs = " OR ".join(
            f"l.{col}{'::text[]' if col == 'phones' else ''} IS DISTINCT FROM {expr}"
            for col, expr in _LOCATION_FIELDS.items()
        )
        stale_services = (
            f"""OR EXISTS (SELECT 1 FROM geo_service_locations sl
                            JOIN geo_service sv ON sv.id = sl.service_id
                           WHERE sl.location_id = n.id AND sv.source = %(source)s
                             AND NOT EXISTS (SELECT 1 FROM {SVC} s WHERE s.id = sv.id))"""
            if delete_missing
            else ""
        )
        cur.execute(
            f"""UPDATE {LOC} n SET action = CASE WHEN {differs}
                    OR ST_AsBinary(l.point) IS DISTINCT FROM ST_AsBinary({_POINT})
                    OR (n.precision IS NOT NULL AND l.precision <> n.precision)
                    OR EXISTS (SELECT 1 FROM {SVC} s
                                WHERE s.loc_ref = n.loc_ref AND s.action <> 'unchanged')
                    {stale_services}
                  THEN 'changed' ELSE 'unchanged' END
                  FROM geo_location l WHERE l.id = n.id AND n.action IS NULL""",
            p,
        )

        # the areas holding each point (geo.area_parts), joined in when the rows are written:
        # only for the listings that are written (an unchanged one keeps its areas)
        started = time.monotonic()
        locate_points(
            f"""SELECT loc_ref AS key, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom
                  FROM {LOC} WHERE lon IS NOT NULL AND action IN ('new', 'changed')""",
            into=AREAS,
        )
        counts.areas_seconds = round(time.monotonic() - started, 3)

        if loading:
            # only now: building the temporary tables above looks existing listings up by them
            loading.drop_indexes(*bulk.WRITTEN[1:])
        _write_locations(cur, p)
        _write_services(cur, p)
        if loading:
            started = time.monotonic()
            loading.restore()
            counts.rebuild_seconds = round(time.monotonic() - started, 3)

        cur.execute(
            f"SELECT action, count(*), count(*) FILTER (WHERE needs_pin) FROM {LOC} GROUP BY 1"
        )
        for action, n, pins in cur.fetchall():
            setattr(counts, action, n)
            counts.needs_pin += pins
        cur.execute(
            f"""SELECT count(*) FILTER (WHERE action = 'new'),
                       count(*) FILTER (WHERE action = 'changed') FROM {SVC}"""
        )
        counts.services_new, counts.services_changed = cur.fetchone()

        missing = f"""FROM geo_location l WHERE l.source = %(source)s AND l.source_ref <> ''
                        AND NOT EXISTS (SELECT 1 FROM {LOC} n WHERE n.loc_ref = l.source_ref)"""
        cur.execute(f"SELECT count(*) {missing}", p)
        counts.missing = cur.fetchone()[0]
        if delete_missing:
            # through the ORM: it knows every table that points at a location or service
            cur.execute(
                f"""SELECT sv.id FROM geo_service sv WHERE sv.source = %(source)s
                     AND NOT EXISTS (SELECT 1 FROM {SVC} s WHERE s.id = sv.id)
                     AND EXISTS (SELECT 1 FROM geo_service_locations sl JOIN {LOC} n
                                   ON n.id = sl.location_id WHERE sl.service_id = sv.id)""",
                p,
            )
            Service.objects.filter(id__in=[r[0] for r in cur.fetchall()]).delete()
            cur.execute(f"SELECT l.id {missing}", p)
            gone = [r[0] for r in cur.fetchall()]
            counts.deleted = len(gone)
            Location.objects.filter(id__in=gone).delete()
            Service.objects.filter(source=source, locations__isnull=True).delete()

        cur.execute(
            # what the preview shows staff; a listing shown less precisely than exact (a
            # shelter, say) keeps its coordinates out of the stored report too
            f"""SELECT n.action, n.loc_ref, n.org_name, n.address, n.postcode, n.locality,
                       n.lon, n.lat, n.geocode_precision, n.needs_pin, n.rows,
                       coalesce(n.precision, l.precision, 'exact') AS precision
                  FROM {LOC} n LEFT JOIN geo_location l ON l.id = n.id
                 WHERE n.action IN ('new', 'changed')
                 ORDER BY n.rows[1] LIMIT {MAX_CHANGES}"""
        )
        names = [c.name for c in cur.description]
        for row in cur.fetchall():
            change = dict(zip(names, row, strict=True))
            lon, lat = change.pop("lon"), change.pop("lat")
            exact = change["precision"] == "exact"
            change["lonlat"] = [lon, lat] if lon is not None and exact else None
            counts.changes.append(change)
    return counts


def _kept(pinned: str, filed: str) -> str:
    """A value of a listing whose pin was placed by hand (l) when this file has no coordinates
    for it (f), else the file's value."""
    return f"""CASE WHEN l.geocode_precision = 'manual' AND l.point IS NOT NULL
                     AND f.geocode_precision <> 'source' THEN {pinned} ELSE {filed} END"""


def _services(cur) -> None:
    """One row per service of each building, in one pass: the service it already is (same
    building, same name in any case), whether the file changes it, an id drawn for a new one."""
    cur.execute(
        f"""CREATE TEMP TABLE {SVC} AS
            WITH s AS (
              SELECT DISTINCT ON (loc_ref, lower(service_name)) loc_ref, row_number,
                     left(service_name, 300) AS service_name, service_key, description,
                     ARRAY(SELECT DISTINCT unnest(categories) ORDER BY 1) AS categories,
                     languages, audience, cost, fees, eligibility, how_to_access
                FROM {STAGING} ORDER BY loc_ref, lower(service_name), row_number),
            m AS (
              SELECT s.*, n.id AS loc_id, n.org_id, sv.id AS old_id,
                     sv.id IS NOT NULL AND (
                     sv.name <> s.service_name OR sv.description <> s.description
                     OR sv.languages::text[] IS DISTINCT FROM s.languages
                     OR sv.audience::text[] IS DISTINCT FROM s.audience OR sv.cost <> s.cost
                     OR sv.fees <> s.fees OR sv.eligibility <> s.eligibility
                     OR sv.how_to_access <> s.how_to_access
                     OR ARRAY(SELECT c.slug::text FROM geo_service_categories sc
                                JOIN geo_category c ON c.id = sc.category_id
                               WHERE sc.service_id = sv.id ORDER BY 1)
                        IS DISTINCT FROM s.categories) AS differs
                FROM s JOIN {LOC} n USING (loc_ref)
                LEFT JOIN LATERAL (
                  SELECT sv.* FROM geo_service_locations sl
                    JOIN geo_service sv ON sv.id = sl.service_id
                   WHERE sl.location_id = n.old_id AND lower(sv.name) = lower(s.service_name)
                   LIMIT 1) sv ON true)
            SELECT m.*,
                   CASE WHEN m.old_id IS NULL
                        THEN nextval(pg_get_serial_sequence('geo_service', 'id'))
                        ELSE m.old_id END AS id,
                   CASE WHEN m.old_id IS NULL THEN 'new' WHEN m.differs THEN 'changed'
                        ELSE 'unchanged' END AS action
              FROM m"""
    )
    cur.execute(f"CREATE INDEX ON {SVC} (loc_ref)")
    cur.execute(f"ANALYZE {SVC} (loc_ref, id, action)")


def _write_locations(cur, p: dict) -> None:
    cur.execute(
        f"""INSERT INTO geo_location (id, organisation_id, name, name_key, description, point,
                   precision,
                   address, address_extra, locality, postcode, opening_hours, opening_hours_text,
                   phones, email, website, accessibility, geocode_precision, geocode_provider,
                   geocode_query, needs_pin, needs_regeocode, source, source_ref, area_id,
                   municipality_id, verified_at, created_at, updated_at)
            SELECT n.id, n.org_id, n.name, n.name_key, '', {_POINT},
                   coalesce(n.precision, 'exact'), n.address, n.address_extra, n.locality,
                   n.postcode, n.opening_hours, n.opening_hours_text, n.phones, n.email,
                   n.website, n.accessibility,
                   n.geocode_precision, n.geocode_provider, n.geocode_query, n.needs_pin,
                   n.needs_regeocode, %(source)s, n.loc_ref, h.area_id, h.municipality_id,
                   n.verified_at, now(), now()
              FROM {LOC} n LEFT JOIN {AREAS} h ON h.key = n.loc_ref
             WHERE n.action = 'new'""",
        p,
    )
    sets = ", ".join(f"{col} = {expr}" for col, expr in _LOCATION_FIELDS.items())
    cur.execute(
        f"""UPDATE geo_location l SET {sets}, name_key = n.name_key, point = {_POINT},
                   precision = coalesce(n.precision, l.precision),
                   geocode_provider = n.geocode_provider, geocode_query = n.geocode_query,
                   needs_regeocode = n.needs_regeocode, updated_at = now(),
                   -- an area chosen for an area-precision listing stays while its point does
                   area_id = CASE WHEN l.precision = 'area' AND l.area_id IS NOT NULL
                                   AND ST_AsBinary(l.point) = ST_AsBinary({_POINT})
                                  THEN l.area_id
                                  -- a listing without a point keeps its area; one moved out
                                  -- of every area has none
                                  WHEN n.lon IS NULL THEN l.area_id ELSE h.area_id END,
                   municipality_id = coalesce(h.municipality_id, l.municipality_id)
              FROM {LOC} n LEFT JOIN {AREAS} h ON h.key = n.loc_ref
             WHERE n.id = l.id AND n.action = 'changed'"""
    )


def _write_services(cur, p: dict) -> None:
    cur.execute(
        f"""INSERT INTO geo_service (id, organisation_id, name, name_key, description, languages,
                   audience, eligibility, cost, fees, how_to_access, opening_hours, is_active,
                   source, created_at, updated_at)
            SELECT id, org_id, service_name, service_key, description, languages, audience,
                   eligibility, cost, fees, how_to_access, '', true, %(source)s, now(), now()
              FROM {SVC} WHERE action = 'new'""",
        p,
    )
    cur.execute(
        f"""INSERT INTO geo_service_locations (service_id, location_id)
            SELECT id, loc_id FROM {SVC} WHERE action = 'new'"""
    )
    cur.execute(
        f"""UPDATE geo_service sv SET name = s.service_name, name_key = s.service_key,
                   description = s.description,
                   languages = s.languages, audience = s.audience, cost = s.cost,
                   fees = s.fees, eligibility = s.eligibility, how_to_access = s.how_to_access,
                   updated_at = now()
              FROM {SVC} s WHERE s.id = sv.id AND s.action = 'changed'"""
    )
    cur.execute(
        f"""DELETE FROM geo_service_categories
             WHERE service_id IN (SELECT id FROM {SVC} WHERE action = 'changed')"""
    )
    cur.execute(
        f"""INSERT INTO geo_service_categories (service_id, category_id)
            SELECT s.id, c.id FROM {SVC} s CROSS JOIN LATERAL unnest(s.categories) AS u(slug)
              JOIN geo_category c ON c.slug = u.slug
             WHERE s.action IN ('new', 'changed')"""
    )
