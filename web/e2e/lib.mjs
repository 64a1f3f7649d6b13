// Helpers for the browser suite: a PNG made in code, a step runner with screenshots, waiting.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A real RGB PNG (a leaf-green disc on a light background with a stripe), `size`×`size`. */
export function makePng(size = 320, seed = 0) {
  const raw = Buffer.alloc((size * 3 + 1) * size);
  const r2 = (size * 0.38) ** 2;
  for (let y = 0; y < size; y++) {
    const row = y * (size * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const d = (x - size / 2) ** 2 + (y - size / 2) ** 2;
      let px = [235, 251, 238];
      if (d < r2) px = [47, 158, 68];
      if (Math.abs(x - y) < 6) px = [255, 255, 255];
      if ((x + seed) % 64 < 2) px = [33, 37, 41];
      raw.set(px, row + 1 + x * 3);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Retry `fn` until it stops throwing (or returns truthy when `truthy`), up to `timeoutMs`. */
export async function eventually(fn, { timeoutMs = 15000, intervalMs = 500, what = 'condition' } = {}) {
  const until = Date.now() + timeoutMs;
  let lastErr;
  for (;;) {
    try {
      const v = await fn();
      if (v !== false) return v;
      lastErr = new Error(`${what}: not yet`);
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > until) {
      const e = new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${lastErr?.message ?? lastErr}`);
      e.cause = lastErr;
      throw e;
    }
    await sleep(intervalMs);
  }
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/**
 * Sequential steps grouped in scenarios. A failing step fails; the rest of its scenario is
 * skipped (they depend on it); the next scenario still runs. Every step leaves screenshots.
 */
export class Suite {
  constructor(screenshotDir) {
    this.dir = screenshotDir;
    mkdirSync(this.dir, { recursive: true });
    this.passed = 0;
    this.failed = 0;
    this.skipped = 0;
    this.n = 0;
    this.broken = false;
    this.failures = [];
  }

  scenario(name) {
    this.broken = false;
    console.log(`\n# ${name}`);
  }

  skipScenario(name, why) {
    this.scenario(name);
    console.log(`  - skipped: ${why}`);
    this.skipped += 1;
  }

  /** `shots`: [[page, 'label'], ...] captured after the step (also when it fails). */
  async step(name, fn, shots = []) {
    this.n += 1;
    const id = String(this.n).padStart(2, '0');
    if (this.broken) {
      this.skipped += 1;
      console.log(`  - ${id} ${name} (skipped: an earlier step failed)`);
      return;
    }
    const started = Date.now();
    let error;
    try {
      await fn();
    } catch (err) {
      error = err;
    }
    const list = typeof shots === 'function' ? shots() : shots;
    for (const [page, label] of list) {
      const file = join(this.dir, `${id}-${label}${error ? '-FAILED' : ''}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    }
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (error) {
      this.failed += 1;
      this.broken = true;
      this.failures.push(`${id} ${name}: ${error.message}`);
      console.log(`  ✗ ${id} ${name} (${secs}s)\n      ${String(error.stack || error.message).split('\n').slice(0, 4).join('\n      ')}`);
    } else {
      this.passed += 1;
      console.log(`  ✓ ${id} ${name} (${secs}s)`);
    }
  }

  summary(label = 'e2e') {
    if (this.failures.length) {
      console.log('\nFailures:');
      for (const f of this.failures) console.log(`  - ${f}`);
    }
    console.log(`\nScreenshots: ${this.dir}`);
    console.log(`${label}: ${this.passed} passed, ${this.failed} failed, ${this.skipped} skipped`);
  }
}
