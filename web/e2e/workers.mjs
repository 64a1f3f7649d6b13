// Stop and resume one worker of the system under test, to watch its consumer group's lag.
//
// GREENMARKET_E2E_STOP_WORKER / GREENMARKET_E2E_START_WORKER (shell commands) win when both are set.
// Otherwise the product worker's pid is found and frozen with SIGSTOP (`kill -STOP`), then resumed
// with SIGCONT: the process keeps its state, it just stops polling and committing.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MARKER = 'greenmarket.product.worker';

function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

function parentOf(pid) {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so cut after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/** True when a `greenmarket up` process is among the ancestors (not some test's own worker). */
function underGreenmarketUp(pid) {
  for (let p = parentOf(pid), hops = 0; p > 1 && hops < 10; p = parentOf(p), hops++) {
    if (/greenmarket\s+up\b/.test(cmdline(p))) return true;
  }
  return false;
}

const norm = (url) => String(url || '').replace(/\/+$/, '');

/**
 * The pid `greenmarket up` recorded for its product worker, in the state dir of the up serving
 * `baseUrl` (GREENMARKET_STATE_DIR, else <repo>/.greenmarket), when it is still that process.
 */
function pidFromStateDir(baseUrl) {
  for (const dir of [process.env.GREENMARKET_STATE_DIR, join(REPO, '.greenmarket')].filter(Boolean)) {
    const run = join(dir, 'run');
    try {
      const up = JSON.parse(readFileSync(join(run, 'up.json'), 'utf8'));
      if (up.address && norm(up.address) !== norm(baseUrl)) continue;
      const file = join(run, 'services', 'product-worker.json');
      if (!existsSync(file)) continue;
      const { pid } = JSON.parse(readFileSync(file, 'utf8'));
      if (pid && cmdline(pid).includes(MARKER)) return Number(pid);
    } catch {
      /* not this one */
    }
  }
  return 0;
}

/** `pgrep -f greenmarket.product.worker`, keeping only workers that a `greenmarket up` started. */
function pidFromPgrep() {
  let pids = [];
  try {
    pids = execSync(`pgrep -f '${MARKER.replace(/\./g, '\\.')}'`, { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return { pid: 0, why: `no process matches ${MARKER}` };
  }
  pids = pids.filter((p) => p !== process.pid && cmdline(p).includes(MARKER));
  const managed = pids.filter(underGreenmarketUp);
  const pick = managed.length ? managed : pids;
  if (pick.length === 1) return { pid: pick[0], why: '' };
  return { pid: 0, why: `${pick.length} processes match ${MARKER} (${pick.join(', ')}); set GREENMARKET_E2E_STOP_WORKER / _START_WORKER` };
}

/** `{describe, stop(), start()}` for the worker to freeze; throws with a reason when none is found. */
export function workerControl(baseUrl) {
  const stopCmd = process.env.GREENMARKET_E2E_STOP_WORKER;
  const startCmd = process.env.GREENMARKET_E2E_START_WORKER;
  if (stopCmd && startCmd) {
    return {
      describe: `"${stopCmd}" / "${startCmd}"`,
      stop: () => execSync(stopCmd, { stdio: 'inherit', shell: '/bin/bash' }),
      start: () => execSync(startCmd, { stdio: 'inherit', shell: '/bin/bash' }),
    };
  }
  let pid = pidFromStateDir(baseUrl);
  if (!pid) {
    const found = pidFromPgrep();
    if (!found.pid) throw new Error(`cannot find the product worker: ${found.why}`);
    pid = found.pid;
  }
  let stopped = false;
  const resume = () => {
    if (!stopped) return;
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      /* gone */
    }
    stopped = false;
  };
  // Never leave a frozen worker behind, whatever happens to this run.
  process.once('exit', resume);
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => { resume(); process.exit(130); });
  return {
    describe: `kill -STOP/-CONT ${pid} (${cmdline(pid).slice(0, 80)})`,
    stop: () => {
      process.kill(pid, 'SIGSTOP');
      stopped = true;
    },
    start: resume,
  };
}
