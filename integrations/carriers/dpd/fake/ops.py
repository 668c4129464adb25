"""The fake DPDServices operations: each takes the state and the request as plain values (already
valid against the XSD) and returns the `return` value in the XSD's element order."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from integrations.carriers.dpd.fake.envelope import SoapFault, first
from integrations.carriers.dpd.fake.state import DpdFakeState, FakePackage
from integrations.carriers.fakekit import LabelData, render_pdf, render_protocol_pdf, render_zpl

MAX_WEIGHT_KG = 50.0  # digest §2.12
MAX_SIDE_CM = 150
COD_MAX = Decimal("10000")
AUTH_FAULT = "Login failed: wrong login, password or masterFid"


def authenticate(state: DpdFakeState, request: dict[str, Any]) -> int:
    """The masterFid of valid authDataV1, or an auth fault."""
    login = first(request, "authDataV1", "login", default="")
    password = first(request, "authDataV1", "password", default="")
    fid = int(first(request, "authDataV1", "masterFid", default="0"))
    with state.lock:
        account = state.accounts.get(login)
    if account is None or account != (password, fid):
        raise SoapFault(AUTH_FAULT)
    return fid


def find_postal_code(state: DpdFakeState, request: dict[str, Any]) -> dict[str, Any]:
    authenticate(state, request)
    code = first(request, "postalCodeV1", "zipCode", default="")
    known = code.isdigit() and len(code) == 5 and code not in state.unknown_postcodes
    return {"status": "OK" if known else "NOT_FOUND"}


def _info(names: str, code: str, text: str) -> dict[str, Any]:
    return {"ErrorId": 1, "ErrorCode": code, "FieldNames": names, "Info": text}


def _parcel_problems(parcel: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    weight = float(first(parcel, "weight", default="0"))
    if weight <= 0:
        found.append(_info("weight", "VALUE_ZERO", "Weight must be above zero"))
    elif weight > MAX_WEIGHT_KG:
        found.append(_info("weight", "VALUE_OUT_OF_RANGE", f"Weight above {MAX_WEIGHT_KG} kg"))
    for side in ("sizeX", "sizeY", "sizeZ"):
        if int(first(parcel, side, default="0")) > MAX_SIDE_CM:
            found.append(_info(side, "VALUE_OUT_OF_RANGE", f"{side} above {MAX_SIDE_CM} cm"))
    return found


def _package_problems(state: DpdFakeState, package: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for who in ("receiver", "sender"):
        code = first(package, who, "postalCode", default="")
        if not (code.isdigit() and len(code) == 5) or code in state.unknown_postcodes:
            found.append(_info(f"{who}.postalCode", "DONT_MATCH_DICTIONARY", "Unknown postal code"))
    cod = first(package, "services", "cod", "amount")
    if cod is not None and not Decimal("0") < Decimal(cod) <= COD_MAX:
        found.append(_info("services.cod.amount", "VALUE_OUT_OF_RANGE", f"COD above {COD_MAX} PLN"))
    pudo = first(package, "services", "dpdPickup", "pudo")
    if pudo is not None and not any(p.get("pudoId") == pudo for p in state.points):
        found.append(_info("services.dpdPickup.pudo", "DONT_MATCH_DICTIONARY", "Unknown DPD Pickup point"))
    return found


def generate_packages_numbers(state: DpdFakeState, request: dict[str, Any]) -> dict[str, Any]:
    """generatePackagesNumbersV4 with every package checked; ALL_OR_NOTHING keeps none on an error."""
    fid = authenticate(state, request)
    if first(request, "langCode", default="PL") not in ("PL", "EN"):
        return {"Status": "UNSUPPORTED_LANG_CODE", "SessionId": state.next_number()}
    packages = request["openUMLFeV3"][0]["packages"]
    with state.lock:
        answers = [_check_package(state, fid, package) for package in packages]
        failed = any(a["Status"] != "OK" for a in answers)
        if not failed:
            answers = [_store(state, fid, package) for package in packages]
        session = next((a["Status"] for a in answers if a["Status"] != "OK"), "OK")
        return {
            "Status": session,
            "SessionId": state.next_number(),
            "BeginTime": int(state.now().timestamp() * 1000),
            "EndTime": int(state.now().timestamp() * 1000),
            "Packages": {"Package": answers},
        }


def _check_package(state: DpdFakeState, fid: int, package: dict[str, Any]) -> dict[str, Any]:
    reference = first(package, "reference", default="")
    existing = state.by_reference(fid, reference) if reference else None
    if existing is not None:
        # assumed DPD behaviour: the duplicate names the package the search key already holds
        return _package_answer(existing, "DUPLICATED_PACKAGE_SEARCH_KEY")
    problems = _package_problems(state, package)
    parcels = [{"Status": "OK", "ValidationDetails": None} for _ in package["parcels"]]
    for index, parcel in enumerate(package["parcels"]):
        found = _parcel_problems(parcel)
        if found:
            parcels[index] = {"Status": "INCORRECT_DATA", "ValidationDetails": {"ValidationInfo": found}}
    if state.field_refusals:
        names, code, on_parcel = state.field_refusals.pop(0)
        if on_parcel:
            parcels[0] = {
                "Status": "INCORRECT_DATA",
                "ValidationDetails": {"ValidationInfo": [_info(names, code, code)]},
            }
        else:
            problems.append(_info(names, code, code))
    bad = problems or any(p["Status"] != "OK" for p in parcels)
    return {
        "Status": "INCORRECT_DATA" if bad else "OK",
        "Reference": reference or None,
        "ValidationDetails": {"ValidationInfo": problems} if problems else None,
        "Parcels": {
            "Parcel": [{"Status": p["Status"], "ValidationDetails": p["ValidationDetails"]} for p in parcels]
        },
    }


def _store(state: DpdFakeState, fid: int, package: dict[str, Any]) -> dict[str, Any]:
    stored = FakePackage(
        package_id=state.next_number(),
        fid=fid,
        reference=first(package, "reference", default=""),
        waybills=[state.new_waybill() for _ in package["parcels"]],
        parcel_ids=[state.next_number() for _ in package["parcels"]],
        body={
            "receiver": package["receiver"][0],
            "sender": package["sender"][0],
            "parcels": package["parcels"],
            "ref1": first(package, "ref1", default=""),
            "cod": first(package, "services", "cod", "amount"),
            "pudo": first(package, "services", "dpdPickup", "pudo"),
            "services": first(package, "services", default={}),
        },
        created_at=state.now(),
    )
    state.packages[stored.package_id] = stored
    return _package_answer(stored, "OK")


def _package_answer(package: FakePackage, status: str) -> dict[str, Any]:
    return {
        "Status": status,
        "PackageId": package.package_id,
        "Reference": package.reference or None,
        "Parcels": {
            "Parcel": [
                {"Status": status, "ParcelId": pid, "Waybill": waybill}
                for pid, waybill in zip(package.parcel_ids, package.waybills, strict=True)
            ]
        },
    }


def _session_packages(
    state: DpdFakeState, fid: int, request: dict[str, Any]
) -> list[tuple[int, FakePackage | None]]:
    session = first(request, "dpdServicesParamsV1", "session", default={})
    found = []
    for item in session.get("packages", []):
        package_id = int(first(item, "packageId", default="0"))
        found.append((package_id, state.package(fid, package_id)))
    return found


def _document(session: list[tuple[int, FakePackage | None]], data: bytes | None) -> dict[str, Any]:
    packages = []
    for package_id, package in session:
        status = "OK" if package is not None else "NOT_FOUND"
        parcels = (
            []
            if package is None
            else [
                {"parcelId": pid, "statusInfo": {"status": "OK"}, "waybill": waybill}
                for pid, waybill in zip(package.parcel_ids, package.waybills, strict=True)
            ]
        )
        packages.append({"packageId": package_id, "parcels": parcels, "statusInfo": {"status": status}})
    worst = next((p["statusInfo"]["status"] for p in packages if p["statusInfo"]["status"] != "OK"), "OK")
    return {
        "documentData": data if worst == "OK" else None,
        "documentId": f"DOC{len(packages)}-{session[0][0] if session else 0}" if worst == "OK" else None,
        "session": {"packages": packages, "statusInfo": {"status": worst if packages else "NOT_FOUND"}},
    }


def _label(package: FakePackage, index: int, waybill: str) -> LabelData:
    receiver, sender = package.body["receiver"], package.body["sender"]

    def lines(address: dict[str, Any]) -> tuple[str, ...]:
        name = first(address, "company", default="") or first(address, "name", default="")
        code = first(address, "postalCode", default="")
        return (
            name,
            first(address, "address", default=""),
            f"{code[:2]}-{code[2:]} {first(address, 'city', default='')}",
        )

    cod = package.body.get("cod")
    return LabelData(
        carrier="dpd",
        waybill=waybill,
        service="Pickup" if package.pickup else "Classic",
        sender=lines(sender),
        receiver=lines(receiver),
        reference=package.body.get("ref1", ""),
        cod=f"COD {cod} PLN" if cod else "",
        point=package.body.get("pudo") or "",
        parcel=f"{index + 1}/{len(package.waybills)}",
    )


def _refused(description: str) -> dict[str, Any]:
    """A document answer whose session was not processed."""
    return {
        "session": {"packages": [], "statusInfo": {"description": description, "status": "NOT_PROCESSED"}}
    }


def generate_labels(state: DpdFakeState, request: dict[str, Any]) -> dict[str, Any]:
    """generateSpedLabelsV4: real PDF (A4 sheets or label-printer A6) or ZPL; advises the packages."""
    fid = authenticate(state, request)
    session = _session_packages(state, fid, request)
    doc_format = first(request, "outputDocFormatV1")
    page = first(request, "outputDocPageFormatV1")
    with state.lock:
        if not session or any(p is None for _, p in session) or doc_format not in ("PDF", "ZPL"):
            if doc_format not in ("PDF", "ZPL") and session and all(p for _, p in session):
                return _refused(f"format {doc_format} not served by the fake")
            return _document(session, None)
        labels = [_label(p, i, w) for _, p in session if p for i, w in enumerate(p.waybills)]
        data = (
            render_zpl(labels).encode()
            if doc_format == "ZPL"
            else render_pdf(labels, "A4" if page == "A4" else "A6")
        )
        for _, package in session:
            if package is not None:
                state.advise(package)
        return _document(session, data)


def generate_protocol(state: DpdFakeState, request: dict[str, Any]) -> dict[str, Any]:
    """generateProtocolV2: the handover protocol of advised packages (others: NOT_PROCESSED)."""
    fid = authenticate(state, request)
    session = _session_packages(state, fid, request)
    with state.lock:
        if any(p is None for _, p in session) or not session:
            return _document(session, None)
        unadvised = [pid for pid, p in session if p is not None and p.state == "REGISTERED"]
        if unadvised:
            return _refused(f"not advised: {unadvised}")
        rows = []
        for _, package in session:
            assert package is not None
            package.state = "IN_PROTOCOL"
            name = first(package.body["receiver"], "name", default="") or first(
                package.body["receiver"], "company", default=""
            )
            rows += [(waybill, name, package.body.get("ref1", "")) for waybill in package.waybills]
        data = render_protocol_pdf("dpd", "Protokół przekazania", rows, day=state.now().date().isoformat())
        return _document(session, data)


def find_packages(state: DpdFakeState, request: dict[str, Any]) -> dict[str, Any]:
    """findPackagesV1 (AUTHORED): packages of this FID by reference or id."""
    fid = authenticate(state, request)
    reference = first(request, "reference")
    package_id = first(request, "packageId")
    with state.lock:
        found = [
            p
            for p in state.packages.values()
            if p.fid == fid
            and (reference is None or p.reference == reference)
            and (package_id is None or p.package_id == int(package_id))
        ]
        return {
            "packages": [
                {
                    "packageId": p.package_id,
                    "reference": p.reference or None,
                    "state": p.state,
                    "waybills": p.waybills,
                }
                for p in found
            ]
        }
