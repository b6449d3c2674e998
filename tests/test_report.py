"""The report's table, read against counts made by hand, and its views (plot, HTML) as a reader sees them."""

import pandas as pd
import pytest

from stance.errors import StanceError
from stance.reporting import report


def statement(actor, stance, date, sid, duplicate_of="", confidence=0.9, **more):
    return {
        "actor": actor,
        "stance": stance,
        "confidence": confidence,
        "date": date,
        "statement": f"statement {sid}",
        "statement_id": sid,
        "duplicate_of": duplicate_of,
        **more,
    }


@pytest.fixture
def extracted():
    # Week of 2026-03-02 (Mon) to 03-08: Kremlin deny, deny (one carried by two more outlets), condemn;
    # week of 03-09: Kremlin de-escalate; UN condemn in the first week; one undated UN row; one speaker
    # outside the four actors.
    return pd.DataFrame(
        [
            statement("kremlin", "deny", "2026-03-02", "a"),
            statement("kremlin", "deny", "2026-03-03", "a2", duplicate_of="a"),
            statement("kremlin", "deny", "2026-03-05", "a3", duplicate_of="a"),
            statement("kremlin", "deny", "2026-03-08", "b"),
            statement("kremlin", "condemn", "2026-03-04", "c", confidence=0.41),
            statement("kremlin", "de-escalate", "2026-03-09", "d"),
            statement("un", "condemn", "2026-03-06", "e"),
            statement("un", "other", "", "f"),
            statement("other", "condemn", "2026-03-04", "g"),
        ]
    )


def test_weekly_counts_use_one_statement_per_duplicate_group(extracted):
    table = report(extracted, by="week").table.set_index(["actor", "period"])
    kremlin_first = table.loc[("kremlin", "2026-03-02")]
    assert (kremlin_first["statements"], kremlin_first["deny"], kremlin_first["condemn"]) == (3, 2, 1)
    assert kremlin_first["share_deny"] == pytest.approx(2 / 3)
    assert table.loc[("kremlin", "2026-03-09"), "de-escalate"] == 1
    assert table.loc[("un", "2026-03-02"), "condemn"] == 1
    assert len(table) == 3  # no row for the actor outside the four, none for the undated statement


def test_monthly_periods_merge_the_weeks(extracted):
    table = report(extracted, by="month").table.set_index(["actor", "period"])
    assert table.loc[("kremlin", "2026-03-01"), "statements"] == 4


def test_undated_statements_are_kept_apart_not_dropped(extracted):
    result = report(extracted)
    assert list(result.undated["statement_id"]) == ["f"]


def test_statements_behind_the_counts_know_how_many_outlets_carried_them(extracted):
    statements = report(extracted).statements.set_index("statement_id")
    assert statements.loc["a", "copies"] == 3
    assert statements.loc["b", "copies"] == 1
    assert "a2" not in statements.index


def test_low_confidence_labels_are_flagged_uncertain(extracted):
    statements = report(extracted).statements.set_index("statement_id")
    assert statements.loc["c", "uncertain"] and not statements.loc["a", "uncertain"]


def test_report_names_missing_columns():
    with pytest.raises(StanceError, match="missing: date"):
        report(pd.DataFrame([{"actor": "un", "stance": "other"}]))


def test_report_refuses_an_unknown_period(extracted):
    with pytest.raises(StanceError, match="unknown period 'year'"):
        report(extracted, by="year")


def test_html_report_is_self_contained_and_escapes_text(extracted, tmp_path):
    pytest.importorskip("matplotlib")
    extracted.loc[0, "statement"] = "<script>alert(1)</script>"
    extracted.loc[0, "url"] = "javascript:alert(1)"
    path = report(extracted).to_html(tmp_path / "report.html")
    page = path.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "javascript:" not in page
    assert 'src="data:image/png;base64,' in page
    assert "http" not in page.split("<body>")[0]  # nothing fetched at view time


def test_html_report_highlights_the_statement_in_its_paragraph(tmp_path):
    pytest.importorskip("matplotlib")
    text = "First paragraph.\n\nThe ministry said the convoy was never there, and more.\n\nLast."
    start = text.index("the convoy")
    end = start + len("the convoy was never there")
    frame = pd.DataFrame([statement("kremlin", "deny", "2026-03-02", "s", article="a.txt", start=start, end=end)])
    frame.loc[0, "statement"] = text[start:end]
    page = report(frame, texts={"a.txt": text}).to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    assert "The ministry said <mark>the convoy was never there</mark>, and more." in page
    assert "First paragraph" not in page


def test_plot_writes_a_png(extracted, tmp_path):
    pytest.importorskip("matplotlib")
    for kind in ("shares", "counts"):
        path = report(extracted).plot(tmp_path / f"{kind}.png", kind=kind)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
