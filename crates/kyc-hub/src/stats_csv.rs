//! The statistics as CSV: one `reviewer,day,metric,value` row per figure (long form, so a
//! spreadsheet pivots it any way), `total` for all reviewers, an empty day for the whole
//! range. Only ids, codes and numbers: never case content. Double-review agreement has one
//! set of rows per reviewer pair, named `first+second` (ids, in id order).

use kyc_proto::{Figures, StatsResponse};

/// The CSV header line.
pub const HEADER: &str = "reviewer,day,metric,value";

fn push(out: &mut String, who: &str, day: &str, metric: &str, value: String) {
    // Ids are `[A-Za-z0-9_-]`, days digits and dashes, metrics snake_case: nothing to quote.
    out.push_str(&format!("{who},{day},{metric},{value}\r\n"));
}

fn number(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| format!("{v}"))
}

fn figures(out: &mut String, who: &str, f: &Figures) {
    let counts = [
        ("decisions", f.decisions),
        ("approved", f.approved),
        ("rejected", f.rejected),
        ("resubmission_requested", f.resubmission_requested),
        ("escalated", f.escalated),
        ("verdicts", f.verdicts),
        ("overturned", f.overturned),
        ("awaiting_confirmation", f.awaiting_confirmation),
    ];
    for (metric, value) in counts {
        push(out, who, "", metric, value.to_string());
    }
    push(out, who, "", "median_handling_secs", number(f.median_handling_secs));
    push(out, who, "", "p90_handling_secs", number(f.p90_handling_secs));
    push(out, who, "", "overturn_rate", number(f.overturn_rate));
    for day in &f.per_day {
        push(out, who, &day.day, "decisions", day.decisions.to_string());
    }
}

/// The figures of `stats` as CSV (CRLF line ends, RFC 4180).
pub fn stats_csv(stats: &StatsResponse) -> String {
    let mut out = format!("{HEADER}\r\n");
    figures(&mut out, "total", &stats.total);
    push(&mut out, "total", "", "four_eyes_backlog", stats.four_eyes_backlog.to_string());
    push(
        &mut out,
        "total",
        "",
        "oldest_wait_secs",
        stats.oldest_wait_secs.map_or_else(String::new, |s| s.to_string()),
    );
    for reviewer in &stats.reviewers {
        figures(&mut out, reviewer.reviewer.as_str(), &reviewer.figures);
    }
    for pair in &stats.agreement {
        let who = format!("{}+{}", pair.first.as_str(), pair.second.as_str());
        push(&mut out, &who, "", "double_reviews", pair.cases.to_string());
        push(&mut out, &who, "", "agreed", pair.agreed.to_string());
        push(&mut out, &who, "", "agreement_rate", number(Some(pair.agreement_rate)));
        push(&mut out, &who, "", "kappa", number(pair.kappa));
    }
    out
}
