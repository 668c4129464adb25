"""Cash on delivery (pobranie) the broker collects through its own carrier contracts and pays out to the
sellers: records made with the shipments, states moved by tracking and by the carriers' remittances,
payout holds while an account has unpaid dues, offsets against those dues, the daily payout batch and the
account's report. Wysyłam z Allegro COD (paid by Allegro to the seller's wallet) is only followed.

Modules: accounts (settings, holds, the lock), records, progress (the job), remittances, offsets,
payouts, report.
"""
from desk.services.billing.cod import accounts, offsets, payouts, progress, records, remittances, report

__all__ = ["accounts", "offsets", "payouts", "progress", "records", "remittances", "report"]
