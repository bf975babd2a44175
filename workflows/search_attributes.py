"""The search attributes of a complaint: non-personal facts only (brief: personal data)."""

from temporalio.common import SearchAttributeKey

KOMMUNE = SearchAttributeKey.for_keyword("KlagesagKommune")
PHASE = SearchAttributeKey.for_keyword("KlagesagPhase")
NEXT_DEADLINE = SearchAttributeKey.for_datetime("KlagesagNextDeadline")
OVERDUE = SearchAttributeKey.for_bool("KlagesagOverdue")
ROUND = SearchAttributeKey.for_int("KlagesagRound")

ALL = [KOMMUNE, PHASE, NEXT_DEADLINE, OVERDUE, ROUND]

# The names and types as `temporal server start-dev --search-attribute NAME=TYPE` takes them.
FOR_DEV_SERVER = {key.name: key.indexed_value_type.name.title().replace("_", "") for key in ALL}
