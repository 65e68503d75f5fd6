// A look at the screens without the Rust core, for screenshots while the app is being built:
// a fake `__TAURI_INTERNALS__` answers the commands with synthetic, already-masked data, and
// `media://` images are drawn on a canvas. Never part of the product build (`vite.config.ts`
// builds `index.html` only); build it with `npm run preview:build`.
//
// `?scene=login|queue|case|compare|reject|help|lock|signout&lang=en|zh-CN`
const params = new URLSearchParams(location.search);
const scene = params.get("scene") ?? "login";
localStorage.setItem("kyc-desk.locale", params.get("lang") ?? "en");

const zh = (params.get("lang") ?? "en") === "zh-CN";
const now = Date.now();
const session = { userId: "rv-7f3a", username: "reviewer1", role: "reviewer" };
const state = (phase: string, extra: object = {}) => ({
  phase,
  session: phase === "signed_out" ? null : session,
  online: true,
  pendingPush: 2,
  push: "idle",
  idleLockSecs: 300,
  idleLockMinSecs: 60,
  idleLockMaxSecs: 900,
  // `&wipe=1`: the notice after the maximum-offline wipe.
  offlineWipe: params.get("wipe") ? { casesRemoved: 4, keptDecisions: 2, maxOfflineHours: 72 } : null,
  lockReason: phase === "locked" ? "idle" : null,
  lockWatch: "logind",
  signedOutReason: null,
  lang: zh ? "zh-CN" : "en",
  ...extra,
});
const item = (caseId: string, kind: string, st: string, mins: number, extra: object = {}) => ({
  caseId,
  kind,
  priority: "normal",
  state: st,
  stateDetail: null,
  leaseExpiresAt: now + mins * 60_000,
  undoUntil: null,
  nMedia: 3,
  ...extra,
});
const queue = [
  item("cs-01hx", "individual_id_card", "ready", 238),
  item("cs-02kq", "individual_bank_card", "ready", 236, { priority: "high" }),
  item("cs-03mz", "individual_other_document", "waiting_push", 231),
  item("cs-04pa", "enterprise_certificate", "conflict", 0, { stateDetail: "lease_expired" }),
  item("cs-05rt", "enterprise_account", "ready", 229),
  item("cs-06vw", "individual_id_card", "failed", 120, { stateDetail: "already_decided" }),
  item("cs-07yb", "individual_id_card", "decided", 219),
];
const caseView = {
  caseId: "cs-01hx",
  kind: "individual_id_card",
  priority: "normal",
  state: "ready",
  leaseExpiresAt: now + 238 * 60_000,
  fields: [
    { key: "applicant.name", label: "field.name", masked: "张*", revealable: true },
    { key: "applicant.id_number", label: "field.id_number", masked: "1101**********002X", revealable: true },
    { key: "applicant.phone", label: "field.phone", masked: "138****5678", revealable: true },
  ],
  documents: [
    { index: 0, kind: "id_card_front", subject: "applicant", fields: [
      { key: "doc.0.name", label: "field.name", masked: "张*", revealable: true },
      { key: "doc.0.number", label: "field.id_number", masked: "1101**********002X", revealable: true },
      { key: "doc.0.expiry", label: "field.expiry", masked: "2031-**-**", revealable: true },
    ], media: [{ mediaId: "front", contentType: "image/jpeg", variants: ["display", "thumbnail"], role: "image" }] },
    { index: 1, kind: "id_card_back", subject: "applicant", fields: [], media: [{ mediaId: "back", contentType: "image/jpeg", variants: ["display", "thumbnail"], role: "image" }] },
    { index: 2, kind: "face_photo", subject: "applicant", fields: [], media: [{ mediaId: "face", contentType: "image/jpeg", variants: ["display", "thumbnail"], role: "face" }] },
    { index: 3, kind: "face_video", subject: "applicant", fields: [], media: [{ mediaId: "video", contentType: "video/mp4", variants: ["original"], role: "video" }] },
  ],
  checks: [
    { check: "id_number", key: "a", severity: "pass", explanation: zh ? "身份证号码校验位正确。" : "The ID number's check digit is correct.", revealKey: null },
    { check: "name_match", key: "b", severity: "fail", explanation: zh ? "证件姓名“张*”与申请姓名“张**”不一致。" : "The name on the card (张*) differs from the declared name (张**).", revealKey: "check.1" },
    { check: "expiry", key: "c", severity: "warn", explanation: zh ? "证件将在 90 天内过期。" : "The card expires within 90 days.", revealKey: null },
    { check: "age", key: "d", severity: "pass", explanation: zh ? "申请人已满 18 周岁。" : "The applicant is 18 or older.", revealKey: null },
  ],
  consentGiven: true,
  resubmittable: ["id_card_front", "id_card_back", "face_photo", "face_video"],
  decision: null,
  watermark: "rv-7f3a",
};
const catalogue = [
  ["R01", "Document image illegible or incomplete", "证件图片模糊或不完整"],
  ["R02", "Document expired", "证件已过期"],
  ["R04", "Name differs between documents", "证件之间姓名不一致"],
  ["R06", "Face does not match the document portrait", "人脸与证件照不符"],
  ["R17", "Suspected forged or altered document", "疑似伪造或篡改证件"],
  ["R99", "Other (see note)", "其他（见备注）"],
].map(([code, en, zhl]) => ({ code, label: zh ? zhl : en }));

const initial = scene === "login" ? state("signed_out") : scene === "lock" ? state("locked") : state("unlocked");

const callbacks = new Map<number, (m: unknown) => void>();
let nextId = 1;
const answers: Record<string, (args: Record<string, unknown>) => unknown> = {
  app_info: () => ({ name: "KYC Desk", version: "0.1.0", defaultHubUrl: "http://127.0.0.1:8443", demoAccounts: [{ username: "reviewer1", role: "reviewer" }, { username: "supervisor1", role: "supervisor" }], platform: "macos" }),
  desk_state: () => initial,
  subscribe: () => null,
  activity: () => null,
  set_language: () => null,
  set_idle_lock: (args) => state("unlocked", { idleLockSecs: args.secs }),
  queue: () => queue,
  reason_catalogue: () => catalogue,
  open_case: () => caseView,
  close_case: () => null,
  peek_case: () => null,
  lock: () => state("locked", { lockReason: "manual" }),
  sign_out: () => Promise.reject({ code: "pending_decisions", message: "" }),
  sign_in: () => Promise.reject({ code: "wrong_password", message: "" }),
};
(window as unknown as { __TAURI_INTERNALS__: unknown }).__TAURI_INTERNALS__ = {
  invoke: async (cmd: string, args: Record<string, unknown>) => {
    const answer = answers[cmd];
    if (!answer) throw { code: "internal", message: `preview has no ${cmd}` };
    return answer(args ?? {});
  },
  transformCallback: (cb: (m: unknown) => void) => {
    const id = nextId++;
    callbacks.set(id, cb);
    return id;
  },
  unregisterCallback: (id: number) => callbacks.delete(id),
  convertFileSrc: (p: string) => p,
};

// Draw the synthetic documents.
function draw(id: string, w: number, h: number): string {
  const c = document.createElement("canvas");
  c.width = w;
  c.height = h;
  const g = c.getContext("2d")!;
  if (id === "face") {
    g.fillStyle = "#c9d6e3";
    g.fillRect(0, 0, w, h);
    g.fillStyle = "#e6c3a5";
    g.beginPath();
    g.ellipse(w / 2, h * 0.42, w * 0.22, h * 0.26, 0, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = "#3b3b48";
    g.fillRect(w * 0.2, h * 0.75, w * 0.6, h * 0.25);
    return c.toDataURL("image/jpeg");
  }
  const grad = g.createLinearGradient(0, 0, w, h);
  grad.addColorStop(0, id === "front" ? "#dfe9f3" : "#efe6d8");
  grad.addColorStop(1, id === "front" ? "#b9cde2" : "#d9c7a8");
  g.fillStyle = grad;
  g.fillRect(0, 0, w, h);
  g.fillStyle = "#28405c";
  g.font = `${Math.round(h / 14)}px sans-serif`;
  if (id === "front") {
    ["姓名 张*", "性别 *  民族 *", "出生 ****年**月**日", "住址 ****************", "公民身份号码 1101**********002X"].forEach((line, i) =>
      g.fillText(line, w * 0.06, h * (0.2 + i * 0.15)),
    );
    g.fillStyle = "#9fb3c8";
    g.fillRect(w * 0.66, h * 0.15, w * 0.27, h * 0.55);
    g.fillStyle = "#e6c3a5";
    g.beginPath();
    g.ellipse(w * 0.795, h * 0.38, w * 0.08, h * 0.15, 0, 0, Math.PI * 2);
    g.fill();
  } else {
    g.font = `${Math.round(h / 9)}px sans-serif`;
    g.fillText("中华人民共和国", w * 0.3, h * 0.3);
    g.fillText("居民身份证", w * 0.35, h * 0.48);
    g.font = `${Math.round(h / 16)}px sans-serif`;
    g.fillText("签发机关 ******  有效期限 2021.**.**-2031.**.**", w * 0.12, h * 0.82);
  }
  return c.toDataURL("image/jpeg");
}
const drawn = new Map<string, string>();
function fake(src: string): string | null {
  const m = /^media:\/\/localhost\/([^/]+)\/(\w+)$/.exec(src);
  if (!m) return null;
  const key = `${m[1]}/${m[2]}`;
  if (!drawn.has(key)) {
    const big = m[2] === "display";
    const [w, h] = m[1] === "face" ? (big ? [600, 800] : [120, 160]) : big ? [1712, 1080] : [171, 108];
    drawn.set(key, draw(m[1], w, h));
  }
  return drawn.get(key)!;
}
new MutationObserver((records) => {
  for (const r of records) {
    const nodes = r.type === "attributes" ? [r.target] : [...r.addedNodes];
    for (const n of nodes) {
      const imgs = n instanceof HTMLImageElement ? [n] : n instanceof Element ? [...n.querySelectorAll("img")] : [];
      for (const img of imgs) {
        const replacement = fake(img.getAttribute("src") ?? "");
        if (replacement) img.src = replacement;
      }
    }
  }
}).observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ["src"] });

// Scripted steps per scene, as a reviewer would press them.
const key = (k: string, init: KeyboardEventInit = {}) =>
  document.body.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, ...init }));
const click = (testid: string) => (document.querySelector(`[data-testid="${testid}"]`) as HTMLElement | null)?.click();
const steps: Record<string, () => void> = {
  case: () => key("j"),
  compare: () => {
    key("j");
    setTimeout(() => key("c"), 300);
  },
  reject: () => {
    key("j");
    setTimeout(() => {
      key("r");
      setTimeout(() => (document.querySelectorAll<HTMLInputElement>("[data-testid=decision-reason]")[2]?.click()), 100);
    }, 300);
  },
  reveal: () => {
    key("j");
    setTimeout(() => click("reveal-button"), 300);
  },
  help: () => key("?"),
  signout: () => {
    click("signout-button");
    setTimeout(() => click("signout-confirm"), 200);
  },
};
setTimeout(() => steps[scene]?.(), 400);

// Dynamic, so the language above is stored before the i18n module reads it.
void import("../src/main");
