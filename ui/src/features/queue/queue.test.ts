import { describe, expect, it } from "vitest";
import { filterQueue, idleLockChoices, kindsOf, leaseLeft, neighbour, newlyAccepted, nextReady } from "./queue";
import type { QueueItem } from "../../lib/ipc";

const item = (caseId: string, state: QueueItem["state"], kind: QueueItem["kind"] = "individual_id_card", lease = 10_000): QueueItem => ({
  caseId,
  kind,
  priority: "normal",
  state,
  stateDetail: null,
  leaseExpiresAt: lease,
  undoUntil: null,
  nMedia: 2,
});

describe("queue", () => {
  const items = [
    item("c1", "waiting_push"),
    item("c2", "ready", "individual_other_document"),
    item("c3", "ready", "individual_id_card", 0),
    item("c4", "ready"),
  ];

  it("filters by kind and by state", () => {
    expect(filterQueue(items, { kind: "individual_other_document", state: "" }).map((i) => i.caseId)).toEqual(["c2"]);
    expect(filterQueue(items, { kind: "", state: "ready" }).map((i) => i.caseId)).toEqual(["c2", "c3", "c4"]);
    expect(filterQueue(items, { kind: "individual_id_card", state: "waiting_push" }).map((i) => i.caseId)).toEqual(["c1"]);
    expect(kindsOf(items)).toEqual(["individual_id_card", "individual_other_document"]);
  });

  it("opens the next ready case with a live lease, wrapping to the top", () => {
    expect(nextReady(items, "c1", 5_000)?.caseId).toBe("c2");
    expect(nextReady(items, "c2", 5_000)?.caseId).toBe("c4"); // c3's lease has expired
    expect(nextReady(items, "c4", 5_000)?.caseId).toBe("c2");
    expect(nextReady([item("c1", "decided")], "c1", 0)).toBeUndefined();
  });

  it("steps to neighbours with j/k", () => {
    expect(neighbour(items, null, 1)?.caseId).toBe("c1");
    expect(neighbour(items, "c2", 1)?.caseId).toBe("c3");
    expect(neighbour(items, "c2", -1)?.caseId).toBe("c1");
    expect(neighbour(items, "c1", -1)).toBeUndefined();
  });

  it("formats the lease countdown and says when it is gone", () => {
    expect(leaseLeft(65_000, 0)).toBe("1:05");
    expect(leaseLeft(3_725_000, 0)).toBe("1:02:05");
    expect(leaseLeft(1_000, 1_000)).toBeNull();
  });

  it("takes a pushed case that left the queue as accepted by the hub", () => {
    const before = [item("c1", "waiting_push"), item("c2", "ready"), item("c3", "decided"), item("c4", "conflict")];
    const after = [item("c2", "ready")];
    expect(newlyAccepted(before, after).map((i) => i.caseId)).toEqual(["c1", "c3"]);
    expect(newlyAccepted(before, after, new Set(["c3"])).map((i) => i.caseId)).toEqual(["c1"]);
  });
});

describe("idleLockChoices", () => {
  it("offers the presets inside the policy's bounds, the bounds and the current value", () => {
    expect(idleLockChoices(60, 900, 300)).toEqual([60, 120, 300, 600, 900]);
    expect(idleLockChoices(90, 450, 300)).toEqual([90, 120, 300, 450]);
    expect(idleLockChoices(30, 3600, 45)).toEqual([30, 45, 60, 120, 300, 600, 900, 1800, 3600]);
  });
});
