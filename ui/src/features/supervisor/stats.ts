// Pure shaping of the hub's statistics for the charts (uPlot wants aligned columns: one x
// array and one y array per series, `null` where there is no value) and for the numbers
// beside them. No chart code here, so it is tested without a canvas.
import type { StatsFigures, StatsRange, StatsView } from "../../lib/ipc";

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a UTC date. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The last `n` UTC days up to and including `today`. */
export function lastDays(n: number, today: Date = new Date()): StatsRange {
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return { from: isoDay(new Date(end - (n - 1) * DAY_MS)), to: isoDay(new Date(end)) };
}

/** Whether a range is well-formed: two `YYYY-MM-DD` days, `from` not after `to`, at most 366 days. */
export function rangeOk(range: StatsRange): boolean {
  const re = /^\d{4}-\d{2}-\d{2}$/;
  if (!re.test(range.from) || !re.test(range.to)) return false;
  const from = Date.parse(`${range.from}T00:00:00Z`);
  const to = Date.parse(`${range.to}T00:00:00Z`);
  return Number.isFinite(from) && Number.isFinite(to) && from <= to && (to - from) / DAY_MS < 366;
}

/** Every UTC day from `from` to `to`, both included. */
export function daysOf(range: StatsRange): string[] {
  if (!rangeOk(range)) return [];
  const out: string[] = [];
  const end = Date.parse(`${range.to}T00:00:00Z`);
  for (let t = Date.parse(`${range.from}T00:00:00Z`); t <= end; t += DAY_MS) out.push(isoDay(new Date(t)));
  return out;
}

export interface Series {
  label: string;
  values: (number | null)[];
}

/** Aligned data: x positions and one column per series. */
export interface Aligned {
  x: number[];
  series: Series[];
}

/**
 * Decisions per day over the whole range (days without decisions are 0, so the lines do not
 * skip them): x is each day's UTC midnight in Unix seconds; the total first, then each reviewer.
 */
export function perDay(stats: StatsView, totalLabel: string): Aligned {
  const days = daysOf({ from: stats.from, to: stats.to });
  const column = (f: StatsFigures) => {
    const byDay = new Map(f.perDay.map((d) => [d.day, d.decisions]));
    return days.map((d) => byDay.get(d) ?? 0);
  };
  return {
    x: days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000),
    series: [
      { label: totalLabel, values: column(stats.total) },
      ...stats.reviewers.map((r) => ({ label: r.reviewer, values: column(r.figures) })),
    ],
  };
}

/** The rows of the per-reviewer charts: the total first, then each reviewer. */
export function rows(stats: StatsView, totalLabel: string): { label: string; figures: StatsFigures }[] {
  return [{ label: totalLabel, figures: stats.total }, ...stats.reviewers.map((r) => ({ label: r.reviewer, figures: r.figures }))];
}

/** Categorical bars: x = 0..n-1 (one per row), with the row labels for the axis. */
export interface Bars extends Aligned {
  labels: string[];
}

/** Median and 90th-percentile handling time per row, in minutes (null without data). */
export function handlingBars(stats: StatsView, totalLabel: string, medianLabel: string, p90Label: string): Bars {
  const r = rows(stats, totalLabel);
  const minutes = (secs: number | null) => (secs === null ? null : Math.round((secs / 60) * 10) / 10);
  return {
    labels: r.map((row) => row.label),
    x: r.map((_, i) => i),
    series: [
      { label: medianLabel, values: r.map((row) => minutes(row.figures.medianHandlingSecs)) },
      { label: p90Label, values: r.map((row) => minutes(row.figures.p90HandlingSecs)) },
    ],
  };
}

/** Overturn rate per row in percent (null without verdicts). */
export function overturnBars(stats: StatsView, totalLabel: string, label: string): Bars {
  const r = rows(stats, totalLabel);
  return {
    labels: r.map((row) => row.label),
    x: r.map((_, i) => i),
    series: [{ label, values: r.map((row) => (row.figures.overturnRate === null ? null : pct(row.figures.overturnRate))) }],
  };
}

/** Agreement per reviewer pair: percent agreement and Cohen's kappa (× 100, to share an axis). */
export function agreementBars(stats: StatsView, agreementLabel: string, kappaLabel: string): Bars {
  return {
    labels: stats.agreement.map((p) => `${p.first} · ${p.second}`),
    x: stats.agreement.map((_, i) => i),
    series: [
      { label: agreementLabel, values: stats.agreement.map((p) => pct(p.agreementRate)) },
      { label: kappaLabel, values: stats.agreement.map((p) => (p.kappa === null ? null : Math.round(p.kappa * 1000) / 10)) },
    ],
  };
}

function pct(rate: number): number {
  return Math.round(rate * 1000) / 10;
}

export const OUTCOMES = ["approve", "reject", "request_resubmission", "escalate"] as const;
export type OutcomeKey = (typeof OUTCOMES)[number];

export interface MixPart {
  outcome: OutcomeKey;
  count: number;
  /** Share of the row's decisions, 0..1. */
  share: number;
  /** Where the part starts in the bar, 0..1. */
  offset: number;
}

/** The outcome mix of one row as parts of a stacked bar (parts with no decisions left out). */
export function outcomeMix(f: StatsFigures): MixPart[] {
  const counts: Record<OutcomeKey, number> = {
    approve: f.approved,
    reject: f.rejected,
    request_resubmission: f.resubmissionRequested,
    escalate: f.escalated,
  };
  const total = OUTCOMES.reduce((n, o) => n + counts[o], 0);
  if (total === 0) return [];
  let offset = 0;
  const parts: MixPart[] = [];
  for (const outcome of OUTCOMES) {
    const count = counts[outcome];
    if (count === 0) continue;
    parts.push({ outcome, count, share: count / total, offset });
    offset += count / total;
  }
  return parts;
}

/** A rate as a percent for the numbers beside the charts (`–` without one). */
export function percent(rate: number | null, locale: string): string {
  if (rate === null) return "–";
  return `${(rate * 100).toLocaleString(locale, { maximumFractionDigits: 1 })} %`;
}

/** Seconds as the tables show them. */
export function seconds(secs: number | null, locale: string): string {
  if (secs === null) return "–";
  if (secs < 90) return `${Math.round(secs)} s`;
  return `${(secs / 60).toLocaleString(locale, { maximumFractionDigits: 1 })} min`;
}
