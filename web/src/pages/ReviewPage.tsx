import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { productApi, type Article } from '../api';
import { ApiError } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { ErrorBox, FieldError, Loading, Notice } from '../components/Feedback';
import { useDocumentTitle } from '../lib/hooks';

export function ReviewPage() {
  useDocumentTitle('거래 후기');
  const { id } = useParams();
  const articleId = Number(id);
  const { user } = useAuth();
  const navigate = useNavigate();
  const [article, setArticle] = useState<Article | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [rating, setRating] = useState(5);
  const [content, setContent] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    productApi.get(articleId).then(setArticle, setLoadError);
  }, [articleId]);

  if (loadError) return <div className="page narrow"><ErrorBox error={loadError} overrides={{ 404: '요청한 상품을 찾을 수 없습니다.' }} /></div>;
  if (!article) return <Loading />;
  const notBuyer = article.status !== 'SOLD' || (article.buyerId != null && article.buyerId !== user?.id);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const text = content.trim();
    if (!text || text.length > 1000) {
      setErrors({ content: '후기는 1자 이상 1000자 이하로 적어 주세요.' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await productApi.postReview(articleId, rating, text);
      navigate(`/user/${article.seller.id}/profile`, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && err.errors.length) setErrors(err.fieldErrors());
      else setError(err);
      setBusy(false);
    }
  };

  return (
    <div className="page narrow">
      <h1 className="page-title">거래 후기 남기기</h1>
      <p>
        <Link to={`/products/${article.id}`}>{article.title}</Link> · 판매자 <strong>{article.seller.nickname}</strong>님
      </p>
      {notBuyer && <Notice tone="error">구매가 완료된 상품의 구매자만 후기를 남길 수 있습니다.</Notice>}
      <form className="form" onSubmit={onSubmit} noValidate>
        <fieldset className="field rating">
          <legend>별점</legend>
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} className={n <= rating ? 'on' : ''}>
              <input type="radio" name="rating" value={n} checked={rating === n} onChange={() => setRating(n)} aria-label={`${n}점`} />
              ★
            </label>
          ))}
          <span className="muted small">{rating}점</span>
          <FieldError message={errors.rating} />
        </fieldset>
        <label className="field">
          <span>후기</span>
          <textarea name="content" rows={5} maxLength={1000} value={content} onChange={(e) => { setContent(e.target.value); setErrors({}); }}
            placeholder="거래는 어떠셨나요? 따뜻한 후기를 남겨 주세요." aria-invalid={!!errors.content} />
          <FieldError message={errors.content} />
        </label>
        <ErrorBox error={error} overrides={{ 403: '구매가 완료된 상품의 구매자만 후기를 남길 수 있습니다.', 409: '이미 후기를 남긴 거래입니다.' }} />
        <button type="submit" className="btn primary wide" disabled={busy}>{busy ? '등록하는 중…' : '후기 등록'}</button>
      </form>
    </div>
  );
}
