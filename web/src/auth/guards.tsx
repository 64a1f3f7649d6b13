import type { ReactNode } from 'react';
import { Navigate, useLocation, useSearchParams } from 'react-router-dom';
import { useAuth } from './AuthContext';
import { Loading } from '../components/Feedback';

/** Login required (the prototype's Auth(Component, null)). The server still checks every call. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  if (user === undefined) return <Loading />;
  if (!user) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace state={{ flash: '로그인 후 이용하시길 바랍니다.' }} />;
  }
  return <>{children}</>;
}

/** Only same-site paths are followed after login. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** Guests only (login, join): a logged-in user goes on to `?next=` or home. */
export function GuestOnly({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const [params] = useSearchParams();
  if (user === undefined) return <Loading />;
  if (user) return <Navigate to={safeNext(params.get('next'))} replace />;
  return <>{children}</>;
}

/** Operator pages: hidden from others. The API answers 403 to non-operators anyway. */
export function RequireOperator({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  if (user === undefined) return <Loading />;
  if (!user) return <Navigate to="/login?next=%2Fops" replace state={{ flash: '운영자 계정으로 로그인해 주세요.' }} />;
  if (user.role !== 'operator') {
    return (
      <div className="page narrow">
        <p className="notice error">운영자만 볼 수 있는 화면입니다.</p>
      </div>
    );
  }
  return <>{children}</>;
}
