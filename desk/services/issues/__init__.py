"""Buyer conversations (discussions, claims, Message Center questions and post-purchase problems):
inbox, detail, replies, claim decisions, deadlines.

Other areas' views reach this area only through the names below.
"""
from desk.services.issues.detail import conversations_for_order

__all__ = ["conversations_for_order"]
