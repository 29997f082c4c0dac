"""Under pytest-xdist a browser journey's tests stay together on one worker; every other test
is scheduled on its own (tests/xdist_schedule.py)."""

from tests.xdist_schedule import scope_of


def test_a_journeys_tests_share_their_files_unit():
    first = scope_of("tests/browser/test_journey_home.py::test_home_for_each_role[tier2-1]")
    second = scope_of("tests/browser/test_journey_home.py::test_home_menu_by_keyboard")
    assert first == second == "tests/browser/test_journey_home.py"
    assert scope_of("tests/browser/test_login.py::test_login_with_the_keyboard_only") != first


def test_other_tests_are_scheduled_one_by_one():
    assert scope_of("tests/test_home.py::test_every_registered_panel_renders_for_each_role") is None
    assert scope_of("sasaeai/cases/tests/test_api.py::test_case_create") is None
