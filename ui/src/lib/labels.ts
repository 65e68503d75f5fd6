// Labels for codes that arrive from Rust (kinds, documents, states): translated when the
// dictionary knows the code, shown as the code otherwise (a new code must never break a screen).
import { isMessageKey, t } from "./i18n/index.svelte";

export function label(prefix: string, code: string | number): string {
  const key = `${prefix}.${code}`;
  return isMessageKey(key) ? t(key) : String(code);
}
