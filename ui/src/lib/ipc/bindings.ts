// Generated from the Rust IPC types in crates/kyc-app by `cargo xtask bindings`.
// Do not edit by hand: a test fails when this file is stale.

export type ErrorCode = "invalid" | "insecure_hub" | "hub_unreachable" | "unauthorized" | "unavailable" | "internal";

export type AppError = { 
/**
 * What the UI acts on.
 */
code: ErrorCode, 
/**
 * A sentence for the user, without personal data.
 */
message: string, };

export type AppInfo = { 
/**
 * Product name.
 */
name: string, 
/**
 * Version of the app.
 */
version: string, 
/**
 * Hub address to prefill on the login screen (`KYC_DESK_HUB_URL`, set by the demo).
 */
defaultHubUrl: string | null, };

export type Password = string;

export type LoginRequest = { 
/**
 * Hub address, e.g. `https://hub.example.org` or `http://127.0.0.1:8443`.
 */
hubUrl: string, 
/**
 * Account name.
 */
user: string, 
/**
 * Password.
 */
password: Password, };

export type Session = { 
/**
 * Opaque account id (shown in watermarks).
 */
userId: string, 
/**
 * Role on the hub.
 */
role: string, };
