// Copying a text the user asked to copy (the audit-chain head). The async clipboard API where
// the webview grants it; otherwise the text is selected and copied the old way, so the user
// can also press Ctrl+C on the selection.

/** Copies `text`; `element` holds it on screen (selected as a fallback). Whether it worked. */
export async function copyText(text: string, element?: HTMLElement): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Refused (no permission, no focus): fall back to the selection.
  }
  if (!element) return false;
  const selection = window.getSelection();
  if (!selection) return false;
  const range = document.createRange();
  range.selectNodeContents(element);
  selection.removeAllRanges();
  selection.addRange(range);
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}
