// Tells Rust that the reviewer is active, at most once per interval. Rust owns the idle timer
// and the lock; the UI only reports.
const EVENTS = ["keydown", "pointerdown", "pointermove", "wheel"] as const;

export function reportActivity(
  report: () => Promise<unknown>,
  intervalMs = 15_000,
  target: Pick<Window, "addEventListener" | "removeEventListener"> = window,
): () => void {
  let last = -Infinity;
  const onActivity = () => {
    const now = performance.now();
    if (now - last < intervalMs) return;
    last = now;
    report().catch(() => {
      // Reporting is best effort; the idle lock errs on the side of locking.
    });
  };
  for (const name of EVENTS) target.addEventListener(name, onActivity, { passive: true });
  return () => {
    for (const name of EVENTS) target.removeEventListener(name, onActivity);
  };
}
