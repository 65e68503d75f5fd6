// Pure queue logic: filtering, ordering and the "next ready case" rule.
import type { QueueItem, QueueState } from "../../lib/ipc";

export interface QueueFilter {
  kind: string; // "" = all
  state: QueueState | ""; // "" = all
}

export const QUEUE_STATES: readonly QueueState[] = [
  "ready",
  "decided",
  "waiting_push",
  "conflict",
  "failed",
];

export function filterQueue(items: readonly QueueItem[], filter: QueueFilter): QueueItem[] {
  return items.filter(
    (item) =>
      (!filter.kind || item.kind === filter.kind) && (!filter.state || item.state === filter.state),
  );
}

export function kindsOf(items: readonly QueueItem[]): string[] {
  return [...new Set(items.map((item) => item.kind))].sort();
}

/**
 * The case to open after `currentId`: the next ready one below it in the list, else the first
 * ready one above it, else none. Expired leases are skipped.
 */
export function nextReady(
  items: readonly QueueItem[],
  currentId: string | null,
  now: number,
): QueueItem | undefined {
  const usable = (item: QueueItem) =>
    item.state === "ready" && item.caseId !== currentId && item.leaseExpiresAt > now;
  const index = items.findIndex((item) => item.caseId === currentId);
  return items.slice(index + 1).find(usable) ?? items.slice(0, Math.max(index, 0)).find(usable);
}

/** The neighbour of `currentId` in the list (j/k), whatever its state. */
export function neighbour(
  items: readonly QueueItem[],
  currentId: string | null,
  step: 1 | -1,
): QueueItem | undefined {
  if (items.length === 0) return undefined;
  const index = items.findIndex((item) => item.caseId === currentId);
  if (index < 0) return step === 1 ? items[0] : items[items.length - 1];
  return items[index + step];
}

/** "12:05" / "1:02:05" left on a lease, or null when it has expired. */
export function leaseLeft(expiresAt: number, now: number): string | null {
  const secs = Math.floor((expiresAt - now) / 1000);
  if (secs <= 0) return null;
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/**
 * Cases the hub accepted: Rust drops a case from the queue once the hub took its decision, so
 * a case that was waiting to push (or in the undo window) and is gone from the new list was
 * accepted. `filter` keeps decided cases the reviewer dismissed out of it.
 */
export function newlyAccepted(
  before: readonly QueueItem[],
  after: readonly QueueItem[],
  dismissed: ReadonlySet<string> = new Set(),
): QueueItem[] {
  const still = new Set(after.map((item) => item.caseId));
  return before.filter(
    (item) =>
      (item.state === "waiting_push" || item.state === "decided") &&
      !still.has(item.caseId) &&
      !dismissed.has(item.caseId),
  );
}

/** The usual idle-lock timeouts (seconds) a reviewer picks from. */
export const IDLE_LOCK_PRESETS: readonly number[] = [60, 120, 300, 600, 900, 1800, 3600];

/**
 * The idle-lock choices inside the policy's bounds: the presets within them, the bounds
 * themselves and the current value, ascending, each once.
 */
export function idleLockChoices(minSecs: number, maxSecs: number, current: number): number[] {
  const inside = IDLE_LOCK_PRESETS.filter((n) => n >= minSecs && n <= maxSecs);
  return [...new Set([minSecs, ...inside, maxSecs, current])].sort((a, b) => a - b);
}
