import { afterEach, describe, expect, it, vi } from "vitest";
import { reportActivity } from "./activity";

describe("reportActivity", () => {
  afterEach(() => vi.useRealTimers());

  it("reports the first activity at once and then at most once per interval", async () => {
    vi.useFakeTimers();
    const report = vi.fn().mockResolvedValue(undefined);
    const stop = reportActivity(report, 15_000);
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "j" }));
    window.dispatchEvent(new Event("pointermove"));
    window.dispatchEvent(new WheelEvent("wheel"));
    expect(report).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(15_001);
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "k" }));
    expect(report).toHaveBeenCalledTimes(2);
    stop();
    vi.advanceTimersByTime(15_001);
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "k" }));
    expect(report).toHaveBeenCalledTimes(2);
  });
});
