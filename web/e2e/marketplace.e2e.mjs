// Browser suite against a running Greenmarket (GREENMARKET_URL, default http://127.0.0.1:8080).
// Debian's Chromium driven by playwright-core (no browser download). Two users in two contexts
// go from joining to a review; an operator looks at the console. Screenshots of every step.
//
//   node e2e/marketplace.e2e.mjs            (e2e/run.sh calls this after the unit tests)
//
// Env: GREENMARKET_URL, CHROMIUM_PATH (/usr/bin/chromium), GREENMARKET_E2E_SCREENSHOTS,
//      GREENMARKET_OPERATOR_EMAIL / GREENMARKET_OPERATOR_PASSWORD (an existing operator; otherwise the
//        suite joins a user and promotes it with `greenmarket users promote`, see operator.mjs),
//      GREENMARKET_USER_DATABASE_URL (the user database for that promotion),
//      GREENMARKET_E2E_STOP_WORKER / GREENMARKET_E2E_START_WORKER (shell commands; default: SIGSTOP /
//        SIGCONT to the product worker of the system under test, found by workers.mjs),
//      GREENMARKET_E2E_WORKER_GROUP (default product-participant).
import { readdirSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { Suite, assert, eventually, makePng, sleep } from './lib.mjs';
import { promoteToOperator } from './operator.mjs';
import { workerControl } from './workers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.GREENMARKET_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SHOTS = process.env.GREENMARKET_E2E_SCREENSHOTS || join(here, 'screenshots');
const OP_EMAIL = process.env.GREENMARKET_OPERATOR_EMAIL || '';
const OP_PASSWORD = process.env.GREENMARKET_OPERATOR_PASSWORD || '';
const LIVE_MS = Number(process.env.GREENMARKET_E2E_LIVE_TIMEOUT_MS || 30000);
const SAGA_MS = Number(process.env.GREENMARKET_E2E_SAGA_TIMEOUT_MS || 60000);
const GROUP = process.env.GREENMARKET_E2E_WORKER_GROUP || 'product-participant';

const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const region = { address1: '서울특별시', address2: `e2e${stamp}`.slice(0, 30) };
const seller = { email: `e2e-a-${stamp}@example.com`, password: `Green-${stamp}!`, nickname: `판매자${stamp}`.slice(0, 30), ...region };
const buyer = { email: `e2e-b-${stamp}@example.com`, password: `Green-${stamp}?`, nickname: `구매자${stamp}`.slice(0, 30), ...region };
const keyword = `화분${stamp}`;
const title = `몬스테라 ${keyword}`;
const content = '잘 키운 몬스테라입니다.\n물은 일주일에 한 번 주세요.';
const review = `친절하고 물건도 좋아요 ${stamp}`;

// Screenshots of this run only: clear the previous run's.
try {
  for (const f of readdirSync(SHOTS)) if (f.endsWith('.png')) unlinkSync(join(SHOTS, f));
} catch {
  /* no folder yet */
}
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
  context.setDefaultTimeout(30000);
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
      }, { timeoutMs: 40000, what: 'search result' });
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
      }, { timeoutMs: 40000, intervalMs: 1000, what: 'interest count 1 after reload' });
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

    await operatorScenario(browser, a, b);
    await a.context().close();
    await b.context().close();

    await deletionScenario(browser);
  } finally {
    await browser.close();
  }
}

/** The operator: from the environment, or a user joined here and promoted with the CLI. */
async function operatorLogin(op) {
  if (OP_EMAIL && OP_PASSWORD) {
    await login(op, OP_EMAIL, OP_PASSWORD);
    return;
  }
  const opUser = { email: `e2e-op-${stamp}@example.com`, password: `Green-${stamp}#`, nickname: `운영자${stamp}`.slice(0, 30), ...region };
  await joinUser(op, opUser);
  await login(op, opUser.email, opUser.password);
  // Not an operator yet: no menu entry, and the console says so (the API answers 403 anyway).
  assert((await op.locator('header').getByRole('link', { name: '운영', exact: true }).count()) === 0, 'no 운영 link for a user');
  await op.goto('/ops');
  await op.getByText('운영자만 볼 수 있는 화면입니다.').waitFor();
  promoteToOperator(opUser.email);
  // The role travels in the access token: log in again to get one that carries it.
  await op.getByRole('button', { name: '로그아웃' }).click();
  await op.locator('[data-testid=nav-user]').waitFor({ state: 'detached' });
  await login(op, opUser.email, opUser.password);
}

async function createArticleByApi(page, articleTitle) {
  const res = await page.request.post('/api/products', {
    multipart: {
      title: articleTitle,
      content: '운영 콘솔 확인용 상품입니다.',
      price: '1000',
      categoryId: '1',
      address1: region.address1,
      address2: region.address2,
      files: { name: 'pot.png', mimeType: 'image/png', buffer: makePng(64, 3) },
    },
  });
  assert(res.status() === 201 || res.status() === 200, `POST /api/products → ${res.status()} ${await res.text()}`);
  return (await res.json()).id;
}

async function operatorScenario(browser, a, b) {
  suite.scenario('Operator console: consumer groups (live), a stopped worker, sagas, DLQ');
  const op = await newUserPage(browser, 'operator', false);

  await suite.step('operator logs in and sees consumer groups with lag, lag seconds and status', async () => {
    await operatorLogin(op);
    await op.locator('header').getByRole('link', { name: '운영', exact: true }).waitFor();
    await op.goto('/ops');
    await op.locator('[data-testid=lag-row]').first().waitFor({ timeout: 20000 });
    const header = await op.locator('[data-testid=lag-table] thead').innerText();
    for (const col of ['총 lag', '최대 지연 시간', '상태']) assert(header.includes(col), `column ${col}`);
    await eventually(async () => (await op.locator(`[data-testid=lag-row][data-group="${GROUP}"]`).count()) > 0, {
      timeoutMs: 30000, what: `group ${GROUP} in the table`,
    });
  }, [[op, 'ops-lag']]);

  await suite.step('the lag table refreshes by itself every 2 s', async () => {
    const before = await op.locator('[data-testid=lag-updated]').innerText();
    await eventually(async () => (await op.locator('[data-testid=lag-updated]').innerText()) !== before, { timeoutMs: 20000, what: 'refresh' });
  }, [[op, 'ops-lag-refreshed']]);

  await suite.step(`a stopped worker's group (${GROUP}) goes to STALL/STOP with lag, and back to OK after it resumes`, async () => {
    const worker = workerControl(BASE);
    console.log(`      worker control: ${worker.describe}`);
    // Something for the worker to do while it is frozen: a reservation sends ReserveArticle to
    // product.commands. Reserving needs an article and the buyer's chat room for it.
    const articleId = await createArticleByApi(a, `다육이 화분 ${stamp}`);
    const buyerId = (await (await b.request.get('/api/user/auth')).json()).user.id;
    await eventually(async () => {
      const r = await b.request.post('/api/chat/rooms', { data: { articleId } });
      assert(r.status() === 201 || r.status() === 200, `POST /api/chat/rooms → ${r.status()}`);
    }, { timeoutMs: SAGA_MS, what: 'chat room for the second article' });
    const row = op.locator(`[data-testid=lag-row][data-group="${GROUP}"]`);
    const rowText = async () => (await row.innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
    await eventually(async () => {
      assert((await row.getAttribute('data-status')) === 'OK', `${GROUP} is ${await rowText()}`);
    }, { timeoutMs: 90000, intervalMs: 1000, what: `${GROUP} OK before the stop` });
    const t0 = Date.now();
    const since = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;
    const seen = [];
    worker.stop();
    try {
      let tradeId = '';
      await eventually(async () => {
        const r = await a.request.post('/api/trades', { data: { articleId, buyerId } });
        assert(r.status() === 202, `POST /api/trades → ${r.status()} ${await r.text()}`);
        tradeId = (await r.json()).tradeId;
      }, { timeoutMs: SAGA_MS, what: 'reservation accepted (the sagas projections know the room)' });
      console.log(`      ${since()}: reservation ${tradeId} accepted; its ReserveArticle waits in product.commands`);
      await eventually(async () => {
        const status = await row.getAttribute('data-status');
        if (seen[seen.length - 1] !== status) seen.push(status);
        assert(['STALL', 'STOP'].includes(status), `seen ${seen.join(' → ')}; now ${await rowText()}`);
      }, {
        timeoutMs: 150000, intervalMs: 2000, what: `${GROUP} STALL or STOP`,
      });
      const cells = await row.locator('td').allInnerTexts();
      assert(Number(cells[3].replace(/,/g, '')) > 0, `total lag shown (${cells.join(' | ')})`);
      await op.screenshot({ path: join(SHOTS, `${String(suite.n).padStart(2, '0')}-ops-worker-stopped.png`), fullPage: true });
      console.log(`      ${since()}: ${seen.join(' → ')}; ${cells.slice(0, 7).join(' | ')}`);
    } finally {
      worker.start();
    }
    await eventually(async () => {
      assert((await row.getAttribute('data-status')) === 'OK', `${GROUP} is ${await rowText()}`);
    }, { timeoutMs: 120000, intervalMs: 2000, what: `${GROUP} OK again` });
    console.log(`      ${since()}: resumed, OK again`);
  }, [[op, 'ops-worker-recovered']]);

  await suite.step('operator lists sagas and opens one with its step log', async () => {
    await op.goto('/ops/sagas');
    await op.locator('[data-testid=saga-table] tbody tr').first().waitFor({ timeout: 15000 });
    await op.locator('[data-testid=saga-table] tbody tr a').first().click();
    await op.waitForURL(/\/ops\/sagas\/.+/);
    await op.getByText('단계 기록').waitFor();
  }, [[op, 'ops-saga']]);

  await suite.step('operator opens the DLQ page (GET /api/ops/dlq)', async () => {
    await op.goto('/ops/dlq');
    await op.locator('[data-testid=dlq]').waitFor();
    const text = await op.locator('main').innerText();
    assert(!text.includes('제공하지 않습니다'), 'the DLQ API answers');
    assert(!/서버에 문제|연결할 수 없습니다/.test(text), `DLQ page shows an error: ${text.slice(0, 200)}`);
  }, [[op, 'ops-dlq']]);

  await op.context().close();
}

/** A third user deletes the account and follows the saga's progress (GET /api/sagas/{id} is theirs to read). */
async function deletionScenario(browser) {
  suite.scenario('Account deletion with the saga\'s progress');
  const c = await newUserPage(browser, 'leaver', true);
  const leaver = { email: `e2e-c-${stamp}@example.com`, password: `Green-${stamp}%`, nickname: `탈퇴자${stamp}`.slice(0, 30), ...region };
  const sagaReads = [];
  c.on('response', (r) => {
    if (/\/api\/sagas\/[^/?]+$/.test(new URL(r.url()).pathname)) sagaReads.push(r.status());
  });

  let leaverArticle = '';
  const newNickname = `바뀐이름${stamp}`.slice(0, 30);

  await suite.step('a user joins and changes nickname and avatar (PATCH multipart)', async () => {
    await joinUser(c, leaver);
    await login(c, leaver.email, leaver.password);
    const profile = await c.locator('[data-testid=nav-user]').getAttribute('href');
    await c.goto(`${profile}/edit`);
    await c.getByLabel('프로필 사진 선택').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: makePng(200, 11) });
    await c.fill('input[name=nickname]', newNickname);
    await c.getByRole('button', { name: '저장' }).click();
    await c.waitForURL(/\/user\/\d+\/profile$/);
    await c.locator('[data-testid=profile-nickname]', { hasText: newNickname }).waitFor();
    await eventually(() => c.locator('main img.avatar').first().evaluate((img) => img.complete && img.naturalWidth > 0), { what: 'avatar loaded' });
  }, [[c, 'profile-edited']]);

  await suite.step('the user posts an article and edits it: new title, a second photo after the kept one (PUT)', async () => {
    await c.goto('/products/new');
    await c.locator('[data-testid=image-input]').setInputFiles({ name: 'one.png', mimeType: 'image/png', buffer: makePng(240, 21) });
    await c.locator('[data-testid=image-preview]').first().waitFor();
    await c.selectOption('select[name=categoryId]', { index: 1 });
    await c.fill('input[name=title]', `의자 ${stamp}`);
    await c.fill('input[name=price]', '0');
    await c.fill('textarea[name=content]', '무료로 드려요.');
    await c.getByRole('button', { name: '등록하기' }).click();
    await c.waitForURL(/\/products\/\d+$/, { timeout: 30000 });
    leaverArticle = new URL(c.url()).pathname;
    assert((await c.locator('[data-testid=article-price]').textContent()).includes('무료나눔'), 'price 0 shows 무료나눔');
    await c.getByRole('link', { name: '수정하기' }).or(c.getByRole('button', { name: '수정하기' })).first().click();
    await c.waitForURL(/\/edit$/);
    await c.locator('[data-testid=image-preview]').first().waitFor();
    await c.locator('[data-testid=image-input]').setInputFiles({ name: 'two.png', mimeType: 'image/png', buffer: makePng(240, 40) });
    await eventually(async () => (await c.locator('[data-testid=image-preview]').count()) === 2, { what: 'two previews' });
    await c.fill('input[name=title]', `흔들의자 ${stamp}`);
    await c.getByRole('button', { name: '수정 완료' }).click();
    await c.waitForURL(new RegExp(`${leaverArticle}$`), { timeout: 30000 });
    await c.locator('[data-testid=article-title]', { hasText: `흔들의자 ${stamp}` }).waitFor();
    await eventually(async () => (await c.locator('.dot').count()) === 2, { what: 'two photos in the slider' });
  }, [[c, 'article-edited']]);

  await suite.step('the user asks to delete the account (warning, checkbox, 탈퇴합니다)', async () => {
    await c.goto('/me/delete');
    await c.getByText('탈퇴하면 되돌릴 수 없습니다.').waitFor();
    await c.getByRole('checkbox').check();
    await c.getByLabel('탈퇴 확인 문구').fill('탈퇴합니다');
    await c.getByRole('button', { name: '회원 탈퇴' }).click();
    await c.locator('[data-testid=deletion-steps]').waitFor();
  }, [[c, 'deletion-started']]);

  await suite.step('the saga runs to the end: thank-you, signed out, login refused', async () => {
    await c.locator('[data-testid=deletion][data-phase=done]').waitFor({ timeout: SAGA_MS * 2 });
    assert((await c.locator('[data-testid=deletion-steps] li.done').count()) === 5, 'all five steps done');
    await c.screenshot({ path: join(SHOTS, `${String(suite.n).padStart(2, '0')}-deletion-thanks.png`), fullPage: true });
    assert(sagaReads.includes(200), `the page read its saga (GET /api/sagas/{id} answers: ${sagaReads.join(',') || 'none'})`);
    await c.getByRole('link', { name: '로그인' }).first().waitFor();
    await c.goto('/login');
    await c.fill('input[name=email]', leaver.email);
    await c.fill('input[name=password]', leaver.password);
    await c.getByRole('button', { name: '로그인' }).click();
    await c.getByText('이메일 또는 비밀번호가 일치하지 않습니다.').waitFor();
    // Withdrawn with the account: the article is gone for everyone.
    const gone = await c.request.get(`/api${leaverArticle}`);
    assert(gone.status() === 404, `GET /api${leaverArticle} after the deletion → ${gone.status()}`);
  }, [[c, 'deletion-done']]);

  await c.context().close();
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
