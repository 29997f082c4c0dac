"""The demo cases: both seed stories followed to their outcome, loaded twice without change."""

from sasaeai.cases import demo
from sasaeai.cases.models import Case, CaseStory, Referral
from sasaeai.resources import demo as resources_demo


def test_demo_cases_follow_the_seed_stories(musashino):
    resources_demo.load(musashino)
    demo.load(musashino)
    demo.load(musashino)  # idempotent
    assert Case.objects.filter(municipality=musashino).count() == 6
    woman = Case.objects.get(municipality=musashino, age=61)
    referral = woman.referrals.get()
    assert referral.service.name == "テンミリオンハウス 境南の家"
    assert list(referral.transitions.values_list("to_status", flat=True)) == [
        "proposed",
        "trial",
        "started",
        "settled",
        "ended",
    ]
    assert referral.outcome == "volunteering"
    assert woman.status == "closed"
    man = Case.objects.get(municipality=musashino, age=73)
    outcomes = dict(
        man.referrals.filter(status="ended").values_list("service__external_id", "outcome")
    )
    assert outcomes == {
        "demo:center-tsudoi": "from_day_service",
        "demo:rojin-karaoke": "joined",
    }
    assert Referral.objects.filter(case=man, status="trial").exists()
    story = CaseStory.objects.get(status="published")
    assert "61歳" not in story.consultation + story.response
    assert "60歳代前半の女性" in story.consultation
