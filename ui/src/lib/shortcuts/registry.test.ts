import { afterEach, describe, expect, it, vi } from "vitest";
import { SHORTCUTS, shortcutFor, useShortcuts } from "./registry";
import { en } from "../i18n/en";

function press(key: string, init: KeyboardEventInit = {}, target: EventTarget = document.body) {
  const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}

describe("shortcut registry", () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    cleanups.splice(0).forEach((f) => f());
    document.body.innerHTML = "";
  });

  it("binds every documented key to its handler", () => {
    const approve = vi.fn();
    const lock = vi.fn();
    cleanups.push(useShortcuts({ approve, lock }));
    press("a");
    press("l", { ctrlKey: true });
    expect(approve).toHaveBeenCalledTimes(1);
    expect(lock).toHaveBeenCalledTimes(1);
  });

  it("single-key shortcuts never fire while typing in a field", () => {
    const approve = vi.fn();
    const reject = vi.fn();
    cleanups.push(useShortcuts({ approve, reject }));
    const input = document.createElement("input");
    const textarea = document.createElement("textarea");
    document.body.append(input, textarea);
    press("a", {}, input);
    press("r", {}, textarea);
    expect(approve).not.toHaveBeenCalled();
    expect(reject).not.toHaveBeenCalled();
  });

  it("single-key shortcuts never fire during IME composition", () => {
    const approve = vi.fn();
    cleanups.push(useShortcuts({ approve }));
    press("a", { isComposing: true });
    press("a", { keyCode: 229 });
    expect(approve).not.toHaveBeenCalled();
  });

  it("a single-key shortcut with Ctrl or Alt is not the shortcut", () => {
    const approve = vi.fn();
    cleanups.push(useShortcuts({ approve }));
    press("a", { ctrlKey: true });
    press("a", { altKey: true });
    expect(approve).not.toHaveBeenCalled();
  });

  it("Ctrl+L locks even from a text field", () => {
    const lock = vi.fn();
    cleanups.push(useShortcuts({ lock }));
    const input = document.createElement("input");
    document.body.append(input);
    press("l", { ctrlKey: true }, input);
    expect(lock).toHaveBeenCalledTimes(1);
  });

  it("space on a focused button belongs to the button, not play/pause", () => {
    const button = document.createElement("button");
    document.body.append(button);
    expect(shortcutFor(new KeyboardEvent("keydown", { key: " " }))?.id).toBe("playPause");
    const event = new KeyboardEvent("keydown", { key: " ", bubbles: true });
    button.dispatchEvent(event);
    let seen: string | undefined;
    button.addEventListener("keydown", (e) => (seen = shortcutFor(e)?.id));
    button.dispatchEvent(new KeyboardEvent("keydown", { key: " ", bubbles: true }));
    expect(seen).toBeUndefined();
  });

  it("a modal layer hides the layers under it; the latest layer wins", () => {
    const under = vi.fn();
    const over = vi.fn();
    cleanups.push(useShortcuts({ approve: under, next: under }));
    const remove = useShortcuts({ help: over }, { modal: true });
    press("a");
    press("?", { shiftKey: true });
    expect(under).not.toHaveBeenCalled();
    expect(over).toHaveBeenCalledTimes(1);
    remove();
    press("j");
    expect(under).toHaveBeenCalledTimes(1);
  });

  it("has the issue's keys, each with a label and no key bound twice", () => {
    const byId = Object.fromEntries(SHORTCUTS.map((s) => [s.id, s]));
    expect(byId.approve.keys).toContain("a");
    expect(byId.reject.keys).toContain("r");
    expect(byId.resubmit.keys).toContain("s");
    expect(byId.escalate.keys).toContain("e");
    expect(byId.next.keys).toContain("j");
    expect(byId.previous.keys).toContain("k");
    expect(byId.frameBack.keys).toContain(",");
    expect(byId.frameForward.keys).toContain(".");
    expect(byId.help.keys).toContain("?");
    const seen = new Set<string>();
    for (const s of SHORTCUTS) {
      expect(Object.keys(en)).toContain(s.label);
      for (const k of s.keys) {
        const key = `${s.ctrl ? "ctrl+" : ""}${k}`;
        expect(seen.has(key), key).toBe(false);
        seen.add(key);
      }
    }
  });
});
