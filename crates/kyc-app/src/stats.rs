//! Supervisor statistics: the hub's figures over a range of whole UTC days, per reviewer and
//! in total, for the charts; and their CSV export (the hub's `stats.csv`: ids, codes and
//! numbers, never case content) written to a directory the shell names (the user's download
//! directory) under a name with the range and the export time only.

use std::io::Write;
use std::path::{Path, PathBuf};

use kyc_proto::{DayCount, Figures, StatsQuery, StatsResponse};
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime, Time};

use crate::desk::Desk;
use crate::error::{AppError, ErrorCode};
use crate::ipc::{
    CsvExport, DayFigure, PairFigures, ReviewerFigures, StatsFigures, StatsRange, StatsView,
};

/// Longest range, in days.
pub const MAX_RANGE_DAYS: i64 = 366;
/// The header the hub's CSV starts with; anything else is not written.
const CSV_HEADER: &str = "reviewer,day,metric,value";

/// The hub query for a range of whole UTC days, both ends included.
pub fn query_of(range: &StatsRange) -> Result<StatsQuery, AppError> {
    let day = |s: &str| {
        Date::parse(s.trim(), format_description!("[year]-[month]-[day]"))
            .map_err(|_| AppError::new(ErrorCode::Invalid, "Give the days as YYYY-MM-DD."))
    };
    let (from, to) = (day(&range.from)?, day(&range.to)?);
    if to < from {
        return Err(AppError::new(ErrorCode::Invalid, "The range ends before it starts."));
    }
    if (to - from).whole_days() >= MAX_RANGE_DAYS {
        return Err(AppError::new(
            ErrorCode::Invalid,
            format!("The range is at most {MAX_RANGE_DAYS} days."),
        ));
    }
    let start = |d: Date| d.with_time(Time::MIDNIGHT).assume_utc();
    Ok(StatsQuery { from: Some(start(from)), to: Some(start(to) + Duration::days(1)) })
}

fn count(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn figures(f: &Figures) -> StatsFigures {
    StatsFigures {
        decisions: count(f.decisions),
        approved: count(f.approved),
        rejected: count(f.rejected),
        resubmission_requested: count(f.resubmission_requested),
        escalated: count(f.escalated),
        median_handling_secs: f.median_handling_secs,
        p90_handling_secs: f.p90_handling_secs,
        verdicts: count(f.verdicts),
        overturned: count(f.overturned),
        overturn_rate: f.overturn_rate,
        awaiting_confirmation: count(f.awaiting_confirmation),
        per_day: f
            .per_day
            .iter()
            .map(|DayCount { day, decisions }| DayFigure {
                day: day.clone(),
                decisions: count(*decisions),
            })
            .collect(),
    }
}

fn view(range: &StatsRange, s: &StatsResponse) -> StatsView {
    StatsView {
        from: range.from.trim().to_owned(),
        to: range.to.trim().to_owned(),
        total: figures(&s.total),
        reviewers: s
            .reviewers
            .iter()
            .map(|r| ReviewerFigures {
                reviewer: r.reviewer.as_str().to_owned(),
                figures: figures(&r.figures),
            })
            .collect(),
        four_eyes_backlog: count(s.four_eyes_backlog),
        oldest_wait_secs: s.oldest_wait_secs,
        agreement: s
            .agreement
            .iter()
            .map(|p| PairFigures {
                first: p.first.as_str().to_owned(),
                second: p.second.as_str().to_owned(),
                cases: count(p.cases),
                agreed: count(p.agreed),
                agreement_rate: p.agreement_rate,
                kappa: p.kappa,
            })
            .collect(),
    }
}

/// Writes `csv` into `dir` as `kyc-stats-<from>-<to>-<export time>.csv`, never over an
/// existing file (`-2`, `-3`, … appended).
fn write_csv(dir: &Path, range: &StatsRange, csv: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let stamp = OffsetDateTime::now_utc()
        .format(format_description!("[year][month][day]-[hour][minute][second]"))
        .unwrap_or_default();
    let base = format!("kyc-stats-{}-{}-{stamp}", range.from.trim(), range.to.trim());
    for n in 1..1000 {
        let name = if n == 1 { format!("{base}.csv") } else { format!("{base}-{n}.csv") };
        let path = dir.join(name);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                file.write_all(csv.as_bytes())?;
                file.sync_all()?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "no free export name"))
}

impl Desk {
    /// The statistics over `range` (whole UTC days), per reviewer and in total.
    pub async fn supervisor_stats(&self, range: StatsRange) -> Result<StatsView, AppError> {
        let (ws, _, _) = self.supervisor_session()?;
        let query = query_of(&range)?;
        let stats = ws.client().supervisor_stats(&query).await.map_err(|e| self.online(e))?;
        Ok(view(&range, &stats))
    }

    /// Fetches the figures over `range` as the hub's CSV and writes it into `dir` (the
    /// shell passes the user's download directory). Figures only: ids, codes and numbers.
    pub async fn export_stats_csv(
        &self,
        range: StatsRange,
        dir: PathBuf,
    ) -> Result<CsvExport, AppError> {
        let (ws, _, _) = self.supervisor_session()?;
        let query = query_of(&range)?;
        let csv = ws.client().supervisor_stats_csv(&query).await.map_err(|e| self.online(e))?;
        if csv.lines().next().map(str::trim) != Some(CSV_HEADER) {
            return Err(AppError::internal("the hub's statistics are not in the expected form"));
        }
        let rows = csv.lines().skip(1).filter(|l| !l.trim().is_empty()).count();
        let path = tokio::task::spawn_blocking(move || write_csv(&dir, &range, &csv))
            .await
            .map_err(|_| AppError::internal("blocking task panicked"))?
            .map_err(|e| {
                tracing::warn!(kind = ?e.kind(), "statistics export not written");
                AppError::new(ErrorCode::Internal, "The export file could not be written.")
            })?;
        tracing::info!(rows, "statistics exported");
        Ok(CsvExport { path: path.display().to_string(), rows: count(rows as u64) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(from: &str, to: &str) -> StatsRange {
        StatsRange { from: from.into(), to: to.into() }
    }

    #[test]
    fn a_range_is_whole_utc_days_both_ends_included() {
        let q = query_of(&range("2026-11-01", "2026-11-30")).unwrap();
        assert_eq!(q.from, Some(time::macros::datetime!(2026-11-01 0:00 UTC)));
        assert_eq!(q.to, Some(time::macros::datetime!(2026-12-01 0:00 UTC)));
        assert!(query_of(&range("2026-11-02", "2026-11-02")).is_ok());
    }

    #[test]
    fn bad_ranges_are_typed_errors() {
        for (from, to) in [
            ("2026-11-30", "2026-11-01"),
            ("2026/11/01", "2026-11-02"),
            ("", "2026-11-02"),
            ("2024-01-01", "2026-01-01"),
        ] {
            assert_eq!(query_of(&range(from, to)).unwrap_err().code, ErrorCode::Invalid, "{from}");
        }
    }

    #[test]
    fn exports_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let r = range("2026-11-01", "2026-11-30");
        let a = write_csv(dir.path(), &r, "reviewer,day,metric,value\n").unwrap();
        let b = write_csv(dir.path(), &r, "reviewer,day,metric,value\n").unwrap();
        assert_ne!(a, b);
        let name = a.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with("kyc-stats-2026-11-01-2026-11-30-") && name.ends_with(".csv"));
    }
}
