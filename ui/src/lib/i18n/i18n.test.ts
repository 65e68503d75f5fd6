import { describe, expect, it } from "vitest";
import { en } from "./en";
import { zh } from "./zh";
import { i18n, t } from "./index.svelte";
import type { ErrorCode } from "../ipc/bindings";

const ERROR_CODES: ErrorCode[] = [
  "invalid",
  "insecure_hub",
  "hub_unreachable",
  "unauthorized",
  "unavailable",
  "internal",
];

describe("i18n", () => {
  it("has every English key in Chinese, with the same placeholders", () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zh[key], key).toBeTruthy();
      const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("has a message for every error code the Rust side can send", () => {
    for (const code of ERROR_CODES) {
      expect(Object.keys(en)).toContain(`error.${code}`);
    }
  });

  it("switches language and fills placeholders", () => {
    i18n.locale = "en";
    expect(t("login.title")).toBe("Sign in");
    expect(t("field.required", { field: "Password" })).toBe("Password is required.");
    i18n.locale = "zh-CN";
    expect(t("login.title")).toBe("登录");
    expect(t("field.required", { field: "密码" })).toBe("请填写密码。");
    expect(document.documentElement.lang).toBe("zh-CN");
    i18n.locale = "en";
  });
});
