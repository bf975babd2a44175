from domain.vocabulary import Phase
from tests.workflow.harness import Harness


async def test_fastholdt_goes_to_ankestyrelsen_and_closes_on_stadfaestelse(harness: Harness) -> None:
    case = await harness.file()
    assert (await case.view()).phase == Phase.GENVURDERING
    await case.step("genvurdering", result="fastholdt")
    await case.step("ankestyrelsen-received", journal_number="25-123456")
    result = await case.step("ankestyrelsen-outcome", outcome="stadfaestet")
    assert result.phase == Phase.CLOSED
    view = await case.settled()
    assert view.outcome == "stadfaestet"
    assert await case.letter_kinds() == ["kvittering", "ikke_fuldt_medhold", "oversendelse"]
