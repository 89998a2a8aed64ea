"""Reimbursement claims: the documents an SME sends after a mission, read and checked against the
mission's reimbursement rule before the staff look at them (issue 24)."""
