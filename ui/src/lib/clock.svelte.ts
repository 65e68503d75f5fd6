// One ticking clock for lease countdowns and the live watermark (one timer for the whole UI).
let now = $state(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | undefined;

export const clock = {
  /** Wall-clock milliseconds, updated every second while someone watches. */
  get now() {
    return now;
  },
};

/** Starts the ticking for a component; returns the stop function (use in `$effect`). */
export function watchClock(): () => void {
  users += 1;
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => (now = Date.now()), 1000);
  }
  return () => {
    users -= 1;
    if (users === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}
