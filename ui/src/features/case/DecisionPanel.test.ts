import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import DecisionPanel from "./DecisionPanel.svelte";
import { i18n } from "../../lib/i18n/index.svelte";
import { CATALOGUE, caseView, queueItem } from "../../test/fixtures";

const ipc = vi.hoisted(() => ({ decide: vi.fn(), dismissCase: vi.fn() }));
vi.mock("../../lib/ipc", async (original) => ({ ...(await original<object>()), ipc }));

function key(k: string, target: Element | Document = document.activeElement ?? document.body) {
  return fireEvent.keyDown(target, { key: k });
}

describe("DecisionPanel", () => {
  beforeEach(() => {
    i18n.locale = "en";
    ipc.decide.mockReset();
  });

  it("approve by keyboard: `a` then Enter sends the approval", async () => {
    const onDecided = vi.fn();
    ipc.decide.mockResolvedValue(queueItem("c1", { state: "decided" }));
    render(DecisionPanel, { caseView: caseView(), catalogue: CATALOGUE, onDecided, onDismissed: vi.fn() });
    await key("a", document.body);
    const submit = screen.getByTestId("decision-submit");
    expect(document.activeElement).toBe(submit);
    await fireEvent.click(submit);
    await vi.waitFor(() => expect(onDecided).toHaveBeenCalled());
    expect(ipc.decide).toHaveBeenCalledWith({ caseId: "c1", outcome: "approve", reasons: [], documents: [], note: null });
  });

  it("approve without consent is refused with the reason shown", async () => {
    ipc.decide.mockRejectedValue({ code: "invalid", message: "consent" });
    render(DecisionPanel, { caseView: caseView({ consentGiven: false }), catalogue: CATALOGUE, onDecided: vi.fn(), onDismissed: vi.fn() });
    expect(screen.getByTestId("consent-missing").textContent).toContain("cannot be approved");
    await fireEvent.click(screen.getByTestId("decision-approve"));
    await fireEvent.click(screen.getByTestId("decision-submit"));
    await vi.waitFor(() => expect(screen.getByTestId("decision-error").textContent).toContain("consent is missing"));
  });

  it("reject needs a reason code from the catalogue and sends the chosen ones", async () => {
    ipc.decide.mockResolvedValue(queueItem("c1", { state: "decided" }));
    render(DecisionPanel, { caseView: caseView(), catalogue: CATALOGUE, onDecided: vi.fn(), onDismissed: vi.fn() });
    await key("r", document.body);
    const reasons = screen.getAllByTestId("decision-reason");
    expect(reasons.map((r) => r.getAttribute("data-code"))).toEqual(["R01", "R02"]);
    expect(document.activeElement).toBe(reasons[0]);
    await fireEvent.click(screen.getByTestId("decision-submit"));
    expect(screen.getByTestId("decision-error").textContent).toBe("Choose at least one reason.");
    expect(ipc.decide).not.toHaveBeenCalled();
    await fireEvent.click(reasons[1]);
    await fireEvent.input(screen.getByTestId("decision-note"), { target: { value: " expired last year " } });
    await fireEvent.keyDown(reasons[1], { key: "Enter" });
    expect(ipc.decide).toHaveBeenCalledWith({ caseId: "c1", outcome: "reject", reasons: ["R02"], documents: [], note: "expired last year" });
  });

  it("resubmission names the documents to send again", async () => {
    ipc.decide.mockResolvedValue(queueItem("c1", { state: "decided" }));
    render(DecisionPanel, { caseView: caseView(), catalogue: CATALOGUE, onDecided: vi.fn(), onDismissed: vi.fn() });
    await key("s", document.body);
    await fireEvent.click(screen.getByTestId("decision-submit"));
    expect(screen.getByTestId("decision-error").textContent).toBe("Choose the documents to resubmit.");
    const docs = screen.getAllByTestId("decision-document");
    expect(docs.map((d) => d.getAttribute("data-doc-kind"))).toEqual(["id_card_front", "face_video"]);
    await fireEvent.click(docs[1]);
    await fireEvent.click(screen.getByTestId("decision-submit"));
    expect(ipc.decide).toHaveBeenCalledWith({ caseId: "c1", outcome: "resubmit", reasons: [], documents: ["face_video"], note: null });
  });

  it("letters typed in the note are text, not shortcuts; Ctrl+Enter sends", async () => {
    ipc.decide.mockResolvedValue(queueItem("c1", { state: "decided" }));
    render(DecisionPanel, { caseView: caseView(), catalogue: CATALOGUE, onDecided: vi.fn(), onDismissed: vi.fn() });
    await key("e", document.body);
    const note = screen.getByTestId("decision-note");
    await key("a", note);
    await key("r", note);
    expect(screen.getByTestId("decision-escalate").getAttribute("aria-checked")).toBe("true");
    await fireEvent.keyDown(note, { key: "Enter", ctrlKey: true });
    expect(ipc.decide).toHaveBeenCalledWith(expect.objectContaining({ outcome: "escalate" }));
  });

  it("a decided case shows its push state; a conflict can be dismissed", async () => {
    const onDismissed = vi.fn();
    ipc.dismissCase.mockResolvedValue(undefined);
    render(DecisionPanel, {
      caseView: caseView({ state: "conflict", decision: { outcome: "approve", reasons: [], documents: [] } }),
      catalogue: CATALOGUE,
      onDecided: vi.fn(),
      onDismissed,
    });
    expect(screen.getByTestId("decision-status").textContent).toContain("Conflict");
    expect(screen.queryByTestId("decision-submit")).toBeNull();
    await fireEvent.click(screen.getByTestId("decision-dismiss"));
    await vi.waitFor(() => expect(onDismissed).toHaveBeenCalledWith("c1"));
  });
});
