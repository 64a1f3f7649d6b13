import { afterEach, describe, expect, it, vi } from 'vitest';
import { dlqApi, opsApi } from '../../api';
import { isSagaFinished, sagaStatusLabel } from '../../lib/format';
import { DELETION_STEPS, deletionStepIndex } from '../AccountDeletePage';
import { dlqErrorSummary, dlqOrigin, redriveMessage } from './DlqPanel';
import { canOperate } from './SagaPanels';

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

afterEach(() => vi.unstubAllGlobals());

// The real answer of GET /api/ops/dlq (infra/ops/api.py).
const dlqBody = {
  items: [
    {
      topic: 'product.events.dlq',
      originalTopic: 'product.events',
      records: 3,
      pending: 2,
      newest: [
        {
          partition: 0,
          offset: 7,
          timestampMs: 1764600000000,
          key: '42',
          eventId: '5c1d7a2e-0000-4000-8000-000000000001',
          eventType: 'ProductCreated',
          error: { 'error.type': 'ValueError', 'error.message': 'boom', consumer: 'chat-article-summaries', attempts: '3', 'original.topic': 'product.events', 'original.offset': '19' },
        },
      ],
    },
  ],
};

describe('DLQ over HTTP', () => {
  it('reads GET /api/ops/dlq as topics with their newest records', async () => {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => jsonResponse(dlqBody));
    vi.stubGlobal('fetch', fetchMock);
    const topics = await dlqApi.list();
    expect(fetchMock.mock.calls[0][0]).toBe('/api/ops/dlq');
    expect(topics[0].pending).toBe(2);
    expect(topics[0].newest[0].eventType).toBe('ProductCreated');
  });

  it('redrives a whole topic with POST /api/ops/dlq/{topic}/redrive, fromOffset only when given', async () => {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => jsonResponse({ topic: 'product.events.dlq', redriven: 2, claimsReleased: 2 }));
    vi.stubGlobal('fetch', fetchMock);
    const result = await dlqApi.redrive('product.events.dlq');
    expect(result.redriven).toBe(2);
    const calls = fetchMock.mock.calls;
    expect(calls[0][0]).toBe('/api/ops/dlq/product.events.dlq/redrive');
    expect(calls[0][1]?.method).toBe('POST');
    await dlqApi.redrive('product.events.dlq', 5);
    expect(calls[1][0]).toBe('/api/ops/dlq/product.events.dlq/redrive?fromOffset=5');
  });

  it('summarizes the dlq.* headers and the original position', () => {
    const [topic] = dlqBody.items;
    const [record] = topic.newest;
    expect(dlqErrorSummary(record.error)).toBe('ValueError: boom (chat-article-summaries, 3회 시도)');
    expect(dlqErrorSummary({})).toBe('');
    expect(dlqErrorSummary({ 'error.message': 'only a message' })).toBe('only a message');
    expect(dlqOrigin(topic, record)).toBe('product.events #19');
    expect(dlqOrigin(topic, { ...record, error: {} })).toBe('product.events');
  });

  it('says what a redrive did', () => {
    expect(redriveMessage('product.events.dlq', 2)).toContain('2건을 원래 토픽으로');
    expect(redriveMessage('product.events.dlq', 0)).toContain('다시 보낼 레코드가 없습니다');
  });
});

describe('account deletion progress', () => {
  it('maps the account.deletion saga steps (docs/sagas.md) onto the five steps in order', () => {
    const steps = ['lock_account', 'check_no_completing_trade', 'withdraw_articles', 'cancel_reservations', 'close_rooms', 'anonymize_account'];
    const indices = steps.map(deletionStepIndex);
    expect(indices).toEqual([1, 2, 2, 2, 3, 4]);
    expect(Math.max(...indices)).toBe(DELETION_STEPS.length - 1);
    expect(deletionStepIndex(null)).toBe(0);
  });

  it('reads its own saga from GET /api/sagas/{id}', async () => {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => jsonResponse({ id: 's-1', type: 'account.deletion', status: 'RUNNING', step: 'close_rooms', phase: 'forward', steps: [] }));
    vi.stubGlobal('fetch', fetchMock);
    const saga = await opsApi.saga('s-1');
    expect(fetchMock.mock.calls[0][0]).toBe('/api/sagas/s-1');
    expect(deletionStepIndex(saga.step)).toBe(3);
  });

  it('treats ABORTED as finished, with words', () => {
    expect(isSagaFinished('ABORTED')).toBe(true);
    expect(isSagaFinished('COMPENSATING')).toBe(false);
    expect(sagaStatusLabel('ABORTED')).toBe('중단됨');
  });
});

describe('saga operator actions', () => {
  it('offers retry and abort only for FAILED sagas (409 otherwise)', () => {
    expect(canOperate('FAILED')).toBe(true);
    for (const s of ['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'ABORTED']) expect(canOperate(s)).toBe(false);
  });
});
