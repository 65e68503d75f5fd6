import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import Revealer from "./Revealer.svelte";
import { i18n } from "../../lib/i18n/index.svelte";

const ipc = vi.hoisted(() => ({ reveal: vi.fn() }));
vi.mock("../../lib/ipc", async (original) => ({ ...(await original<object>()), ipc }));

describe("reveal with a reason", () => {
  beforeEach(() => {
    i18n.locale = "en";
    ipc.reveal.mockReset();
  });
  afterEach(() => vi.useRealTimers());

  it("needs a reason of 3 to 200 characters, shows the value, and masks it again after 30 s", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    ipc.reveal.mockResolvedValue("张三");
    render(Revealer, { caseId: "c1", revealKey: "applicant.name", masked: "张*" });
    await fireEvent.click(screen.getByTestId("reveal-button"));
    const reason = screen.getByTestId("reveal-reason");
    const submit = screen.getByTestId("reveal-submit") as HTMLButtonElement;
    await fireEvent.input(reason, { target: { value: " ab " } });
    expect(submit.disabled).toBe(true);
    await fireEvent.input(reason, { target: { value: "x".repeat(201) } });
    expect(submit.disabled).toBe(true);
    await fireEvent.input(reason, { target: { value: "  name check against ID  " } });
    expect(submit.disabled).toBe(false);
    await fireEvent.click(submit);
    await vi.waitFor(() => expect(screen.getByTestId("revealed-value").textContent).toBe("张三"));
    expect(ipc.reveal).toHaveBeenCalledWith("c1", "applicant.name", "name check against ID");
    await vi.advanceTimersByTimeAsync(29_000);
    expect(screen.queryByTestId("revealed-value")).not.toBeNull();
    await vi.advanceTimersByTimeAsync(1_100);
    expect(screen.queryByTestId("revealed-value")).toBeNull();
    expect(screen.getByTestId("masked-value").textContent).toBe("张*");
  });

  it("forgets the revealed value when unmounted (case closed, desk locked)", async () => {
    ipc.reveal.mockResolvedValue("张三");
    const { unmount } = render(Revealer, { caseId: "c1", revealKey: "applicant.name", masked: "张*" });
    await fireEvent.click(screen.getByTestId("reveal-button"));
    await fireEvent.input(screen.getByTestId("reveal-reason"), { target: { value: "compare" } });
    await fireEvent.click(screen.getByTestId("reveal-submit"));
    await vi.waitFor(() => screen.getByTestId("revealed-value"));
    unmount();
    expect(document.body.textContent).not.toContain("张三");
  });

  it("a field that cannot be revealed offers no reveal", () => {
    render(Revealer, { caseId: "c1", revealKey: null, masked: "—" });
    expect(screen.queryByTestId("reveal-button")).toBeNull();
  });
});
