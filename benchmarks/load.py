"""The load generator, run as its own process (`python -m benchmarks.load < spec.json`).

HTTP over keep-alive connections to 127.0.0.1 only, or SQL over psycopg (the database floor); one
thread per client, each request list bounded, so a run can never outlast its count.
"""

import http.client
import json
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    bytes: int = 0


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class HttpClient:
    def __init__(self, port: int, headers: dict[str, str]):
        self.port = port
        self.headers = headers
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, path: str) -> tuple[int, int]:
        for attempt in (1, 2):
            try:
                self.conn.request("GET", path, headers=self.headers)
                response = self.conn.getresponse()
                body = response.read()
                return response.status, len(body)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


class SqlClient:
    def __init__(self, conninfo: str, *, binary: bool = False):
        import psycopg

        self.conn = psycopg.connect(conninfo, autocommit=True)
        self.binary = binary

    def request(self, query: list) -> tuple[int, int]:
        sql, params = query
        rows = self.conn.execute(sql, params, binary=self.binary).fetchall()
        # The last column carries the payload (a tile, a page, or one Feature per row).
        size = sum(len(r[-1].encode() if isinstance(r[-1], str) else r[-1] or b"") for r in rows)
        return 200, size


def make_client(spec: dict) -> "HttpClient | SqlClient":
    if spec["mode"] == "sql":
        return SqlClient(spec["conninfo"], binary=spec.get("binary", False))
    return HttpClient(spec["port"], spec.get("headers", {}))


def run_interleaved(spec: dict) -> dict:
    """Single-client latency of several paths, their requests taken in turn (request i of each
    path, the order rotating), so a burst of load from elsewhere falls on every path alike."""
    targets = spec["targets"]
    names = list(targets)
    clients = {name: make_client(t) for name, t in targets.items()}
    tallies = {name: Tally() for name in names}
    for name, t in targets.items():
        for item in t.get("warmup", []):
            clients[name].request(item)  # not counted
    count = min(len(t["requests"]) for t in targets.values())
    spent = dict.fromkeys(names, 0.0)
    for i in range(count):
        for k in range(len(names)):
            name = names[(i + k) % len(names)]
            item = targets[name]["requests"][i]
            t0 = time.perf_counter()
            try:
                status, size = clients[name].request(item)
            except Exception as exc:  # reported with the figures, never hidden
                tallies[name].errors.append(f"{item!s:.120}: {exc.__class__.__name__}: {exc}")
                continue
            ms = (time.perf_counter() - t0) * 1000
            spent[name] += ms / 1000
            tally = tallies[name]
            tally.latencies.append(ms)
            tally.statuses[str(status)] = tally.statuses.get(str(status), 0) + 1
            tally.bytes += size
            expect = set(targets[name].get("expect", [200]))
            if status not in expect and len(tally.errors) < 20:
                tally.errors.append(f"{item!s:.120}: HTTP {status}")
    return {
        name: summarise(
            tallies[name],
            spent[name],
            requests=count,
            clients=1,
            expect=set(targets[name].get("expect", [200])),
        )
        for name in names
    }


def run(spec: dict) -> dict:
    clients = int(spec.get("clients", 1))
    items = spec["requests"]
    expect = set(spec.get("expect", [200]))
    tally = Tally()
    lock = threading.Lock()
    next_index = iter(range(len(items)))

    workers = [make_client(spec) for _ in range(clients)]
    for worker, item in zip(workers, spec.get("warmup", []), strict=False):
        worker.request(item)  # opens the connection and warms each client once, not counted
    barrier = threading.Barrier(clients + 1)

    def work(worker) -> None:
        barrier.wait()
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                return
            t0 = time.perf_counter()
            try:
                status, size = worker.request(items[i])
            except Exception as exc:  # report, never hide: the run is marked by its errors
                with lock:
                    tally.errors.append(f"{items[i]!s:.120}: {exc.__class__.__name__}: {exc}")
                continue
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                tally.latencies.append(elapsed)
                tally.statuses[str(status)] = tally.statuses.get(str(status), 0) + 1
                tally.bytes += size
                if status not in expect and len(tally.errors) < 20:
                    tally.errors.append(f"{items[i]!s:.120}: HTTP {status}")

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return summarise(tally, elapsed, requests=len(items), clients=clients, expect=expect)


def summarise(tally: Tally, elapsed: float, *, requests: int, clients: int, expect: set) -> dict:
    lat = tally.latencies
    ok = sum(v for k, v in tally.statuses.items() if int(k) in expect)
    return {
        "clients": clients,
        "requests": requests,
        "ok": ok,
        "errors": tally.errors[:20],
        "error_count": requests - ok,
        "statuses": tally.statuses,
        "seconds": round(elapsed, 3),
        "rps": round(ok / elapsed, 1) if elapsed > 0 and ok else None,
        "p50_ms": _round(percentile(lat, 0.50)),
        "p95_ms": _round(percentile(lat, 0.95)),
        "mean_ms": _round(statistics.fmean(lat) if lat else None),
        "mean_bytes": round(tally.bytes / len(lat)) if lat else None,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


if __name__ == "__main__":
    spec = json.load(sys.stdin)
    print(json.dumps(run_interleaved(spec) if "targets" in spec else run(spec)))
