"""The static files storage: WhiteNoise's compressed manifest storage, with the ES module imports
of our scripts rewritten to the hashed names. It must not be used without collectstatic."""

from collections.abc import Iterator
from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage

# The OpenLayers package is collected whole, but the admin uses only its bundle and stylesheet;
# its ES sources name modules without extensions in JSDoc `import()` types, which the manifest's
# reference rewriting takes for missing files. Those sources are copied, not hashed.
_UNPROCESSED_PREFIX = "vendor/ol/"
_PROCESSED_ANYWAY = {"vendor/ol/ol.css", "vendor/ol/dist/ol.js"}


class StaticStorage(CompressedManifestStaticFilesStorage):
    # map.js imports ./results.js etc.; without this the hashed map.js would import unhashed
    # (and so possibly stale) modules.
    support_js_module_import_aggregation = True

    def post_process(self, paths: dict, *args: Any, **kwargs: Any) -> Iterator[tuple]:
        kept = {
            name: found
            for name, found in paths.items()
            if not name.startswith(_UNPROCESSED_PREFIX) or name in _PROCESSED_ANYWAY
        }
        yield from super().post_process(kept, *args, **kwargs)
