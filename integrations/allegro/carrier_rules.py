"""What 'Wysyłam z Allegro' allows, per carrier, and how Allegro's tracking codes map onto the
common lifecycle. Allegro's spec documents none of the limits: the figures are those Allegro staff
gave in public threads (broker digest §0 item 8 and §2.3: referenceNumber AA#9040/AA#10614,
textOnLabel AA#9786, packages AA#9862, protocols §2.5, cancel §2.9, COD §2.7)."""

from __future__ import annotations

from integrations.carriers.base import Capabilities, CodSink, FieldLimits, Service, TrackingState

CARRIER_KEY = "allegro"
# service code = the carrier id Allegro puts on the shipment (ShipmentDto.carrier)
REFERENCE_MAX = {
    "ALLEGRO": 35,
    "UPS": 35,
    "DPD": 27,
    "POCZTA_POLSKA": 36,
    "INPOST": 28,
    "DHL": 36,
    "ORLEN": 36,
    "PACKETA": 36,
}
TEXT_ON_LABEL_MAX = 20  # Allegro One, UPS and others cut at 20 (AA#9786, AA#9488): the strictest wins
MAX_PACKAGES = {"DPD": 10}  # one package per shipment elsewhere (AA#9862)
NO_PROTOCOL = frozenset({"ALLEGRO", "INPOST", "UPS", "FEDEX", "POCZTA_POLSKA", "PACKETA"})
NOT_CANCELLABLE = frozenset({"ALLEGRO"})  # never for Allegro One; for the rest only before handover
# error codes of a cancel command that mean "no longer possible" rather than a passing failure
CANCEL_REFUSALS = frozenset({"SHIPMENT_CANCELLATION_NOT_SUPPORTED", "PROCESSING_ERROR"})
_NAMES = {
    "ALLEGRO": "Allegro One (Box, Punkt, Kurier)",
    "INPOST": "Allegro Paczkomaty / Kurier InPost",
    "DPD": "Allegro Kurier DPD",
    "POCZTA_POLSKA": "Allegro Pocztex",
    "UPS": "Allegro Kurier UPS",
    "DHL": "Allegro Kurier DHL",
    "ORLEN": "Allegro ORLEN Paczka",
    "PACKETA": "Allegro International Packeta",
}

# Allegro's parcel tracking codes (spec: ParcelTrackingStatus.code)
TRACKING = {
    "PENDING": TrackingState.CREATED,
    "IN_TRANSIT": TrackingState.IN_TRANSIT,
    "RELEASED_FOR_DELIVERY": TrackingState.OUT_FOR_DELIVERY,
    "AVAILABLE_FOR_PICKUP": TrackingState.READY_FOR_PICKUP,
    # a failed delivery attempt: the parcel waits for the buyer or a second try
    "NOTICE_LEFT": TrackingState.PROBLEM,
    "DELIVERED": TrackingState.DELIVERED,
    # the spec says "being or has been returned": the way back, not the arrival
    "RETURNED": TrackingState.RETURNING,
    "ISSUE": TrackingState.PROBLEM,
}


def tracking_state(code: str) -> tuple[TrackingState, bool]:
    """(state, known); an unknown code is in transit, never an error."""
    state = TRACKING.get(code)
    return (state, True) if state is not None else (TrackingState.IN_TRANSIT, False)


def capabilities() -> Capabilities:
    """WzA's services: parcel sizes and COD limits come per order from delivery-proposals, so no
    parcel limits are set here; COD is always paid into the Allegro wallet."""
    services = tuple(
        Service(
            code=code,
            name=name,
            max_parcels=MAX_PACKAGES.get(code, 1),
            cod_sink=CodSink.ALLEGRO_WALLET,
        )
        for code, name in _NAMES.items()
    )
    return Capabilities(
        carrier=CARRIER_KEY,
        services=services,
        field_limits=FieldLimits(reference_max=36, label_text_max=TEXT_ON_LABEL_MAX),
        cancel_until="before_handover",  # "never" for ALLEGRO: see NOT_CANCELLABLE
        protocol=True,  # not for NO_PROTOCOL carriers: protocol() then returns None
    )
