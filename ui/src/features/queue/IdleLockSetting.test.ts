import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import IdleLockSetting from "./IdleLockSetting.svelte";
import { i18n } from "../../lib/i18n/index.svelte";
import { deskState } from "../../test/fixtures";

const ipc = vi.hoisted(() => ({ setIdleLock: vi.fn() }));
vi.mock("../../lib/ipc", async (original) => ({ ...(await original<object>()), ipc }));

describe("IdleLockSetting", () => {
  beforeEach(() => {
    i18n.locale = "en";
    ipc.setIdleLock.mockReset();
  });

  it("offers only values inside the policy's bounds and hands Rust's answer on", async () => {
    const answer = deskState({ idleLockSecs: 600 });
    ipc.setIdleLock.mockResolvedValue(answer);
    const onChanged = vi.fn();
    render(IdleLockSetting, { secs: 300, minSecs: 120, maxSecs: 600, onChanged });
    const select = screen.getByTestId("idle-lock") as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(["2 min", "5 min", "10 min"]);
    expect(select.value).toBe("300");
    await fireEvent.change(select, { target: { value: "600" } });
    expect(ipc.setIdleLock).toHaveBeenCalledWith(600);
    await vi.waitFor(() => expect(onChanged).toHaveBeenCalledWith(answer));
  });

  it("shows Rust's refusal", async () => {
    ipc.setIdleLock.mockRejectedValue({ code: "invalid", message: "out of bounds" });
    render(IdleLockSetting, { secs: 300, minSecs: 60, maxSecs: 900, onChanged: vi.fn() });
    await fireEvent.change(screen.getByTestId("idle-lock"), { target: { value: "900" } });
    await vi.waitFor(() => expect(screen.getByRole("alert")).toBeTruthy());
  });
});
