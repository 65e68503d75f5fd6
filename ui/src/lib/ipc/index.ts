// The only module that talks to the Rust core. Every command is typed with the generated
// bindings, and every failure arrives as an `AppError` with a closed set of codes.
import { invoke } from "@tauri-apps/api/core";
import type { AppError, AppInfo, LoginRequest, Session } from "./bindings";

export type * from "./bindings";

function isAppError(value: unknown): value is AppError {
  return typeof value === "object" && value !== null && "code" in value && "message" in value;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    if (isAppError(error)) throw error;
    // A failure of the IPC layer itself (not a command's error): never echo its text, it may
    // quote arguments.
    const internal: AppError = { code: "internal", message: "IPC call failed" };
    throw internal;
  }
}

export const ipc = {
  appInfo: () => call<AppInfo>("app_info"),
  login: (request: LoginRequest) => call<Session>("login", { request }),
};

export { isAppError };
