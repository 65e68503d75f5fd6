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
    expect(ipc.pull).toHaveBeenCalledWith(5, expect.any(Function), false);
    report({ done: 2, total: 5, bytes: 0, bytesTotal: 0 });
    await vi.waitFor(() => expect(screen.getByTestId("pull-progress").textContent).toContain("2 of 5"));
    expect((screen.getByTestId("pull-progress").querySelector("progress") as HTMLProgressElement).value).toBe(2);
    await fireEvent.click(screen.getByTestId("pull-cancel"));
    expect(ipc.cancelPull).toHaveBeenCalled();
    finish({ pulled: 2, failed: [], cancelled: true });
    await vi.waitFor(() => expect(screen.getByTestId("pull-result").textContent).toContain("cancelled"));
    expect(onPulled).toHaveBeenCalled();
  });

  it("the offline toggle asks for leases for offline work", async () => {
    ipc.pull.mockResolvedValue({ pulled: 1, failed: [], cancelled: false });
    render(QueuePanel, { items: [], selectedId: null, online: true, onOpen: vi.fn(), onPulled: vi.fn() });
    await fireEvent.click(screen.getByTestId("pull-offline"));
    await fireEvent.click(screen.getByTestId("pull-button"));
    expect(ipc.pull).toHaveBeenCalledWith(20, expect.any(Function), true);
  });

  it("says when an offline wipe happened and how many decisions were kept, until dismissed", async () => {
    const offlineWipe = { casesRemoved: 3, keptDecisions: 2, maxOfflineHours: 72 };
    render(QueuePanel, { items: [], selectedId: null, online: false, onOpen: vi.fn(), onPulled: vi.fn(), offlineWipe });
    const notice = screen.getByTestId("offline-wipe-notice");
    expect(notice.textContent).toContain("72 hours");
    expect(notice.textContent).toContain("2 decisions were kept");
    i18n.locale = "zh-CN";
    await vi.waitFor(() => expect(screen.getByTestId("offline-wipe-notice").textContent).toContain("已保留 2 个决定"));
    await fireEvent.click(screen.getByTestId("offline-wipe-notice").querySelector("button") as HTMLButtonElement);
    expect(screen.queryByTestId("offline-wipe-notice")).toBeNull();
  });

  it("offline: no pull, the pulled cases stay workable", () => {
    render(QueuePanel, { items: ITEMS, selectedId: null, online: false, onOpen: vi.fn(), onPulled: vi.fn() });
    expect((screen.getByTestId("pull-button") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getAllByTestId("queue-item")).toHaveLength(3);
  });
});
