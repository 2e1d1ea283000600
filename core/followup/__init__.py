"""The budget follow-up: the forecast per grant and rolled up, expected citizens, the § 176
refund, reconciliation, occupancy, validation, approval and the monthly cycle. Built on the
register."""
