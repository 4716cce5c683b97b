"""What an import did (or, in a dry run, would do): counts, timings, every row error, and a
bounded sample of the listings it creates or changes for the preview map."""

from dataclasses import asdict, dataclass, field

# The preview shows at most this many listings; the counts are always complete.
MAX_CHANGES = 2000


@dataclass
class ImportReport:
    source: str
    file_name: str
    sha256: str
    dry_run: bool = False
    all_or_nothing: bool = False
    rolled_back: bool = False
    run_id: int | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    rows_with_errors: int = 0
    warnings: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    missing: int = 0
    deleted: int = 0
    needs_pin: int = 0
    geocoded: int = 0
    services_new: int = 0
    services_changed: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    row_errors: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)

    @property
    def errors(self) -> list[dict]:
        return [e for e in self.row_errors if e["severity"] == "error"]

    def to_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> list[tuple[str, int]]:
        return [
            ("rows read", self.rows),
            ("rows with errors (not imported)", self.rows_with_errors),
            ("warnings", self.warnings),
            ("new listings", self.new),
            ("changed listings", self.changed),
            ("unchanged listings", self.unchanged),
            ("missing from the file", self.missing),
            ("deleted", self.deleted),
            ("need a pin on the map", self.needs_pin),
            ("geocoded", self.geocoded),
        ]
