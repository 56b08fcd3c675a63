"""``dealflow activity`` and ``dealflow calendar`` as a user types them, on the
embedded SQLite default with the shipped methodologies: a call planned on a deal,
moved, listed, recorded; the feed's link printed, parsed and revoked; mistakes as
one-line errors."""

import re

import icalendar
import pytest

from engine import Engine
from tests.conftest import SHIPPED, FakeClock, commands_at


@pytest.fixture
def deal(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DEALFLOW_DATABASE_URL", raising=False)
    commands_at(monkeypatch, FakeClock().now)  # the calls planned in 2031 stay ahead of "now"
    assert run_cli("demo", str(SHIPPED)).exit_code == 0
    created = run_cli("opportunity", "create", "--title", "Cold rooms", "--amount", "90000", "--partner", "Hurt-Pol",
                      "--attr", "channel=wholesale", "--attr", "territory=PL-MZ", "--owner", "rep1",
                      "--as", "manager")
    assert created.exit_code == 0, created.output
    return re.search(r"Opportunity #(\d+)", created.output).group(1)


def test_a_call_is_planned_moved_listed_and_recorded(deal, run_cli):
    planned = run_cli("activity", "plan", "--deal", deal, "--subject", "Follow up", "--at", "2031-03-03T10:00",
                      "--zone", "Europe/Warsaw", "--minutes", "45", "--as", "rep1")
    assert planned.exit_code == 0, planned.output
    assert "2031-03-03 09:00Z   45 min  call    planned   Follow up  [partner #" in planned.output
    activity_id = re.search(r"#(\d+)", planned.output).group(1)
    moved = run_cli("activity", "reschedule", activity_id, "--at", "2031-03-04T08:00+00:00", "--as", "rep1")
    assert moved.exit_code == 0 and "2031-03-04 08:00Z" in moved.output
    listed = run_cli("activity", "list", "--deal", deal, "--as", "rep1")
    assert listed.exit_code == 0 and "Follow up" in listed.output and "1 activity" in listed.output
    done = run_cli("activity", "done", activity_id, "--outcome", "Wants a demo", "--as", "rep1")
    assert done.exit_code == 0 and "done" in done.output and "-> Wants a demo" in done.output
    again = run_cli("activity", "done", activity_id, "--outcome", "Again", "--as", "rep1")
    assert (again.exit_code, again.output) == (1, f"error: activity {activity_id} is already done\n")


def test_a_call_already_made_is_logged_and_the_agenda_lists_what_is_due(deal, run_cli):
    logged = run_cli("activity", "log", "--deal", deal, "--kind", "call", "--subject", "Intro",
                     "--at", "2020-01-01T10:00Z", "--outcome", "Interested", "--as", "rep1")
    assert logged.exit_code == 0 and "done" in logged.output, logged.output
    agenda = run_cli("activity", "list", "--as", "rep1", "--days", "3")
    assert agenda.exit_code == 0 and agenda.output.startswith("overdue (")


def test_the_calendar_link_is_printed_parsed_rotated_and_revoked(deal, run_cli):
    run_cli("activity", "plan", "--deal", deal, "--subject", "Visit", "--kind", "visit", "--at", "2031-03-03T10:00Z",
            "--as", "rep1")
    made = run_cli("calendar", "url", "rep1", "--base-url", "https://crm.example.com")
    assert made.exit_code == 0, made.output
    url = made.output.strip()
    assert re.fullmatch(r"https://crm\.example\.com/calendar/[A-Za-z0-9_-]{40,}\.ics", url)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    engine = Engine(clock=FakeClock())  # the commands' clock
    calendar = icalendar.Calendar.from_ical(engine.calendar_feed(token, base_url="https://crm.example.com/"))
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("activity-")] == [
        "Visit: Visit"]
    again = run_cli("calendar", "url", "rep1", "--base-url", "https://crm.example.com")
    assert (again.exit_code, again.output.strip()) == (0, url)  # the same link, shown again
    rotated = run_cli("calendar", "url", "rep1", "--rotate")
    assert rotated.exit_code == 0 and rotated.output.strip() != url
    revoked = run_cli("calendar", "revoke", "rep1")
    assert (revoked.exit_code, revoked.output) == (0, "revoked 1 link(s) of rep1\n")
    from engine.errors import NotFoundError
    with pytest.raises(NotFoundError):
        engine.calendar_feed(token)
    engine.close()


def test_mistakes_are_one_line_errors(deal, run_cli):
    cases = [
        (["activity", "plan", "--deal", deal, "--subject", " ", "--at", "later", "--minutes", "0", "--as", "rep1"],
         "error: subject: this field is required\n"
         "error: starts_at: enter a date and time such as 2026-12-07T10:00 (with its offset, e.g. +01:00)\n"
         "error: duration_minutes: enter whole minutes from 1 to 1440\n"),
        (["activity", "plan", "--deal", "999", "--subject", "x", "--at", "2031-01-01T10:00Z", "--as", "rep1"],
         "error: no opportunity 999\n"),
        (["activity", "plan", "--deal", deal, "--subject", "x", "--at", "2031-01-01T10:00Z", "--as", "rep2"],
         f"error: no opportunity {deal}\n"),
        (["activity", "done", "424242", "--outcome", "x", "--as", "rep1"], "error: no activity 424242\n"),
        (["activity", "list", "--partner", "1", "--deal", deal, "--as", "rep1"],
         "error: give --partner or --deal, not both\n"),
        (["calendar", "url", "rep1", "--as", "rep2"],
         "error: only 'rep1' or an admin may manage their calendar link\n"),
        (["calendar", "url", "nobody"], "error: no user 'nobody'\n"),
        (["calendar", "url", "rep1", "--base-url", "crm.example.com"],
         "error: --base-url must start with http:// or https://, not 'crm.example.com'\n"),
    ]
    for args, expected in cases:
        result = run_cli(*args)
        assert (result.exit_code, result.output) == (1, expected), args
