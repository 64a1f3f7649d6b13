import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { tradeApi, type Room, type Trade, type TradeStatus } from '../../api';
import { errorMessage } from '../../api/client';
import { collectPages } from '../../api/paging';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Notice, ProgressBar } from '../../components/Feedback';
import { cancelledTradeText, formatDateTime, isTradeActive, isTradeInFlight, tradeStatusLabel } from '../../lib/format';
import { useInterval } from '../../lib/hooks';

/** The trade between this room's seller and buyer for its article: the active one, else the latest. */
export function pickTrade(trades: Trade[], articleId: number, buyerId: number): Trade | null {
  const mine = trades.filter((t) => t.articleId === articleId && t.buyerId === buyerId);
  const active = mine.find((t) => isTradeActive(t.status));
  if (active) return active;
  const time = (t: Trade) => Date.parse(t.completedAt ?? t.reservedAt ?? '') || 0;
  return mine.sort((a, b) => time(b) - time(a))[0] ?? null;
}

interface TradePanelProps {
  room: Room;
  me: number;
  /** Seq of the newest system message: the trade saga posts one at each step. */
  lastSystemSeq: number;
  onChanged: () => void;
}

export function TradePanel({ room, me, lastSystemSeq, onChanged }: TradePanelProps) {
  const isSeller = room.sellerId === me;
  const [trade, setTrade] = useState<Trade | null | undefined>(undefined);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  /** After an action, poll fast until the status moves away from this one. */
  const [waitingFrom, setWaitingFrom] = useState<TradeStatus | 'NONE' | null>(null);

  const find = useCallback(async () => {
    const all = await collectPages((cursor) => tradeApi.list(isSeller ? 'seller' : 'buyer', { limit: 50, cursor }), 5, (t) => t.tradeId);
    return pickTrade(all, room.articleId, room.buyerId);
  }, [isSeller, room.articleId, room.buyerId]);

  // Polls and actions overlap: read the latest values through refs, not stale closures.
  const tradeRef = useRef(trade);
  tradeRef.current = trade;
  const waitingRef = useRef(waitingFrom);
  waitingRef.current = waitingFrom;
  const onChangedRef = useRef(onChanged);
  onChangedRef.current = onChanged;

  const refresh = useCallback(async () => {
    try {
      const known = tradeRef.current;
      let latest = known?.tradeId ? await tradeApi.get(known.tradeId) : await find();
      // A finished trade may have been followed by a new reservation: look again.
      if (latest && known?.tradeId && !isTradeActive(latest.status)) latest = (await find()) ?? latest;
      const before = tradeRef.current?.status;
      tradeRef.current = latest;
      setTrade(latest);
      const waiting = waitingRef.current;
      if (waiting && (latest?.status ?? 'NONE') !== waiting && !isTradeInFlight(latest?.status ?? '')) setWaitingFrom(null);
      if (latest?.status !== before) onChangedRef.current();
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [find]);

  useEffect(() => {
    setTrade(undefined);
    find().then(setTrade, (err) => setError(errorMessage(err)));
  }, [find]);

  // A system message in the room means the saga moved: look now rather than at the next poll.
  useEffect(() => {
    if (lastSystemSeq > 0) void refresh();
  }, [lastSystemSeq]);

  const inFlight = !!trade && isTradeInFlight(trade.status);
  // Give up the fast poll after a minute; the slow poll and system messages still update the panel.
  useEffect(() => {
    if (!waitingFrom) return;
    const t = setTimeout(() => setWaitingFrom(null), 60_000);
    return () => clearTimeout(t);
  }, [waitingFrom]);
  // Fast while a saga runs (both sides see it move), slower while a reservation stands or nothing is known.
  useInterval(refresh, inFlight || waitingFrom ? 1000 : 5000, trade !== undefined && room.status === 'OPEN' && trade?.status !== 'COMPLETED');

  const act = async (action: () => Promise<unknown>, from: TradeStatus | 'NONE', overrides: Partial<Record<number, string>>) => {
    setBusy(true);
    setError('');
    try {
      await action();
      waitingRef.current = from;
      setWaitingFrom(from);
      await refresh();
    } catch (err) {
      setError(errorMessage(err, overrides));
    } finally {
      setBusy(false);
    }
  };

  const reserve = () =>
    act(
      async () => {
        const started = await tradeApi.reserve(room.articleId, room.buyerId);
        tradeRef.current = { tradeId: started.tradeId, status: started.status ?? 'RESERVING', articleId: room.articleId, sellerId: room.sellerId, buyerId: room.buyerId, reservedAt: null, completedAt: null, expiresAt: null };
        setTrade(tradeRef.current);
      },
      'NONE',
      { 403: '판매자만 예약할 수 있습니다.', 409: '이미 예약중이거나 거래가 끝난 상품입니다.' },
    );
  const complete = () =>
    trade && act(() => tradeApi.complete(trade.tradeId), 'RESERVED', { 409: '예약 상태에서만 거래를 완료할 수 있습니다.' });
  const cancel = () =>
    trade && act(() => tradeApi.cancel(trade.tradeId), trade.status, { 409: '지금은 예약을 취소할 수 없습니다.' });

  if (trade === undefined) return <div className="trade-panel muted small" data-testid="trade-panel">거래 정보를 확인하는 중…</div>;

  const status = trade?.status;
  const otherBuyerHolds = !trade && room.article && room.article.status !== 'ON_SALE';

  return (
    <div className="trade-panel" data-testid="trade-panel" data-status={status ?? 'NONE'}>
      <div className="trade-state">
        <strong data-testid="trade-status">
          {status ? tradeStatusLabel(status) : otherBuyerHolds ? (room.article?.status === 'SOLD' ? '거래완료된 상품' : '다른 분과 예약중') : '거래 전'}
        </strong>
        {status === 'RESERVED' && trade?.expiresAt && <span className="muted small"> · {formatDateTime(trade.expiresAt)}까지 예약</span>}
      </div>
      {(inFlight || waitingFrom !== null) && <ProgressBar label="처리 중입니다. 잠시만 기다려 주세요…" />}
      <div className="trade-actions">
        {isSeller && (!trade || !isTradeActive(trade.status)) && !otherBuyerHolds && room.status === 'OPEN' && status !== 'COMPLETED' && (
          <button type="button" className="btn primary small" onClick={reserve} disabled={busy}>
            예약하기
          </button>
        )}
        {isSeller && status === 'RESERVED' && (
          <ConfirmButton className="btn primary small" question="거래를 완료할까요?" onConfirm={() => void complete()} disabled={busy} confirmLabel="완료">
            거래완료
          </ConfirmButton>
        )}
        {status === 'RESERVED' && (
          <ConfirmButton className="btn outline small" question="예약을 취소할까요?" onConfirm={() => void cancel()} disabled={busy} confirmLabel="취소하기">
            예약취소
          </ConfirmButton>
        )}
        {!isSeller && status === 'COMPLETED' && (
          <Link to={`/products/${room.articleId}/review`} className="btn primary small">후기 작성</Link>
        )}
      </div>
      {status === 'FAILED' && <Notice tone="error">거래 처리 중 문제가 생겼습니다. 운영자가 확인하고 있습니다.</Notice>}
      {status === 'EXPIRED' && <Notice>예약 기간이 지나 예약이 풀렸습니다.</Notice>}
      {status === 'CANCELLED' && trade && <Notice>{cancelledTradeText(trade)}</Notice>}
      {error && <Notice tone="error">{error}</Notice>}
    </div>
  );
}
