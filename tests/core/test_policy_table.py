"""The policy table: closed, documented, and saying what the issues say it must."""

from pathlib import Path

import pytest

from certguard.core import policy
from certguard.core.rights import ADMIN_ROLES, RIGHTS, ROLES, policy_markdown
from certguard.core.scoping import Actor

DOCS = Path(__file__).resolve().parents[2] / "docs" / "policy.md"


def test_docs_show_the_table_as_it_is():
    assert DOCS.read_text(encoding="utf-8") == policy_markdown(), \
        "docs/policy.md 已过期：python -m certguard.core.rights > docs/policy.md"


def test_an_unknown_action_fails_loudly():
    with pytest.raises(policy.UnknownAction):
        policy.requires("clues.veiw")
    from certguard.clues.models import Clue

    with pytest.raises(policy.UnknownAction):
        Clue.objects.restrict(None, "view")
    with pytest.raises(policy.UnknownAction):  # an action of another model
        Clue.objects.restrict(None, "ledger.view")


def test_every_role_in_the_table_exists():
    known = set(ROLES) | {"anonymous"}
    for action, right in RIGHTS.items():
        assert right.roles <= known, action
        assert right.mode in ("view", "change"), action


def _actor(role: str) -> Actor:
    return Actor(user_id=1, username=role, role=role, organisation_id=1,
                 organisation_kind="enterprise", is_admin=role == "admin")


@pytest.mark.parametrize("action", ["ledger.view", "selfcheck.view", "selfcheck.file"])
def test_a_worker_reads_no_company_records(action):
    assert not policy.allows(_actor("worker"), action)


def test_separation_of_duties():
    """The system administrator neither reads nor verifies the audit log; the auditor reads
    it and changes nothing; the security administrator manages accounts only."""
    admin, auditor, security = _actor("admin"), _actor("audit_admin"), _actor("security_admin")
    assert not policy.allows(admin, "audit.view") and not policy.allows(admin, "audit.verify")
    assert policy.allows(auditor, "audit.view")
    assert [a for a, r in RIGHTS.items() if "audit_admin" in r.roles and r.mode == "change"] \
        == []
    assert {a for a, r in RIGHTS.items() if "security_admin" in r.roles} <= {
        "account.use", "account.api_token", "jobs.view", "reference.view",
        "system.admin_site", "security.accounts", "account.login", "public.verify",
        "public.scan", "public.trust_lists", "public.api_docs"}
    assert not policy.allows(security, "clues.view")
    assert len(ADMIN_ROLES) == 3


def test_public_accounts_mint_no_api_tokens():
    assert not policy.allows(_actor("public"), "account.api_token")
    assert policy.allows(_actor("analyst"), "account.api_token")
