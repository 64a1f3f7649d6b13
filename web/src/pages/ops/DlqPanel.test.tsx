// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DlqPanel } from './DlqPanel';

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' } });
}

const record = {
  partition: 0, offset: 7, timestampMs: 1764600000000, key: '42', eventId: 'e-1', eventType: 'ProductCreated',
  error: { 'error.type': 'ValueError', 'error.message': 'boom', consumer: 'chat-article-summaries', attempts: '3' },
};
const full = { topic: 'product.events.dlq', originalTopic: 'product.events', records: 3, pending: 2, newest: [record] };
const empty = { topic: 'user.events.dlq', originalTopic: 'user.events', records: 0, pending: 0, newest: [] };

afterEach(() => vi.unstubAllGlobals());

describe('DlqPanel', () => {
  it('lists DLQs with records, hides the empty ones until asked, and redrives a topic', async () => {
    const fetchMock = vi.fn(async (url: string, _init?: RequestInit) => {
      if (url.includes('/redrive')) return jsonResponse({ topic: 'product.events.dlq', redriven: 2, claimsReleased: 2 });
      return jsonResponse({ items: [full, empty] });
    });
    vi.stubGlobal('fetch', fetchMock);
    render(<DlqPanel />);
    await screen.findByText('product.events.dlq');
    expect(screen.queryByText('user.events.dlq')).toBeNull();
    expect(screen.getAllByText(/ValueError: boom/).length).toBeGreaterThan(0);
    fireEvent.click(screen.getByLabelText(/빈 DLQ 1개도 보기/));
    expect(screen.getByText('user.events.dlq')).toBeTruthy();

    fireEvent.click(screen.getAllByRole('button', { name: '재처리' })[0]);
    fireEvent.click(screen.getByRole('button', { name: '보내기' }));
    await screen.findByText(/2건을 원래 토픽으로 다시 보냈습니다/);
    const redrive = fetchMock.mock.calls.find(([u]) => u.includes('/redrive'))!;
    expect(redrive[0]).toBe('/api/ops/dlq/product.events.dlq/redrive');
    expect(redrive[1]?.method).toBe('POST');
  });

  it('cannot redrive a DLQ with nothing pending', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse({ items: [{ ...full, pending: 0 }] })));
    render(<DlqPanel />);
    await screen.findByText('product.events.dlq');
    expect((screen.getByRole('button', { name: '재처리' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('explains the CLI when the gateway has no DLQ API, and words a 503', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse({ status: 404, title: 'Not Found' }, 404)));
    const { unmount } = render(<DlqPanel />);
    await screen.findByText(/greenmarket dlq list/);
    unmount();
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse({ status: 503, title: 'Service Unavailable', detail: 'A dependency is not reachable: KafkaError.' }, 503)));
    render(<DlqPanel />);
    await waitFor(() => expect(document.body.textContent).toMatch(/잠시|서버/));
  });
});
