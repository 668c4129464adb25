"""The packaged WSDLs load with zeep without any network, and the envelopes match the authored XSD."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from lxml import etree

from integrations.carriers.dpd import soap
from integrations.carriers.dpd.fake import envelope


@pytest.mark.parametrize("name", [soap.PACKAGES_WSDL, soap.READ_WSDL, soap.INFO_WSDL])
def test_wsdl_loads_offline(name, monkeypatch):
    # any attempt to open a socket fails the load
    def refuse(*args, **kwargs):
        raise AssertionError("network used while loading the WSDL")

    monkeypatch.setattr(requests.Session, "send", refuse)
    soap.load_client.cache_clear()
    client = soap.load_client(name)
    assert list(client.wsdl.services.values())[0].ports


def test_wsdl_keeps_dpd_operations_and_points_at_local_xsd():
    text = Path(soap.wsdl_path(soap.PACKAGES_WSDL)).read_text(encoding="utf-8")
    assert 'schemaLocation="DPDPackageObjServices.xsd"' in text
    assert "?xsd=1" not in text
    client = soap.load_client(soap.PACKAGES_WSDL)
    operations = set(client.service._binding._operations)
    assert {
        "generatePackagesNumbersV4",
        "generateSpedLabelsV4",
        "generateProtocolV2",
        "packagesPickupCallV4",
        "getCourierOrderAvailabilityV1",
        "findPostalCodeV1",
        "appendParcelsToPackageV1",
    } <= operations


def test_zeep_envelope_validates_against_the_schema_the_fake_uses():
    client = soap.load_client(soap.PACKAGES_WSDL)
    message = client.create_message(
        client.service,
        "findPostalCodeV1",
        postalCodeV1={"countryCode": "PL", "zipCode": "00950"},
        authDataV1={"login": "a", "masterFid": 1, "password": "p"},
    )
    found = envelope.operation_of(etree.tostring(message))
    assert found is not None and found[1] == "findPostalCodeV1"
    envelope.validate(found[0], found[2])  # raises on a schema break
    # unqualified children: only the wrapper is in DPD's namespace
    assert etree.QName(found[2][0]).namespace is None
