// Small formatting helpers the supervisor's tabs and case pane share.
import { t, type MessageKey } from "../../lib/i18n/index.svelte";

/** Whole minutes, at least one (a waiting age). */
export function minutes(secs: number): number {
  return Math.max(1, Math.round(secs / 60));
}

/** A handling time: seconds below 90 s, minutes above; "–" when the hub has none. */
export function duration(secs: number | null): string {
  if (secs === null) return "–";
  return secs < 90 ? `${secs} s` : `${Math.round(secs / 60)} min`;
}

/** Who decided: the reviewer, or the supervisor and on which path. */
export function who(row: { source: string; reviewer: string }): string {
  return row.source === "reviewer" ? row.reviewer : `${row.reviewer} · ${t(`sup.source.${row.source}` as MessageKey)}`;
}
