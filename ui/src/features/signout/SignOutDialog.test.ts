import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import SignOutDialog from "./SignOutDialog.svelte";
import { i18n } from "../../lib/i18n/index.svelte";
import { deskState } from "../../test/fixtures";

const ipc = vi.hoisted(() => ({ signOut: vi.fn(), lock: vi.fn() }));
vi.mock("../../lib/ipc", async (original) => ({ ...(await original<object>()), ipc }));

describe("sign-out", () => {
  beforeEach(() => {
    i18n.locale = "en";
    ipc.signOut.mockReset();
    ipc.lock.mockReset();
  });

  it("pushes and signs out, reporting the wipe", async () => {
    ipc.signOut.mockResolvedValue({ wiped: true, discarded: 0, released: 3 });
    const onSignedOut = vi.fn();
    render(SignOutDialog, { pendingPush: 0, onClose: vi.fn(), onSignedOut, onLocked: vi.fn() });
    await fireEvent.click(screen.getByTestId("signout-confirm"));
    await vi.waitFor(() => expect(onSignedOut).toHaveBeenCalledWith({ wiped: true, discarded: 0, released: 3 }));
    expect(ipc.signOut).toHaveBeenCalledWith(undefined);
  });

  it("when decisions cannot be pushed: stay and lock, or discard only after typing DISCARD", async () => {
    ipc.signOut.mockRejectedValueOnce({ code: "pending_decisions", message: "" });
    ipc.signOut.mockResolvedValueOnce({ wiped: true, discarded: 2, released: 0 });
    ipc.lock.mockResolvedValue(deskState({ phase: "locked" }));
    const onSignedOut = vi.fn();
    const onLocked = vi.fn();
    render(SignOutDialog, { pendingPush: 2, onClose: vi.fn(), onSignedOut, onLocked });
    await fireEvent.click(screen.getByTestId("signout-confirm"));
    await vi.waitFor(() => screen.getByTestId("signout-stuck"));
    const discard = screen.getByTestId("signout-discard") as HTMLButtonElement;
    expect(discard.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("signout-discard-input"), { target: { value: "discard" } });
    expect(discard.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("signout-discard-input"), { target: { value: "DISCARD" } });
    expect(discard.disabled).toBe(false);
    await fireEvent.click(discard);
    await vi.waitFor(() => expect(onSignedOut).toHaveBeenCalledWith({ wiped: true, discarded: 2, released: 0 }));
    expect(ipc.signOut).toHaveBeenLastCalledWith("DISCARD");
  });

  it("stay and lock locks the desk instead", async () => {
    ipc.signOut.mockRejectedValueOnce({ code: "pending_decisions", message: "" });
    ipc.lock.mockResolvedValue(deskState({ phase: "locked" }));
    const onLocked = vi.fn();
    render(SignOutDialog, { pendingPush: 1, onClose: vi.fn(), onSignedOut: vi.fn(), onLocked });
    await fireEvent.click(screen.getByTestId("signout-confirm"));
    await vi.waitFor(() => screen.getByTestId("signout-stay"));
    await fireEvent.click(screen.getByTestId("signout-stay"));
    await vi.waitFor(() => expect(onLocked).toHaveBeenCalled());
  });
});
