"""Administration: agents' roles and accounts, deactivation, and switching seller accounts off and on.

The desk must always keep one active administrator, so nobody can lock everyone out of this page.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from desk.extensions import db
from desk.models import AccountStatus, Agent, Role, SellerAccount
from desk.services.accounts import devices
from desk.services.errors import N_, NotFoundError, ValidationError


def list_agents() -> list[Agent]:
    """Every agent with the accounts they may see, active ones first, then by name."""
    query = select(Agent).options(selectinload(Agent.accounts))
    return list(db.session.scalars(query.order_by(Agent.is_active_flag.desc(), Agent.name, Agent.id)))


def get_agent(agent_id: int) -> Agent:
    """The agent, or NotFoundError."""
    agent = db.session.get(Agent, agent_id)
    if agent is None:
        raise NotFoundError(N_("No such agent."))
    return agent


def update_agent(agent_id: int, *, role: str, account_ids: Iterable[int], acting_agent_id: int) -> Agent:
    """Change an agent's role and the accounts they may see. Commits."""
    agent = get_agent(agent_id)
    try:
        new_role = Role(role)
    except ValueError:
        raise ValidationError(N_("Unknown role: %(role)s."), role=role) from None
    if agent.role is Role.ADMIN and new_role is not Role.ADMIN:
        if agent.id == acting_agent_id:
            raise ValidationError(N_("You cannot take away your own administrator role."))
        _keep_an_admin(agent)
    agent.role = new_role
    agent.accounts = _accounts(account_ids)
    db.session.commit()
    return agent


def set_agent_active(agent_id: int, *, active: bool, acting_agent_id: int) -> Agent:
    """Deactivate an agent (sessions and known devices end, no more sign-ins) or reactivate them. Commits."""
    agent = get_agent(agent_id)
    if not active and agent.id == acting_agent_id:
        raise ValidationError(N_("You cannot deactivate your own account."))
    if not active and agent.role is Role.ADMIN:
        _keep_an_admin(agent)
    agent.is_active_flag = active
    if not active:
        agent.session_generation += 1  # a reactivated agent signs in again
        devices.forget_all(agent.id)
    db.session.commit()
    return agent


def set_account_enabled(account_id: int, *, enabled: bool) -> SellerAccount:
    """Switch a seller account off (no sync, no writes) or back on. Commits."""
    account = db.session.get(SellerAccount, account_id)
    if account is None:
        raise NotFoundError(N_("No such seller account."))
    if not enabled:
        account.status = AccountStatus.DISABLED
    elif account.status is AccountStatus.DISABLED:
        if account.token is None:
            raise ValidationError(N_("Connect the account to Allegro before enabling it."))
        # A dead refresh token is found again by the next sync, which asks for a reconnection.
        account.status = AccountStatus.ACTIVE
        account.status_reason = None
    db.session.commit()
    return account


def _keep_an_admin(leaving: Agent) -> None:
    others = db.session.scalar(
        select(func.count()).select_from(Agent).where(
            Agent.role == Role.ADMIN, Agent.is_active_flag.is_(True), Agent.id != leaving.id
        )
    )
    if not others:
        raise ValidationError(N_("The desk needs at least one active administrator."))


def _accounts(account_ids: Iterable[int]) -> list[SellerAccount]:
    ids = set(account_ids)
    accounts = list(db.session.scalars(select(SellerAccount).where(SellerAccount.id.in_(ids)))) if ids else []
    if len(accounts) != len(ids):
        raise ValidationError(N_("One of the chosen seller accounts does not exist."))
    return sorted(accounts, key=lambda account: account.name)
