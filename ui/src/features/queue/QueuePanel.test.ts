import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import QueuePanel from "./QueuePanel.svelte";
import { i18n } from "../../lib/i18n/index.svelte";
import { queueItem } from "../../test/fixtures";
import type { PullProgress, PullSummary } from "../../lib/ipc";

const ipc = vi.hoisted(() => ({ pull: vi.fn(), cancelPull: vi.fn() }));
vi.mock("../../lib/ipc", async (original) => ({ ...(await original<object>()), ipc }));

const ITEMS = [
  queueItem("c1", { kind: "individual_bank_card", priority: "high" }),
  queueItem("c2", { state: "conflict", stateDetail: "lease_expired" }),
  queueItem("c3", { state: "waiting_push", leaseExpiresAt: Date.now() + 65_000 }),
];

describe("QueuePanel", () => {
  beforeEach(() => {
    i18n.locale = "en";
    ipc.pull.mockReset();
    ipc.cancelPull.mockReset();
  });

  it("shows kind, priority, state with its reason, and the lease countdown", () => {
    render(QueuePanel, { items: ITEMS, selectedId: null, online: true, onOpen: vi.fn(), onPulled: vi.fn() });
    const rows = screen.getAllByTestId("queue-item");
    expect(rows[0].textContent).toContain("Bank card");
    expect(rows[0].textContent).toContain("High");
    expect(rows[1].textContent).toContain("Conflict: lease expired");
    expect(rows[2].textContent).toContain("Waiting to push");
    expect(rows[2].textContent).toMatch(/1:0[45]/);
  });

  it("filters by kind and by state", async () => {
    render(QueuePanel, { items: ITEMS, selectedId: null, online: true, onOpen: vi.fn(), onPulled: vi.fn() });
    await fireEvent.change(screen.getByTestId("filter-state"), { target: { value: "conflict" } });
    expect(screen.getAllByTestId("queue-item").map((r) => r.getAttribute("data-case-id"))).toEqual(["c2"]);
    await fireEvent.change(screen.getByTestId("filter-state"), { target: { value: "" } });
    await fireEvent.change(screen.getByTestId("filter-kind"), { target: { value: "individual_bank_card" } });
    expect(screen.getAllByTestId("queue-item").map((r) => r.getAttribute("data-case-id"))).toEqual(["c1"]);
  });

  it("pulls with a progress bar, and cancel asks Rust to stop", async () => {
    let report: (p: PullProgress) => void = () => {};
    let finish: (s: PullSummary) => void = () => {};
    ipc.pull.mockImplementation((_n: number, onProgress: (p: PullProgress) => void) => {
      report = onProgress;
      return new Promise((resolve) => (finish = resolve));
    });
    ipc.cancelPull.mockResolvedValue(undefined);
    const onPulled = vi.fn();
    render(QueuePanel, { items: [], selectedId: null, online: true, onOpen: vi.fn(), onPulled });
    await fireEvent.input(screen.getByTestId("pull-count"), { target: { value: "5" } });
    await fireEvent.click(screen.getByTestId("pull-button"));
    expect(ipc.pull).toHaveBeenCalledWith(5, expect.any(Function));
    report({ done: 2, total: 5, bytes: 0, bytesTotal: 0 });
    await vi.waitFor(() => expect(screen.getByTestId("pull-progress").textContent).toContain("2 of 5"));
    expect((screen.getByTestId("pull-progress").querySelector("progress") as HTMLProgressElement).value).toBe(2);
    await fireEvent.click(screen.getByTestId("pull-cancel"));
    expect(ipc.cancelPull).toHaveBeenCalled();
    finish({ pulled: 2, failed: [], cancelled: true });
    await vi.waitFor(() => expect(screen.getByTestId("pull-result").textContent).toContain("cancelled"));
    expect(onPulled).toHaveBeenCalled();
  });

  it("offline: no pull, the pulled cases stay workable", () => {
    render(QueuePanel, { items: ITEMS, selectedId: null, online: false, onOpen: vi.fn(), onPulled: vi.fn() });
    expect((screen.getByTestId("pull-button") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getAllByTestId("queue-item")).toHaveLength(3);
  });
});
