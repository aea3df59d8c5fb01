from caredesk.reports import demo
from caredesk.reports.standard import current_standard


def test_demo_sets_the_businesss_standard_once(billing, ada, alice):
    demo.load({"Billing": billing}, {"ada": ada, "alice": alice})
    assert current_standard().goal("resolution").value == 960
    assert current_standard().goal("warm").value == 0.8  # left to its default
    from caredesk.reports.models import CareStandard

    CareStandard.objects.update(goals={"first_reply": {"value": 15, "direction": "at_most"}})
    demo.load({"Billing": billing}, {"ada": ada, "alice": alice})
    assert current_standard().goal("first_reply").value == 15
