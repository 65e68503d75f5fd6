import { describe, expect, it } from "vitest";
import type { StatsFigures, StatsView } from "../../lib/ipc";
import { agreementBars, daysOf, handlingBars, lastDays, outcomeMix, overturnBars, percent, perDay, rangeOk } from "./stats";

function figures(over: Partial<StatsFigures> = {}): StatsFigures {
  return {
    decisions: 0,
    approved: 0,
    rejected: 0,
    resubmissionRequested: 0,
    escalated: 0,
    medianHandlingSecs: null,
    p90HandlingSecs: null,
    verdicts: 0,
    overturned: 0,
    overturnRate: null,
    awaitingConfirmation: 0,
    perDay: [],
    ...over,
  };
}

const stats: StatsView = {
  from: "2026-11-28",
  to: "2026-12-02",
  total: figures({
    decisions: 5,
    approved: 3,
    rejected: 1,
    escalated: 1,
    medianHandlingSecs: 90,
    p90HandlingSecs: 300,
    verdicts: 4,
    overturned: 1,
    overturnRate: 0.25,
    perDay: [
      { day: "2026-11-28", decisions: 2 },
      { day: "2026-12-01", decisions: 3 },
    ],
  }),
  reviewers: [
    { reviewer: "u-a", figures: figures({ decisions: 2, approved: 2, perDay: [{ day: "2026-11-28", decisions: 2 }] }) },
    {
      reviewer: "u-b",
      figures: figures({ decisions: 3, medianHandlingSecs: 120, overturnRate: 0.5, perDay: [{ day: "2026-12-01", decisions: 3 }] }),
    },
  ],
  fourEyesBacklog: 1,
  oldestWaitSecs: 600,
  agreement: [{ first: "u-a", second: "u-b", cases: 4, agreed: 3, agreementRate: 0.75, kappa: 0.4667 }],
};

describe("ranges", () => {
  it("the last n days end today (UTC) and include it", () => {
    expect(lastDays(7, new Date("2026-12-02T23:30:00Z"))).toEqual({ from: "2026-11-26", to: "2026-12-02" });
    expect(lastDays(1, new Date("2026-03-01T00:10:00Z"))).toEqual({ from: "2026-03-01", to: "2026-03-01" });
  });

  it("accepts well-formed ranges only", () => {
    expect(rangeOk({ from: "2026-11-01", to: "2026-11-30" })).toBe(true);
    expect(rangeOk({ from: "2026-11-30", to: "2026-11-01" })).toBe(false);
    expect(rangeOk({ from: "2026/11/01", to: "2026-11-30" })).toBe(false);
    expect(rangeOk({ from: "2024-01-01", to: "2026-01-01" })).toBe(false);
  });

  it("lists every day across a month end", () => {
    expect(daysOf({ from: "2026-11-29", to: "2026-12-01" })).toEqual(["2026-11-29", "2026-11-30", "2026-12-01"]);
  });
});

describe("chart data", () => {
  it("decisions per day are aligned on every day of the range, zeros filled", () => {
    const d = perDay(stats, "All");
    expect(d.x).toHaveLength(5);
    expect(d.x[0]).toBe(Date.parse("2026-11-28T00:00:00Z") / 1000);
    expect(d.series.map((s) => s.label)).toEqual(["All", "u-a", "u-b"]);
    expect(d.series[0].values).toEqual([2, 0, 0, 3, 0]);
    expect(d.series[1].values).toEqual([2, 0, 0, 0, 0]);
    expect(d.series[2].values).toEqual([0, 0, 0, 3, 0]);
  });

  it("handling time bars are minutes, total first, null without data", () => {
    const b = handlingBars(stats, "All", "median", "p90");
    expect(b.labels).toEqual(["All", "u-a", "u-b"]);
    expect(b.x).toEqual([0, 1, 2]);
    expect(b.series[0].values).toEqual([1.5, null, 2]);
    expect(b.series[1].values).toEqual([5, null, null]);
  });

  it("overturn rates and agreement are percents; kappa shares the axis", () => {
    expect(overturnBars(stats, "All", "overturned").series[0].values).toEqual([25, null, 50]);
    const a = agreementBars(stats, "agreement", "kappa");
    expect(a.labels).toEqual(["u-a · u-b"]);
    expect(a.series[0].values).toEqual([75]);
    expect(a.series[1].values).toEqual([46.7]);
  });

  it("the outcome mix stacks to the whole bar and leaves out empty outcomes", () => {
    const parts = outcomeMix(stats.total);
    expect(parts.map((p) => p.outcome)).toEqual(["approve", "reject", "escalate"]);
    expect(parts.map((p) => p.count)).toEqual([3, 1, 1]);
    expect(parts[2].offset + parts[2].share).toBeCloseTo(1);
    expect(outcomeMix(figures())).toEqual([]);
  });

  it("formats rates for the numbers beside the charts", () => {
    expect(percent(0.25, "en")).toBe("25 %");
    expect(percent(null, "en")).toBe("–");
  });
});
