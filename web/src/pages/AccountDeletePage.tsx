import { useEffect, useRef, useState } from 'react';
import { Link, Navigate } from 'react-router-dom';
import { opsApi, userApi, type SagaDetail } from '../api';
import { ApiError, errorMessage } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { Notice, ProgressBar } from '../components/Feedback';
import { isSagaFinished, sagaStatusLabel } from '../lib/format';
import { useDocumentTitle } from '../lib/hooks';

const CONFIRM_TEXT = '탈퇴합니다';

/** The account-deletion saga's steps (issue 6), as a person reads them. */
export const DELETION_STEPS = ['탈퇴 요청 접수', '계정 잠금', '판매 상품 내리기 · 예약 취소', '채팅방 닫기', '계정 정보 익명화'];

/**
 * Which of DELETION_STEPS a saga step stands for. The account.deletion saga's steps (docs/sagas.md):
 * lock_account, check_no_completing_trade, withdraw_articles, cancel_reservations, close_rooms,
 * anonymize_account. Matched loosely so a renamed step still lands near the right place.
 */
export function deletionStepIndex(step: string | null | undefined): number {
  const s = (step ?? '').toLowerCase();
  if (/anonym|finali[sz]e|delete_user|userdeleted/.test(s)) return 4;
  if (/chat|room/.test(s)) return 3;
  if (/product|article|listing|trade|withdraw|reserv/.test(s)) return 2;
  if (/lock/.test(s)) return 1;
  return 0;
}

/** How long a just-requested saga may answer 404 (the orchestrator starts it from an event, a moment later). */
export const SAGA_APPEAR_MS = 30_000;

type Phase = 'form' | 'running' | 'done' | 'failed' | 'stuck' | 'slow';

export function AccountDeletePage() {
  useDocumentTitle('회원 탈퇴');
  const { user, setUser } = useAuth();
  const [agree, setAgree] = useState(false);
  const [typed, setTyped] = useState('');
  const [phase, setPhase] = useState<Phase>('form');
  const [error, setError] = useState('');
  const [stepIndex, setStepIndex] = useState(0);
  const [saga, setSaga] = useState<SagaDetail | null>(null);
  const stop = useRef(false);

  useEffect(() => () => { stop.current = true; }, []);

  // Not behind RequireAuth: the page must stay when the user is signed out at the end.
  if (user === null && phase === 'form') return <Navigate to="/login?next=%2Fme%2Fdelete" replace state={{ flash: '로그인 후 이용하시길 바랍니다.' }} />;
  if (user === undefined) return null;

  const finish = () => {
    setStepIndex(DELETION_STEPS.length - 1);
    setPhase('done');
    setUser(null);
    void userApi.logout().catch(() => undefined); // clear the cookies of an account that is gone
  };

  /**
   * Follow the saga: `GET /api/sagas/{id}` is open to the user whose deletion it is. It answers 404
   * until the orchestrator has picked the request up. If it stays unreadable (an expired session
   * cannot be refreshed once the account is locked), watch the public profile instead: 404 or an
   * anonymized nickname means done.
   */
  const follow = async (sagaId: string, userId: number, nickname: string) => {
    const started = Date.now();
    let sagaReadable = true;
    while (!stop.current) {
      await new Promise((r) => setTimeout(r, 1000));
      if (Date.now() - started > 120_000) {
        setPhase('slow');
        return;
      }
      if (sagaReadable) {
        try {
          const s = await opsApi.saga(sagaId);
          setSaga(s);
          setStepIndex((i) => Math.max(i, deletionStepIndex(s.step)));
          if (isSagaFinished(s.status)) {
            if (s.status === 'COMPLETED') finish();
            else if (s.status === 'COMPENSATED') setPhase('failed');
            else setPhase('stuck'); // FAILED / ABORTED: an operator has to look at it
            return;
          }
          continue;
        } catch (err) {
          const notYet = err instanceof ApiError && err.status === 404 && Date.now() - started < SAGA_APPEAR_MS;
          if (notYet) continue;
          if (err instanceof ApiError && [401, 403, 404].includes(err.status)) sagaReadable = false;
        }
      }
      try {
        const p = await userApi.profile(userId);
        setStepIndex((i) => Math.max(i, 1));
        if (p.nickname !== nickname) {
          finish();
          return;
        }
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) {
          finish();
          return;
        }
      }
    }
  };

  const start = async () => {
    if (!user) return;
    setError('');
    setPhase('running');
    setStepIndex(0);
    try {
      const { sagaId } = await userApi.remove(user.id);
      void follow(sagaId, user.id, user.nickname);
    } catch (err) {
      setPhase('form');
      setError(errorMessage(err, { 409: '이미 탈퇴 처리가 진행 중입니다. 잠시 후 다시 확인해 주세요.' }));
    }
  };

  if (phase !== 'form') {
    return (
      <div className="page narrow" data-testid="deletion" data-phase={phase}>
        <h1 className="page-title">회원 탈퇴</h1>
        <ol className="steps" data-testid="deletion-steps">
          {DELETION_STEPS.map((label, i) => (
            <li key={label} className={i < stepIndex || phase === 'done' ? 'done' : i === stepIndex && phase === 'running' ? 'current' : ''}>
              {label}
            </li>
          ))}
        </ol>
        {phase === 'running' && <ProgressBar value={(stepIndex + 0.5) / DELETION_STEPS.length} label="탈퇴를 처리하는 중입니다…" />}
        {saga && phase === 'running' && (
          <p className="muted small" data-testid="deletion-status">
            처리 상태: {sagaStatusLabel(saga.status)}
            {saga.status === 'COMPENSATING' ? ' — 탈퇴를 끝낼 수 없어 처음 상태로 되돌리는 중입니다.' : ''}
          </p>
        )}
        {phase === 'done' && (
          <Notice tone="success">
            탈퇴가 완료되었습니다. 그동안 초록장터를 이용해 주셔서 감사합니다. <Link to="/">홈으로</Link>
          </Notice>
        )}
        {phase === 'failed' && (
          <Notice tone="error">
            탈퇴를 끝내지 못해 처음 상태로 되돌렸습니다. 진행 중인 거래가 있다면 마무리한 뒤 다시 시도해 주세요.
          </Notice>
        )}
        {phase === 'stuck' && (
          <Notice tone="error">
            탈퇴 처리가 중간에 멈췄습니다. 운영자가 확인한 뒤 마무리합니다. 잠시 후 다시 확인해 주세요.
          </Notice>
        )}
        {phase === 'slow' && <Notice>처리가 늦어지고 있습니다. 잠시 후 다시 로그인해 보시거나 고객센터에 문의해 주세요.</Notice>}
      </div>
    );
  }

  return (
    <div className="page narrow">
      <h1 className="page-title">회원 탈퇴</h1>
      <div className="notice error warning-box" role="alert">
        <strong>탈퇴하면 되돌릴 수 없습니다.</strong>
        <ul>
          <li>판매중인 상품이 모두 내려가고, 예약중인 거래는 취소됩니다.</li>
          <li>모든 채팅방이 종료되어 상대방과 더 이상 대화할 수 없습니다.</li>
          <li>계정 정보는 익명으로 바뀌고 같은 계정으로 다시 로그인할 수 없습니다.</li>
          <li>구매자로서 거래를 완료하는 중이라면 탈퇴가 거절될 수 있습니다.</li>
        </ul>
      </div>
      <div className="form">
        <label className="check">
          <input type="checkbox" checked={agree} onChange={(e) => setAgree(e.target.checked)} />
          위 내용을 모두 확인했습니다.
        </label>
        <label className="field">
          <span>확인을 위해 <b>{CONFIRM_TEXT}</b> 를 입력해 주세요.</span>
          <input value={typed} onChange={(e) => setTyped(e.target.value)} aria-label="탈퇴 확인 문구" />
        </label>
        {error && <Notice tone="error">{error}</Notice>}
        <button type="button" className="btn danger wide" disabled={!agree || typed.trim() !== CONFIRM_TEXT} onClick={start}>
          회원 탈퇴
        </button>
      </div>
    </div>
  );
}
