"""The fake's courier calls (getCourierOrderAvailabilityV1, packagesPickupCallV4) and tracking
(DPDInfoServices getEventsForWaybillV1)."""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Any

from integrations.carriers.addresses import WARSAW
from integrations.carriers.dpd.fake.envelope import INFO_NS, SoapFault, first
from integrations.carriers.dpd.fake.ops import authenticate
from integrations.carriers.dpd.fake.state import DpdFakeState, FakePickupCall


def courier_availability(state: DpdFakeState, request: dict[str, Any]) -> dict[str, Any]:
    """The configured ranges for a served postcode; NOT_FOUND (no ranges) for an unknown one."""
    authenticate(state, request)
    code = first(request, "senderPlaceV1", "zipCode", default="")
    if code in state.unknown_postcodes:
        return {"status": "NOT_FOUND"}
    return {"ranges": [{"offset": o, "range": r} for r, o in state.pickup_ranges], "status": "OK"}


def _status(status: str, code: str = "", description: str = "", fields: str = "") -> dict[str, Any]:
    details = [{"code": code, "description": description, "fields": fields}] if code else []
    return {"errorDetails": details, "status": status}


def _in_a_range(state: DpdFakeState, day: str, time_from: str, time_to: str) -> bool:
    """The window lies inside one range, on a weekday, and is ordered `offset` minutes ahead."""
    date = dt.date.fromisoformat(day)
    if date.weekday() >= 5:
        return False
    now = state.now().astimezone(WARSAW)
    for window, offset in state.pickup_ranges:
        first_hour, _, last_hour = window.partition("-")
        if first_hour <= time_from < time_to <= last_hour:
            start = dt.datetime.combine(date, dt.time.fromisoformat(time_from), WARSAW)
            return start - dt.timedelta(minutes=offset) >= now
    return False


def pickup_call(state: DpdFakeState, request: dict[str, Any]) -> dict[str, Any]:
    """packagesPickupCallV4: INSERT a courier call, or CANCEL one by orderNumber + checkSum."""
    fid = authenticate(state, request)
    params = request["dpdPickupParamsV3"][0]
    operation = first(params, "operationType")
    with state.lock:
        if operation == "CANCEL":
            return _cancel(state, fid, params)
        if operation != "INSERT":
            return {
                "statusInfo": _status("NOT_PROCESSED", "UNSUPPORTED", f"{operation} not served by the fake")
            }
        sender = first(params, "pickupCallSimplifiedDetails", "pickupSender", default={})
        postal = first(sender, "senderPostalCode", default="")
        if postal in state.unknown_postcodes:
            return {
                "statusInfo": _status(
                    "INCORRECT_PICKUP_ADDRESS_POSTAL_CODE", "POSTAL_CODE", "unknown", "senderPostalCode"
                )
            }
        payer = int(first(params, "pickupCallSimplifiedDetails", "pickupPayer", "payerNumber", default="0"))
        if payer != fid:
            return {"statusInfo": _status("ACCESS_DENIED_FOR_FID", "FID", f"payer {payer} is not {fid}")}
        day, time_from, time_to = (
            first(params, k, default="") for k in ("pickupDate", "pickupTimeFrom", "pickupTimeTo")
        )
        if not _in_a_range(state, day, time_from, time_to):
            return {
                "statusInfo": _status(
                    "RANGE_NOT_AVAILABLE_TEMPORARILY", "RANGE", f"{day} {time_from}-{time_to}"
                )
            }
        number = f"{state.now():%y%m%d}{state.next_number():05d}"
        call = FakePickupCall(
            order_number=number,
            check_sum=zlib.crc32(number.encode()) % 100000,
            fid=fid,
            date=day,
            time_from=time_from,
            time_to=time_to,
            postal_code=postal,
            parcels=int(
                first(params, "pickupCallSimplifiedDetails", "packagesParams", "parcelsCount", default="1")
            ),
        )
        state.pickups[number] = call
        return {"checkSum": call.check_sum, "orderNumber": number, "statusInfo": _status("OK")}


def _cancel(state: DpdFakeState, fid: int, params: dict[str, Any]) -> dict[str, Any]:
    number = first(params, "orderNumber", default="")
    call = state.pickups.get(number)
    if call is None or call.fid != fid or str(call.check_sum) != first(params, "checkSum", default=""):
        return {"statusInfo": _status("NOT_FOUND", "ORDER", f"no courier call {number} with that checksum")}
    call.status = "CANCELLED"
    return {"checkSum": call.check_sum, "orderNumber": number, "statusInfo": _status("OK")}


def events_for_waybill(state: DpdFakeState, request: dict[str, Any]) -> dict[str, Any]:
    """getEventsForWaybillV1: the waybill's events (local time without offset); unknown: none."""
    login = first(request, "authDataV1", "login", default="")
    secret = (
        first(request, "authDataV1", "password", default=""),
        first(request, "authDataV1", "channel", default=""),
    )
    with state.lock:
        if state.info_accounts.get(login) != secret:
            raise SoapFault("Authentication failed for login/channel", namespace=INFO_NS)
        state.tick()
        events = state.events_of(first(request, "waybill", default=""))
        package = next(
            (p for p in state.packages.values() if events and events[0].waybill in p.waybills), None
        )
    if first(request, "eventsSelectType") == "ONLY_LAST":
        events = events[-1:]
    return {
        "confirmId": f"C{len(events)}",
        "eventsList": [
            {
                "businessCode": e.code,
                "country": "PL",
                "depot": "1300",
                "depotName": e.depot,
                "description": e.description,
                "eventTime": e.at.astimezone(WARSAW).replace(tzinfo=None).isoformat(timespec="seconds"),
                "objectId": e.waybill,
                "packageReference": package.reference if package else None,
                "waybill": e.waybill,
            }
            for e in events
        ],
    }
