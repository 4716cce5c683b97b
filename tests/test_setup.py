"""Wrong settings fail at start with a message that says what to do; the layers stay apart."""

import ast
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_unreachable_database_says_what_to_do():
    env = {**os.environ, "DATABASE_URL": "postgis://nobody@127.0.0.1:1/nothing"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--database", "default"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "Cannot connect to the database 'nothing' at 127.0.0.1" in result.stderr
    assert "make db" in result.stderr and "DATABASE_URL" in result.stderr


def _imports(package: str) -> set[str]:
    found = set()
    for path in (REPO / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
    return found


def test_dependencies_point_inward():
    assert not {"layers", "importers"} & _imports("geo")
    assert "importers" not in _imports("layers")


def test_outputs_never_read_the_exact_point():
    """Only geo/privacy turns a location into what the public sees."""
    offenders = []
    for folder in ("layers", "templates", "static/js"):
        for path in (REPO / folder).rglob("*"):
            if path.suffix in {".py", ".html", ".js", ".sql"} and "migrations" not in path.parts:
                for n, line in enumerate(path.read_text().splitlines(), 1):
                    if any(
                        t in line
                        for t in (
                            '"point"',
                            "'point'",
                            ".point",
                            "l.point",
                            "ST_AsMVTGeom(point",
                            "location.point",
                        )
                    ):
                        offenders.append(f"{path.relative_to(REPO)}:{n}: {line.strip()}")
    assert not offenders, offenders
