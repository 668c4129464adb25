"""Buyer ratings: the ratings desk, answers and removal requests, alerts and the owners' reports."""
