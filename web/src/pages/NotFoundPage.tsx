import { Link } from 'react-router-dom';
import { useDocumentTitle } from '../lib/hooks';

export function NotFoundPage({ what = '페이지를 찾을 수 없습니다.' }: { what?: string }) {
  useDocumentTitle('찾을 수 없음');
  return (
    <div className="page narrow not-found">
      <div className="bear" aria-hidden="true">🐻</div>
      <h1>{what}</h1>
      <p className="muted">주소가 바뀌었거나 삭제되었을 수 있어요.</p>
      <Link to="/" className="btn primary">홈으로</Link>
    </div>
  );
}
