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

# --- the formal track (docs/legal-reference.md §2.9) ---------------------------------------------------------

# No statute sets a time for answering a formalitetsklage; an answer is owed within reasonable time (R68,
# R69). klagesag follows Ringsted's servicemål (R70): the citizen hears from the kommune when it cannot
# answer within 8 arbejdsdage. The kommune sets its own number with KLAGESAG_SERVICEMAAL_ARBEJDSDAGE.
SERVICEMAAL_WORKING_DAYS = 8

# The caseworker is warned this long before the servicemål, so the answer can go out before the citizen
# gets a delay notice.
SERVICEMAAL_WARNING_BEFORE = timedelta(days=2)

# Each level that takes the complaint (the forvaltning, then the borgmester, a direktør or the
# borgerrådgiver) gets its own servicemål from the day it takes it. Policy [UNVERIFIED]: the sources give
# the servicemål only for the first answer (R70).
SERVICEMAAL_AT_EACH_LEVEL = True

# The borgerrådgiver takes a formal complaint only when the dialogue with the forvaltning is exhausted
# (SEED 002). klagesag counts it as exhausted once the forvaltning has answered the formal points, or its
# servicemål has passed without an answer. Policy [UNVERIFIED]: SEED 002 does not say what "exhausted" means.
DIALOGUE_EXHAUSTED_WHEN_SERVICEMAAL_PASSED = True

# The borgerrådgiver is optional (kommunestyrelsesloven § 65 e, R50); the answer letter names it as an
# onward route only where the kommune has one.
KOMMUNE_HAS_BORGERRAADGIVER = True

# --- paths into and around the genvurdering (docs/legal-reference.md §2.6, §2.7) -----------------------------

# A complaint sent within the klagefrist to the wrong authority, or to Ankestyrelsen directly, is judged
# timely from the day it first arrived there (SEED 000). Policy [UNVERIFIED]: FOU 2020.23 (R63) holds the
# sender responsible for reaching the competent authority in time, and U 2021.2028 V (R64) was not
# retrieved; every such case is flagged for legal review. False: timeliness from the kommune's receipt.
MISDIRECTED_TIMELY_FROM_FIRST_RECEIPT = True

# "Klage følger" meets the klagefrist (R11); the genvurdering waits for the substance and its 4 weeks run
# from the day it arrives. Policy [UNVERIFIED]: no source says when the 4 weeks start for a placeholder.
# False: the 4 weeks run from the placeholder, as from any complaint.
GENVURDERING_WAITS_FOR_SUBSTANCE = True

# How long the kommune waits for the substance before the caseworker is told to follow up (and, failing
# that, to genvurdere on what the case holds: a complaint needs no reasons, R3). Policy [UNVERIFIED].
SUBSTANCE_WAITING_PERIOD = timedelta(days=14)
