// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import type { Article } from '../api/types';
import { toApiError } from '../api/client';
import { ArticleCard } from './ArticleCard';
import { ConfirmButton } from './ConfirmButton';
import { ErrorBox } from './Feedback';
import { canPlace, existingImage, moveImage, type PickedImage } from './ImagePicker';

function article(over: Partial<Article> = {}): Article {
  return {
    id: 7, title: '몬스테라 화분', content: '잘 자랐어요\n물은 일주일에 한 번', price: 15000, status: 'ON_SALE', categoryId: 13,
    category: { id: 13, name: '식물' }, address1: '서울특별시', address2: '마포구',
    images: [{ url: '/media/a.jpg', thumbUrl: '/media/a_t.jpg', width: 800, height: 800 }], interestCount: 3,
    // The list may carry a seller without address: the card must not depend on it.
    seller: { id: 2, nickname: '초록이', profileImageUrl: null, address1: '', address2: '' },
    createdAt: new Date().toISOString(), updatedAt: null, ...over,
  };
}

function renderCard(a: Article) {
  return render(<MemoryRouter future={{ v7_startTransition: true, v7_relativeSplatPath: true }}><ul><ArticleCard article={a} /></ul></MemoryRouter>);
}

describe('ArticleCard', () => {
  it("shows the article's own region, price, interest count and links to /products/{id}", () => {
    renderCard(article());
    expect(screen.getByText(/서울특별시 마포구/)).toBeTruthy();
    expect(screen.getByText('15,000원')).toBeTruthy();
    expect(screen.getByText('관심 3')).toBeTruthy();
    expect(screen.getByRole('link').getAttribute('href')).toBe('/products/7');
    expect(document.querySelector('img')?.getAttribute('src')).toBe('/media/a_t.jpg');
  });
  it('shows 무료나눔 for price 0 and a status tag when reserved or sold', () => {
    renderCard(article({ price: 0, status: 'RESERVED' }));
    expect(screen.getByText('무료나눔')).toBeTruthy();
    expect(screen.getByText('예약중')).toBeTruthy();
  });
  it('keeps a placeholder instead of a blank region when there is no image', () => {
    renderCard(article({ images: [], status: 'SOLD' }));
    expect(screen.getByText('거래완료')).toBeTruthy();
    expect(document.querySelector('.card-noimage')).toBeTruthy();
  });
});

describe('ErrorBox', () => {
  it('speaks Korean per status and lets a page override', () => {
    const { rerender } = render(<ErrorBox error={toApiError(401, 'application/problem+json', '{"status":401,"title":"Unauthorized"}')} />);
    expect(screen.getByRole('alert').textContent).toContain('로그인이 필요합니다.');
    rerender(<ErrorBox error={toApiError(409, 'application/problem+json', '{"status":409}')} overrides={{ 409: '이미 거래가 완료된 상품입니다.' }} />);
    expect(screen.getByRole('alert').textContent).toContain('이미 거래가 완료된 상품입니다.');
  });
  it('offers a retry', () => {
    const retry = vi.fn();
    render(<ErrorBox error={toApiError(503, null, '')} onRetry={retry} />);
    fireEvent.click(screen.getByText('다시 시도'));
    expect(retry).toHaveBeenCalled();
  });
});

describe('ConfirmButton', () => {
  it('asks inline before acting', () => {
    const done = vi.fn();
    render(<ConfirmButton question="정말 삭제할까요?" onConfirm={done} confirmLabel="삭제">삭제하기</ConfirmButton>);
    fireEvent.click(screen.getByText('삭제하기'));
    expect(done).not.toHaveBeenCalled();
    expect(screen.getByText('정말 삭제할까요?')).toBeTruthy();
    fireEvent.click(screen.getByText('삭제'));
    expect(done).toHaveBeenCalledTimes(1);
  });
});

describe('image ordering', () => {
  const file = (name: string) => new File(['x'], name, { type: 'image/png' });
  const fresh = (name: string): PickedImage => ({ kind: 'new', key: name, file: file(name), previewUrl: `blob:${name}` });

  it('reorders freely among new photos', () => {
    const imgs = [fresh('a'), fresh('b'), fresh('c')];
    expect(moveImage(imgs, 2, 0).map((i) => i.key)).toEqual(['c', 'a', 'b']);
    expect(canPlace(imgs, 0, -1)).toBe(false);
    expect(canPlace(imgs, 2, 3)).toBe(false);
  });
  it('keeps kept photos before new ones (keepImages then files)', () => {
    const kept = existingImage('/media/1.jpg');
    const imgs = [kept, existingImage('/media/2.jpg'), fresh('n')];
    expect(canPlace(imgs, 2, 1)).toBe(false);
    expect(moveImage(imgs, 2, 0)).toBe(imgs);
    expect(canPlace(imgs, 1, 0)).toBe(true);
    expect(canPlace(imgs, 0, 2)).toBe(false);
  });
});
