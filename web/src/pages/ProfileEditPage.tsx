import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { Navigate, useNavigate, useParams } from 'react-router-dom';
import { userApi } from '../api';
import { ApiError } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { Avatar } from '../components/Avatar';
import { ErrorBox, FieldError, ProgressBar } from '../components/Feedback';
import { MAX_IMAGE_BYTES } from '../components/ImagePicker';
import { useDocumentTitle } from '../lib/hooks';
import { checkLength, type Errors } from '../lib/validation';

export function ProfileEditPage() {
  useDocumentTitle('프로필 수정');
  const { id } = useParams();
  const { user, setUser } = useAuth();
  const navigate = useNavigate();
  const [nickname, setNickname] = useState(user?.nickname ?? '');
  const [address1, setAddress1] = useState(user?.address1 ?? '');
  const [address2, setAddress2] = useState(user?.address2 ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => () => { if (preview) URL.revokeObjectURL(preview); }, [preview]);

  // Only your own profile can be edited (the server answers 403 otherwise).
  if (user && Number(id) !== user.id) return <Navigate to={`/user/${user.id}/profile/edit`} replace />;

  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (!f) return;
    if (!['image/jpeg', 'image/png', 'image/webp', 'image/gif'].includes(f.type)) {
      setErrors((x) => ({ ...x, profileImage: 'JPG, PNG, WEBP, GIF 사진만 올릴 수 있습니다.' }));
      return;
    }
    if (f.size > MAX_IMAGE_BYTES) {
      setErrors((x) => ({ ...x, profileImage: '10MB보다 큰 사진은 올릴 수 없습니다.' }));
      return;
    }
    setErrors((x) => ({ ...x, profileImage: '' }));
    setFile(f);
    setPreview(URL.createObjectURL(f));
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Errors = {};
    const n = checkLength(nickname, 2, 30, '닉네임');
    if (n) found.nickname = n;
    const a1 = checkLength(address1, 1, 30, '주소(시/도)');
    if (a1) found.address1 = a1;
    const a2 = checkLength(address2, 1, 30, '주소(구/군)');
    if (a2) found.address2 = a2;
    setErrors(found);
    if (Object.keys(found).length || !user) return;
    // Only what changed is sent (PATCH); the avatar is optional, unlike the prototype.
    const form = new FormData();
    if (nickname.trim() !== user.nickname) form.append('nickname', nickname.trim());
    if (address1.trim() !== user.address1) form.append('address1', address1.trim());
    if (address2.trim() !== user.address2) form.append('address2', address2.trim());
    if (file) form.append('profileImage', file, file.name);
    setError(null);
    setProgress(0);
    try {
      const updated = await userApi.update(user.id, form, setProgress);
      setUser({ ...user, ...updated });
      navigate(`/user/${user.id}/profile`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && err.errors.length) setErrors(err.fieldErrors());
      setError(err);
      setProgress(null);
    }
  };

  return (
    <div className="page narrow">
      <h1 className="page-title">프로필 수정</h1>
      <form className="form" onSubmit={onSubmit} noValidate>
        <div className="avatar-edit">
          <Avatar url={preview ?? user?.profileImageUrl} name={nickname} size={96} />
          <button type="button" className="btn outline small" onClick={() => input.current?.click()}>사진 변경</button>
          <input ref={input} type="file" accept="image/jpeg,image/png,image/webp,image/gif" hidden onChange={onFile} aria-label="프로필 사진 선택" />
        </div>
        <FieldError message={errors.profileImage} />
        <label className="field">
          <span>닉네임</span>
          <input name="nickname" maxLength={30} value={nickname} onChange={(e) => setNickname(e.target.value)} aria-invalid={!!errors.nickname} />
          <FieldError message={errors.nickname} />
        </label>
        <label className="field">
          <span>주소(시/도/광역시/특별시)</span>
          <input name="address1" maxLength={30} value={address1} onChange={(e) => setAddress1(e.target.value)} aria-invalid={!!errors.address1} />
          <FieldError message={errors.address1} />
        </label>
        <label className="field">
          <span>주소(구/군)</span>
          <input name="address2" maxLength={30} value={address2} onChange={(e) => setAddress2(e.target.value)} aria-invalid={!!errors.address2} />
          <FieldError message={errors.address2} />
        </label>
        <ErrorBox error={error} overrides={{ 403: '내 프로필만 수정할 수 있습니다.' }} />
        {progress !== null && <ProgressBar value={progress} label="저장하는 중…" />}
        <button type="submit" className="btn primary wide" disabled={progress !== null}>저장</button>
      </form>
    </div>
  );
}
