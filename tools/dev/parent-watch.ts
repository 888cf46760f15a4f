/**
 * Calls `onGone` once, when the process that started this one has gone: the process is then
 * re-parented (to init or a subreaper), so its `ppid` changes.
 *
 * Why: `npm start` runs us under `sh -c`, and a SIGTERM sent to npm (what a supervisor or `kill`
 * of the npm process does) ends npm and that shell without reaching us. The whole system then
 * kept running with nobody left to stop it. Node exposes no parent-death signal (Linux's
 * PR_SET_PDEATHSIG), so this polls; the timer is unref'd and costs one property read a second.
 */
export function watchParent(onGone: () => void, everyMs = 1000): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onGone();
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
