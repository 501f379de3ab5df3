"""Which of the platform's models are deliberately not audited, and which are logs.

Every model of a ``certguard`` app is either ``Audited`` (its changes go to the audit log,
before and after) or listed in ``NOT_AUDITED`` with the reason; a test holds every model to
one of the two. ``LOG_MODELS`` are records of what happened: the admin site shows them and
refuses to add, change or delete them (GB/T 22239-2019 8.1.4.3 c). Labels, not imports, so
that ``core`` stays the lowest layer.
"""

from __future__ import annotations

NOT_AUDITED: dict[str, str] = {
    "core.auditentry": "the audit log itself: append-only, signed and hash-chained",
    "core.auditseal": "the audit log's checkpoints: append-only, signed",
    "core.job": "progress counters of background jobs, rewritten several times a second; "
                "what a job changes is audited by the services it calls",
    "orgs.region": "GB/T 2260 division codes loaded from the packaged table at migrate time "
                   "and never edited in the platform",
    "orgs.loginevent": "a log itself (logins and failed logins), append-only",
    "registry.certificateevent": "the certificate's own history, written beside every "
                                 "audited certificate change",
    "registry.importbatch": "the record of one import; the import's rows are audited "
                            "(audit_bulk) and its creation logged by the import service",
    "workforce.ledgerchange": "the ledger's own history; the LedgerEntry changes it "
                              "describes are audited before and after",
    "selfcheck.workerresult": "results computed by a roster check and replaced whole by the "
                              "next check of the same upload; the check (RosterUpload) and "
                              "every read of the results are audited",
    "ecert.signedpayload": "a cache of signatures made for a certificate, derived from the "
                           "audited certificate and key; re-creatable at any time",
    # --- security (issue 10) ---
    "core.ratecounter": "rate-limit counters, incremented on every limited request and "
                        "discarded when their window ends; what the requests did is audited",
    "ecert.revocationversion": "published versions of the revocation list, derived from the "
                               "audited certificates' statuses",
}

LOG_MODELS: dict[str, str] = {
    "core.auditentry": "the audit log",
    "core.auditseal": "the audit log's checkpoints",
    "admin.logentry": "Django's record of admin actions",
    "orgs.loginevent": "logins and failed logins",
    "axes.accessattempt": "failed-login evidence behind a lockout (an account is unlocked at "
                          "the server's command line: `certguard axes_reset_username NAME`)",
    "axes.accesslog": "logins and logouts",
    "axes.accessfailurelog": "failed logins",
    "registry.certificateevent": "a certificate's history",
    "registry.importbatch": "imports of department data",
    "workforce.ledgerchange": "the ledger's history",
    "clues.clueevent": "a clue's handling history",
    "selfcheck.uploadevent": "a roster upload's history",
    # --- security (issue 10) ---
    "netwatch.handoverevent": "a handover's history",
    "cases.referralevent": "a criminal referral's steps",
    "cases.listingevent": "a dishonesty listing's steps",
    "reporting.reportevent": "a report's submissions, returns and approvals",
    "enforcement.checklistentry": "what an inspector recorded on site",
}
