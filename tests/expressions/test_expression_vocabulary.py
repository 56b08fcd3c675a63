"""What designers may write: literals, operators, records, functions and dates."""

import datetime as dt
from decimal import Decimal

import pytest

from engine.expressions import ExpressionError, compile_expression


def evaluate(source, **variables):
    return compile_expression(source).evaluate(variables)


@pytest.mark.parametrize(("source", "expected"), [
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("7 // 2", 3),
    ("7 % 3", 1),
    ("2 ** 10", 1024),
    ("-5 + +2", -3),
    ("'deal' + 'flow'", "dealflow"),
    ("[1, 2] + [3]", [1, 2, 3]),
    ("'ab' * 3", "ababab"),
])
def test_arithmetic_follows_the_usual_rules(source, expected):
    assert evaluate(source) == expected


def test_literals_with_a_decimal_point_are_exact_decimals():
    assert evaluate("0.1 + 0.2 == 0.3") is True
    assert evaluate("0.1 + 0.2") == Decimal("0.3")
    assert isinstance(evaluate("19.99"), Decimal)


def test_a_long_decimal_literal_keeps_every_digit():
    assert evaluate("1.00000000000000000001") == Decimal("1.00000000000000000001")


def test_division_gives_an_exact_decimal_never_a_float():
    assert evaluate("10 / 4") == Decimal("2.5")
    assert isinstance(evaluate("10 / 5"), Decimal)


def test_floats_from_task_data_become_exact_before_arithmetic():
    assert evaluate("price + 0.2", price=0.1) == Decimal("0.3")


@pytest.mark.parametrize(("source", "expected"), [
    ("amount > 1000", True),
    ("amount >= 5000", False),
    ("1 < amount < 5000", True),
    ("1 < amount < 2", False),
    ("stage == 'proposal'", True),
    ("stage != 'proposal'", False),
    ("'lost' in stages", False),
    ("'won' not in stages", False),
    ("'pro' in stage", True),
    ("owner is None", True),
    ("owner is not None", False),
    ("amount > 1000 and stage == 'proposal'", True),
    ("amount > 9999 or stage == 'proposal'", True),
    ("not stages", False),
])
def test_comparisons_and_logic(source, expected):
    variables = {"amount": 2500, "stage": "proposal", "stages": ["proposal", "won"], "owner": None}
    assert evaluate(source, **variables) is expected


def test_and_or_return_the_deciding_value_like_python():
    assert evaluate("region or 'EMEA'", region="") == "EMEA"


def test_conditional_expression_picks_a_branch():
    assert evaluate("'large' if amount > 1000 else 'small'", amount=10) == "small"


def test_dot_access_on_a_record_reads_its_key():
    deal = {"amount": 1200, "account": {"country": "PL"}}
    assert evaluate("deal.amount", deal=deal) == 1200
    assert evaluate("deal.account.country == 'PL'", deal=deal) is True
    assert evaluate("deal['account']['country']", deal=deal) == "PL"


def test_subscripts_and_slices_on_lists_and_text():
    assert evaluate("items[0]", items=[5, 6, 7]) == 5
    assert evaluate("items[-1]", items=[5, 6, 7]) == 7
    assert evaluate("items[1:]", items=[5, 6, 7]) == [6, 7]
    assert evaluate("code[:2]", code="PL-01") == "PL"


def test_displays_build_lists_tuples_records_and_sets():
    assert evaluate("[1, 2]") == [1, 2]
    assert evaluate("(1, 2)") == (1, 2)
    assert evaluate("{'a': 1}") == {"a": 1}
    assert evaluate("{1, 1, 2}") == {1, 2}


def test_comprehensions_filter_and_transform():
    contacts = [{"role": "champion", "name": "Ann"}, {"role": "user", "name": "Bo"}]
    assert evaluate("[c.name for c in contacts if c.role == 'champion']", contacts=contacts) == ["Ann"]
    assert evaluate("any(c.role == 'champion' for c in contacts)", contacts=contacts) is True
    assert evaluate("{c.name: c.role for c in contacts}", contacts=contacts) == {"Ann": "champion", "Bo": "user"}


def test_comprehension_variables_do_not_leak_into_task_data():
    variables = {"xs": [1, 2]}
    compile_expression("[x for x in xs]").evaluate(variables)
    assert variables == {"xs": [1, 2]}


def test_f_strings_format_values():
    assert evaluate("f'{name}: {amount:,.2f} EUR'", name="Acme", amount=Decimal("1234.5")) == "Acme: 1,234.50 EUR"


@pytest.mark.parametrize(("source", "expected"), [
    ("min(3, 1, 2)", 1),
    ("max([3, 1, 2])", 3),
    ("len('abc')", 3),
    ("len({'a': 1})", 1),
    ("round(2.675, 2)", Decimal("2.68")),
    ("round(2.5)", 3),
    ("abs(-4)", 4),
    ("sum([1, 2, 3.5])", Decimal("6.5")),
    ("int('42')", 42),
    ("int(3.9)", 3),
    ("float('12.5')", Decimal("12.5")),
    ("decimal('12.50')", Decimal("12.50")),
    ("str(12)", "12"),
    ("bool('')", False),
    ("sorted([3, 1, 2])", [1, 2, 3]),
    ("sorted([3, 1, 2], reverse=True)", [3, 2, 1]),
    ("all([True, 1])", True),
    ("range(3)", [0, 1, 2]),
    ("range(1, 10, 4)", [1, 5, 9]),
    ("lower('EMEA')", "emea"),
    ("upper('emea')", "EMEA"),
])
def test_functions_of_the_vocabulary(source, expected):
    assert evaluate(source) == expected


@pytest.mark.parametrize(("source", "expected"), [
    ("' Acme '.strip()", "Acme"),
    ("'EMEA'.lower()", "emea"),
    ("'emea'.upper()", "EMEA"),
    ("'PL-01'.startswith('PL')", True),
    ("'PL-01'.endswith('02')", False),
    ("{'a': 1}.get('b', 0)", 0),
    ("{'a': 1}.get('a')", 1),
])
def test_whitelisted_methods_on_text_and_records(source, expected):
    assert evaluate(source) == expected


def test_a_text_method_on_a_record_says_what_it_works_on():
    with pytest.raises(ExpressionError, match=r"\.lower\(\) works on text, but 'deal' is record"):
        evaluate("deal.lower()", deal={})


def test_date_helpers():
    assert evaluate("date('2026-12-01')") == dt.date(2026, 12, 1)
    assert evaluate("datetime('2026-12-01T10:00:00Z')") == dt.datetime(2026, 12, 1, 10, tzinfo=dt.timezone.utc)
    assert evaluate("add_days(date('2026-12-01'), 31)") == dt.date(2027, 1, 1)
    assert evaluate("days_between(date('2026-12-01'), date('2026-12-15'))") == 14
    assert evaluate("days(2) + hours(3)") == dt.timedelta(days=2, hours=3)
    assert evaluate("duration('P3DT4H30M')") == dt.timedelta(days=3, hours=4, minutes=30)
    assert evaluate("duration('P2W')") == dt.timedelta(weeks=2)
    assert evaluate("date('2026-12-01') + days(1) > date('2026-12-01')") is True


def test_today_and_now_are_in_utc():
    now = evaluate("now()")
    assert now.tzinfo == dt.timezone.utc
    assert abs(now - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)
    # Outside a workflow step they read the wall clock: read it on both sides, so a
    # run across midnight UTC still knows which days are right.
    before = dt.datetime.now(dt.timezone.utc).date()
    today = evaluate("today()")
    assert before <= today <= dt.datetime.now(dt.timezone.utc).date()


def test_without_a_company_zone_today_is_the_utc_day_of_the_steps_moment():
    from engine.runtime.clock import frozen_now

    with frozen_now(dt.datetime(2026, 12, 31, 23, 40, tzinfo=dt.timezone(dt.timedelta(hours=1)))):
        assert evaluate("today()") == dt.date(2026, 12, 31)  # 22:40 UTC
    with frozen_now(dt.datetime(2026, 12, 31, 23, 40, tzinfo=dt.timezone.utc)):  # 00:40 on 1 January in Warsaw
        assert (evaluate("today()"), evaluate("now()")) == (
            dt.date(2026, 12, 31), dt.datetime(2026, 12, 31, 23, 40, tzinfo=dt.timezone.utc))


def test_today_is_the_company_day_and_now_stays_the_utc_instant():
    from engine.runtime.clock import company_zone, frozen_now

    late = dt.datetime(2026, 12, 31, 23, 40, tzinfo=dt.timezone.utc)  # 00:40 on 1 January in Warsaw
    with frozen_now(late), company_zone("Europe/Warsaw"):
        assert evaluate("today()") == dt.date(2027, 1, 1)
        assert evaluate("days_between(today(), date('2027-01-01'))") == 0
        assert evaluate("now()") == late and evaluate("now()").tzinfo == dt.timezone.utc
    with frozen_now(dt.datetime(2027, 1, 1, 4, 0, tzinfo=dt.timezone.utc)), company_zone("America/New_York"):
        assert evaluate("today()") == dt.date(2026, 12, 31)  # 23:00 on 31 December in New York


def test_the_company_zone_is_asked_for_only_by_today_and_only_once():
    from engine.runtime.clock import company_zone, frozen_now

    asked = []

    def zone():
        asked.append(1)
        return "Europe/Warsaw"

    with frozen_now(dt.datetime(2026, 12, 31, 23, 40, tzinfo=dt.timezone.utc)), company_zone(zone):
        evaluate("now() + days(1)")
        assert asked == []
        assert evaluate("[today(), today()]") == [dt.date(2027, 1, 1)] * 2
        assert evaluate("today()") == dt.date(2027, 1, 1)
        assert asked == [1]
    from engine.expressions.functions import COMPANY_ZONE
    assert COMPANY_ZONE.get() == "UTC"  # outside the block: UTC again


def test_datetime_of_a_date_is_the_company_midnight_as_a_utc_instant():
    from engine.runtime.clock import company_zone, frozen_now

    utc = dt.timezone.utc
    assert evaluate("datetime(date('2026-12-01'))") == dt.datetime(2026, 12, 1, tzinfo=utc)  # no zone set: UTC
    with frozen_now(dt.datetime(2026, 12, 31, 23, 30, tzinfo=utc)), company_zone("Europe/Warsaw"):
        assert evaluate("datetime(today())") == dt.datetime(2026, 12, 31, 23, 0, tzinfo=utc)  # 1 January began
        assert evaluate("datetime(date('2026-07-01'))") == dt.datetime(2026, 6, 30, 22, 0, tzinfo=utc)  # summer
        assert evaluate("datetime(today())").tzinfo == utc
        assert evaluate("now() - datetime(today())") == dt.timedelta(minutes=30)
        # text names an instant: without a zone it stays UTC, as a timer's timeDate does
        assert evaluate("datetime('2026-12-01')") == dt.datetime(2026, 12, 1, tzinfo=utc)
    with company_zone("America/Santiago"):  # clocks go from 00:00 to 01:00 on 6 September 2026
        assert evaluate("datetime(date('2026-09-06'))") == dt.datetime(2026, 9, 6, 4, 0, tzinfo=utc)  # 01:00 -03


def test_a_datetime_without_zone_is_taken_as_utc():
    assert evaluate("datetime('2026-12-01T10:00:00')").tzinfo == dt.timezone.utc


def test_durations_in_months_are_refused_because_they_have_no_fixed_length():
    with pytest.raises(ExpressionError, match="years or months"):
        evaluate("duration('P1M')")


def test_unreadable_dates_say_the_expected_format():
    with pytest.raises(ExpressionError, match="YYYY-MM-DD"):
        evaluate("date('1st of May')")


def test_an_expression_lists_the_variables_it_reads():
    expression = compile_expression("deal.amount > limit and any(c.ok for c in contacts) and len(x) > 0")
    assert expression.names == frozenset({"deal", "limit", "contacts", "x"})


def test_indented_expressions_from_bpmn_files_are_accepted():
    assert evaluate("\n      amount > 1000\n    ", amount=2000) is True


def test_timer_expressions_are_quoted_iso_text():
    assert evaluate('"PT1H"') == "PT1H"


def test_a_compiled_expression_can_be_evaluated_many_times():
    expression = compile_expression("amount * 2")
    assert [expression.evaluate({"amount": n}) for n in (1, 2, 3)] == [2, 4, 6]
