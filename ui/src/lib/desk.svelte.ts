// The desk as the UI sees it: the app's facts, the session phase Rust reports, and the notice
// the login screen shows after a sign-out or a revocation. Rust owns the state machine; this
// module only mirrors what it says.
import { ipc, type AppInfo, type DeskEvent, type DeskState, type PushOutcome } from "./ipc";

export type LoginNotice =
  | { kind: "revoked" }
  | { kind: "wiped"; discarded: number };

const SIGNED_OUT: DeskState = { phase: "signed_out", online: false, pendingPush: 0, idleLockSecs: 300 };

interface DeskView {
  info: AppInfo | null;
  state: DeskState;
  notice: LoginNotice | null;
  /** Bumped whenever the queue may have changed (pushes, pulls, renewals). */
  queueVersion: number;
  lastOutcome: PushOutcome | null;
}

export const desk: DeskView = $state({
  info: null,
  state: SIGNED_OUT,
  notice: null,
  queueVersion: 0,
  lastOutcome: null,
});

/** Applies one event from Rust. Exported for tests. */
export function applyEvent(event: DeskEvent) {
  switch (event.type) {
    case "state":
      desk.state = event.state;
      break;
    case "push":
      desk.state = { ...desk.state, pendingPush: event.pendingPush };
      if (event.lastOutcome) desk.lastOutcome = event.lastOutcome;
      desk.queueVersion += 1;
      break;
    case "online":
      desk.state = { ...desk.state, online: event.online };
      break;
    case "queue_changed":
      desk.queueVersion += 1;
      break;
    case "locked":
      desk.state = { ...desk.state, phase: "locked", lockReason: event.reason };
      break;
    case "revoked":
      desk.state = SIGNED_OUT;
      desk.notice = { kind: "revoked" };
      break;
  }
}

/** Reads the app's facts and the desk state, and starts listening to Rust's events. */
export async function startDesk() {
  try {
    desk.info = await ipc.appInfo();
  } catch {
    desk.info = { name: "KYC Desk", version: "", defaultHubUrl: null };
  }
  try {
    desk.state = await ipc.deskState();
  } catch {
    desk.state = SIGNED_OUT;
  }
  ipc.subscribe(applyEvent).catch(() => {
    // Without events the UI still works from command results; status updates come late.
  });
}

export function setDeskState(state: DeskState) {
  desk.state = state;
}

export function signedOut(notice: LoginNotice | null) {
  desk.state = SIGNED_OUT;
  desk.notice = notice;
}
