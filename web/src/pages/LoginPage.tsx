import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { userApi } from '../api';
import { useAuth } from '../auth/AuthContext';
import { safeNext } from '../auth/guards';
import { ErrorBox, Notice } from '../components/Feedback';
import { useDocumentTitle } from '../lib/hooks';

export function LoginPage() {
  useDocumentTitle('로그인');
  const { setUser } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const flash = (location.state as { flash?: string } | null)?.flash;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = await userApi.login(email.trim(), password);
      setUser(user);
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth-page">
      <Link to="/" className="logo big"><img src="/favicon.svg" alt="" width="32" height="32" /> 초록장터</Link>
      <form className="form card-panel" onSubmit={onSubmit} noValidate>
        <h1>로그인</h1>
        {flash && <Notice>{flash}</Notice>}
        <label className="field">
          <span>이메일</span>
          <input type="email" name="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label className="field">
          <span>비밀번호</span>
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <ErrorBox
          error={error}
          overrides={{
            401: '이메일 또는 비밀번호가 일치하지 않습니다.',
            422: '이메일과 비밀번호를 확인해 주세요.',
            429: '로그인 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요.',
          }}
        />
        <button type="submit" className="btn primary wide" disabled={busy || !email || !password}>
          {busy ? '로그인 중…' : '로그인'}
        </button>
        <p className="form-links">
          <span className="muted" title="준비 중입니다">비밀번호 찾기</span>
          <Link to="/join">회원가입</Link>
        </p>
      </form>
    </div>
  );
}
