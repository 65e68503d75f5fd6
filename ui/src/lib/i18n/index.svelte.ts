import { en, type MessageKey } from "./en";
import { zh } from "./zh";

export type { MessageKey };
export type Locale = "en" | "zh-CN";
export const LOCALES: readonly Locale[] = ["en", "zh-CN"];

const catalogs: Record<Locale, Record<MessageKey, string>> = { en, "zh-CN": zh };
const STORAGE_KEY = "kyc-desk.locale";

function initialLocale(): Locale {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (saved === "en" || saved === "zh-CN") return saved;
  return globalThis.navigator?.language?.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

let current = $state<Locale>(initialLocale());

/** The UI language. Setting it re-renders every `t(...)` and is remembered (it is not personal data). */
export const i18n = {
  get locale(): Locale {
    return current;
  },
  set locale(locale: Locale) {
    current = locale;
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
    if (typeof document !== "undefined") document.documentElement.lang = locale;
  },
};

/** Translates `key`, replacing `{name}` placeholders with `params`. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = catalogs[current][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Whether `key` is a known message key (for codes that arrive from Rust). */
export function isMessageKey(key: string): key is MessageKey {
  return key in en;
}
