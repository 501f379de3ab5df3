"""The verification lookup as SQL, free of Django so a bare baseline app can share it.

One table, one index probe: the certificate row carries the holder's ID number and name as
printed; family and issuer names come from small in-memory maps, not joins.
"""

FIELDS = ("cert_no", "family_id", "item_code", "issuer_code", "issuer_id", "first_issued",
          "valid_from", "valid_until", "review_due", "last_review", "status", "status_reason",
          "id_no", "name")
DATE_FIELDS = ("first_issued", "valid_from", "valid_until", "review_due", "last_review")
LOOKUP_SQL = (f"SELECT {', '.join(FIELDS)} FROM registry_certificate WHERE {{where}} "  # noqa: S608
              "ORDER BY family_id, item_code")
BY_ID_NO = LOOKUP_SQL.format(where="id_no = %s")
BY_CERT_NO = LOOKUP_SQL.format(where="cert_no = %s")
BY_BOTH = LOOKUP_SQL.format(where="id_no = %s AND cert_no = %s")

# Bulk checks need only the decision: fewer columns, and dates as ISO text (they compare
# correctly as strings, and skipping the driver's date conversion halves the fetch cost).
COMPACT_FIELDS = ("id_no", "cert_no", "item_code", "name", "status", "valid_from",
                  "valid_until", "review_due", "last_review")
COMPACT_SQL = ("SELECT id_no, cert_no, item_code, name, status, CAST(valid_from AS TEXT), "
               "CAST(valid_until AS TEXT), CAST(review_due AS TEXT), "
               "CAST(last_review AS TEXT) FROM registry_certificate WHERE {where}")
