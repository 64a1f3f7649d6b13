import { Fragment, useCallback, useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { opsApi, type SagaDetail, type SagaLogEntry, type SagaSummary } from '../../api';
import { errorMessage } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Empty, ErrorBox, Loading, Notice } from '../../components/Feedback';
import { formatDateTime, isSagaFinished, sagaStatusLabel } from '../../lib/format';
import { useInterval } from '../../lib/hooks';
import { usePaged } from '../../lib/usePaged';

const STATUSES = ['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED', 'ABORTED'];

export const OPERATORS_ONLY = '운영자만 볼 수 있습니다. 방금 운영자가 되었다면 다시 로그인해 주세요.';

/** An operator may retry or abort a saga only when it is FAILED. */
export function canOperate(status: string): boolean {
  return status === 'FAILED';
}
const KNOWN_TYPES = ['trade', 'account_deletion'];

export function SagaBadge({ status }: { status: string }) {
  return <span className={`saga-badge saga-${status.toLowerCase()}`}>{sagaStatusLabel(status)}</span>;
}

export function SagaListPanel() {
  const [params, setParams] = useSearchParams();
  const type = params.get('type') ?? '';
  const status = params.get('status') ?? '';
  const list = usePaged<SagaSummary>((cursor) => opsApi.sagas({ type, status, limit: 50, cursor }), `${type}|${status}`);
  const [typeInput, setTypeInput] = useState(type);

  const update = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <section aria-label="사가 목록">
      <form className="filters" onSubmit={(e) => { e.preventDefault(); update('type', typeInput.trim()); }}>
        <input list="saga-types" placeholder="종류 (예: trade)" value={typeInput} onChange={(e) => setTypeInput(e.target.value)} aria-label="사가 종류" />
        <datalist id="saga-types">{KNOWN_TYPES.map((t) => <option key={t} value={t} />)}</datalist>
        <select value={status} onChange={(e) => update('status', e.target.value)} aria-label="사가 상태">
          <option value="">모든 상태</option>
          {STATUSES.map((s) => <option key={s} value={s}>{s} · {sagaStatusLabel(s)}</option>)}
        </select>
        <button type="submit" className="btn small">조회</button>
        <button type="button" className="btn small ghost" onClick={list.reload}>새로고침</button>
      </form>
      <ErrorBox error={list.error} overrides={{ 403: OPERATORS_ONLY }} onRetry={list.reload} />
      {list.items.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="saga-table">
            <thead>
              <tr><th>ID</th><th>종류</th><th>상태</th><th>단계</th><th className="num">시도</th><th>시작</th><th>갱신</th></tr>
            </thead>
            <tbody>
              {list.items.map((s) => (
                <tr key={s.id}>
                  <td className="mono"><Link to={`/ops/sagas/${s.id}`}>{s.id.slice(0, 8)}…</Link></td>
                  <td>{s.type}</td>
                  <td><SagaBadge status={s.status} /></td>
                  <td className="mono small">{s.step ?? '-'}</td>
                  <td className="num">{s.attempts}</td>
                  <td className="small">{formatDateTime(s.startedAt)}</td>
                  <td className="small">{formatDateTime(s.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.loaded && !list.loading && !list.error && list.items.length === 0 && <Empty>조건에 맞는 사가가 없습니다.</Empty>}
      {list.loading && <Loading />}
      {list.nextCursor && !list.loading && (
        <div className="more"><button type="button" className="btn outline wide" onClick={list.loadMore}>더보기</button></div>
      )}
    </section>
  );
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return /^\d{4}-\d\d-\d\dT/.test(value) ? formatDateTime(value, true) || value : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The step log's columns are whatever the orchestrator records; common ones first. */
export function logColumns(entries: SagaLogEntry[]): string[] {
  const preferred = ['at', 'timestamp', 'createdAt', 'step', 'kind', 'type', 'event', 'command', 'status', 'outcome', 'attempt', 'error', 'detail'];
  const seen = new Set<string>();
  for (const e of entries) Object.keys(e).forEach((k) => seen.add(k));
  return [...preferred.filter((k) => seen.has(k)), ...[...seen].filter((k) => !preferred.includes(k))];
}

export function SagaDetailPanel() {
  const { id } = useParams();
  const [saga, setSaga] = useState<SagaDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionMsg, setActionMsg] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setSaga(await opsApi.saga(id!));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);
  useInterval(load, 2000, !!saga && !isSagaFinished(saga.status));

  const act = async (kind: 'retry' | 'abort') => {
    setBusy(true);
    setActionMsg(null);
    try {
      await (kind === 'retry' ? opsApi.retrySaga(id!) : opsApi.abortSaga(id!));
      setActionMsg({ tone: 'success', text: kind === 'retry' ? '재시도를 요청했습니다.' : '중단을 요청했습니다.' });
      await load();
    } catch (err) {
      setActionMsg({ tone: 'error', text: errorMessage(err, { 409: '지금 상태에서는 할 수 없는 작업입니다.' }) });
    } finally {
      setBusy(false);
    }
  };

  if (error && !saga) return <ErrorBox error={error} overrides={{ 404: '사가를 찾을 수 없습니다.', 403: OPERATORS_ONLY }} onRetry={load} />;
  if (!saga) return <Loading />;
  const log = (saga.steps ?? saga.log ?? []) as SagaLogEntry[];
  const columns = logColumns(log);
  const extra = Object.entries(saga).filter(([k]) => !['id', 'type', 'status', 'step', 'startedAt', 'updatedAt', 'attempts', 'steps', 'log'].includes(k));

  return (
    <section aria-label="사가 상세">
      <p><Link to="/ops/sagas">‹ 사가 목록</Link></p>
      <dl className="kv">
        <dt>ID</dt><dd className="mono">{saga.id}</dd>
        <dt>종류</dt><dd>{saga.type}</dd>
        <dt>상태</dt><dd><SagaBadge status={saga.status} /></dd>
        <dt>현재 단계</dt><dd className="mono">{saga.step ?? '-'}</dd>
        <dt>시도</dt><dd>{saga.attempts}</dd>
        <dt>시작</dt><dd>{formatDateTime(saga.startedAt, true)}</dd>
        <dt>갱신</dt><dd>{formatDateTime(saga.updatedAt, true)}</dd>
        {extra.map(([k, v]) => (
          <Fragment key={k}>
            <dt>{k}</dt>
            <dd className="mono small">{cell(v)}</dd>
          </Fragment>
        ))}
      </dl>
      {/* Retry and abort are for FAILED sagas only (the API answers 409 otherwise, docs/sagas.md). */}
      <div className="actions">
        <ConfirmButton className="btn primary small" question="실패한 단계부터 다시 진행할까요?" onConfirm={() => void act('retry')} disabled={busy || !canOperate(saga.status)} confirmLabel="재시도">
          재시도
        </ConfirmButton>
        <ConfirmButton className="btn danger-outline small" question="이 사가를 더 진행하지 않고 중단할까요?" onConfirm={() => void act('abort')} disabled={busy || !canOperate(saga.status)} confirmLabel="중단">
          중단
        </ConfirmButton>
        {!canOperate(saga.status) && <span className="muted small">재시도 · 중단은 실패(FAILED)한 사가에만 할 수 있습니다.</span>}
      </div>
      {actionMsg && <Notice tone={actionMsg.tone}>{actionMsg.text}</Notice>}
      <h2 className="section-title">단계 기록</h2>
      {log.length === 0 ? (
        <Empty>기록이 없습니다.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="saga-log">
            <thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
            <tbody>
              {log.map((e, i) => (
                <tr key={i}>{columns.map((c) => <td key={c} className="small">{cell(e[c])}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
