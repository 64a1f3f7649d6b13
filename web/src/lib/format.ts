// Display formatting: prices, statuses, times, lag. Korean, ko-KR grouping.
import type { ArticleStatus, LagStatus, SagaStatus, TradeStatus } from '../api/types';

const won = new Intl.NumberFormat('ko-KR');

export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '-';
  return won.format(n);
}

/** 15000 → "15,000원"; 0 → "0원" (the 무료나눔 tag is separate, see isFree). */
export function formatPrice(price: number): string {
  return `${won.format(price)}원`;
}

export function isFree(price: number): boolean {
  return price === 0;
}

/** What a card shows as price: 무료나눔 for 0. */
export function priceLabel(price: number): string {
  return isFree(price) ? '무료나눔' : formatPrice(price);
}

const ARTICLE_STATUS: Record<ArticleStatus, string> = {
  ON_SALE: '판매중',
  RESERVED: '예약중',
  SOLD: '거래완료',
};

export function articleStatusLabel(status: ArticleStatus | string | undefined): string {
  return (status && ARTICLE_STATUS[status as ArticleStatus]) || '판매중';
}

/** A tag is shown only when the article is not plainly on sale. */
export function articleStatusTag(status: ArticleStatus | string | undefined): string | null {
  return status === 'RESERVED' || status === 'SOLD' ? ARTICLE_STATUS[status] : null;
}

const TRADE_STATUS: Record<TradeStatus, string> = {
  RESERVING: '예약 처리 중',
  RESERVED: '예약중',
  COMPLETING: '거래완료 처리 중',
  COMPLETED: '거래완료',
  CANCELLED: '예약 취소됨',
  EXPIRED: '예약 기간 만료',
  FAILED: '처리 실패 (운영자 확인 중)',
};

export function tradeStatusLabel(status: TradeStatus | string): string {
  return TRADE_STATUS[status as TradeStatus] ?? status;
}

/** The trade saga is still moving: poll it. */
export function isTradeInFlight(status: TradeStatus | string): boolean {
  return status === 'RESERVING' || status === 'COMPLETING';
}

/** A trade that still holds the article. */
/** Words for a CANCELLED trade: never reserved (the reservation failed), cancelled by a deletion, or simply cancelled. */
export function cancelledTradeText(trade: { reservedAt: string | null; reason?: string | null }): string {
  if (/account/i.test(trade.reason ?? '')) return '회원 탈퇴로 예약이 취소되었습니다.';
  if (!trade.reservedAt) return '예약하지 못했습니다. 상품 상태를 확인한 뒤 다시 시도해 주세요.';
  return '예약이 취소되었습니다.';
}

export function isTradeActive(status: TradeStatus | string): boolean {
  return status === 'RESERVING' || status === 'RESERVED' || status === 'COMPLETING';
}

const SAGA_STATUS: Record<SagaStatus, string> = {
  RUNNING: '진행 중',
  COMPENSATING: '되돌리는 중',
  COMPLETED: '완료',
  COMPENSATED: '취소됨(보상 완료)',
  FAILED: '실패',
  ABORTED: '중단됨',
};

export function sagaStatusLabel(status: SagaStatus | string): string {
  return SAGA_STATUS[status as SagaStatus] ?? status;
}

export function isSagaFinished(status: SagaStatus | string): boolean {
  return status === 'COMPLETED' || status === 'COMPENSATED' || status === 'FAILED' || status === 'ABORTED';
}

const LAG_STATUS: Record<LagStatus, string> = {
  OK: '정상',
  WARN: '지연 증가',
  STALL: '정체',
  STOP: '멈춤',
  REWIND: '되감김',
  ERR: '오류',
};

export function lagStatusLabel(status: LagStatus | string): string {
  return LAG_STATUS[status as LagStatus] ?? status;
}

/** Seconds → "0초", "45초", "3분 5초", "2시간 10분", "1일 3시간". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '-';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}초`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}분 ${s % 60}초` : `${m}분`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}시간 ${m % 60}분` : `${h}시간`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}일 ${h % 24}시간` : `${d}일`;
}

/** ISO time → "방금 전", "5분 전", "3시간 전", "2일 전", or a date for older ones. */
export function timeAgo(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const diff = Math.max(0, Math.floor((now - t) / 1000));
  if (diff < 60) return '방금 전';
  if (diff < 3600) return `${Math.floor(diff / 60)}분 전`;
  if (diff < 86400) return `${Math.floor(diff / 3600)}시간 전`;
  if (diff < 86400 * 7) return `${Math.floor(diff / 86400)}일 전`;
  return formatDate(iso);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}.${String(d.getMonth() + 1).padStart(2, '0')}.${String(d.getDate()).padStart(2, '0')}`;
}

export function formatDateTime(iso: string | null | undefined, seconds = false): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${formatDate(iso)} ${pad(d.getHours())}:${pad(d.getMinutes())}${seconds ? `:${pad(d.getSeconds())}` : ''}`;
}

/** Chat bubble time, "오후 3:05". */
export function formatClock(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const h = d.getHours();
  const ampm = h < 12 ? '오전' : '오후';
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${ampm} ${h12}:${String(d.getMinutes()).padStart(2, '0')}`;
}

export function regionLabel(address1?: string | null, address2?: string | null): string {
  return [address1, address2].filter(Boolean).join(' ');
}
