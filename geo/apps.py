from django.apps import AppConfig
from django.db.backends.signals import connection_created


class GeoConfig(AppConfig):
    name = "geo"
    verbose_name = "Geitonia: directory"

    def ready(self) -> None:
        from geo import checks  # noqa: F401  (registers the database checks)
        from geo.gazetteer.query import tune_trigram_matching

        connection_created.connect(tune_trigram_matching, dispatch_uid="geo.trigram")
