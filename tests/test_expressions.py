"""The expression language: what it accepts, what it refuses (with where), and how it judges blanks."""

from __future__ import annotations

import pandas as pd
import pytest

from contractcheck.expressions import EvalContext, ExpressionError, Scope, compile_expression
from contractcheck.return_format import return_format
from contractcheck.rules import rule_functions, schemas_for

SCHEMAS = schemas_for(return_format())
WORKFORCE = Scope(SCHEMAS, "workforce", {"per_value": "money", "roles": "list"}, functions=rule_functions())
CONTRACT = Scope(SCHEMAS, None, {"per_value": "money"}, functions=rule_functions())


def run(text: str, frame: pd.DataFrame, scalars: dict | None = None, params: dict | None = None,
        scope: Scope = WORKFORCE, tables: dict | None = None):
    compiled = compile_expression(text, scope)
    all_tables = {"workforce": frame, **(tables or {})}
    ctx = EvalContext(all_tables, scalars or {}, params or {}, pd.Timestamp("2025-06-30"), scope.row_table,
                      {"workforce": "worker_id", "training": None})
    return compiled.evaluate(ctx)


def workers(**columns) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    for name in frame.columns:
        if name in ("hourly_rate", "average_hours", "unpaid_travel_hours", "age"):
            frame[name] = frame[name].astype("Float64")
        elif name in ("zero_hours", "apprentice"):
            frame[name] = frame[name].astype("boolean")
        elif name.endswith("date") or name in ("date_of_birth", "apprenticeship_start"):
            frame[name] = pd.to_datetime(frame[name])
        else:
            frame[name] = frame[name].astype("string")
    return frame


def test_comparison_is_vectorised_and_blank_is_unknown():
    frame = workers(hourly_rate=[12.0, 13.0, None])
    result = run("hourly_rate >= 12.21", frame)
    assert result.tolist() == [False, True, pd.NA]


def test_unknown_or_true_is_true_and_unknown_and_false_is_false():
    frame = workers(hourly_rate=[None, None], zero_hours=[True, False])
    assert run("hourly_rate > 1 or zero_hours", frame).tolist() == [True, pd.NA]
    assert run("hourly_rate > 1 and zero_hours", frame).tolist() == [pd.NA, False]


def test_text_comparison_ignores_case_and_spaces():
    frame = workers(job_role=["care worker ", "Nurse"])
    assert run('job_role == "Care Worker"', frame).tolist() == [True, False]
    assert run('job_role in ["CARE WORKER", "nurse"]', frame).tolist() == [True, True]


def test_age_on_counts_birthdays_on_the_day():
    frame = workers(date_of_birth=["2000-06-30", "2000-07-01"])
    assert run("age_on(date_of_birth, as_of)", frame).tolist() == [25, 24]


def test_pay_floor_by_age_and_date():
    frame = workers(date_of_birth=["1990-01-01", "2006-01-01"], apprentice=[False, False])
    floors = run("pay_floor(age_on(date_of_birth, as_of), as_of, apprentice)", frame)
    assert floors.tolist() == [12.21, 10.00]


def test_contract_fields_are_scalars_inside_row_rules():
    frame = workers(start_date=["2025-06-01", "2025-01-01"])
    assert run("start_date >= period_start", frame, {"period_start": pd.Timestamp("2025-04-01")}).tolist() == [
        True, False]


def test_aggregates_over_a_table():
    frame = workers(worker_id=["A", "B", "C"], apprentice=[True, False, True])
    assert run("count(workforce, apprentice)", frame, scope=CONTRACT) == 2
    assert run("share(workforce, apprentice)", frame, scope=CONTRACT) == pytest.approx(2 / 3)


def test_has_links_rows_by_key():
    frame = workers(worker_id=["A", "B"])
    training = pd.DataFrame({"worker_id": pd.array(["a", "C"], dtype="string"),
                             "course": pd.array(["Medication", "Medication"], dtype="string")})
    result = run('has(training, course == "medication")', frame, tables={"training": training})
    assert result.tolist() == [True, False]


def test_division_by_zero_is_unknown_not_infinite():
    frame = workers(average_hours=[0.0, 10.0], unpaid_travel_hours=[0.0, 0.0], hourly_rate=[12.0, 12.0])
    result = run("hourly_rate * average_hours / (average_hours + unpaid_travel_hours)", frame)
    assert result.tolist() == [pd.NA, 12.0]


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("hourly_rat >= 12",
         "unknown field or parameter 'hourly_rat' in the workforce table (did you mean 'hourly_rate'?)", 1),
        ("hourly_rate >= ", "syntax error", None),
        ("hourly_rate >= date_of_birth", "cannot compare a money value with a date value", 1),
        ('__import__("os")', "unknown function '__import__'", 1),
        ("hourly_rate.__class__", "unknown table 'hourly_rate'", 1),
        ("[x for x in y]", "is not allowed", 1),
        ("lambda: 1", "is not allowed", 1),
        ("hourly_rate ** 2 > 1", "the operator", 1),
        ("pay_floor(30, as_of)", "pay_floor() takes 3 arguments", 1),
        ("zero_hours and hourly_rate", "'and'/'or' need true/false conditions", 16),
        ("count(nosuch, true)", "needs a table name first", 1),
        ("days_between(start_date, 5) > 1", "argument 2 must be a date", 26),
    ],
)
def test_refused_expressions_say_what_and_where(text, message, column):
    with pytest.raises(ExpressionError) as err:
        compile_expression(text, WORKFORCE, "yesno")
    assert message in err.value.message
    if column is not None:
        assert err.value.column == column


def test_an_assertion_must_be_a_condition():
    with pytest.raises(ExpressionError, match="must be a true/false condition"):
        compile_expression("hourly_rate + 1", WORKFORCE, "yesno")


# --- fixed values and columns: known before any data is read -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("add_days(start_date, average_hours) < as_of", "add_days() argument 2 must be a fixed value", 22),
        ("add_weeks(start_date, sick_days) < as_of", "add_weeks() argument 2 must be a fixed value", 23),
        # add_months takes a count per row (a course's refresh interval): tests/test_obligations.py
        ("contains(job_role, employment_status)", "contains() argument 2 must be a fixed value", 20),
        ('job_role in (roles if zero_hours else ["Nurse"])', "'in' needs a fixed list", 14),
        ("duplicated(provider_name)", "duplicated() takes a field of the rule's table", 1),
        ("duplicated_after_first(provider_name)", "duplicated_after_first() takes a field of the rule's table", 1),
        ('exactly_in(job_role, roles if zero_hours else ["Nurse"])', "exactly_in() argument 2 must be a fixed value",
         22),
        ('missing_values(training, course, roles if course == "x" else ["y"]) == ""',
         "missing_values() argument 3 must be a fixed value", 34),
    ],
)
def test_a_column_where_a_fixed_value_is_needed_is_refused_when_compiling(text, message, column):
    with pytest.raises(ExpressionError) as err:
        compile_expression(text, WORKFORCE, "yesno")
    assert message in err.value.message
    assert err.value.column == column


def test_fixed_values_where_fixed_values_are_needed_are_evaluated_per_row():
    frame = workers(start_date=["2025-06-01", None], job_role=["Senior Care Worker", "Nurse"])
    frame["sick_days"] = pd.array([1.0, 2.0], dtype="Float64")
    shifted = run("add_days(start_date, 7 + count(workforce, true))", frame)
    assert shifted.tolist()[0] == pd.Timestamp("2025-06-10") and pd.isna(shifted.tolist()[1])
    assert run("add_months(start_date, hours_delivered) > as_of", frame, {"hours_delivered": 1.0}).tolist() == [
        True, pd.NA]
    assert run('contains(job_role, provider_name)', frame, {"provider_name": "care"}).tolist() == [True, False]


def test_contains_with_a_blank_part_is_unknown():
    frame = workers(job_role=["Care Worker", "Nurse"])
    assert run("contains(job_role, provider_name)", frame, {"provider_name": pd.NA}).tolist() == [pd.NA, pd.NA]
    assert run("contains(provider_id, provider_name)", frame, {"provider_id": "P1", "provider_name": pd.NA},
               scope=CONTRACT) is pd.NA


# --- lets inside aggregates ------------------------------------------------------------------------------------


def test_a_fixed_let_can_be_read_inside_an_aggregate():
    let = compile_expression("per_value / 100000", CONTRACT)
    scope = CONTRACT.with_let("threshold", let)
    compiled = compile_expression("count(workforce, average_hours > threshold)", scope)
    frame = workers(worker_id=["A", "B", "C"], average_hours=[10.0, 30.0, None])
    ctx = EvalContext({"workforce": frame}, {}, {"per_value": 2_000_000.0}, pd.Timestamp("2025-06-30"), None,
                      {"workforce": "worker_id"})
    ctx.lets["threshold"] = let.evaluate(ctx)
    assert compiled.evaluate(ctx) == 1


def test_a_per_row_let_inside_an_aggregate_is_refused_when_compiling():
    let = compile_expression("average_hours * 2", WORKFORCE)
    assert not let.fixed
    scope = WORKFORCE.with_let("doubled", let)
    with pytest.raises(ExpressionError, match="'doubled' has a value for each row of the rule's table"):
        compile_expression("records(training, doubled > 1) > 0", scope, "yesno")


# --- what a compiled expression carries --------------------------------------------------------------------------


def test_compiled_says_what_it_read_and_called():
    let = compile_expression("hourly_rate * 2", WORKFORCE)
    scope = WORKFORCE.with_let("doubled", let)
    compiled = compile_expression(
        'doubled >= pay_floor(age, as_of, apprentice) and period_start <= start_date '
        'and has(training, course == "Medication") and per_value > 0', scope, "yesno")
    assert [(n.name, n.kind, n.type, n.table) for n in compiled.names] == [
        ("doubled", "let", "money", None),
        ("age", "field", "number", "workforce"),
        ("as_of", "as_of", "date", None),
        ("apprentice", "field", "yesno", "workforce"),
        ("period_start", "keyvalue", "date", "contract"),
        ("start_date", "field", "date", "workforce"),
        ("course", "field", "text", "training"),
        ("per_value", "param", "money", None),
    ]
    assert compiled.names_used == ["doubled", "age", "apprentice", "period_start", "start_date", "course",
                                   "per_value"]
    assert compiled.functions_used == ["pay_floor", "has"]
    assert ("training", "*") in compiled.fields_used and ("workforce", "worker_id") in compiled.fields_used
    assert not compiled.fixed
    assert compile_expression("count(workforce, apprentice) > per_value", CONTRACT).fixed


# --- the pay functions ---------------------------------------------------------------------------------------


def test_the_pay_functions_are_handed_in_not_built_in():
    bare = Scope(SCHEMAS, "workforce")
    with pytest.raises(ExpressionError, match="unknown function 'pay_floor'"):
        compile_expression("pay_floor(30, as_of, false) > 0", bare)
    assert compile_expression("pay_floor(30, as_of, false) > 0", WORKFORCE).functions_used == ["pay_floor"]


def test_the_readme_recipe_for_a_new_function_is_all_it_takes():
    """README 'Adding an expression function': one decorated entry, and rules can call it (on a fresh registry)."""
    from contractcheck.expressions import DATE, NUMBER, FunctionRegistry, Value
    from contractcheck.expressions.columns import shift_date

    mine = FunctionRegistry()

    @mine.function("add_years(date, n)", "the date n years later", [DATE, NUMBER.must_be_fixed()], "date")
    def _add_years(date: Value, n: Value) -> Value:
        return shift_date(date, 12 * n, "months")

    # only the new registry: the test holds even after someone adds add_years to the shipped functions
    scope = Scope(SCHEMAS, "workforce", {"years": "number"}, functions=mine)
    compiled = compile_expression("add_years(start_date, years) <= as_of", scope, "yesno")
    frame = workers(start_date=pd.to_datetime(["2020-01-15", "2025-06-01", None]))
    got = compiled.evaluate(EvalContext({"workforce": frame}, {}, {"years": 1}, pd.Timestamp("2026-01-01"),
                                        "workforce"))
    assert got.tolist() == [True, False, pd.NA]
    assert compiled.functions_used == ["add_years"]
    with pytest.raises(ExpressionError, match="must be a fixed value"):
        compile_expression("add_years(start_date, average_hours) <= as_of", scope, "yesno")


def test_add_months_moves_by_whole_months_only():
    """A fraction of a calendar month means nothing: refused when written, unknown when it comes from data."""
    with pytest.raises(ExpressionError, match="whole calendar months"):
        compile_expression("add_months(start_date, 1.5) <= as_of", WORKFORCE, "yesno")
    frame = workers(start_date=pd.to_datetime(["2025-01-31"]))
    scope = Scope(SCHEMAS, "workforce", {"months": "number"}, functions=rule_functions())
    compiled = compile_expression("add_months(start_date, months) <= as_of", scope, "yesno")
    ctx = EvalContext({"workforce": frame}, {}, {"months": 1.5}, pd.Timestamp("2025-06-30"), "workforce")
    assert compiled.evaluate(ctx).tolist() == [pd.NA]
    ctx = EvalContext({"workforce": frame}, {}, {"months": 1}, pd.Timestamp("2025-06-30"), "workforce")
    assert compiled.evaluate(ctx).tolist() == [True]


# --- repeats after the first, and text compared exactly ----------------------------------------------------


def test_duplicated_after_first_lets_the_first_occurrence_pass():
    frame = workers(worker_id=["W1", "W2", "w1 ", None, "W2", None, "W3"])
    assert run("duplicated(worker_id)", frame).tolist() == [True, True, True, False, True, False, False]
    assert run("duplicated_after_first(worker_id)", frame).tolist() == [False, False, True, False, True, False,
                                                                         False]


def test_duplicated_after_first_of_numbers():
    frame = workers(hourly_rate=[12.5, 13.0, 12.5, None, None])
    assert run("duplicated_after_first(hourly_rate)", frame).tolist() == [False, False, True, False, False]


def test_exactly_counts_case_and_blank_is_unknown():
    frame = workers(job_role=["Care Worker", "care worker", None, "  "], employment_status=["Care Worker", "x",
                                                                                           "y", "z"])
    assert run('exactly(job_role, "care worker")', frame).tolist() == [False, True, pd.NA, pd.NA]
    assert run('not exactly(job_role, "care worker")', frame).tolist() == [True, False, pd.NA, pd.NA]
    assert run("exactly(job_role, employment_status)", frame).tolist() == [True, False, pd.NA, pd.NA]
    assert run('job_role == "care worker"', frame).tolist()[:3] == [True, True, pd.NA]
    assert run('exactly("Nurse", "Nurse")', frame) is True
    assert run('exactly("Nurse", "nurse")', frame) is False
    assert run('exactly("", "nurse")', frame) is pd.NA


def test_exactly_in_counts_case_and_blank_is_unknown():
    frame = workers(job_role=["Care Worker", "care worker", "nurse", None, "carer"])
    roles = ("care worker", "nurse")
    result = run("exactly_in(job_role, roles)", frame, params={"roles": roles})
    assert result.tolist() == [False, True, True, pd.NA, False]
    assert run('exactly_in(job_role, ["care worker", "nurse"])', frame).tolist() == result.tolist()
    assert run("job_role in roles", frame, params={"roles": roles}).tolist() == [True, True, True, pd.NA, False]
    assert run('exactly_in("Nurse", ["nurse"])', frame) is False


def test_exactly_in_matches_whole_numbers_in_a_list_as_text():
    frame = workers(job_role=["3", "3.0", "4"])
    assert run("exactly_in(job_role, [3, 4.5])", frame).tolist() == [True, False, False]


def test_exactly_needs_text():
    with pytest.raises(ExpressionError) as err:
        compile_expression("exactly(hourly_rate, 12)", WORKFORCE, "yesno")
    assert "exactly() argument 1 must be text" in err.value.message
