// The words for an error the core returned: chosen by its code, never its raw message (which
// is English only and meant for logs).
import { isMessageKey, t } from "./i18n/index.svelte";
import type { AppError } from "./ipc";

export function errorText(error: AppError | null): string {
  const key = `error.${error?.code ?? "internal"}`;
  return isMessageKey(key) ? t(key) : t("error.internal");
}
