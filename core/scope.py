"""The scope of a unit of work, and what it may touch: one rule set for every metadata store."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import OutOfScope
from .models import SYSTEM_OWNER, TenantId


@dataclass(frozen=True, slots=True)
class Scope:
    """`tenant` None is the system scope: the tenant directory, keys by id, any audit chain; no
    documents. A tenant scope reaches that tenant's rows and its own audit chain only."""

    tenant: TenantId | None

    @property
    def system(self) -> bool:
        return self.tenant is None

    def tenant_data(self, tenant: TenantId) -> None:
        """Documents, keys and usage of `tenant`: only in that tenant's scope."""
        if self.tenant != tenant:
            raise OutOfScope(f"tenant {tenant}'s data was asked for in the scope of {self._name}")

    def tenant_row(self, tenant: TenantId) -> None:
        """A tenant's own directory row: in the system scope or in that tenant's scope."""
        if not self.system and self.tenant != tenant:
            raise OutOfScope(f"tenant {tenant} was asked for in the scope of {self._name}")

    def owner(self, owner: TenantId) -> None:
        """What a tenant or the operator owns (webhook endpoints, their deliveries and jobs): the
        tenant's in its scope, the operator's (SYSTEM_OWNER) in the system scope."""
        if owner == SYSTEM_OWNER:
            self.directory("the operator's webhooks")
        else:
            self.tenant_data(owner)

    def directory(self, what: str) -> None:
        """Reads across tenants (listing tenants, finding a key by id, listing chains)."""
        if not self.system:
            raise OutOfScope(f"{what} needs the system scope, not that of {self._name}")

    def chain(self, chain: str) -> None:
        """A tenant's scope reaches its own audit chain only; the system scope reaches every chain."""
        if not self.system and chain != self.tenant:
            raise OutOfScope(f"audit chain {chain!r} was asked for in the scope of {self._name}")

    @property
    def _name(self) -> str:
        return "the system" if self.tenant is None else f"tenant {self.tenant}"


def scope_of(owner: TenantId) -> TenantId | None:
    """The scope of a unit of work that reaches what `owner` owns."""
    return None if owner == SYSTEM_OWNER else owner
