import { useCallback, useEffect, useState } from 'react';
import { dlqApi, type DlqRecord } from '../../api';
import { ApiError, errorMessage } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Empty, ErrorBox, Loading, Notice } from '../../components/Feedback';

/** DLQ records and redrive, when the gateway offers them (not in CONTRACT.md yet; see docs/web.md). */
export function DlqPanel() {
  const [items, setItems] = useState<DlqRecord[] | null>(null);
  const [error, setError] = useState<unknown>(null);
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
  if (error) return <ErrorBox error={error} onRetry={load} />;
  if (!items) return <Loading />;

  const redrive = async (r: DlqRecord) => {
    setMsg(null);
    try {
      await dlqApi.redrive(r);
      setMsg({ tone: 'success', text: `${r.topic} #${r.offset} 레코드를 원래 토픽으로 다시 보냈습니다.` });
      await load();
    } catch (err) {
      setMsg({ tone: 'error', text: errorMessage(err) });
    }
  };

  return (
    <section aria-label="DLQ">
      {msg && <Notice tone={msg.tone}>{msg.text}</Notice>}
      {items.length === 0 ? (
        <Empty>DLQ가 비어 있습니다.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th>토픽</th><th className="num">파티션</th><th className="num">오프셋</th><th>키</th><th>오류</th><th /></tr></thead>
            <tbody>
              {items.map((r) => (
                <tr key={`${r.topic}-${r.partition}-${r.offset}`}>
                  <td className="mono">{r.topic}</td>
                  <td className="num">{r.partition}</td>
                  <td className="num">{r.offset}</td>
                  <td className="mono small">{r.key ?? ''}</td>
                  <td className="small">{r.error ?? ''}</td>
                  <td>
                    <ConfirmButton className="btn small outline" question="다시 보낼까요?" onConfirm={() => void redrive(r)} confirmLabel="보내기">
                      재처리
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
