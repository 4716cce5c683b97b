"""A fake Nominatim on 127.0.0.1 for tests: a real HTTP server (threaded http.server on a random
port) answering /search, structured and free text, in format=jsonv2, from a small table of real
Athens addresses; [] for anything else. It refuses geopy's default User-Agent with 403 like the
real one, can be told to fail the next N requests (HTTP 500, 429 with Retry-After, or hang past the
client's timeout), and records every request with its arrival time so tests can assert the rate.

The `fake_nominatim` fixture starts one per test and points the settings at it; no test reaches
the internet.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

from geo.text import strip_accents

TEST_USER_AGENT = "geitonia-tests/1.0 (tests@geitonia.invalid)"


@dataclass(frozen=True)
class Place:
    street: str
    housenumber: str
    postcode: str
    city: str
    suburb: str
    lat: float
    lon: float
    place_rank: int
    category: str
    type: str
    addresstype: str
    osm_id: int
    # False: only the free-text search finds it (as when OSM lacks the postcode on the way).
    structured: bool = True

    @property
    def display_name(self) -> str:
        head = f"{self.housenumber}, {self.street}" if self.housenumber else self.street
        return ", ".join(p for p in (head, self.suburb, self.city, self.postcode, "Ελλάδα") if p)

    def jsonv2(self, place_id: int) -> dict:
        return {
            "place_id": place_id,
            "licence": "Data © OpenStreetMap contributors, ODbL 1.0.",
            "osm_type": "way",
            "osm_id": self.osm_id,
            "lat": f"{self.lat:.7f}",
            "lon": f"{self.lon:.7f}",
            "category": self.category,
            "type": self.type,
            "place_rank": self.place_rank,
            "importance": 0.00001,
            "addresstype": self.addresstype,
            "name": "" if self.housenumber else self.street,
            "display_name": self.display_name,
            "address": {
                k: v
                for k, v in {
                    "house_number": self.housenumber,
                    "road": self.street,
                    "suburb": self.suburb,
                    "city": self.city,
                    "postcode": self.postcode,
                    "country": "Ελλάς",
                    "country_code": "gr",
                }.items()
                if v
            },
            "boundingbox": [
                f"{self.lat - 0.0001:.7f}",
                f"{self.lat + 0.0001:.7f}",
                f"{self.lon - 0.0001:.7f}",
                f"{self.lon + 0.0001:.7f}",
            ],
        }


# Real addresses in Athens, positions as OpenStreetMap has them (to a few metres).
PLACES = [
    Place(
        "Νοταρά", "34", "10683", "Αθήνα", "Εξάρχεια", 37.98856, 23.73263, 30, "building",
        "house", "building", 254123001,
    ),
    Place(
        "Θεμιστοκλέους", "80", "10681", "Αθήνα", "Εξάρχεια", 37.98663, 23.73560, 30,
        "building", "house", "building", 254123002,
    ),
    Place(
        "Σωκράτους", "59", "10432", "Αθήνα", "Ομόνοια", 37.98197, 23.72604, 30, "building",
        "apartments", "building", 254123003, structured=False,
    ),
    Place(
        "Φωκίωνος Νέγρη", "", "11361", "Αθήνα", "Κυψέλη", 37.99803, 23.74055, 26, "highway",
        "pedestrian", "road", 254123004,
    ),
]  # fmt: skip


@dataclass(frozen=True)
class Recorded:
    at: float  # time.time() when the request arrived
    path: str
    params: dict[str, str]
    user_agent: str
    status: int

    @property
    def structured(self) -> bool:
        return "q" not in self.params


@dataclass
class _Failure:
    count: int
    status: int  # 500, 429, 503 ... or 0 to hang
    retry_after: int | None = None
    hang_seconds: float = 0.0


@dataclass
class FakeNominatim:
    """The running fake; `url` is http://127.0.0.1:PORT."""

    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    _failures: list[_Failure] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)

    def fail_next(self, count: int, *, status: int = 500, retry_after: int | None = None) -> None:
        """Answer the next `count` requests with `status` (429 with `retry_after` seconds)."""
        with self._lock:
            self._failures.append(_Failure(count, status, retry_after))

    def hang_next(self, count: int, *, seconds: float = 5.0) -> None:
        """Hold the next `count` requests for `seconds` without answering, then close them."""
        with self._lock:
            self._failures.append(_Failure(count, 0, None, seconds))

    def times(self) -> list[float]:
        return sorted(r.at for r in self.requests)

    def _take_failure(self) -> _Failure | None:
        with self._lock:
            while self._failures and self._failures[0].count <= 0:
                self._failures.pop(0)
            if not self._failures:
                return None
            self._failures[0].count -= 1
            return self._failures[0]

    def _record(self, rec: Recorded) -> None:
        with self._lock:
            self.requests.append(rec)


def _norm(text: str) -> str:
    return " ".join(strip_accents(text).replace(",", " ").split())


def _split_number(street: str) -> tuple[str, str]:
    words = street.split()
    numbers = [w for w in words if w[:1].isdigit()]
    name = " ".join(w for w in words if not w[:1].isdigit())
    return name, numbers[0] if numbers else ""


def search(params: dict[str, str]) -> list[dict]:
    """What Nominatim would answer, from PLACES."""
    found = []
    if "q" in params:
        q = set(_norm(params["q"]).split())
        for place in PLACES:
            wanted = set(_norm(f"{place.street} {place.housenumber}").split())
            if wanted <= q:
                found.append(place)
    else:
        name, number = _split_number(params.get("street", ""))
        for place in PLACES:
            if not place.structured or _norm(name) != _norm(place.street):
                continue
            if number and place.housenumber and number != place.housenumber:
                continue
            if number and not place.housenumber:
                continue  # a number on a street we only know as a whole: no match
            if params.get("postalcode") and params["postalcode"] != place.postcode:
                continue
            if params.get("city") and _norm(params["city"]) != _norm(place.city):
                continue
            found.append(place)
    limit = int(params.get("limit", 10))
    return [p.jsonv2(i + 1) for i, p in enumerate(found[:limit])]


def _handler(fake: FakeNominatim) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            arrived = time.time()
            url = urlsplit(self.path)
            params = dict(parse_qsl(url.query))
            agent = self.headers.get("User-Agent", "")
            if not agent or agent.startswith("geopy/"):
                return self._send(arrived, url.path, params, agent, 403, {"error": "blocked"})
            failure = fake._take_failure()
            if failure is not None and failure.status == 0:
                fake._record(Recorded(arrived, url.path, params, agent, 0))
                fake._stop.wait(failure.hang_seconds)
                self.close_connection = True
                return None
            if failure is not None:
                headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
                return self._send(
                    arrived, url.path, params, agent, failure.status, {"error": "x"}, headers
                )
            if url.path.rstrip("/") != "/search":
                return self._send(arrived, url.path, params, agent, 404, {"error": "not found"})
            if params.get("format") != "jsonv2":
                return self._send(arrived, url.path, params, agent, 400, {"error": "format"})
            return self._send(arrived, url.path, params, agent, 200, search(params))

        def _send(
            self,
            arrived: float,
            path: str,
            params: dict,
            agent: str,
            status: int,
            body: object,
            headers: dict | None = None,
        ) -> None:
            fake._record(Recorded(arrived, path, params, agent, status))
            data = json.dumps(body, ensure_ascii=False).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout under test)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


def start() -> tuple[FakeNominatim, _Server, threading.Thread]:
    fake = FakeNominatim()
    server = _Server(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="fake-nominatim", daemon=True)
    thread.start()
    return fake, server, thread


def _forget_geocoding_state() -> None:
    from geo import postcodes
    from geo.geocoding import cache, nominatim, throttle

    cache.clear()
    throttle.reset()
    nominatim.reset_cooldown()
    postcodes.clear_caches()


@pytest.fixture
def fake_nominatim(db, settings):
    """A fake Nominatim, the settings pointing at it (fast spacing and retries), and an empty
    geocoding cache and throttle before and after (the geocoder commits those on a connection of
    its own, outside the test's transaction)."""
    fake, server, thread = start()
    settings.GEITONIA_GEOCODER = "nominatim"
    settings.GEITONIA_NOMINATIM_URL = fake.url
    settings.GEITONIA_GEOCODER_USER_AGENT = TEST_USER_AGENT
    settings.GEITONIA_GEOCODER_MIN_INTERVAL = 0.01
    settings.GEITONIA_GEOCODER_TIMEOUT = 2.0
    settings.GEITONIA_GEOCODER_RETRIES = 2
    settings.GEITONIA_GEOCODER_BACKOFF = 0.01
    settings.GEITONIA_GEOCODER_COOLDOWN = 60.0
    _forget_geocoding_state()
    try:
        yield fake
    finally:
        fake._stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
        _forget_geocoding_state()
