// English messages. Every key here must exist in zh.ts too (the type system checks it).
export const en = {
  "app.name": "KYC Desk",
  "app.tagline": "Identity verification review",
  "login.title": "Sign in",
  "login.hubUrl": "Hub address",
  "login.user": "User name",
  "login.password": "Password",
  "login.submit": "Sign in",
  "login.submitting": "Signing in…",
  "login.privacy":
    "Case data is kept encrypted on this computer and deleted when you sign out.",
  "lang.label": "Language",
  "error.invalid": "Please check the highlighted field.",
  "error.insecure_hub": "Plain http:// is only allowed to this computer. Use https://.",
  "error.hub_unreachable": "The hub cannot be reached. Check the address and your network.",
  "error.unauthorized": "The user name or password is not correct.",
  "error.unavailable": "Signing in to a hub is not available in this build yet.",
  "error.internal": "Something went wrong. The details are in the app's log.",
  "field.required": "{field} is required.",
} as const;

export type MessageKey = keyof typeof en;
