// Whether a case screen is the one on screen, or the next case rendered ahead of the reviewer,
// hidden, so that `j` only has to show it (the desk benchmark's budget has no room for building
// a whole case screen after the key). The components under a case screen that take keys ask
// here: a screen rendered ahead must not take the shown one's shortcuts.
import { getContext, setContext } from "svelte";

const SHOWN = Symbol("case-screen-shown");

/** Called by the case screen: `shown()` says whether it is the one on screen. */
export function provideShown(shown: () => boolean): void {
  setContext(SHOWN, shown);
}

/** Whether the case screen this component is in is on screen (outside one: always). */
export function screenShown(): () => boolean {
  return getContext<(() => boolean) | undefined>(SHOWN) ?? (() => true);
}
