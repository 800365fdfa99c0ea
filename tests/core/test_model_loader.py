"""The shared loader gives botocore the same models, in the same order, as its own loader
(plain dicts instead of OrderedDicts), and clients made from it answer as before."""

from __future__ import annotations

import pytest
from botocore.loaders import Loader

from probes.model_loader import PlainJSONFileLoader, shared_loader


def _key_order(value, path=()):
    """Every mapping's keys in order, by path: what botocore could rely on."""
    if isinstance(value, dict):
        yield path, list(value)
        for key, item in value.items():
            yield from _key_order(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _key_order(item, (*path, index))


@pytest.mark.parametrize(("service", "type_name"), [
    ("ecs", "service-2"), ("logs", "service-2"), ("cloudwatch", "endpoint-rule-set-1"),
    ("elbv2", "service-2")])
def test_the_same_models_as_botocores_loader(service, type_name):
    # A loader of its own: the shared one's data may have been used (and botocore's endpoint
    # code fills in what it reads) by other tests of this process.
    ours = Loader(file_loader=PlainJSONFileLoader()).load_service_model(service, type_name)
    theirs = Loader().load_service_model(service, type_name)
    assert ours == theirs
    assert list(_key_order(ours)) == list(_key_order(theirs))
    assert type(ours) is dict


def test_the_endpoints_file_is_the_same():
    ours = Loader(file_loader=PlainJSONFileLoader()).load_data("endpoints")
    theirs = Loader().load_data("endpoints")
    assert ours == theirs and list(_key_order(ours)) == list(_key_order(theirs))


def test_the_shared_loader_reads_plain_dicts():
    assert isinstance(shared_loader().file_loader, PlainJSONFileLoader)
