"""Thin DPD wire client: one method per operation, DPD's own vocabulary in and zeep objects out.

Writes (numbers, labels, protocol, pickup call) are never retried; reads are (transport.call).
Generating labels counts as a write: it advises the parcels at DPD (digest §2.7).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from integrations.carriers import transport
from integrations.carriers.dpd.soap import INFO_WSDL, PACKAGES_WSDL, READ_WSDL, SoapEndpoint
from integrations.carriers.errors import CarrierResponseError

PACKAGES_PATH = "/DPDPackageObjServicesService/DPDPackageObjServices"
INFO_PATH = "/DPDInfoServicesObjEventsService/DPDInfoServicesObjEvents"
POINTS_PATH = "/mypudo/points"  # authored JSON endpoint (the fake's), see wsdl/README.md


@dataclass(frozen=True, slots=True)
class DpdCredentials:
    """DPDServices login/password/masterFid, and the separate InfoServices login/password/channel."""

    login: str
    password: str
    master_fid: int
    info_login: str = ""
    info_password: str = ""
    info_channel: str = ""

    def auth(self) -> dict[str, Any]:
        return {"login": self.login, "masterFid": self.master_fid, "password": self.password}

    def info_auth(self) -> dict[str, Any]:
        return {
            "channel": self.info_channel,
            "login": self.info_login or self.login,
            "password": self.info_password or self.password,
        }


class DpdClient:
    """DPDServices, DPDInfoServices and the points endpoint at the given base URLs."""

    def __init__(
        self,
        *,
        services_url: str,
        info_url: str,
        points_url: str,
        credentials: DpdCredentials,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = transport.DEFAULT_TIMEOUT,
    ) -> None:
        self.session = session or requests.Session()
        self.credentials = credentials
        self.timeout = timeout
        self.points_url = points_url.rstrip("/") + POINTS_PATH
        packages = services_url.rstrip("/") + PACKAGES_PATH
        self._packages = SoapEndpoint(PACKAGES_WSDL, packages, self.session, timeout)
        self._read = SoapEndpoint(READ_WSDL, packages, self.session, timeout)
        self._info = SoapEndpoint(INFO_WSDL, info_url.rstrip("/") + INFO_PATH, self.session, timeout)

    def find_postal_code(self, zip_code: str, country: str = "PL") -> str:
        """findPostalCodeV1: DPD's status for the postcode ("OK" when it serves it)."""
        answer = self._packages.call(
            "findPostalCodeV1",
            write=False,
            postalCodeV1={"countryCode": country, "zipCode": zip_code},
            authDataV1=self.credentials.auth(),
        )
        # zeep unwraps a `return` with a single child, so the answer is the status itself
        return str(getattr(answer, "status", answer) or "")

    def generate_packages_numbers(self, packages: list[dict[str, Any]]) -> Any:
        """generatePackagesNumbersV4 with ALL_OR_NOTHING: waybills for whole packages or none."""
        return self._packages.call(
            "generatePackagesNumbersV4",
            write=True,
            openUMLFeV3={"packages": packages},
            pkgNumsGenerationPolicyV1="ALL_OR_NOTHING",
            langCode="EN",
            authDataV1=self.credentials.auth(),
        )

    def generate_labels(self, package_ids: list[int], *, doc_format: str, page_format: str) -> Any:
        """generateSpedLabelsV4 for whole packages (all their parcels); advises them."""
        return self._packages.call(
            "generateSpedLabelsV4",
            write=True,
            dpdServicesParamsV1=self._session(package_ids),
            outputDocFormatV1=doc_format,
            outputDocPageFormatV1=page_format,
            outputLabelType="BIC3",
            authDataV1=self.credentials.auth(),
        )

    def generate_protocol(self, package_ids: list[int]) -> Any:
        """generateProtocolV2: the handover protocol PDF of advised packages."""
        return self._packages.call(
            "generateProtocolV2",
            write=True,
            dpdServicesParamsV1=self._session(package_ids),
            outputDocFormatV1="PDF",
            outputDocPageFormatV1="A4",
            authDataV1=self.credentials.auth(),
        )

    def pickup_call(self, params: dict[str, Any]) -> Any:
        """packagesPickupCallV4 (INSERT, UPDATE or CANCEL, as `params` says)."""
        return self._packages.call(
            "packagesPickupCallV4", write=True, dpdPickupParamsV3=params, authDataV1=self.credentials.auth()
        )

    def courier_availability(self, zip_code: str, country: str = "PL") -> Any:
        """getCourierOrderAvailabilityV1: the pickup ranges for a sender postcode."""
        return self._packages.call(
            "getCourierOrderAvailabilityV1",
            write=False,
            senderPlaceV1={"countryCode": country, "zipCode": zip_code},
            authDataV1=self.credentials.auth(),
        )

    def find_packages(self, *, reference: str | None = None, package_id: int | None = None) -> list[Any]:
        """findPackagesV1 (AUTHORED, not DPD's): packages by search key or id."""
        answer = self._read.call(
            "findPackagesV1",
            write=False,
            packageId=package_id,
            reference=reference,
            authDataV1=self.credentials.auth(),
        )
        # zeep unwraps the single-child `return`: the answer is the list of packages (or None)
        return list(getattr(answer, "packages", answer) or [])

    def events_for_waybill(self, waybill: str) -> Any:
        """DPDInfoServices getEventsForWaybillV1 (every event, English descriptions)."""
        return self._info.call(
            "getEventsForWaybillV1",
            write=False,
            waybill=waybill,
            eventsSelectType="ALL",
            language="EN",
            authDataV1=self.credentials.info_auth(),
        )

    def points(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """The points JSON list (authored MyPudo-like shape)."""
        response = transport.call(
            lambda: self.session.get(self.points_url, params=params, timeout=self.timeout),
            carrier="dpd",
            write=False,
        )
        try:
            body = response.json()
            return list(body["points"])
        except (ValueError, KeyError, TypeError) as exc:
            raise CarrierResponseError(
                f"unreadable points answer (HTTP {response.status_code})", carrier="dpd", raw=response.text
            ) from exc

    @staticmethod
    def _session(package_ids: list[int]) -> dict[str, Any]:
        return {
            "policy": "STOP_ON_FIRST_ERROR",
            "session": {"packages": [{"packageId": pid} for pid in package_ids], "sessionType": "DOMESTIC"},
        }
