// The one registry of keyboard shortcuts: it binds the keys (one window listener) and it is
// what the `?` overlay lists, so the help can never disagree with the behaviour.
import type { MessageKey } from "../i18n/index.svelte";

export type ShortcutId =
  | "approve"
  | "reject"
  | "resubmit"
  | "escalate"
  | "next"
  | "previous"
  | "compare"
  | "zoomIn"
  | "zoomOut"
  | "fit"
  | "actualSize"
  | "panLeft"
  | "panRight"
  | "panUp"
  | "panDown"
  | "rotateLeft"
  | "rotateRight"
  | "frameBack"
  | "frameForward"
  | "playPause"
  | "lock"
  | "help";

export type ShortcutGroup = "decide" | "navigate" | "viewer" | "video" | "desk";

export interface Shortcut {
  id: ShortcutId;
  group: ShortcutGroup;
  /** Keys as shown in the help overlay. */
  display: string[];
  /** `event.key` values that trigger it (any of them). */
  keys: string[];
  /** Needs Ctrl (or ⌘ on macOS). Shortcuts without it are "single-key". */
  ctrl?: boolean;
  label: MessageKey;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { id: "approve", group: "decide", display: ["A"], keys: ["a"], label: "shortcut.approve" },
  { id: "reject", group: "decide", display: ["R"], keys: ["r"], label: "shortcut.reject" },
  { id: "resubmit", group: "decide", display: ["S"], keys: ["s"], label: "shortcut.resubmit" },
  { id: "escalate", group: "decide", display: ["E"], keys: ["e"], label: "shortcut.escalate" },
  { id: "next", group: "navigate", display: ["J"], keys: ["j"], label: "shortcut.next" },
  { id: "previous", group: "navigate", display: ["K"], keys: ["k"], label: "shortcut.previous" },
  { id: "compare", group: "navigate", display: ["C"], keys: ["c"], label: "shortcut.compare" },
  { id: "zoomIn", group: "viewer", display: ["+"], keys: ["+", "="], label: "shortcut.zoomIn" },
  { id: "zoomOut", group: "viewer", display: ["-"], keys: ["-", "_"], label: "shortcut.zoomOut" },
  { id: "fit", group: "viewer", display: ["0"], keys: ["0"], label: "shortcut.fit" },
  { id: "actualSize", group: "viewer", display: ["1"], keys: ["1"], label: "shortcut.actualSize" },
  { id: "panLeft", group: "viewer", display: ["←"], keys: ["ArrowLeft"], label: "shortcut.panLeft" },
  { id: "panRight", group: "viewer", display: ["→"], keys: ["ArrowRight"], label: "shortcut.panRight" },
  { id: "panUp", group: "viewer", display: ["↑"], keys: ["ArrowUp"], label: "shortcut.panUp" },
  { id: "panDown", group: "viewer", display: ["↓"], keys: ["ArrowDown"], label: "shortcut.panDown" },
  { id: "rotateLeft", group: "viewer", display: ["["], keys: ["["], label: "shortcut.rotateLeft" },
  { id: "rotateRight", group: "viewer", display: ["]"], keys: ["]"], label: "shortcut.rotateRight" },
  { id: "frameBack", group: "video", display: [","], keys: [","], label: "shortcut.frameBack" },
  { id: "frameForward", group: "video", display: ["."], keys: ["."], label: "shortcut.frameForward" },
  { id: "playPause", group: "video", display: ["Space"], keys: [" "], label: "shortcut.playPause" },
  { id: "lock", group: "desk", display: ["Ctrl", "L"], keys: ["l", "L"], ctrl: true, label: "shortcut.lock" },
  { id: "help", group: "desk", display: ["?"], keys: ["?"], label: "shortcut.help" },
];

export const GROUPS: readonly ShortcutGroup[] = ["decide", "navigate", "viewer", "video", "desk"];

const TEXT_INPUT_TYPES = new Set([
  "text", "search", "password", "email", "url", "tel", "number", "date", "time", "datetime-local", "month", "week", "",
]);

/** Whether the event's target is a place where the reviewer types text. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return TEXT_INPUT_TYPES.has((target as HTMLInputElement).type);
  return false;
}

/** Whether the key press belongs to an input method composition (Chinese pinyin, …). */
export function isComposing(event: KeyboardEvent): boolean {
  // WebKit reports keyCode 229 for the key press that starts a composition, before
  // `isComposing` turns true.
  return event.isComposing || event.keyCode === 229;
}

/** The shortcut a key press means here, or undefined. Pure: no handler is called. */
export function shortcutFor(event: KeyboardEvent): Shortcut | undefined {
  if (isComposing(event)) return undefined;
  const ctrl = event.ctrlKey || event.metaKey;
  const typing = isTypingTarget(event.target);
  for (const shortcut of SHORTCUTS) {
    if (!shortcut.keys.includes(event.key)) continue;
    if (shortcut.ctrl) {
      if (ctrl && !event.altKey) return shortcut;
      continue;
    }
    // Single-key shortcuts: never with a modifier (Shift is part of `?` and `+`), never while
    // typing in a field.
    if (ctrl || event.altKey || typing) continue;
    // Space on a focused button or checkbox belongs to that control.
    if (event.key === " " && isControl(event.target)) continue;
    return shortcut;
  }
  return undefined;
}

function isControl(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.tagName === "BUTTON" || target.tagName === "INPUT" || target.tagName === "A";
}

export type Handlers = Partial<Record<ShortcutId, (event: KeyboardEvent) => void>>;

interface Layer {
  handlers: Handlers;
  /** A modal layer (dialog, help overlay) hides every layer under it. */
  modal: boolean;
}

const layers: Layer[] = [];
let listening = false;

function dispatch(event: KeyboardEvent) {
  const shortcut = shortcutFor(event);
  if (!shortcut) return;
  for (let i = layers.length - 1; i >= 0; i--) {
    const handler = layers[i].handlers[shortcut.id];
    if (handler) {
      event.preventDefault();
      handler(event);
      return;
    }
    if (layers[i].modal) return;
  }
}

/**
 * Registers handlers for some shortcuts; the latest registration wins for a given id.
 * Returns the function that removes them (call it when the component goes away).
 */
export function useShortcuts(handlers: Handlers, options: { modal?: boolean } = {}): () => void {
  const layer: Layer = { handlers, modal: options.modal ?? false };
  layers.push(layer);
  if (!listening && typeof window !== "undefined") {
    window.addEventListener("keydown", dispatch);
    listening = true;
  }
  return () => {
    const index = layers.indexOf(layer);
    if (index >= 0) layers.splice(index, 1);
  };
}
