import { Fragment, useCallback, useEffect, useState } from 'react';
import { dlqApi, type DlqRecord, type DlqTopic } from '../../api';
import { ApiError, errorMessage } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Empty, ErrorBox, Loading, Notice } from '../../components/Feedback';
import { formatDateTime, formatNumber } from '../../lib/format';

/** The error headers of a dead-lettered record, as one short line: "ValueError: boom (product-participant, 3회)". */
export function dlqErrorSummary(error: Record<string, string> | null | undefined): string {
  if (!error) return '';
  const what = [error['error.type'], error['error.message']].filter(Boolean).join(': ');
  const where = [error.consumer, error.attempts ? `${error.attempts}회 시도` : ''].filter(Boolean).join(', ');
  return where ? `${what || '오류'} (${where})` : what;
}

/** Where the record came from: `product.events #12` (original topic and offset), if the headers say so. */
export function dlqOrigin(topic: DlqTopic, record: DlqRecord): string {
  const original = record.error?.['original.topic'] || topic.originalTopic;
  const offset = record.error?.['original.offset'];
  return offset ? `${original} #${offset}` : original;
}

/** Sentence for a redrive answer. */
export function redriveMessage(topic: string, redriven: number): string {
  return redriven > 0
    ? `${topic}: ${formatNumber(redriven)}건을 원래 토픽으로 다시 보냈습니다.`
    : `${topic}: 다시 보낼 레코드가 없습니다 (이미 모두 재처리됨).`;
}

/** Dead-letter topics (`GET /api/ops/dlq`) and their redrive (`POST /api/ops/dlq/{topic}/redrive`). */
export function DlqPanel() {
  const [items, setItems] = useState<DlqTopic[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState('');
  const [showEmpty, setShowEmpty] = useState(false);
  const [msg, setMsg] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);

  const load = useCallback(async () => {
    try {
      setItems(await dlqApi.list());
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
    return (
      <Notice>
        이 서버는 DLQ 조회 API를 제공하지 않습니다. 터미널에서 <code>greenmarket dlq list</code>,{' '}
        <code>greenmarket dlq redrive</code> 를 사용해 주세요.
      </Notice>
    );
  }
  if (error && !items) return <ErrorBox error={error} onRetry={load} />;
  if (!items) return <Loading label="DLQ를 읽는 중… (토픽이 많으면 몇 초 걸립니다)" />;

  const redrive = async (t: DlqTopic) => {
    setMsg(null);
    setBusy(t.topic);
    try {
      const result = await dlqApi.redrive(t.topic);
      setMsg({ tone: 'success', text: redriveMessage(t.topic, result.redriven) });
      await load();
    } catch (err) {
      setMsg({ tone: 'error', text: errorMessage(err, { 503: '브로커나 서비스 DB에 연결할 수 없어 다시 보내지 못했습니다. 잠시 후 다시 시도해 주세요.' }) });
    } finally {
      setBusy('');
    }
  };

  const shown = showEmpty ? items : items.filter((t) => t.records > 0);
  const emptyCount = items.length - items.filter((t) => t.records > 0).length;

  return (
    <section aria-label="DLQ" data-testid="dlq">
      <p className="muted small">
        처리하지 못한 이벤트가 모이는 토픽입니다. 원인을 고친 뒤 <b>재처리</b>하면 아직 재처리하지 않은 레코드만 원래 토픽으로 다시 보냅니다.{' '}
        <button type="button" className="btn small outline" onClick={() => void load()}>새로고침</button>
      </p>
      {error ? <ErrorBox error={error} onRetry={load} /> : null}
      {msg && <Notice tone={msg.tone}>{msg.text}</Notice>}
      {emptyCount > 0 && (
        <label className="check small">
          <input type="checkbox" checked={showEmpty} onChange={(e) => setShowEmpty(e.target.checked)} /> 빈 DLQ {emptyCount}개도 보기
        </label>
      )}
      {shown.length === 0 ? (
        <Empty>{items.length ? `DLQ ${items.length}개가 모두 비어 있습니다.` : 'DLQ가 없습니다.'}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="dlq-table">
            <thead>
              <tr><th>DLQ</th><th>원래 토픽</th><th className="num">보관</th><th className="num">미처리</th><th>최근 오류</th><th /></tr>
            </thead>
            <tbody>
              {shown.map((t) => (
                <Fragment key={t.topic}>
                  <tr data-testid="dlq-topic" data-topic={t.topic}>
                    <td className="mono">{t.topic}</td>
                    <td className="mono small">{t.originalTopic}</td>
                    <td className="num">{formatNumber(t.records)}</td>
                    <td className="num">{formatNumber(t.pending)}</td>
                    <td className="small">{t.newest[0] ? dlqErrorSummary(t.newest[0].error) : ''}</td>
                    <td>
                      <ConfirmButton
                        className="btn small outline"
                        question={`미처리 ${formatNumber(t.pending)}건을 다시 보낼까요?`}
                        onConfirm={() => void redrive(t)}
                        confirmLabel="보내기"
                        disabled={busy !== '' || t.pending === 0}
                      >
                        {busy === t.topic ? '보내는 중…' : '재처리'}
                      </ConfirmButton>
                    </td>
                  </tr>
                  {t.newest.length > 0 && (
                    <tr className="sub-row">
                      <td colSpan={6}>
                        <table className="table inner">
                          <thead>
                            <tr><th className="num">파티션</th><th className="num">오프셋</th><th>시각</th><th>원래 위치</th><th>이벤트</th><th>키</th><th>오류</th></tr>
                          </thead>
                          <tbody>
                            {t.newest.map((r) => (
                              <tr key={`${r.partition}-${r.offset}`}>
                                <td className="num">{r.partition}</td>
                                <td className="num">{r.offset}</td>
                                <td className="small">{formatDateTime(new Date(r.timestampMs).toISOString(), true)}</td>
                                <td className="mono small">{dlqOrigin(t, r)}</td>
                                <td className="small">{r.eventType ?? ''}</td>
                                <td className="mono small">{r.key ?? ''}</td>
                                <td className="small" title={r.error?.['error.stack'] ?? ''}>{dlqErrorSummary(r.error)}</td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
