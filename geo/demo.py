"""Demo data that is true: the organisations and services described in the seed documents, and
the OpenStreetMap hospitals of Attica.

Where a document names only a neighbourhood or a town, the location is that area's centroid with
precision "area"; no street address is invented. Nothing here is a real import: importers do that.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from geo.areas import assign_areas
from geo.models import Area, Category, Location, Organisation, Service

DEMO_SOURCE = "demo"
HOSPITALS_SOURCE = "osm-hospitals"
HOSPITALS_FILE = "poi/attica_hospitals_osm.geojson"


@dataclass(frozen=True)
class DemoService:
    name: str
    categories: tuple[str, ...]
    description: str = ""
    languages: tuple[str, ...] = ("el",)
    audience: tuple[str, ...] = ("everyone",)
    cost: str = "free"
    how_to_access: str = ""


@dataclass(frozen=True)
class DemoPlace:
    """A location given only as an area: (level, official name) of that area."""

    name: str
    area_level: str
    area_name: str
    services: tuple[DemoService, ...] = ()


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: str
    description: str
    seed: str
    website: str = ""
    email: str = ""
    alternate_name: str = ""
    parent: str = ""
    places: tuple[DemoPlace, ...] = ()
    online_services: tuple[DemoService, ...] = field(default=())


CLINIC_SERVICES = (
    DemoService(
        "Δωρεάν πρωτοβάθμια φροντίδα υγείας",
        ("health",),
        "Δωρεάν υπηρεσίες πρωτοβάθμιας φροντίδας υγείας για όλους, χωρίς διακρίσεις.",
    ),
    DemoService(
        "Ψυχική υγεία και ψυχολογική στήριξη",
        ("mental-health",),
        "Δωρεάν υπηρεσίες ψυχικής υγείας, με σεβασμό στον άνθρωπο και την οδύνη του.",
    ),
)

ORGANISATIONS = (
    DemoOrganisation(
        "diktyo-allilengyis-koinonikon-iatreion",
        "Δίκτυο Αλληλεγγύης Κοινωνικών Ιατρείων",
        "network",
        "Αυτοοργανωμένο δίκτυο των κοινωνικών ιατρείων Εξαρχείων, Νέας Σμύρνης, Ιλίου και Αγίου "
        "Νεκταρίου Βόλου, με ανοιχτές εβδομαδιαίες συνελεύσεις (Δευτέρα 19:00).",
        "002",
        email="koinonikaiatreia@gmail.com",
    ),
    DemoOrganisation(
        "koinoniko-iatreio-exarcheion",
        "Κοινωνικό Ιατρείο Εξαρχείων",
        "clinic",
        "Μέλος του Δικτύου Αλληλεγγύης Κοινωνικών Ιατρείων.",
        "002",
        parent="diktyo-allilengyis-koinonikon-iatreion",
        places=(
            DemoPlace(
                "Κοινωνικό Ιατρείο Εξαρχείων",
                "neighbourhood",
                "ΜΟΥΣΕΙΟ-ΕΞΑΡΧΕΙΑ-ΝΕΑΠΟΛΗ",
                CLINIC_SERVICES,
            ),
        ),
    ),
    DemoOrganisation(
        "koinoniko-iatreio-neas-smyrnis",
        "Κοινωνικό Ιατρείο Νέας Σμύρνης",
        "clinic",
        "Μέλος του Δικτύου Αλληλεγγύης Κοινωνικών Ιατρείων.",
        "002",
        parent="diktyo-allilengyis-koinonikon-iatreion",
        places=(
            DemoPlace(
                "Κοινωνικό Ιατρείο Νέας Σμύρνης",
                "municipality",
                "Δήμος Νέας Σμύρνης",
                CLINIC_SERVICES,
            ),
        ),
    ),
    DemoOrganisation(
        "koinoniko-iatreio-iliou",
        "Κοινωνικό Ιατρείο Ιλίου",
        "clinic",
        "Μέλος του Δικτύου Αλληλεγγύης Κοινωνικών Ιατρείων.",
        "002",
        parent="diktyo-allilengyis-koinonikon-iatreion",
        places=(
            DemoPlace("Κοινωνικό Ιατρείο Ιλίου", "municipality", "Δήμος Ιλίου", CLINIC_SERVICES),
        ),
    ),
    DemoOrganisation(
        "koinoniko-iatreio-agiou-nektariou-volou",
        "Κοινωνικό Ιατρείο Αγίου Νεκταρίου Βόλου",
        "clinic",
        "Μέλος του Δικτύου Αλληλεγγύης Κοινωνικών Ιατρείων.",
        "002",
        parent="diktyo-allilengyis-koinonikon-iatreion",
        places=(
            DemoPlace(
                "Κοινωνικό Ιατρείο Αγίου Νεκταρίου Βόλου",
                "municipality",
                "Δήμος Βόλου",
                CLINIC_SERVICES,
            ),
        ),
    ),
    DemoOrganisation(
        "solidaritynow",
        "SolidarityNow",
        "ngo",
        "Οργάνωση της κοινωνίας των πολιτών που λειτουργεί το Κέντρο Αλληλεγγύης Αθήνας.",
        "004",
        alternate_name="Αλληλεγγύη Τώρα",
        places=(
            DemoPlace(
                "Κέντρο Αλληλεγγύης Αθήνας",
                "municipality",
                "Δήμος Αθηναίων",
                (
                    DemoService(
                        "Κεντρική κοινωνική υπηρεσία",
                        ("social-services",),
                        "Υπηρεσίες κοινωνικής προστασίας και προάσπισης δικαιωμάτων.",
                        ("el", "en"),
                    ),
                    DemoService(
                        "Ψυχολογική υποστήριξη",
                        ("mental-health",),
                        "Ατομική συμβουλευτική και ψυχοθεραπεία, ομάδες ενδυνάμωσης, "
                        "συμβουλευτική οικογένειας και ζεύγους.",
                        ("el", "en"),
                    ),
                    DemoService(
                        "Νομική υποστήριξη",
                        ("legal-aid",),
                        "Νομική συμβουλευτική, διαμεσολάβηση και επιλεγμένη δικαστηριακή "
                        "εκπροσώπηση.",
                        ("el", "en"),
                    ),
                    DemoService(
                        "Πρόγραμμα απασχολησιμότητας",
                        ("employment",),
                        "Εργασιακή συμβουλευτική, αναζήτηση εργασίας, εργαστήρια και "
                        "δικτύωση για ανέργους από ευάλωτες ομάδες.",
                        ("el", "en"),
                        ("unemployed",),
                    ),
                    DemoService(
                        "Χώροι Φιλικοί για το Παιδί",
                        ("children-families", "education"),
                        "Του Δικτύου για τα Δικαιώματα του Παιδιού: προγράμματα για παιδιά 3 "
                        "έως 12 ετών, μαθήματα ελληνικών και αγγλικών για γονείς, δανειστική "
                        "βιβλιοθήκη.",
                        ("el", "en"),
                        ("children", "families"),
                    ),
                    DemoService(
                        "Ειδικές θεραπείες",
                        ("therapies",),
                        "Εργοθεραπεία και λογοθεραπεία μέσω του Κέντρου Ημέρας Βαβέλ.",
                        ("el",),
                        ("children",),
                    ),
                    DemoService(
                        "Περιγεννητική φροντίδα",
                        ("perinatal-care",),
                        "Μέσω της ΑΜΚΕ «Φαιναρέτη».",
                        ("el",),
                        ("women",),
                    ),
                    DemoService(
                        "Υποστηρικτικές υπηρεσίες ασύλου",
                        ("asylum-migration",),
                        "Η Υπηρεσία Ασύλου λειτουργεί εντός του Κέντρου με προκαθορισμένα "
                        "ραντεβού· προτεραιότητα στις ευάλωτες ομάδες.",
                        ("el", "en"),
                        ("refugees",),
                        "free",
                        "Με ραντεβού από την Υπηρεσία Ασύλου.",
                    ),
                ),
            ),
        ),
    ),
    DemoOrganisation(
        "accmr",
        "Κέντρο Συντονισμού για θέματα Μεταναστών και Προσφύγων (ACCMR)",
        "municipal",
        "Κέντρο Συντονισμού του Δήμου Αθηναίων για θέματα μεταναστών και προσφύγων· η πλατφόρμα "
        "accmr.gr συγκεντρώνει υπηρεσίες για στέγαση, υγεία, εκπαίδευση, νομική υποστήριξη και "
        "εργασία.",
        "001",
        website="https://www.accmr.gr/",
        alternate_name="Athens Coordination Center for Migrant and Refugee issues",
        places=(
            DemoPlace(
                "Κέντρο Συντονισμού ACCMR",
                "municipality",
                "Δήμος Αθηναίων",
                (
                    DemoService(
                        "Συντονισμός και παραπομπές για μετανάστες και πρόσφυγες",
                        ("asylum-migration", "social-services"),
                        "Ενημέρωση και παραπομπή σε υπηρεσίες φορέων για μετανάστες και "
                        "πρόσφυγες στην Αθήνα.",
                        ("el", "en"),
                        ("refugees",),
                    ),
                ),
            ),
        ),
    ),
    DemoOrganisation(
        "koinoniki-ypiresia-dimou-markopoulou",
        "Κοινωνική Υπηρεσία Δήμου Μαρκοπούλου Μεσογαίας",
        "municipal",
        "Κοινωνική υπηρεσία του Δήμου Μαρκοπούλου Μεσογαίας.",
        "003",
        places=(
            DemoPlace(
                "Κοινωνική Υπηρεσία και Κοινωνικό Παντοπωλείο Μαρκοπούλου",
                "municipality",
                "Δήμος Μαρκοπούλου Μεσογαίας",
                (
                    DemoService(
                        "Κοινωνικό Παντοπωλείο",
                        ("food",),
                        "Κοινωνικό παντοπωλείο του Δήμου.",
                        audience=("residents",),
                    ),
                    DemoService(
                        "Υποστήριξη σε θέματα φτώχειας και ευαλωτότητας",
                        ("social-services",),
                        "Υποστήριξη των δημοτών σε θέματα εκπαίδευσης, φτώχειας, ευαλωτότητας.",
                        audience=("residents",),
                    ),
                ),
            ),
        ),
    ),
    DemoOrganisation(
        "iasis",
        "ΑμΚΕ ΙΑΣΙΣ",
        "ngo",
        "Αστική μη κερδοσκοπική εταιρεία· συνεργάζεται με την Κοινωνική Υπηρεσία του Δήμου "
        "Μαρκοπούλου Μεσογαίας.",
        "003",
        alternate_name="IASIS NGO",
        places=(
            DemoPlace(
                "ΙΑΣΙΣ – Μαρκόπουλο",
                "municipality",
                "Δήμος Μαρκοπούλου Μεσογαίας",
                (
                    DemoService(
                        "FabricRepublic: δωρεάν ρουχισμός",
                        ("clothing",),
                        "Δωρεάν και καθαρός ρουχισμός κατόπιν αιτήματος, μέσω του Κοινωνικού "
                        "Παντοπωλείου του Δήμου.",
                        how_to_access="Με αίτημα στο Κοινωνικό Παντοπωλείο του Δήμου.",
                    ),
                    DemoService(
                        "Παρέμβαση στην Κοινότητα",
                        ("social-services", "disability"),
                        "Στήριξη ατόμων που δεν αυτοεξυπηρετούνται ή είναι απομονωμένα: "
                        "ιατρονοσηλευτική κάλυψη, παράδοση τροφίμων και ειδών πρώτης ανάγκης, "
                        "συνοδεία, ψυχοκοινωνική υποστήριξη.",
                        audience=("elderly", "disabled", "residents"),
                    ),
                    DemoService(
                        "Ψυχοκοινωνική στήριξη",
                        ("mental-health",),
                        "Παροχή ψυχοκοινωνικής στήριξης και προαγωγή της ψυχικής υγείας.",
                        audience=("residents",),
                    ),
                ),
            ),
        ),
    ),
    DemoOrganisation(
        "menoumemazi",
        "Μένουμε Μαζί (menoumemazi.org)",
        "network",
        "Αυτοοργανωμένη πλατφόρμα αλληλεγγύης: ευρετήριο ομάδων αλληλοβοήθειας στις γειτονιές "
        "και ευρετήριο σωματείων, με δυνατότητα καταγγελιών για εργασιακά δικαιώματα.",
        "000",
        website="https://menoumemazi.org/",
        email="info@menoumemazi.org",
        online_services=(
            DemoService(
                "Ευρετήριο ομάδων αλληλοβοήθειας",
                ("mutual-aid",),
                "Ομάδες αλληλοβοήθειας που δραστηριοποιούνται σε γειτονιές.",
            ),
            DemoService(
                "Καταγγελίες για εργασιακά δικαιώματα",
                ("labour-rights",),
                "Ανώνυμες ή επώνυμες καταγγελίες, που προωθούνται στα πρωτοβάθμια "
                "σωματεία· ερωταπαντήσεις από εργατολόγους.",
                audience=("workers",),
            ),
        ),
    ),
)


@dataclass
class DemoReport:
    organisations: int = 0
    locations: int = 0
    services: int = 0
    hospitals: int = 0
    skipped: list[str] = field(default_factory=list)


def demo_loaded() -> bool:
    return Organisation.objects.filter(source=DEMO_SOURCE).exists()


@transaction.atomic
def load_demo(data_dir: str | Path | None) -> DemoReport:
    """Create or refresh the demo organisations and, from `data_dir`, the OSM hospitals."""
    report = DemoReport()
    categories = {c.slug: c for c in Category.objects.all()}
    orgs: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        org, _ = Organisation.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "description": spec.description,
                "website": spec.website,
                "email": spec.email,
                "alternate_name": spec.alternate_name,
                "parent": orgs.get(spec.parent),
                "source": f"{DEMO_SOURCE}",
            },
        )
        orgs[spec.slug] = org
        report.organisations += 1
        for place in spec.places:
            area = Area.objects.filter(level=place.area_level, name=place.area_name).first()
            if area is None:
                report.skipped.append(f"{place.name}: area {place.area_name!r} is not loaded")
                continue
            loc, _ = Location.objects.update_or_create(
                source=DEMO_SOURCE,
                source_ref=f"{spec.slug}/{place.name}",
                defaults={
                    "organisation": org,
                    "name": place.name,
                    "point": area.centroid,
                    "precision": Location.Precision.AREA,
                    "area": area,
                    "municipality": area if area.level == Area.Level.MUNICIPALITY else None,
                    "geocode_precision": Location.GeocodePrecision.AREA,
                    "geocode_provider": "demo",
                    "geocode_query": place.area_name,
                },
            )
            report.locations += 1
            _services(org, place.services, categories, [loc], report)
        _services(org, spec.online_services, categories, [], report)
    report.hospitals = _load_hospitals(data_dir, categories["hospital"], report)
    assign_areas([loc.id for loc in Location.objects.filter(source=HOSPITALS_SOURCE)])
    return report


def _services(org, specs, categories, locations, report) -> None:
    for s in specs:
        service, _ = Service.objects.update_or_create(
            organisation=org,
            name=s.name,
            defaults={
                "description": s.description,
                "languages": list(s.languages),
                "audience": list(s.audience),
                "cost": s.cost,
                "how_to_access": s.how_to_access,
                "source": DEMO_SOURCE,
            },
        )
        service.categories.set([categories[c] for c in s.categories])
        service.locations.set(locations)
        report.services += 1


def _load_hospitals(data_dir, category: Category, report: DemoReport) -> int:
    path = Path(data_dir or "") / HOSPITALS_FILE
    if not data_dir or not path.is_file():
        report.skipped.append(f"OpenStreetMap hospitals: {HOSPITALS_FILE} not found")
        return 0
    count = 0
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        props = feature["properties"]
        if not props.get("name"):
            report.skipped.append(f"OSM hospital {props['OBJECTID']}: no name")
            continue
        lon, lat = feature["geometry"]["coordinates"][:2]
        org, _ = Organisation.objects.update_or_create(
            slug=f"osm-hospital-{props['OBJECTID']}",
            defaults={
                "name": props["name"],
                "alternate_name": props.get("name_en") or "",
                "kind": Organisation.Kind.HOSPITAL,
                "source": HOSPITALS_SOURCE,
            },
        )
        loc, _ = Location.objects.update_or_create(
            source=HOSPITALS_SOURCE,
            source_ref=str(props["OBJECTID"]),
            defaults={
                "organisation": org,
                "name": props["name"],
                "point": f"POINT({lon} {lat})",
                "precision": Location.Precision.EXACT,
                "geocode_precision": Location.GeocodePrecision.SOURCE,
                "geocode_provider": "openstreetmap",
            },
        )
        service, _ = Service.objects.update_or_create(
            organisation=org,
            name=props.get("name_en") or props["name"],
            defaults={"source": HOSPITALS_SOURCE, "cost": Service.Cost.UNKNOWN},
        )
        service.categories.set([category])
        service.locations.set([loc])
        count += 1
    return count
