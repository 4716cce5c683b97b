"""manage.py import_worker: run the queued imports (uploads from the admin) in the background."""

import signal

from django.core.management.base import BaseCommand, CommandParser

from importers.worker import work


class Command(BaseCommand):
    help = (
        "Work through the import queue kept in the database (ImportRun rows with status "
        "'queued'). Several workers may run at once. Stops on SIGTERM/SIGINT after the current "
        "import; --once stops when the queue is empty."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="stop when the queue is empty")
        parser.add_argument("--poll", type=float, default=2.0, help="seconds between looks")

    def handle(self, *args: object, **options: object) -> None:
        stopping = []

        def stop(signum: int, frame: object) -> None:
            stopping.append(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        done = work(once=options["once"], poll=options["poll"], stop=lambda: bool(stopping))
        self.stderr.write(f"import worker: {done} runs processed")
