"""What is asked of the geocoder: an address in parts, its normalised cache key and the two forms
sent to Nominatim (structured, then free text). Pure functions on strings; no database, no HTTP."""

import re
from dataclasses import dataclass, replace
from functools import cached_property

from geo.text import strip_accents

_POSTCODE = re.compile(r"(?<!\d)([1-8]\d{2})\s?(\d{2})(?!\d)")
# "Νοταρά 34", "Νοταρά 34Α", "Νοταρά 34-36"; the number may also come first ("34 Νοταρά").
_TRAILING_NUMBER = re.compile(r"^(?P<street>.*?\D)\s*(?P<number>\d+[α-ωΑ-Ωa-zA-Z]?(?:-\d+)?)$")
_LEADING_NUMBER = re.compile(r"^(?P<number>\d+[α-ωΑ-Ωa-zA-Z]?)\s+(?P<street>\D.*)$")
# Corners and alternatives: "ΝΟΤΑΡΑ 34 & ΔΕΛΗΓΙΑΝΝΗ", "Νοταρά 34 και Δεληγιάννη", "Νοταρά 34 / ..."
_CORNER = re.compile(r"\s*(?:&|/|\+|\bκαι\b|\bγων(?:ία)?\.?\s)\s*", re.IGNORECASE)

COUNTRY_NAMES = {"gr": "Ελλάδα"}


@dataclass(frozen=True)
class AddressQuery:
    """An address in parts; every part optional. `street` may carry the house number."""

    street: str = ""
    house_number: str = ""
    postcode: str = ""
    locality: str = ""  # city, town or village as written: "Αθήνα", "Κηφισιά"
    municipality: str = ""  # "Δήμος Αθηναίων", "Αθηναίων"
    area: str = ""  # neighbourhood or district: "Εξάρχεια", "Κυψέλη"
    country: str = "gr"  # ISO 3166-1 alpha-2, lower case

    def normalised(self) -> "AddressQuery":
        """Whitespace collapsed, postcode as five digits, the house number split off the street
        and only the first street of a corner kept ("Νοταρά 34 & Δεληγιάννη" -> "Νοταρά", "34")."""
        return self._normalised

    @cached_property
    def _normalised(self) -> "AddressQuery":
        # Computed once per instance: imports ask for the key and the one line of every row.
        street = _clean(self.street)
        number = _clean(self.house_number)
        street = _CORNER.split(street, maxsplit=1)[0].strip(" ,") if street else ""
        if street and not number:
            street, number = split_house_number(street)
        return replace(
            self,
            street=street,
            house_number=number,
            postcode=normalise_postcode(self.postcode) or _clean(self.postcode),
            locality=_clean(self.locality),
            municipality=_clean(self.municipality),
            area=_clean(self.area),
            country=(self.country or "gr").strip().lower(),
        )

    def key(self) -> str:
        """The cache key: every part lower case, without accents, in a fixed order."""
        q = self.normalised()
        parts = (q.street, q.house_number, q.postcode, q.locality, q.municipality, q.area)
        return "a|" + strip_accents("|".join(parts)) + "|" + q.country

    def one_line(self) -> str:
        """The address as one line, the form of a free-text query and of `Geocoded.query`."""
        q = self.normalised()
        street = " ".join(p for p in (q.street, q.house_number) if p)
        place = " ".join(p for p in (q.postcode, q.locality or q.municipality) if p)
        return ", ".join(p for p in (street, q.area, place) if p)

    def structured(self) -> dict[str, str] | None:
        """Nominatim's structured query, or None when there is no street and no postcode (a
        structured query for a town alone is what the free-text one does anyway)."""
        q = self.normalised()
        if not q.street and not q.postcode:
            return None
        params = {}
        if q.street:
            params["street"] = f"{q.house_number} {q.street}".strip()
        if q.postcode:
            params["postalcode"] = q.postcode
        # A municipality ("Δήμος Αθηναίων", a genitive) is no city name Nominatim matches; it is
        # left to the free-text query and the local fallbacks.
        if q.locality:
            params["city"] = q.locality
        params["country"] = COUNTRY_NAMES.get(q.country, q.country)
        return params


def text_query_key(text: str) -> str:
    return "t|" + " ".join(strip_accents(text).replace(",", " ").split())


def normalise_postcode(text: str) -> str:
    """'106 83', 'ΤΚ 10683', '10683' -> '10683'; '' when there is no Greek postcode in it."""
    match = _POSTCODE.search(text or "")
    return match.group(1) + match.group(2) if match else ""


def split_house_number(street: str) -> tuple[str, str]:
    """'Νοταρά 34' and '34 Νοταρά' -> ('Νοταρά', '34'); no number -> (street, '')."""
    street = street.strip(" ,")
    if m := _TRAILING_NUMBER.match(street):
        return m["street"].strip(" ,"), m["number"]
    if m := _LEADING_NUMBER.match(street):
        return m["street"].strip(" ,"), m["number"]
    return street, ""


def _clean(text: str) -> str:
    return " ".join((text or "").split())
