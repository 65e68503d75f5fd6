import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import App from "../../App.svelte";
import { i18n } from "../../lib/i18n/index.svelte";
import { applyEvent, desk, SIGNED_OUT } from "../../lib/desk.svelte";
import { CATALOGUE, caseView, deskState, queueItem } from "../../test/fixtures";

const ipc = vi.hoisted(() => ({
  appInfo: vi.fn(),
  deskState: vi.fn(),
  subscribe: vi.fn(),
  activity: vi.fn(),
  setLanguage: vi.fn(),
  queue: vi.fn(),
  reasonCatalogue: vi.fn(),
  openCase: vi.fn(),
  closeCase: vi.fn(),
  peekCase: vi.fn(),
  decide: vi.fn(),
  undoDecision: vi.fn(),
  lock: vi.fn(),
  unlock: vi.fn(),
  signOut: vi.fn(),
  pull: vi.fn(),
  cancelPull: vi.fn(),
}));
vi.mock("../../lib/ipc", async (original) => ({ ...(await original<object>()), ipc }));

const ITEMS = [queueItem("c1"), queueItem("c2", { state: "waiting_push" }), queueItem("c3")];

function press(key: string, init: KeyboardEventInit = {}) {
  return fireEvent.keyDown(document.body, { key, ...init });
}

describe("the desk", () => {
  beforeEach(() => {
    i18n.locale = "en";
    desk.state = SIGNED_OUT;
    desk.notice = null;
    for (const f of Object.values(ipc)) f.mockReset();
    ipc.appInfo.mockResolvedValue({ name: "KYC Desk", version: "0", defaultHubUrl: null, demoAccounts: [], platform: "macos" });
    ipc.deskState.mockResolvedValue(deskState());
    ipc.subscribe.mockResolvedValue(undefined);
    ipc.activity.mockResolvedValue(undefined);
    ipc.setLanguage.mockResolvedValue(undefined);
    ipc.queue.mockResolvedValue(ITEMS);
    ipc.reasonCatalogue.mockResolvedValue(CATALOGUE);
    ipc.openCase.mockImplementation(async (caseId: string) => caseView({ caseId }));
    ipc.closeCase.mockResolvedValue(undefined);
    ipc.peekCase.mockImplementation(async (caseId: string) => caseView({ caseId }));
  });

  it("the case j opens next is peeked ahead (not opened) and shows before open_case answers", async () => {
    render(App);
    await vi.waitFor(() => expect(screen.getAllByTestId("queue-item")).toHaveLength(3));
    await press("j");
    await vi.waitFor(() => expect(screen.getByTestId("case-view").getAttribute("data-case-id")).toBe("c1"));
    await vi.waitFor(() => expect(ipc.peekCase).toHaveBeenCalledWith("c2"));
    expect(ipc.openCase).not.toHaveBeenCalledWith("c2");
    let answer: (view: ReturnType<typeof caseView>) => void = () => {};
    ipc.openCase.mockImplementation(() => new Promise((resolve) => (answer = resolve)));
    await Promise.resolve();
    await press("j");
    // Shown from the prefetch while open_case (clock, audit) is still under way.
    await vi.waitFor(() => expect(screen.getByTestId("case-view").getAttribute("data-case-id")).toBe("c2"));
    expect(ipc.openCase).toHaveBeenLastCalledWith("c2");
    answer(caseView({ caseId: "c2" }));
    await vi.waitFor(() => expect(ipc.peekCase).toHaveBeenCalledWith("c3"));
  });

  it("the next case is rendered ahead, hidden and unopened, takes no keys, and j shows that very screen", async () => {
    render(App);
    await vi.waitFor(() => expect(screen.getAllByTestId("queue-item")).toHaveLength(3));
    await press("j");
    await vi.waitFor(() => expect(screen.getByTestId("case-view").getAttribute("data-case-id")).toBe("c1"));
    const ahead = await vi.waitFor(() => {
      const el = document.querySelector<HTMLElement>("[data-testid=case-ahead]");
      expect(el?.getAttribute("data-case-id")).toBe("c2");
      return el!;
    });
    expect(ahead.closest("[aria-hidden=true]")).not.toBeNull();
    expect(ipc.openCase).not.toHaveBeenCalledWith("c2");
    // The shortcuts belong to the shown case only: "approve" focuses its submit button.
    await press("a");
    await vi.waitFor(() =>
      expect(document.activeElement?.closest("[data-testid=case-view]")?.getAttribute("data-case-id")).toBe("c1"),
    );
    expect(ahead.contains(document.activeElement)).toBe(false);
    (document.activeElement as HTMLElement).blur();
    await press("j");
    await vi.waitFor(() => expect(ipc.openCase).toHaveBeenLastCalledWith("c2"));
    // The very screen built ahead is the one shown: nothing was rebuilt after the key.
    expect(screen.getByTestId("case-view")).toBe(ahead);
    expect(ahead.closest("[aria-hidden=true]")).toBeNull();
    expect(ipc.closeCase).toHaveBeenCalledWith("c1");
  });

  it("j opens the first case; after a decision the next ready case opens at once, with undo", async () => {
    ipc.decide.mockResolvedValue(queueItem("c1", { state: "decided", undoUntil: Date.now() + 10_000 }));
    ipc.undoDecision.mockResolvedValue(queueItem("c1"));
    render(App);
    await vi.waitFor(() => expect(screen.getAllByTestId("queue-item")).toHaveLength(3));
    expect(screen.getByTestId("online-status").textContent).toContain("Online");
    expect(screen.getByTestId("pending-push").textContent).toContain("0 waiting to push");
    await press("j");
    await vi.waitFor(() => expect(screen.getByTestId("case-view").getAttribute("data-case-id")).toBe("c1"));
    await press("a");
    await press("Enter"); // nothing: Enter belongs to the focused button
    await fireEvent.click(screen.getByTestId("decision-submit"));
    // c2 waits to push, so c3 is the next ready case.
    await vi.waitFor(() => expect(screen.getByTestId("case-view").getAttribute("data-case-id")).toBe("c3"));
    expect(ipc.closeCase).toHaveBeenCalledWith("c1");
    expect(screen.getByTestId("undo-toast")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("undo-button"));
    expect(ipc.undoDecision).toHaveBeenCalledWith("c1");
    await vi.waitFor(() => expect(screen.getByTestId("case-view").getAttribute("data-case-id")).toBe("c1"));
  });

  it("locking leaves no case data in the DOM, and unlocking brings the desk back", async () => {
    ipc.lock.mockResolvedValue(deskState({ phase: "locked", lockReason: "manual" }));
    ipc.unlock.mockResolvedValue(deskState());
    render(App);
    await vi.waitFor(() => screen.getAllByTestId("queue-item"));
    await press("j");
    await vi.waitFor(() => expect(document.body.textContent).toContain("1101**********002X"));
    await press("l", { ctrlKey: true });
    await vi.waitFor(() => screen.getByTestId("lock-screen"));
    const text = document.body.innerHTML;
    for (const value of ["张*", "1101**********002X", "c1", "m-front", "expired on"]) expect(text).not.toContain(value);
    expect(screen.getByTestId("lock-screen").textContent).toContain("reviewer1");
    await fireEvent.input(screen.getByTestId("unlock-password"), { target: { value: "pw" } });
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    await vi.waitFor(() => screen.getAllByTestId("queue-item"));
    expect(ipc.unlock).toHaveBeenCalledWith("pw");
  });

  it("too many wrong passwords at the lock screen: the login screen says the data was deleted", async () => {
    ipc.deskState.mockResolvedValueOnce(deskState({ phase: "locked", lockReason: "idle" }));
    ipc.unlock.mockRejectedValue({ code: "wiped", message: "" });
    render(App);
    await vi.waitFor(() => screen.getByTestId("lock-screen"));
    ipc.deskState.mockResolvedValue({ ...SIGNED_OUT, signedOutReason: "too_many_attempts" });
    await fireEvent.input(screen.getByTestId("unlock-password"), { target: { value: "wrong" } });
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    await vi.waitFor(() => screen.getByTestId("login-notice"));
    expect(screen.getByTestId("login-notice").getAttribute("data-kind")).toBe("too_many_attempts");
  });

  it("waiting to push until the hub answers, then accepted", async () => {
    render(App);
    await vi.waitFor(() => screen.getAllByTestId("queue-item"));
    expect(screen.getAllByTestId("queue-item")[1].getAttribute("data-state")).toBe("waiting_push");
    ipc.queue.mockResolvedValue([ITEMS[0], ITEMS[2]]);
    applyEvent({ type: "queue_changed" });
    await vi.waitFor(() => screen.getByTestId("accepted-item"));
    expect(screen.getByTestId("accepted-item").getAttribute("data-case-id")).toBe("c2");
    expect(screen.getByTestId("accepted-list").textContent).toContain("Accepted by the hub (1)");
  });

  it("an idle lock from Rust takes the desk away too", async () => {
    render(App);
    await vi.waitFor(() => screen.getAllByTestId("queue-item"));
    applyEvent({ type: "state", state: deskState({ phase: "locked", lockReason: "idle" }) });
    await vi.waitFor(() => screen.getByTestId("lock-screen"));
    expect(screen.getByTestId("lock-screen").textContent).toContain("without activity");
    expect(screen.queryByTestId("queue-list")).toBeNull();
  });

  it("a sleep lock from Rust says why and names what locks the desk with the machine", async () => {
    ipc.deskState.mockResolvedValue(deskState({ lockWatch: "logind" }));
    render(App);
    await vi.waitFor(() => screen.getAllByTestId("queue-item"));
    expect(screen.getByTestId("lock-button").getAttribute("title")).toContain("logind");
    applyEvent({ type: "state", state: deskState({ phase: "locked", lockReason: "suspend", lockWatch: "logind" }) });
    await vi.waitFor(() => screen.getByTestId("lock-screen"));
    expect(screen.getByTestId("lock-reason").textContent).toContain("went to sleep");
    expect(screen.getByTestId("lock-watch").textContent).toContain("before the computer sleeps (logind)");
    expect(screen.queryByTestId("queue-list")).toBeNull();
  });

  it("a revoked account lands on the login screen, which says why", async () => {
    render(App);
    await vi.waitFor(() => screen.getAllByTestId("queue-item"));
    applyEvent({ type: "state", state: { ...SIGNED_OUT, signedOutReason: "revoked" } });
    await vi.waitFor(() => screen.getByTestId("login-notice"));
    expect(screen.getByTestId("login-notice").textContent).toContain("revoked");
  });

  it("reports activity to Rust, throttled", async () => {
    render(App);
    await vi.waitFor(() => screen.getAllByTestId("queue-item"));
    await press("x");
    await press("y");
    expect(ipc.activity).toHaveBeenCalledTimes(1);
  });

  it("? opens the help overlay listing every shortcut, and ? or Esc closes it", async () => {
    const { SHORTCUTS } = await import("../../lib/shortcuts/registry");
    render(App);
    await vi.waitFor(() => screen.getAllByTestId("queue-item"));
    await press("?", { shiftKey: true });
    const rows = screen.getAllByTestId("help-row").map((r) => r.getAttribute("data-shortcut"));
    expect(rows.sort()).toEqual(SHORTCUTS.map((s) => s.id).sort());
    // While the overlay is open, decision keys do nothing.
    await press("j");
    expect(screen.queryByTestId("case-view")).toBeNull();
    await press("Escape");
    expect(screen.queryByTestId("help-overlay")).toBeNull();
  });
});
