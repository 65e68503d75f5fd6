import { describe, expect, it, vi, beforeEach } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import LoginScreen from "./LoginScreen.svelte";
import { i18n } from "../../lib/i18n/index.svelte";

// The Rust side is exercised for real in the end-to-end tests; here the IPC boundary is
// replaced so the component's own behaviour can be checked in isolation.
const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

describe("LoginScreen", () => {
  beforeEach(() => {
    invoke.mockReset();
    i18n.locale = "en";
  });

  it("renders the form in English and switches to Chinese", async () => {
    render(LoginScreen);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Sign in");
    await fireEvent.click(screen.getByRole("button", { name: "中文" }));
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("登录");
    expect(screen.getByLabelText("密码")).toBeTruthy();
  });

  it("names the missing field and does not call the hub", async () => {
    render(LoginScreen, { defaultHubUrl: "http://127.0.0.1:1" });
    await fireEvent.input(screen.getByLabelText("User name"), { target: { value: "r1" } });
    await fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(screen.getByRole("alert").textContent).toContain("Password is required.");
    expect(invoke).not.toHaveBeenCalled();
  });

  it("shows the translated error for the code the core returns, never its raw text", async () => {
    invoke.mockRejectedValue({ code: "insecure_hub", message: "raw text from core" });
    render(LoginScreen, { defaultHubUrl: "http://hub.example.org" });
    await fireEvent.input(screen.getByLabelText("User name"), { target: { value: "r1" } });
    await fireEvent.input(screen.getByLabelText("Password"), { target: { value: "pw" } });
    await fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await vi.waitFor(() => expect(screen.getByRole("alert")).toBeTruthy());
    expect(screen.getByRole("alert").textContent).toContain("Plain http://");
    expect(invoke).toHaveBeenCalledWith("sign_in", {
      request: { hubUrl: "http://hub.example.org", user: "r1", password: "pw" },
    });
  });

  it.each([
    ["wrong_password", "The user name or password is not correct."],
    ["hub_unreachable", "The hub cannot be reached."],
    ["revoked", "revoked"],
    ["in_use", "already open for this account"],
    ["online_sign_in_required", "needs the hub"],
  ])("explains %s in words", async (code, words) => {
    invoke.mockRejectedValue({ code, message: "raw" });
    render(LoginScreen, { defaultHubUrl: "https://hub.example.org" });
    await fireEvent.input(screen.getByLabelText("User name"), { target: { value: "r1" } });
    await fireEvent.input(screen.getByLabelText("Password"), { target: { value: "pw" } });
    await fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await vi.waitFor(() => expect(screen.getByRole("alert").textContent).toContain(words));
    expect(screen.getByRole("alert").textContent).not.toContain("raw");
  });

  it("lists demo accounts only when the build offers them, and picking one fills the user", async () => {
    const { unmount } = render(LoginScreen, {});
    expect(screen.queryByTestId("demo-accounts")).toBeNull();
    unmount();
    render(LoginScreen, { demoAccounts: [{ username: "reviewer1", role: "reviewer" }, { username: "super1", role: "supervisor" }] });
    expect(screen.getByTestId("demo-accounts").textContent).toContain("Supervisor");
    await fireEvent.click(screen.getAllByTestId("demo-account")[0]);
    expect((screen.getByLabelText("User name") as HTMLInputElement).value).toBe("reviewer1");
    expect(document.activeElement).toBe(screen.getByLabelText("Password"));
  });

  it("says that the account was revoked and the data wiped, or that sign-out wiped it", () => {
    const { unmount } = render(LoginScreen, { notice: { kind: "revoked" } });
    expect(screen.getByTestId("login-notice").textContent).toContain("revoked");
    unmount();
    render(LoginScreen, { notice: { kind: "wiped", discarded: 2 } });
    expect(screen.getByTestId("login-notice").textContent).toContain("deleted, with 2 decisions");
  });
});
