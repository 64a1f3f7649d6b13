import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { userApi } from '../api';
import { ApiError } from '../api/client';
import { ErrorBox, FieldError } from '../components/Feedback';
import { useDocumentTitle } from '../lib/hooks';
import { checkEmail, validateJoin, type Errors, type JoinForm } from '../lib/validation';

type EmailState = 'idle' | 'checking' | 'ok' | 'taken' | 'error';

export function JoinPage() {
  useDocumentTitle('회원가입');
  const navigate = useNavigate();
  const [form, setForm] = useState<JoinForm>({ email: '', password: '', passwordConfirm: '', nickname: '', address1: '', address2: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [emailState, setEmailState] = useState<EmailState>('idle');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const set = (key: keyof JoinForm) => (e: { target: { value: string } }) => {
    setForm((f) => ({ ...f, [key]: e.target.value }));
    setErrors((er) => ({ ...er, [key]: '' }));
  };

  // Live duplicate check, debounced; a newer keystroke cancels the older request.
  useEffect(() => {
    const email = form.email.trim();
    if (!email || checkEmail(email)) {
      setEmailState('idle');
      return;
    }
    const ctrl = new AbortController();
    setEmailState('checking');
    const timer = setTimeout(() => {
      userApi
        .emailExists(email, ctrl.signal)
        .then((exists) => setEmailState(exists ? 'taken' : 'ok'))
        .catch((err) => {
          if (!ctrl.signal.aborted) setEmailState(err instanceof ApiError && err.status === 422 ? 'idle' : 'error');
        });
    }, 350);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [form.email]);

  const emailFormat = form.email ? checkEmail(form.email) : undefined;
  const emailHint =
    errors.email ||
    emailFormat ||
    (emailState === 'taken' ? '이미 가입되어있는 이메일입니다.' : undefined);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const found = validateJoin(form);
    if (emailState === 'taken') found.email = '이미 가입되어있는 이메일입니다.';
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setError(null);
    try {
      await userApi.join({
        email: form.email.trim(),
        password: form.password,
        nickname: form.nickname.trim(),
        address1: form.address1.trim(),
        address2: form.address2.trim(),
      });
      navigate('/login', { replace: true, state: { flash: '회원가입을 축하드립니다. 로그인해 주세요.' } });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setErrors({ email: '이미 가입되어있는 이메일입니다.' });
      else if (err instanceof ApiError && err.status === 422 && err.errors.length) setErrors(err.fieldErrors());
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth-page">
      <Link to="/" className="logo big"><img src="/favicon.svg" alt="" width="32" height="32" /> 초록장터</Link>
      <form className="form card-panel" onSubmit={onSubmit} noValidate>
        <h1>회원가입</h1>
        <label className="field">
          <span>이메일</span>
          <input type="email" name="email" autoComplete="email" maxLength={50} value={form.email} onChange={set('email')}
            aria-invalid={!!emailHint} aria-describedby="email-help" />
          {emailHint ? (
            <FieldError id="email-help" message={emailHint} />
          ) : (
            <p className="field-help" id="email-help" aria-live="polite">
              {emailState === 'checking' && '확인 중…'}
              {emailState === 'ok' && <span className="ok">사용 가능한 이메일입니다.</span>}
              {emailState === 'error' && '지금은 중복 확인을 할 수 없습니다. 가입할 때 다시 확인합니다.'}
            </p>
          )}
        </label>
        <label className="field">
          <span>비밀번호</span>
          <input type="password" name="password" autoComplete="new-password" maxLength={72} value={form.password} onChange={set('password')}
            aria-invalid={!!errors.password} placeholder="8자 이상" />
          <FieldError message={errors.password} />
        </label>
        <label className="field">
          <span>비밀번호 확인</span>
          <input type="password" name="passwordConfirm" autoComplete="new-password" maxLength={72} value={form.passwordConfirm}
            onChange={set('passwordConfirm')} aria-invalid={!!errors.passwordConfirm} />
          <FieldError message={errors.passwordConfirm} />
        </label>
        <label className="field">
          <span>주소(시/도/광역시/특별시)</span>
          <input name="address1" maxLength={30} value={form.address1} onChange={set('address1')} placeholder="예) 서울특별시" aria-invalid={!!errors.address1} />
          <FieldError message={errors.address1} />
        </label>
        <label className="field">
          <span>주소(구/군)</span>
          <input name="address2" maxLength={30} value={form.address2} onChange={set('address2')} placeholder="예) 마포구" aria-invalid={!!errors.address2} />
          <FieldError message={errors.address2} />
        </label>
        <label className="field">
          <span>닉네임</span>
          <input name="nickname" maxLength={30} value={form.nickname} onChange={set('nickname')} aria-invalid={!!errors.nickname} />
          <FieldError message={errors.nickname} />
        </label>
        <ErrorBox error={error} />
        <button type="submit" className="btn primary wide" disabled={busy}>
          {busy ? '가입하는 중…' : '회원가입'}
        </button>
        <p className="form-links">
          이미 회원이신가요? <Link to="/login">로그인</Link>
        </p>
      </form>
    </div>
  );
}
