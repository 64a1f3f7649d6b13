import { describe, expect, it } from 'vitest';
import { existingImage, type PickedImage } from '../components/ImagePicker';
import { validateArticle, validateJoin, checkKeyword } from '../lib/validation';
import { buildArticleForm } from './ArticleFormPage';

const values = { title: ' 화분 ', content: '줄1\n줄2', price: '0', categoryId: '13', address1: '서울특별시', address2: '마포구' };

describe('article multipart body', () => {
  it('sends the fields, keepImages in order and then the new files', () => {
    const a = new File(['a'], 'a.png', { type: 'image/png' });
    const images: PickedImage[] = [existingImage('/media/2.jpg'), existingImage('/media/1.jpg'), { kind: 'new', key: 'k', file: a, previewUrl: 'blob:a' }];
    const form = buildArticleForm(values, images, true);
    expect(form.get('title')).toBe('화분');
    expect(form.get('content')).toBe('줄1\n줄2');
    expect(form.get('price')).toBe('0');
    expect(form.getAll('keepImages')).toEqual(['/media/2.jpg', '/media/1.jpg']);
    expect((form.getAll('files')[0] as File).name).toBe('a.png');
  });
  it('sends no keepImages when creating', () => {
    const form = buildArticleForm(values, [], false);
    expect(form.getAll('keepImages')).toEqual([]);
  });
});

describe('client checks', () => {
  it('validates an article like the contract', () => {
    expect(validateArticle({ ...values, imageCount: 1 })).toEqual({});
    const bad = validateArticle({ ...values, title: '', price: '-1', categoryId: '', imageCount: 0 });
    expect(Object.keys(bad).sort()).toEqual(['categoryId', 'files', 'price', 'title']);
    expect(validateArticle({ ...values, price: '1000000000', imageCount: 1 }).price).toContain('999,999,999');
    expect(validateArticle({ ...values, imageCount: 13 }).files).toContain('12');
  });
  it('validates a join form', () => {
    const ok = { email: 'a@example.com', password: 'secret123', passwordConfirm: 'secret123', nickname: '초록', address1: '서울', address2: '마포구' };
    expect(validateJoin(ok)).toEqual({});
    const bad = validateJoin({ ...ok, email: 'nope', password: 'short', passwordConfirm: 'other', nickname: 'a' });
    expect(Object.keys(bad).sort()).toEqual(['email', 'nickname', 'password', 'passwordConfirm']);
  });
  it('checks search keywords (2-30)', () => {
    expect(checkKeyword('a')).toBeDefined();
    expect(checkKeyword('화분')).toBeUndefined();
    expect(checkKeyword('x'.repeat(31))).toBeDefined();
  });
});
