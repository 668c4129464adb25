"""The status map: every code of every carrier lands on the common lifecycle; unknown codes never raise."""

import json
from pathlib import Path

import pytest

from integrations.carriers import TrackingState, status

REFERENCE = Path(status.__file__).parent / "data" / "carrier-status-map.json"
GROUPS = {
    "created": {TrackingState.CREATED},
    "label_ready": {TrackingState.CREATED},
    "picked_up": {TrackingState.HANDED_OVER},
    "in_transit": {TrackingState.IN_TRANSIT},
    "out_for_delivery": {TrackingState.OUT_FOR_DELIVERY},
    "ready_for_pickup": {TrackingState.READY_FOR_PICKUP},
    "delivered": {TrackingState.DELIVERED},
    "returned": {TrackingState.RETURNED, TrackingState.RETURNING},
    "exception": {TrackingState.PROBLEM},
    "lost": {TrackingState.PROBLEM},
    "cancelled": {TrackingState.CANCELLED},
    "info": {None},
}


@pytest.mark.parametrize("carrier", sorted(status.SECTIONS))
def test_every_code_of_the_map_is_known_and_lands_in_its_group(carrier):
    section = json.loads(REFERENCE.read_text("utf-8"))[status.SECTIONS[carrier]]["map"]
    assert len(section) == len(status.codes(carrier)) > 20
    for code, group in section.items():
        state, known = status.map_code(carrier, code)
        assert known, code
        assert state in GROUPS[group], (carrier, code, group, state)


def test_the_counts_the_reference_promises():
    assert (len(status.codes("inpost")), len(status.codes("dpd")), len(status.codes("poczta"))) == (
        53,
        121,
        29,
    )


def test_returning_codes_are_the_way_back_not_the_arrival():
    assert status.map_code("poczta", "P_NDZ") == (TrackingState.RETURNING, True)
    assert status.map_code("inpost", "returned_to_sender") == (TrackingState.RETURNED, True)


@pytest.mark.parametrize("carrier", ["inpost", "dpd", "poczta", "nobody"])
def test_an_unknown_code_is_kept_as_in_transit_and_flagged(carrier):
    assert status.map_code(carrier, "brand_new_status_2027") == (TrackingState.IN_TRANSIT, False)


def test_informational_events_keep_the_state_before_them():
    events = [TrackingState.HANDED_OVER, TrackingState.IN_TRANSIT, None]
    assert status.current_state(events) is TrackingState.IN_TRANSIT
    assert status.current_state([None]) is None
