"""Matching a spreadsheet's headers to the fields we import, in Greek or English.

Headers are compared after normalising case, accents, punctuation and spacing (geo.text), so
`Τ.Κ.`, `ΤΚ` and `τκ` are one header. An explicit mapping (command line, admin, or the one saved
for a source last month) overrides the synonyms. Pure functions: no file or database access.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from geo.text import strip_accents
from importers.cleaning.homoglyphs import repair_homoglyphs
from importers.reasons import Reason

# field -> header synonyms (any case, accents and punctuation; normalised below).
FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "title", "επωνυμια", "ονομα", "ονομασια", "τιτλος", "δομη", "listing"),
    "organisation": (
        "organisation",
        "organization",
        "org",
        "φορεας",
        "οργανισμος",
        "οργανωση",
        "provider",
        "συλλογικοτητα",
        "εταιρεια",
        "φορεας λειτουργιας",
    ),
    "service": ("service", "υπηρεσια", "παροχη", "δραστηριοτητα", "service name"),
    "description": (
        "description",
        "περιγραφη",
        "details",
        "λεπτομερειες",
        "σχολια",
        "notes",
        "παρατηρησεις",
    ),
    "address": (
        "address",
        "street",
        "street address",
        "διευθυνση",
        "οδος",
        "οδος αριθμος",
        "οδος και αριθμος",
        "διευθυνση οδος",
    ),
    "address_extra": ("floor", "οροφος", "οροφος εισοδος", "address 2", "address line 2"),
    "postcode": (
        "postcode",
        "post code",
        "postal code",
        "zip",
        "zip code",
        "tk",
        "τκ",
        "ταχυδρομικος κωδικας",
        "ταχ κωδ",
        "ταχ κωδικας",
    ),
    "locality": ("locality", "city", "town", "πολη", "τοποθεσια", "οικισμος", "χωριο"),
    "municipality": ("municipality", "δημος", "δημος καλλικρατη", "municipal"),
    "area": (
        "area",
        "neighbourhood",
        "neighborhood",
        "district",
        "περιοχη",
        "γειτονια",
        "συνοικια",
    ),
    "phone": (
        "phone",
        "phones",
        "telephone",
        "tel",
        "mobile",
        "τηλεφωνο",
        "τηλεφωνα",
        "τηλ",
        "κινητο",
        "τηλεφωνο επικοινωνιας",
        "contact phone",
    ),
    "email": (
        "email",
        "e mail",
        "mail",
        "ηλ ταχυδρομειο",
        "ηλεκτρονικο ταχυδρομειο",
        "ηλ διευθυνση",
        "ηλεκτρονικη διευθυνση",
    ),
    "website": (
        "website",
        "web",
        "url",
        "site",
        "web site",
        "homepage",
        "ιστοσελιδα",
        "ιστοτοπος",
        "διαδικτυακος τοπος",
    ),
    "category": (
        "category",
        "categories",
        "type",
        "κατηγορια",
        "κατηγοριες",
        "ειδος",
        "τυπος",
        "τομεας",
    ),
    "languages": ("languages", "language", "γλωσσες", "γλωσσα", "ομιλουμενες γλωσσες"),
    "audience": (
        "audience",
        "for whom",
        "target group",
        "ωφελουμενοι",
        "σε ποιους απευθυνεται",
        "απευθυνεται σε",
        "ομαδα στοχος",
        "κοινο",
    ),
    "eligibility": ("eligibility", "προυποθεσεις", "δικαιουχοι", "requirements"),
    "cost": ("cost", "price", "fee", "fees", "κοστος", "τιμη", "χρεωση", "δωρεαν"),
    "how_to_access": ("how to access", "access", "προσβαση", "τροπος προσβασης", "ραντεβου"),
    "hours": (
        "hours",
        "opening hours",
        "opening_hours",
        "ωραριο",
        "ωρες",
        "ωρες λειτουργιας",
        "ωραριο λειτουργιας",
    ),
    "lat": ("lat", "latitude", "y wgs84", "γεωγρ πλατος", "γεωγραφικο πλατος", "πλατος"),
    "lon": (
        "lon",
        "lng",
        "long",
        "longitude",
        "x wgs84",
        "γεωγρ μηκος",
        "γεωγραφικο μηκος",
        "μηκος",
    ),
    "coordinates": ("coordinates", "coords", "latlon", "lat lon", "συντεταγμενες", "σημειο"),
    "x": ("x", "x egsa", "x εγσα", "x egsa87", "x εγσα87", "εγσα x", "egsa x"),
    "y": ("y", "y egsa", "y εγσα", "y egsa87", "y εγσα87", "εγσα y", "egsa y"),
    "precision": ("precision", "ακριβεια", "εμφανιση", "visibility"),
    "sensitive": ("sensitive", "ευαισθητο", "ευαισθητη", "κρυφη διευθυνση", "hidden address"),
    "kind": ("kind", "organisation type", "organization type", "τυπος φορεα", "μορφη"),
    "external_id": ("id", "external id", "ref", "code", "κωδικος", "α/α κωδικος", "κωδ"),
    "last_verified": (
        "last verified",
        "verified",
        "verified at",
        "updated",
        "last updated",
        "επιβεβαιωση",
        "τελευταια επιβεβαιωση",
        "ενημερωση",
        "τελευταια ενημερωση",
        "ημερομηνια ενημερωσης",
    ),
    "accessibility": ("accessibility", "προσβασιμοτητα", "αμεα", "wheelchair"),
}

# Fields that may come from several columns ('Τηλέφωνο 1', 'Τηλέφωνο 2'): their cells are joined.
MULTI_VALUED = frozenset({"phone", "category", "languages", "audience"})

_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def normalise_header(text: str) -> str:
    """'Γεωγρ. Πλάτος' -> 'γεωγρ πλατος', 'E-mail' -> 'e mail', 'Τ.Κ.' -> 'τκ'."""
    bare = _PUNCTUATION.sub(" ", strip_accents(repair_homoglyphs(text))).strip()
    # 'τ κ' (from 'Τ.Κ.') and 'τκ' must meet: join runs of single letters.
    return re.sub(r"\b(\w)\s(?=\w\b)", r"\1", bare)


SYNONYMS: dict[str, str] = {
    normalise_header(synonym): name for name, synonyms in FIELDS.items() for synonym in synonyms
}


class MappingError(ValueError):
    """An explicit mapping names a field we do not know, or is not `field=Header,...`."""


def parse_mapping(text: str) -> dict[str, str]:
    """'name=Επωνυμία,address=Οδός' -> {'name': 'Επωνυμία', 'address': 'Οδός'}.

    Pairs are separated by commas or newlines; the header is matched like any header (case,
    accents and punctuation do not matter). Raises MappingError.
    """
    mapping: dict[str, str] = {}
    for part in re.split(r"[,\n]", text):
        if not part.strip():
            continue
        target, sep, header = part.partition("=")
        target = target.strip()
        if not sep or not header.strip():
            raise MappingError(f"{part.strip()!r} is not of the form field=Header.")
        if target not in FIELDS:
            raise MappingError(
                f"{target!r} is not a field we import; the fields are {', '.join(FIELDS)}."
            )
        mapping[target] = header.strip()
    return mapping


@dataclass
class ColumnMapping:
    """Which header index feeds which field, and what could not be matched.

    `fields`: field -> 0-based index into the row's cells. `unknown`: headers that feed nothing
    (not an error: their content is not imported). `extra`: field -> more indexes whose cells
    are joined to the first (MULTI_VALUED fields only, e.g. two phone columns). `duplicates`:
    field -> the other headers that also match a single-valued field (the first one wins).
    `missing`: field -> the header an explicit mapping named that is not in the file.
    """

    headers: list[str]
    fields: dict[str, int] = field(default_factory=dict)
    extra: dict[str, list[int]] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    duplicates: dict[str, list[str]] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)

    @property
    def problems(self) -> list[Reason]:
        out = [
            Reason(
                gettext_noop(
                    "The columns {columns} all look like {field}; only {read} is read "
                    "(map one explicitly to choose)."
                ),
                columns=", ".join(repr(h) for h in [self.header(f), *others]),
                field=repr(f),
                read=repr(self.header(f)),
            )
            for f, others in self.duplicates.items()
        ]
        out += [
            Reason(
                gettext_noop(
                    "The mapping says {field} comes from the column {column}, "
                    "which is not in this file."
                ),
                field=repr(f),
                column=repr(h),
            )
            for f, h in self.missing.items()
        ]
        return out

    def header(self, name: str) -> str:
        return self.headers[self.fields[name]]

    def values(self, cells: list[str]) -> dict[str, str]:
        """The row's cells by field name ("" for cells past the end of the row)."""
        out = {f: (cells[i] if i < len(cells) else "") for f, i in self.fields.items()}
        for f, indexes in self.extra.items():
            parts = [out[f], *(cells[i] for i in indexes if i < len(cells))]
            out[f] = ", ".join(p.strip() for p in parts if p.strip())
        return out

    def columns(self) -> dict[str, str]:
        """field -> header text, for RowError.column (clean_row's `headers`)."""
        out = {f: self.headers[i] for f, i in self.fields.items()}
        for f, indexes in self.extra.items():
            out[f] = ", ".join([out[f], *(self.headers[i] for i in indexes)])
        return out

    def to_dict(self) -> dict[str, str]:
        """field -> header text: what to save per source and pass as `explicit` next time."""
        return {f: self.headers[i] for f, i in self.fields.items()}

    @classmethod
    def from_dict(cls, data: dict[str, str], *, headers: list[str]) -> "ColumnMapping":
        """A saved mapping applied to this file's headers (synonyms fill in the rest)."""
        return map_columns(headers, explicit=data)


def map_columns(headers: list[str], *, explicit: dict[str, str] | None = None) -> ColumnMapping:
    """Match headers to fields: explicit pairs first, then synonyms. Never raises."""
    mapping = ColumnMapping(headers=list(headers))
    normalised = [normalise_header(h) for h in headers]
    taken: set[int] = set()
    for name, header in (explicit or {}).items():
        if name not in FIELDS:
            continue
        wanted = normalise_header(header)
        index = next((i for i, h in enumerate(normalised) if h == wanted and h), None)
        if index is None:
            mapping.missing[name] = header
            continue
        mapping.fields[name] = index
        taken.add(index)
    for index, key in enumerate(normalised):
        if index in taken or not key:
            continue
        name = SYNONYMS.get(key) or SYNONYMS.get(re.sub(r"\s*\d+$", "", key))
        if name is None:
            mapping.unknown.append(headers[index])
        elif name in mapping.fields:
            if name in MULTI_VALUED:
                mapping.extra.setdefault(name, []).append(index)
            elif name not in (explicit or {}):
                mapping.duplicates.setdefault(name, []).append(headers[index])
            else:
                mapping.unknown.append(headers[index])
        else:
            mapping.fields[name] = index
    return mapping
