"""botocore's data loader, one per process, reading its JSON as plain dicts.

botocore reads every model and `endpoints.json` with `object_pairs_hook=OrderedDict`, which
builds each of their objects in Python: 2-5x the time of the C decoder's dicts, paid before the
first request (`endpoints.json` is 1.2 MB, the ECS model 0.9 MB). Since Python 3.7 a dict keeps
its keys in insertion order, which is all botocore relies on (it never asks whether a model is
an OrderedDict), so the plain decoder gives it the same models, sooner.
"""

from __future__ import annotations

import functools
import gzip
import json
import os

from botocore.loaders import JSONFileLoader, Loader

_OPEN_METHODS = {".json": open, ".json.gz": gzip.open}


class PlainJSONFileLoader(JSONFileLoader):
    """`JSONFileLoader`'s `exists` and `load_file`, decoding to plain dicts."""

    def load_file(self, file_path: str):
        for ext, open_method in _OPEN_METHODS.items():
            full_path = file_path + ext
            if os.path.isfile(full_path):
                with open_method(full_path, "rb") as fp:
                    return json.loads(fp.read().decode("utf-8"))
        return None


@functools.cache
def shared_loader() -> Loader:
    """botocore's data loader, one per process (its models are read once)."""
    return Loader(file_loader=PlainJSONFileLoader())
