// The desk as the UI sees it: the app's facts, the session state Rust reports, and the notice
// the login screen shows after a sign-out or a revocation. Rust owns the state machine; this
// module only mirrors what it says.
import { ipc, type AppInfo, type DeskEvent, type DeskState } from "./ipc";

export type LoginNotice =
  | { kind: "revoked" }
  | { kind: "too_many_attempts" }
  | { kind: "wiped"; discarded: number };

export const SIGNED_OUT: DeskState = {
  phase: "signed_out",
  session: null,
  online: false,
  pendingPush: 0,
  push: "stopped",
  idleLockSecs: 300,
  idleLockMinSecs: 60,
  idleLockMaxSecs: 900,
  offlineWipe: null,
  lockReason: null,
  lockWatch: null,
  signedOutReason: null,
  lang: "en",
};

interface DeskView {
  info: AppInfo | null;
  state: DeskState;
  notice: LoginNotice | null;
  /** Bumped whenever the queue may have changed (pushes, pulls, renewals). */
  queueVersion: number;
}

export const desk: DeskView = $state({
  info: null,
  state: SIGNED_OUT,
  notice: null,
  queueVersion: 0,
});

/** Takes a new state from Rust; a sign-out Rust did by itself (revocation) leaves a notice. */
export function setDeskState(state: DeskState) {
  const wasIn = desk.state.phase !== "signed_out";
  desk.state = state;
  if (state.phase === "signed_out" && wasIn) {
    if (state.signedOutReason === "revoked") desk.notice = { kind: "revoked" };
    else if (state.signedOutReason === "too_many_attempts") desk.notice = { kind: "too_many_attempts" };
  }
}

/** Applies one event from Rust. Exported for tests. */
export function applyEvent(event: DeskEvent) {
  if (event.type === "state") setDeskState(event.state);
  else desk.queueVersion += 1;
}

/** Reads the app's facts and the desk state, and starts listening to Rust's events. */
export async function startDesk() {
  try {
    desk.info = await ipc.appInfo();
  } catch {
    desk.info = { name: "KYC Desk", version: "", defaultHubUrl: null, demoAccounts: [], platform: "linux" };
  }
  try {
    desk.state = await ipc.deskState();
    if (desk.state.signedOutReason === "revoked") desk.notice = { kind: "revoked" };
  } catch {
    desk.state = SIGNED_OUT;
  }
  ipc.subscribe(applyEvent).catch(() => {
    // Without events the UI still works from command results; status updates come late.
  });
}

export function signedOut(notice: LoginNotice | null) {
  desk.state = SIGNED_OUT;
  desk.notice = notice;
}
