"""ORM models, one module per aggregate."""
from desk.models import issue, rating  # noqa: F401  (register their tables)
from desk.models.account import AccountStatus, AllegroToken, DeviceAuthorization, SellerAccount
from desk.models.agent import Agent, KnownDevice, LoginAttempt, Role, agent_account
from desk.models.audit import AccessAction, AccessLog, AccessLogPending
from desk.models.billing import BillingProfile, EntryKind, InvoiceMode, LedgerEntry, PaymentMode
from desk.models.cod import CodAccount, CodPayout, CodPayoutBatch, CodState, ShipmentCod
from desk.models.complaint import (
    CarrierKind,
    Complaint,
    ComplaintEvent,
    ComplaintFile,
    ComplaintState,
    ComplaintType,
    InvoiceReason,
    ParcelReturn,
    ReturnInstruction,
)
from desk.models.invoice import (
    CorrectionReason,
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoiceLine,
    InvoiceState,
    NettedEntry,
)
from desk.models.offboarding import AccountOffboarding, OffboardingKind, OffboardingState
from desk.models.order import Order, OrderChange, OrderLine, OrderNote
from desk.models.outbox import OutboxMessage, OutboxState
from desk.models.payout import Payout, PayoutExport, PayoutState, Topup, TopupSource
from desk.models.pickup import Pickup, PickupStatus
from desk.models.pricing import AddonPrice, PriceList, PriceRow
from desk.models.privacy import ErasedBuyer, ErasedOrder
from desk.models.privacy_request import (
    BuyerExport,
    BuyerRestriction,
    LegalHold,
    PrivacyEvent,
    PrivacyRequest,
)
from desk.models.retention import RetentionMark, RetentionPolicy, RetentionRun, RetentionSettings
from desk.models.shipment import (
    BatchItemStatus,
    BatchState,
    PackagePreset,
    Shipment,
    ShipmentBatch,
    ShipmentBatchItem,
    ShipmentEvent,
    ShipmentLabel,
    ShipmentStatus,
)
from desk.models.surcharge import Surcharge, SurchargeImport, SurchargeKind, SurchargeState
from desk.models.sync import QuarantinedRecord, SyncCursor, SyncLease, SyncRun, SyncSchedule

__all__ = [
    "BuyerExport",
    "BuyerRestriction",
    "LegalHold",
    "PrivacyEvent",
    "PrivacyRequest",
    "AccountOffboarding",
    "OffboardingKind",
    "OffboardingState",
    "AccessAction",
    "AccessLog",
    "AccessLogPending",
    "CarrierKind",
    "Complaint",
    "ComplaintEvent",
    "ComplaintFile",
    "ComplaintState",
    "ComplaintType",
    "InvoiceReason",
    "ParcelReturn",
    "ReturnInstruction",
    "BatchItemStatus",
    "BillingProfile",
    "CodAccount",
    "CodPayout",
    "CodPayoutBatch",
    "CodState",
    "ShipmentCod",
    "EntryKind",
    "ErasedBuyer",
    "ErasedOrder",
    "InvoiceMode",
    "CorrectionReason",
    "Invoice",
    "InvoiceCounter",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceState",
    "NettedEntry",
    "LedgerEntry",
    "PaymentMode",
    "Payout",
    "PayoutExport",
    "PayoutState",
    "Topup",
    "TopupSource",
    "BatchState",
    "AccountStatus",
    "AddonPrice",
    "Agent",
    "AllegroToken",
    "DeviceAuthorization",
    "KnownDevice",
    "LoginAttempt",
    "Order",
    "OrderChange",
    "OrderLine",
    "OrderNote",
    "OutboxMessage",
    "OutboxState",
    "PackagePreset",
    "PriceList",
    "PriceRow",
    "Pickup",
    "PickupStatus",
    "QuarantinedRecord",
    "RetentionMark",
    "RetentionPolicy",
    "RetentionRun",
    "RetentionSettings",
    "Role",
    "SellerAccount",
    "Shipment",
    "ShipmentEvent",
    "ShipmentBatch",
    "ShipmentBatchItem",
    "ShipmentLabel",
    "ShipmentStatus",
    "Surcharge",
    "SurchargeImport",
    "SurchargeKind",
    "SurchargeState",
    "SyncCursor",
    "SyncLease",
    "SyncRun",
    "SyncSchedule",
    "agent_account",
]
