"""Agents read each refused field in Polish: every check code has a sentence and every field a name."""

import pytest
from flask_babel import force_locale

from desk.views import carrier_labels
from integrations.carriers import checks


def test_every_check_code_has_a_sentence():
    assert set(checks.CODES) <= set(carrier_labels.PROBLEMS)


@pytest.mark.parametrize(
    ("path", "code", "params", "polish"),
    [
        ("receiver.postcode", "postcode_format", {}, "Odbiorca, kod pocztowy: musi mieć postać 00-950."),
        ("parcels[1].weight_g", "too_heavy", {"max_g": 25000}, "Paczka 2, waga: przekracza wagę przyjmowaną"),
        (
            "cod.amount",
            "cod_above_max",
            {"max": "5000.00"},
            "Pobranie, kwota: przekracza maksimum przewoźnika: 5000.00 zł.",
        ),
        (
            "reference",
            "too_long",
            {"max": 20, "length": 31},
            "Numer referencyjny: jest za długie (najwyżej 20 znaków).",
        ),
        ("target_point", "point_required", {}, "Punkt odbioru: trzeba wybrać dla tej usługi."),
        ("receiver.phone", "phone_invalid", {}, "Odbiorca, telefon: nie jest poprawnym numerem telefonu."),
        ("cod.iban", "iban_invalid", {}, "Pobranie, rachunek bankowy: nie jest poprawnym numerem rachunku."),
    ],
)
def test_problems_read_in_polish_and_name_their_field(app, path, code, params, polish):
    with app.test_request_context(), force_locale("pl"):
        assert carrier_labels.problem_text(path, code, params).startswith(polish)


def test_english_and_a_carrier_sentence_we_have_no_code_for(app):
    with app.test_request_context(), force_locale("en"):
        assert carrier_labels.problem_text("receiver.city", "required") == "Receiver, city: is required."
        text = carrier_labels.problem_text("receiver.street", "VALUE_INCORRECT", message="street unknown")
        assert text == "Receiver, street and number: was refused by the carrier: street unknown"


def test_missing_parameters_never_break_the_sentence(app):
    with app.test_request_context(), force_locale("pl"):
        assert (
            carrier_labels.problem_text("parcels", "parcels_too_many", {})
            == "Paczki: są zbyt liczne dla tej usługi."
        )
