"""Flows that span areas (a shipment changing its Allegro order); they sit above the areas they join."""
