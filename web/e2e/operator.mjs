// An operator for the console scenario: `greenmarket users promote EMAIL` against the user database.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT_USER_DB = 'postgresql+asyncpg://greenmarket_user:greenmarket_user@127.0.0.1:55432/greenmarket_user';

/** The `greenmarket` CLI: the workspace's own venv when it is there (fast), else `uv run`. */
function cli() {
  const venv = join(REPO, '.venv', 'bin', 'greenmarket');
  return existsSync(venv) ? [venv, []] : ['uv', ['run', 'greenmarket']];
}

/**
 * Give `email` the operator role. Its next login carries it. The database comes from
 * GREENMARKET_USER_DATABASE_URL (what tests/test_gm_system.py passes), else the local stack's default.
 */
export function promoteToOperator(email) {
  const [cmd, pre] = cli();
  const databaseUrl = process.env.GREENMARKET_USER_DATABASE_URL || DEFAULT_USER_DB;
  try {
    return execFileSync(cmd, [...pre, 'users', 'promote', email], {
      cwd: REPO,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      encoding: 'utf8',
      timeout: 120_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const out = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim().split('\n').slice(-5).join('\n');
    throw new Error(`greenmarket users promote ${email} failed (DATABASE_URL=${databaseUrl}): ${out || err.message}`);
  }
}
