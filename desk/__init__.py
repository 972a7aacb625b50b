"""The team leader's pages: approvals, the area, absences, cancellations."""
