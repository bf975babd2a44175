"""klagesag's policy values: how early it warns, how long it lets a case wait, when it alerts the leder.

The law fixes the deadlines themselves (domain/deadlines.py); the values here are the kommune's choices
around them, each in one place with its reason. Change them here, not in the workflow; a change that
running complaints replay goes through docs/changing-workflows.md.
"""

from __future__ import annotations

from datetime import timedelta

from domain.rules import LONGEST_YEAR

# The caseworker is warned a week before the genvurdering deadline (4 uger, rsl § 66, R3-R4), early enough
# to send a forlængelsesbrev with the expected date (R4).
GENVURDERING_WARNING_BEFORE = timedelta(days=7)

# Ankestyrelsen decides many cases within 3 months and 90 % within 7 months (R35): a case waiting longer
# is worth a supervisor's look.
ANKESTYRELSEN_LONG_WAITS = (timedelta(days=91), timedelta(days=213))

# docs/legal-reference.md §2.5: the leder is alerted when a case is hjemvist for the second time (policy).
REPEATED_REMAND = 2

# Folketingets Ombudsmand takes a complaint within 1 year of the final decision (R43, R44). A closed case
# stays open a month longer, so a late request is answered with that rule rather than "no open case".
ONWARD_WINDOW = LONGEST_YEAR + timedelta(days=30)

# The last step ids and results a case remembers, so a caller retrying a lost answer gets the first result.
REMEMBERED_UPDATES = 20
