import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { chatApi, productApi, type Article } from '../api';
import { ApiError, errorMessage } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { Avatar } from '../components/Avatar';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorBox, Loading, Notice } from '../components/Feedback';
import { ImageSlider } from '../components/ImageSlider';
import { FreeTag, StatusTag } from '../components/StatusTag';
import { useDocumentTitle } from '../lib/hooks';
import { formatPrice, regionLabel, timeAgo } from '../lib/format';
import { NotFoundPage } from './NotFoundPage';

export function ArticleDetailPage() {
  const { id } = useParams();
  const articleId = Number(id);
  const { user } = useAuth();
  const navigate = useNavigate();
  const [article, setArticle] = useState<Article | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<string>('');
  const [busy, setBusy] = useState(false);
  useDocumentTitle(article?.title ?? '상품');

  const load = useCallback(() => {
    setError(null);
    productApi.get(articleId).then(setArticle, setError);
  }, [articleId]);

  // Reload when the login state settles: `isInterested` depends on who is asking.
  useEffect(() => {
    if (Number.isInteger(articleId) && user !== undefined) load();
  }, [articleId, user, load]);

  if (!Number.isInteger(articleId) || (error instanceof ApiError && error.status === 404)) return <NotFoundPage what="요청한 상품을 찾을 수 없습니다." />;
  if (error) return <div className="page narrow"><ErrorBox error={error} onRetry={load} /></div>;
  if (!article) return <Loading />;

  const isOwner = !!user && article.seller?.id === user.id;
  const needLogin = () => navigate(`/login?next=${encodeURIComponent(`/products/${article.id}`)}`, { state: { flash: '로그인 후 이용하시길 바랍니다.' } });

  const toggleInterest = async () => {
    if (!user) return needLogin();
    const on = !article.isInterested;
    setActionError('');
    // Optimistic: the server's count is kept by a stream processor and converges within a second.
    setArticle({ ...article, isInterested: on, interestCount: Math.max(0, article.interestCount + (on ? 1 : -1)) });
    try {
      if (on) await productApi.addInterest(article.id);
      else await productApi.removeInterest(article.id);
    } catch (err) {
      // 409 "already" / 404 "none" mean the server already is where we wanted to be.
      if (err instanceof ApiError && ((on && err.status === 409) || (!on && err.status === 404))) return;
      setArticle(article);
      setActionError(errorMessage(err, { 403: '내 상품에는 관심을 표시할 수 없습니다.' }));
    }
  };

  const openChat = async () => {
    if (!user) return needLogin();
    setBusy(true);
    setActionError('');
    try {
      const room = await chatApi.openRoom(article.id);
      navigate(`/chat/${room.id}`);
    } catch (err) {
      setActionError(
        errorMessage(err, {
          403: '내 상품에는 채팅을 할 수 없습니다.',
          404: '삭제된 상품입니다.',
          409: '이미 거래가 완료된 상품입니다.',
        }),
      );
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    setActionError('');
    try {
      await productApi.remove(article.id);
      navigate('/', { replace: true });
    } catch (err) {
      setActionError(
        errorMessage(err, {
          403: '게시글 작성자만 글을 삭제할 수 있습니다.',
          409: '거래가 진행 중인 상품은 삭제할 수 없습니다. 예약을 먼저 취소해 주세요.',
        }),
      );
      setBusy(false);
    }
  };

  return (
    <div className="page detail">
      <div className="detail-media">
        <ImageSlider images={article.images ?? []} title={article.title} />
      </div>
      <div className="detail-info">
        <Link to={`/user/${article.seller?.id}/profile`} className="seller-box" data-testid="seller-box">
          <Avatar url={article.seller?.profileImageUrl} name={article.seller?.nickname} size={48} />
          <div>
            <strong>{article.seller?.nickname}</strong>
            <p className="muted">{regionLabel(article.seller?.address1, article.seller?.address2)}</p>
          </div>
        </Link>

        <section className="description">
          <h1 className="detail-title" data-testid="article-title">
            <StatusTag status={article.status} />
            {article.title}
          </h1>
          <p className="muted">
            {article.category?.name} · {regionLabel(article.address1, article.address2)} · {timeAgo(article.createdAt)}
          </p>
          <p className="detail-price" data-testid="article-price">
            {formatPrice(article.price)} <FreeTag price={article.price} />
          </p>
          <p className="detail-content" data-testid="article-content">{article.content}</p>
          <p className="muted">관심 {article.interestCount}</p>
        </section>

        {actionError && <Notice tone="error">{actionError}</Notice>}

        <div className="detail-actions">
          {isOwner ? (
            <>
              <Link to={`/products/${article.id}/edit`} className={`btn outline${article.status === 'SOLD' ? ' disabled' : ''}`}
                aria-disabled={article.status === 'SOLD'} onClick={(e) => article.status === 'SOLD' && e.preventDefault()}>
                수정하기
              </Link>
              <ConfirmButton className="btn danger-outline" question="정말 삭제할까요?" onConfirm={remove} disabled={busy} confirmLabel="삭제">
                삭제하기
              </ConfirmButton>
              <Link to="/chat" className="btn ghost">채팅 목록</Link>
            </>
          ) : (
            <>
              <button type="button" className={`btn heart${article.isInterested ? ' on' : ''}`} aria-pressed={!!article.isInterested}
                onClick={toggleInterest} data-testid="interest-toggle">
                <span aria-hidden="true">{article.isInterested ? '♥' : '♡'}</span> 관심 <span data-testid="interest-count">{article.interestCount}</span>
              </button>
              <button type="button" className="btn primary" onClick={openChat} disabled={busy || article.status === 'SOLD'}>
                {article.status === 'SOLD' ? '거래완료' : '채팅하기'}
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
