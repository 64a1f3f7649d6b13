import { describe, expect, it } from 'vitest';
import {
  cancelledTradeText,
  articleStatusLabel, articleStatusTag, formatClock, formatDuration, formatNumber, formatPrice, isFree, isTradeActive,
  isTradeInFlight, lagStatusLabel, priceLabel, regionLabel, sagaStatusLabel, timeAgo, tradeStatusLabel,
} from './format';

describe('prices', () => {
  it('formats won with Korean grouping', () => {
    expect(formatPrice(15000)).toBe('15,000원');
    expect(formatPrice(999999999)).toBe('999,999,999원');
    expect(formatPrice(0)).toBe('0원');
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(null)).toBe('-');
  });
  it('shows 무료나눔 for price 0', () => {
    expect(isFree(0)).toBe(true);
    expect(priceLabel(0)).toBe('무료나눔');
    expect(priceLabel(500)).toBe('500원');
  });
});

describe('statuses', () => {
  it('labels article statuses and tags only the non-plain ones', () => {
    expect(articleStatusLabel('ON_SALE')).toBe('판매중');
    expect(articleStatusLabel('RESERVED')).toBe('예약중');
    expect(articleStatusLabel('SOLD')).toBe('거래완료');
    expect(articleStatusTag('ON_SALE')).toBeNull();
    expect(articleStatusTag('RESERVED')).toBe('예약중');
    expect(articleStatusTag('SOLD')).toBe('거래완료');
  });
  it('labels trade statuses and knows which are still moving', () => {
    expect(tradeStatusLabel('RESERVED')).toBe('예약중');
    expect(tradeStatusLabel('COMPLETED')).toBe('거래완료');
    expect(tradeStatusLabel('UNKNOWN')).toBe('UNKNOWN');
    expect(isTradeInFlight('RESERVING')).toBe(true);
    expect(isTradeInFlight('COMPLETING')).toBe(true);
    expect(isTradeInFlight('RESERVED')).toBe(false);
    expect(isTradeActive('RESERVED')).toBe(true);
    expect(isTradeActive('CANCELLED')).toBe(false);
  });
  it('labels saga and lag statuses', () => {
    expect(sagaStatusLabel('COMPENSATING')).toBe('되돌리는 중');
    expect(lagStatusLabel('STOP')).toBe('멈춤');
    expect(lagStatusLabel('OK')).toBe('정상');
  });
});

describe('times', () => {
  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0초');
    expect(formatDuration(45.4)).toBe('45초');
    expect(formatDuration(185)).toBe('3분 5초');
    expect(formatDuration(7800)).toBe('2시간 10분');
    expect(formatDuration(90000)).toBe('1일 1시간');
    expect(formatDuration(null)).toBe('-');
  });
  it('says how long ago', () => {
    const now = Date.parse('2024-05-10T12:00:00Z');
    expect(timeAgo('2024-05-10T11:59:30Z', now)).toBe('방금 전');
    expect(timeAgo('2024-05-10T11:55:00Z', now)).toBe('5분 전');
    expect(timeAgo('2024-05-10T09:00:00Z', now)).toBe('3시간 전');
    expect(timeAgo('2024-05-08T12:00:00Z', now)).toBe('2일 전');
    expect(timeAgo('2024-04-01T12:00:00Z', now)).toMatch(/^2024\.04\.0[12]$/);
    expect(timeAgo(null, now)).toBe('');
  });
  it('formats a chat clock in Korean', () => {
    const d = new Date(2024, 0, 1, 15, 5);
    expect(formatClock(d.toISOString())).toBe('오후 3:05');
    expect(formatClock(new Date(2024, 0, 1, 0, 7).toISOString())).toBe('오전 12:07');
  });
  it('joins regions', () => {
    expect(regionLabel('서울특별시', '마포구')).toBe('서울특별시 마포구');
    expect(regionLabel('서울특별시', null)).toBe('서울특별시');
  });
});

describe('cancelled trades', () => {
  it('says why a trade is CANCELLED', () => {
    expect(cancelledTradeText({ reservedAt: '2026-01-01T00:00:00Z', reason: 'account deleted' })).toContain('회원 탈퇴');
    expect(cancelledTradeText({ reservedAt: null, reason: 'article not on sale' })).toContain('예약하지 못했습니다');
    expect(cancelledTradeText({ reservedAt: '2026-01-01T00:00:00Z', reason: null })).toBe('예약이 취소되었습니다.');
  });
});
