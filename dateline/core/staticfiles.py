"""Static files as `dateline setup` collects them: hashed names, gzip and
Brotli copies (WhiteNoise), compressed once rather than at every run.

WhiteNoise compresses every file again each time collectstatic runs, and
compression is nearly all of its time (Wagtail's admin scripts at Brotli's
best level: 21 s of 22 on this project). A file whose gzip copy already
holds exactly its content, with a Brotli copy written beside that gzip copy,
is left as it is: a second `dateline setup` after an upgrade, or on a node
whose static folder was copied from another, takes about a second.
"""

import gzip
import os

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def compress_files(self, paths):
        return super().compress_files([path for path in paths if not self._compressed_already(path)])

    def _compressed_already(self, name):
        path = self.path(name)
        try:
            with open(path, "rb") as original, gzip.open(f"{path}.gz") as compressed:
                if compressed.read() != original.read():
                    return False
            # WhiteNoise writes both copies in one pass, with the same time.
            return os.stat(f"{path}.br").st_mtime == os.stat(f"{path}.gz").st_mtime
        except (OSError, EOFError):  # no copy yet (gzip.BadGzipFile is an OSError)
            return False
