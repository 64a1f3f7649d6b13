// Browser suite against a running Greenmarket (GREENMARKET_URL, default http://127.0.0.1:8080).
// Debian's Chromium driven by playwright-core (no browser download). Two users in two contexts
// go from joining to a review; an operator looks at the console. Screenshots of every step.
//
//   node e2e/marketplace.e2e.mjs            (e2e/run.sh calls this after the unit tests)
//
// Env: GREENMARKET_URL, CHROMIUM_PATH (/usr/bin/chromium), GREENMARKET_E2E_SCREENSHOTS,
//      GREENMARKET_OPERATOR_EMAIL / GREENMARKET_OPERATOR_PASSWORD (operator scenario),
//      GREENMARKET_E2E_STOP_WORKER / GREENMARKET_E2E_START_WORKER / GREENMARKET_E2E_WORKER_GROUP
//      (optional: shell commands to stop and restart one worker, and its consumer group, to watch its lag).
import { execSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { Suite, assert, eventually, makePng, sleep } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.GREENMARKET_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SHOTS = process.env.GREENMARKET_E2E_SCREENSHOTS || join(here, 'screenshots');
const OP_EMAIL = process.env.GREENMARKET_OPERATOR_EMAIL || '';
const OP_PASSWORD = process.env.GREENMARKET_OPERATOR_PASSWORD || '';
const LIVE_MS = Number(process.env.GREENMARKET_E2E_LIVE_TIMEOUT_MS || 15000);
const SAGA_MS = Number(process.env.GREENMARKET_E2E_SAGA_TIMEOUT_MS || 30000);

const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const region = { address1: '서울특별시', address2: `e2e${stamp}`.slice(0, 30) };
const seller = { email: `e2e-a-${stamp}@example.com`, password: `Green-${stamp}!`, nickname: `판매자${stamp}`.slice(0, 30), ...region };
const buyer = { email: `e2e-b-${stamp}@example.com`, password: `Green-${stamp}?`, nickname: `구매자${stamp}`.slice(0, 30), ...region };
const keyword = `화분${stamp}`;
const title = `몬스테라 ${keyword}`;
const content = '잘 키운 몬스테라입니다.\n물은 일주일에 한 번 주세요.';
const review = `친절하고 물건도 좋아요 ${stamp}`;

const suite = new Suite(SHOTS);
const jsErrors = [];

function watch(page, who) {
  page.on('pageerror', (err) => jsErrors.push(`${who}: ${err.message}`));
  page.on('dialog', (d) => d.accept().catch(() => undefined));
}

async function newUserPage(browser, who, mobile) {
  const context = await browser.newContext({
    baseURL: BASE,
    locale: 'ko-KR',
    timezoneId: 'Asia/Seoul',
    ...(mobile ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } : { viewport: { width: 1280, height: 860 } }),
  });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  watch(page, who);
  return page;
}

async function joinUser(page, u) {
  await page.goto('/join');
  await page.fill('input[name=email]', u.email);
  // The live duplicate check (GET /api/user/valid) answers before we submit.
  await page.getByText('사용 가능한 이메일입니다.').waitFor();
  await page.fill('input[name=password]', u.password);
  await page.fill('input[name=passwordConfirm]', u.password);
  await page.fill('input[name=address1]', u.address1);
  await page.fill('input[name=address2]', u.address2);
  await page.fill('input[name=nickname]', u.nickname);
  await page.getByRole('button', { name: '회원가입' }).click();
  await page.waitForURL(/\/login/);
  await page.getByText('회원가입을 축하드립니다').waitFor();
}

async function login(page, email, password) {
  await page.goto('/login');
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.getByRole('button', { name: '로그인' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await page.locator('[data-testid=nav-user]').waitFor();
}

const tradeStatus = (page) => page.locator('[data-testid=trade-status]');

async function waitForTradeStatus(page, text) {
  await eventually(async () => {
    const t = (await tradeStatus(page).textContent())?.trim();
    assert(t === text, `trade status is "${t}", want "${text}"`);
  }, { timeoutMs: SAGA_MS, what: `trade status ${text}` });
}

async function main() {
  console.log(`Greenmarket e2e against ${BASE} (chromium: ${CHROMIUM})`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  try {
    const a = await newUserPage(browser, 'seller', false); // desktop
    const b = await newUserPage(browser, 'buyer', true); // phone-sized
    let articleUrl = '';

    suite.scenario('Two users: listing → search → interest → chat → trade → review');

    await suite.step('seller joins (live email check)', () => joinUser(a, seller), [[a, 'seller-joined']]);
    await suite.step('buyer joins on a phone-sized screen', () => joinUser(b, buyer), [[b, 'buyer-joined']]);

    await suite.step('both log in; the landing shows 우리동네매물', async () => {
      await login(a, seller.email, seller.password);
      await login(b, buyer.email, buyer.password);
      await a.goto('/');
      await a.getByRole('heading', { name: /우리동네매물/ }).waitFor();
    }, [[a, 'seller-home'], [b, 'buyer-home']]);

    await suite.step('seller posts an article with a photo', async () => {
      await a.goto('/products/new');
      await a.locator('[data-testid=image-input]').setInputFiles({ name: 'monstera.png', mimeType: 'image/png', buffer: makePng(480, 7) });
      await a.locator('[data-testid=image-preview]').first().waitFor();
      await a.selectOption('select[name=categoryId]', { label: '식물' }).catch(() => a.selectOption('select[name=categoryId]', { index: 1 }));
      await a.fill('input[name=title]', title);
      await a.fill('input[name=price]', '15000');
      await a.fill('textarea[name=content]', content);
      assert((await a.inputValue('input[name=address2]')) === region.address2, 'address is pre-filled from the profile');
      await a.getByRole('button', { name: '등록하기' }).click();
      await a.waitForURL(/\/products\/\d+$/, { timeout: 30000 });
      articleUrl = new URL(a.url()).pathname;
      await a.locator('[data-testid=article-title]', { hasText: title }).waitFor();
      assert((await a.locator('[data-testid=article-price]').textContent()).includes('15,000원'), 'price shown as 15,000원');
      const shown = await a.locator('[data-testid=article-content]').innerText();
      // Multipart encodes textarea newlines as CRLF (HTML spec); either way the line break must show.
      assert(/잘 키운 몬스테라입니다\.\r?\n물은/.test(shown), `newline kept in content, got ${JSON.stringify(shown)}`);
      await eventually(() => a.locator('[data-testid=slider-image]').evaluate((img) => img.complete && img.naturalWidth > 0), { what: 'photo loaded' });
    }, [[a, 'article-posted']]);

    await suite.step('buyer searches and finds it', async () => {
      await b.goto('/');
      await b.fill('input[name=keyword]', keyword);
      await b.press('input[name=keyword]', 'Enter');
      await b.waitForURL(/\/search\?keyword=/);
      const card = b.locator('[data-testid=article-card]', { hasText: title });
      await eventually(async () => {
        if (await card.count()) return true;
        await b.reload();
        await b.locator('main').waitFor();
        return (await card.count()) > 0;
      }, { timeoutMs: 20000, what: 'search result' });
      await card.first().click();
      await b.waitForURL(new RegExp(`${articleUrl}$`));
    }, [[b, 'buyer-search-detail']]);

    await suite.step('buyer marks interest (관심) and the count converges to 1', async () => {
      const toggle = b.locator('[data-testid=interest-toggle]');
      await toggle.click();
      await eventually(async () => (await toggle.getAttribute('aria-pressed')) === 'true', { what: 'heart on' });
      // interestCount is eventually consistent: reload until the server says 1 and remembers me.
      await eventually(async () => {
        await b.reload();
        await toggle.waitFor();
        const count = (await b.locator('[data-testid=interest-count]').textContent())?.trim();
        return count === '1' && (await toggle.getAttribute('aria-pressed')) === 'true';
      }, { timeoutMs: 20000, intervalMs: 1000, what: 'interest count 1 after reload' });
    }, [[b, 'buyer-interest']]);

    const buyerHello = `안녕하세요! 화분 아직 있나요? ${stamp}`;
    const sellerReply = `네, 있어요. 오늘 저녁 어떠세요? ${stamp}`;

    await suite.step('buyer opens a chat (채팅하기) and sends a message', async () => {
      await b.getByRole('button', { name: '채팅하기' }).click();
      await b.waitForURL(/\/chat\/\d+$/);
      const box = b.getByLabel('메시지 입력');
      await box.fill(buyerHello);
      await box.press('Enter');
      await b.locator('[data-testid=message]', { hasText: buyerHello }).waitFor({ timeout: LIVE_MS });
    }, [[b, 'buyer-chat-sent']]);

    await suite.step('seller sees the room (counterpart, last message, unread badge) and the message', async () => {
      await a.goto('/chat');
      const item = a.locator('[data-testid=room-item]', { hasText: buyer.nickname });
      await eventually(async () => {
        if (!(await item.count())) await a.reload();
        await item.first().waitFor({ timeout: 3000 });
        return true;
      }, { timeoutMs: LIVE_MS, what: 'room in list' });
      assert((await item.first().innerText()).includes(buyerHello.slice(0, 10)), 'room list shows the last message');
      assert(await item.first().locator('[data-testid=unread-badge]').count(), 'unread badge shown');
      await a.screenshot({ path: join(SHOTS, `${String(suite.n).padStart(2, '0')}-seller-room-list.png`) });
      await item.first().click();
      await a.locator('[data-testid=message]', { hasText: buyerHello }).waitFor();
    }, [[a, 'seller-chat-open']]);

    await suite.step('they exchange messages live (no reload)', async () => {
      const box = a.getByLabel('메시지 입력');
      await box.fill(sellerReply);
      await a.getByRole('button', { name: '전송' }).click();
      await a.locator('[data-testid=message]', { hasText: sellerReply }).waitFor({ timeout: LIVE_MS });
      await b.locator('[data-testid=message]', { hasText: sellerReply }).waitFor({ timeout: LIVE_MS });
      const again = `좋아요, 7시에 뵐게요 ${stamp}`;
      await b.getByLabel('메시지 입력').fill(again);
      await b.getByLabel('메시지 입력').press('Enter');
      await a.locator('[data-testid=message]', { hasText: again }).waitFor({ timeout: LIVE_MS });
      // The buyer read the seller's reply: the seller's bubble carries the read mark.
      await a.locator('.read-mark').first().waitFor({ timeout: LIVE_MS }).catch(() => console.log('      (note: no read mark seen)'));
    }, [[a, 'seller-live'], [b, 'buyer-live']]);

    await suite.step('seller reserves for this buyer; both see 예약중', async () => {
      await a.getByRole('button', { name: '예약하기' }).click();
      await waitForTradeStatus(a, '예약중');
      await waitForTradeStatus(b, '예약중');
    }, [[a, 'seller-reserved'], [b, 'buyer-reserved']]);

    await suite.step('seller completes the trade; both see 거래완료', async () => {
      await a.getByRole('button', { name: '거래완료' }).click();
      await a.getByRole('button', { name: '완료', exact: true }).click();
      await waitForTradeStatus(a, '거래완료');
      await waitForTradeStatus(b, '거래완료');
      await b.getByRole('link', { name: '후기 작성' }).waitFor();
    }, [[a, 'seller-completed'], [b, 'buyer-completed']]);

    await suite.step('the article shows 거래완료 and the buyer finds it in 구매내역', async () => {
      await a.goto(articleUrl);
      await a.locator('[data-testid=article-title] .tag', { hasText: '거래완료' }).waitFor();
      await eventually(async () => {
        await b.goto('/me/purchases');
        await b.locator('[data-testid=article-card]', { hasText: title }).waitFor({ timeout: 3000 });
        return true;
      }, { timeoutMs: SAGA_MS, intervalMs: 1000, what: 'purchase listed' });
    }, [[a, 'article-sold'], [b, 'buyer-purchases']]);

    await suite.step('buyer writes a review; it shows on the seller profile', async () => {
      await b.locator('[data-testid=article-card]', { hasText: title }).locator('[data-testid=write-review]').click();
      await b.waitForURL(/\/review$/);
      await b.locator('.rating label').nth(4).click();
      await b.fill('textarea[name=content]', review);
      await b.getByRole('button', { name: '후기 등록' }).click();
      await b.waitForURL(/\/user\/\d+\/profile$/);
      await b.getByRole('tab', { name: '받은 후기' }).click();
      await b.locator('[data-testid=reviews]', { hasText: review }).waitFor();
    }, [[b, 'buyer-review']]);

    await a.context().close();
    await b.context().close();

    await operatorScenario(browser);
  } finally {
    await browser.close();
  }
}

async function operatorScenario(browser) {
  if (!OP_EMAIL || !OP_PASSWORD) {
    suite.skipScenario('Operator console', 'GREENMARKET_OPERATOR_EMAIL / GREENMARKET_OPERATOR_PASSWORD not set');
    return;
  }
  suite.scenario('Operator console: consumer groups (live), sagas');
  const op = await newUserPage(browser, 'operator', false);

  await suite.step('operator logs in and sees consumer groups with lag, lag seconds and status', async () => {
    await login(op, OP_EMAIL, OP_PASSWORD);
    await op.goto('/ops');
    await op.locator('[data-testid=lag-row]').first().waitFor({ timeout: 20000 });
    const header = await op.locator('[data-testid=lag-table] thead').innerText();
    for (const col of ['총 lag', '최대 지연 시간', '상태']) assert(header.includes(col), `column ${col}`);
  }, [[op, 'ops-lag']]);

  await suite.step('the lag table refreshes by itself every 2 s', async () => {
    const before = await op.locator('[data-testid=lag-updated]').innerText();
    await eventually(async () => (await op.locator('[data-testid=lag-updated]').innerText()) !== before, { timeoutMs: 8000, what: 'refresh' });
  }, [[op, 'ops-lag-refreshed']]);

  const stopCmd = process.env.GREENMARKET_E2E_STOP_WORKER;
  const startCmd = process.env.GREENMARKET_E2E_START_WORKER;
  const group = process.env.GREENMARKET_E2E_WORKER_GROUP;
  if (stopCmd && startCmd && group) {
    await suite.step(`a stopped worker's group (${group}) leaves OK, and returns after restart`, async () => {
      execSync(stopCmd, { stdio: 'inherit', shell: '/bin/bash' });
      const row = op.locator(`[data-testid=lag-row][data-group="${group}"]`);
      try {
        await eventually(async () => ['STOP', 'STALL', 'WARN', 'ERR'].includes(await row.getAttribute('data-status')), {
          timeoutMs: 180000, intervalMs: 2000, what: `${group} not OK`,
        });
        await op.screenshot({ path: join(SHOTS, `${String(suite.n).padStart(2, '0')}-ops-worker-stopped.png`), fullPage: true });
      } finally {
        execSync(startCmd, { stdio: 'inherit', shell: '/bin/bash' });
      }
      await eventually(async () => (await row.getAttribute('data-status')) === 'OK', { timeoutMs: 180000, intervalMs: 2000, what: `${group} OK again` });
    }, [[op, 'ops-worker-recovered']]);
  } else {
    console.log('  - (stopped-worker check not configured: set GREENMARKET_E2E_STOP_WORKER, _START_WORKER and _WORKER_GROUP)');
  }

  await suite.step('operator lists sagas and opens one with its step log', async () => {
    await op.goto('/ops/sagas');
    await op.locator('[data-testid=saga-table] tbody tr').first().waitFor({ timeout: 15000 });
    await op.locator('[data-testid=saga-table] tbody tr a').first().click();
    await op.waitForURL(/\/ops\/sagas\/.+/);
    await op.getByText('단계 기록').waitFor();
  }, [[op, 'ops-saga']]);

  await op.context().close();
}

const started = Date.now();
main()
  .catch((err) => {
    suite.failed += 1;
    suite.failures.push(`suite aborted: ${err.message}`);
    console.error(err);
  })
  .finally(async () => {
    await sleep(0);
    if (jsErrors.length) {
      console.log('\nUncaught errors in the pages:');
      for (const e of jsErrors.slice(0, 20)) console.log(`  - ${e}`);
    }
    console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
    suite.summary('e2e');
    process.exitCode = suite.failed ? 1 : 0;
  });
