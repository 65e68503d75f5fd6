import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import OverturnForm from "./OverturnForm.svelte";
import QueueDecisionForm from "./QueueDecisionForm.svelte";
import { i18n } from "../../lib/i18n/index.svelte";
import { CATALOGUE } from "../../test/fixtures";
import type { AuditedCase, DecisionRow } from "../../lib/ipc";

const ipc = vi.hoisted(() => ({
  giveVerdict: vi.fn(),
  reasonCatalogue: vi.fn(),
  decideEscalation: vi.fn(),
  resolveDispute: vi.fn(),
}));
vi.mock("../../lib/ipc", async (original) => ({ ...(await original<object>()), ipc }));

function row(over: Partial<DecisionRow> = {}): DecisionRow {
  return {
    decisionId: 7,
    caseId: "c_1",
    kind: "individual_id_card",
    reviewer: "u_r1",
    own: false,
    outcome: "approve",
    reasons: [],
    source: "reviewer",
    caseState: "decided",
    waitingSecs: null,
    recordedAt: "2026-12-01T10:00:00Z",
    handlingSecs: 60,
    verdict: null,
    hasNote: false,
    supersedes: null,
    supersededBy: null,
    ...over,
  };
}

function opened(over: Partial<AuditedCase> = {}): AuditedCase {
  return {
    caseId: "c_1",
    kind: "individual_id_card",
    state: "decided",
    decisions: [row()],
    audit: [],
    notes: [],
    evidence: null,
    overturnAction: "correct",
    resubmittable: ["id_card_front", "face_video"],
    consentGiven: true,
    ...over,
  };
}

describe("overturning", () => {
  beforeEach(() => {
    i18n.locale = "en";
    ipc.giveVerdict.mockReset().mockResolvedValue({ caseState: "decided", action: "correct", correctionId: 9 });
    ipc.reasonCatalogue.mockReset().mockResolvedValue(CATALOGUE);
  });

  it("asks for the corrected outcome where the policy corrects, and sends it with the note", async () => {
    const onDone = vi.fn();
    render(OverturnForm, { row: row(), opened: opened(), onDone, onError: vi.fn() });
    expect(screen.getByTestId("overturn-correct")).toBeTruthy();
    const send = screen.getByTestId("overturn-send") as HTMLButtonElement;
    await fireEvent.input(screen.getByTestId("overturn-note"), { target: { value: "wrong person" } });
    expect(send.disabled).toBe(true);
    await fireEvent.click(screen.getByTestId("sup-outcome-reject"));
    expect(send.disabled).toBe(true);
    await vi.waitFor(() => expect(screen.getAllByTestId("sup-reason").length).toBe(2));
    await fireEvent.click(screen.getAllByTestId("sup-reason")[0]);
    expect(send.disabled).toBe(false);
    await fireEvent.click(send);
    await vi.waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(ipc.giveVerdict).toHaveBeenCalledWith({
      decisionId: 7,
      agree: false,
      note: "wrong person",
      corrected: { outcome: "reject", reasons: ["R01"], documents: [] },
    });
  });

  it("says the case goes back to the queue where the policy requeues, and sends no correction", async () => {
    render(OverturnForm, { row: row(), opened: opened({ overturnAction: "requeue" }), onDone: vi.fn(), onError: vi.fn() });
    expect(screen.getByTestId("overturn-requeue").textContent).toContain("back to the reviewers' queue");
    expect(screen.queryByTestId("sup-outcome-editor")).toBeNull();
    await fireEvent.input(screen.getByTestId("overturn-note"), { target: { value: "missed a flaw" } });
    await fireEvent.click(screen.getByTestId("overturn-send"));
    expect(ipc.giveVerdict).toHaveBeenCalledWith({ decisionId: 7, agree: false, note: "missed a flaw", corrected: null });
  });

  it("offers no approval without consent", async () => {
    render(OverturnForm, { row: row(), opened: opened({ consentGiven: false }), onDone: vi.fn(), onError: vi.fn() });
    expect((screen.getByTestId("sup-outcome-approve") as HTMLButtonElement).disabled).toBe(true);
  });
});

describe("deciding from a queue", () => {
  beforeEach(() => {
    i18n.locale = "en";
    ipc.reasonCatalogue.mockReset().mockResolvedValue(CATALOGUE);
    ipc.resolveDispute.mockReset().mockResolvedValue({ decisionId: 12, caseState: "decided", duplicate: false });
  });

  it("shows a dispute's two decisions side by side and resolves it with the queue entry, once", async () => {
    const slots = [
      { slot: 1, decisionId: 10, reviewer: "u_a", outcome: "reject" },
      { slot: 2, decisionId: 11, reviewer: "u_b", outcome: "request_resubmission" },
    ];
    const decisions = [
      row({ decisionId: 10, outcome: "reject", reasons: ["Face mismatch"], reviewer: "u_a", caseState: "disputed" }),
      row({ decisionId: 11, outcome: "request_resubmission", reviewer: "u_b", caseState: "disputed" }),
    ];
    let release: (v: unknown) => void = () => {};
    ipc.resolveDispute.mockReturnValue(new Promise((r) => (release = r)));
    const onDecided = vi.fn();
    render(QueueDecisionForm, {
      mode: "dispute",
      entry: 11,
      slots,
      opened: opened({ state: "disputed", decisions }),
      onDecided,
      onError: vi.fn(),
    });
    const sides = screen.getAllByTestId("dispute-side");
    expect(sides.map((s) => s.getAttribute("data-outcome"))).toEqual(["reject", "request_resubmission"]);
    expect(sides[0].textContent).toContain("Face mismatch");
    await fireEvent.click(screen.getByTestId("sup-outcome-resubmit"));
    await fireEvent.click(screen.getAllByTestId("sup-document")[0]);
    const send = screen.getByTestId("dispute-send") as HTMLButtonElement;
    await fireEvent.click(send);
    await fireEvent.click(send);
    expect(ipc.resolveDispute).toHaveBeenCalledTimes(1);
    expect(ipc.resolveDispute).toHaveBeenCalledWith(11, {
      caseId: "c_1",
      outcome: "resubmit",
      reasons: [],
      documents: ["id_card_front"],
      note: null,
    });
    release({ decisionId: 12, caseState: "decided", duplicate: false });
    await vi.waitFor(() => expect(onDecided).toHaveBeenCalled());
  });
});
