import type { MessageKey } from "./en";

// Simplified Chinese messages.
export const zh: Record<MessageKey, string> = {
  "app.name": "KYC Desk 实名审核台",
  "app.tagline": "实名认证人工审核",
  "login.title": "登录",
  "login.hubUrl": "服务器地址",
  "login.user": "用户名",
  "login.password": "密码",
  "login.submit": "登录",
  "login.submitting": "正在登录…",
  "login.privacy": "案件数据在本机加密保存，退出登录时即被删除。",
  "lang.label": "语言",
  "error.invalid": "请检查标出的字段。",
  "error.insecure_hub": "仅允许以 http:// 连接本机，请使用 https://。",
  "error.hub_unreachable": "无法连接服务器，请检查地址和网络。",
  "error.unauthorized": "用户名或密码不正确。",
  "error.unavailable": "当前版本尚不支持登录服务器。",
  "error.internal": "出现错误，详情见应用日志。",
  "field.required": "请填写{field}。",
};
