import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { productApi, type Article } from '../api';
import { ApiError } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { ErrorBox, FieldError, Loading, Notice, ProgressBar } from '../components/Feedback';
import { ImagePicker, existingImage, type PickedImage } from '../components/ImagePicker';
import { useCategories, useDocumentTitle } from '../lib/hooks';
import { validateArticle, type Errors } from '../lib/validation';

interface Values {
  title: string;
  content: string;
  price: string;
  categoryId: string;
  address1: string;
  address2: string;
}

/** Multipart body of POST/PUT /api/products: fields, `keepImages` (edit) in order, then new `files`. */
export function buildArticleForm(values: Values, images: PickedImage[], edit: boolean): FormData {
  const form = new FormData();
  form.append('title', values.title.trim());
  form.append('content', values.content);
  form.append('price', String(Number(values.price)));
  form.append('categoryId', values.categoryId);
  form.append('address1', values.address1.trim());
  form.append('address2', values.address2.trim());
  if (edit) for (const img of images) if (img.kind === 'existing') form.append('keepImages', img.url);
  for (const img of images) if (img.kind === 'new') form.append('files', img.file, img.file.name);
  return form;
}

export function NewArticlePage() {
  return <ArticleForm />;
}

export function EditArticlePage() {
  const { id } = useParams();
  const [article, setArticle] = useState<Article | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    productApi.get(Number(id)).then(setArticle, setError);
  }, [id]);
  if (error) return <div className="page narrow"><ErrorBox error={error} overrides={{ 404: '요청한 상품을 찾을 수 없습니다.' }} /></div>;
  if (!article) return <Loading />;
  return <ArticleForm article={article} />;
}

function ArticleForm({ article }: { article?: Article }) {
  const edit = !!article;
  useDocumentTitle(edit ? '상품 수정' : '상품 등록');
  const { user } = useAuth();
  const navigate = useNavigate();
  const categories = useCategories();
  const [values, setValues] = useState<Values>(() => ({
    title: article?.title ?? '',
    content: article?.content ?? '',
    price: article ? String(article.price) : '',
    categoryId: article ? String(article.categoryId ?? article.category?.id ?? '') : '',
    address1: article?.address1 ?? user?.address1 ?? '',
    address2: article?.address2 ?? user?.address2 ?? '',
  }));
  const [images, setImages] = useState<PickedImage[]>(() => (article?.images ?? []).map((i) => existingImage(i.url, i.thumbUrl)));
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [progress, setProgress] = useState<number | null>(null);

  const set = (key: keyof Values) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [key]: e.target.value }));
    setErrors((er) => ({ ...er, [key]: '' }));
  };

  if (edit && user && article.seller?.id !== user.id) {
    return <div className="page narrow"><Notice tone="error">게시글 작성자만 글을 수정할 수 있습니다.</Notice></div>;
  }

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const found = validateArticle({ ...values, imageCount: images.length });
    setErrors(found);
    if (Object.keys(found).length) return;
    setError(null);
    setProgress(0);
    try {
      const form = buildArticleForm(values, images, edit);
      const saved = edit
        ? await productApi.update(article.id, form, setProgress)
        : await productApi.create(form, setProgress);
      navigate(`/products/${saved?.id ?? article?.id}`, { replace: edit });
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && err.errors.length) setErrors(err.fieldErrors());
      setError(err);
      setProgress(null);
    }
  };

  const busy = progress !== null;
  return (
    <div className="page narrow">
      <h1 className="page-title">{edit ? '상품 수정' : '상품 등록'}</h1>
      {edit && article.status === 'SOLD' && <Notice tone="error">거래가 완료된 상품은 수정할 수 없습니다.</Notice>}
      {edit && article.status === 'RESERVED' && <Notice>예약중인 상품입니다. 거래 상태는 채팅방에서 바꿀 수 있습니다.</Notice>}
      <form className="form" onSubmit={onSubmit} noValidate>
        <div className="field">
          <span>사진 (최대 12장, 첫 사진이 대표사진)</span>
          <ImagePicker images={images} onChange={(next) => { setImages(next); setErrors((er) => ({ ...er, files: '' })); }} error={errors.files || errors.keepImages} />
        </div>
        <label className="field">
          <span>카테고리</span>
          <select name="categoryId" value={values.categoryId} onChange={set('categoryId')} aria-invalid={!!errors.categoryId}>
            <option value="">카테고리 선택</option>
            {categories.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
          <FieldError message={errors.categoryId} />
        </label>
        <label className="field">
          <span>제목</span>
          <input name="title" maxLength={100} value={values.title} onChange={set('title')} aria-invalid={!!errors.title} />
          <FieldError message={errors.title} />
        </label>
        <label className="field">
          <span>가격 (원)</span>
          <input name="price" type="number" inputMode="numeric" min={0} max={999999999} step={1} value={values.price} onChange={set('price')}
            placeholder="0원이면 무료나눔" aria-invalid={!!errors.price} />
          {values.price === '0' && <p className="field-help"><span className="tag free">무료나눔</span> 으로 표시됩니다.</p>}
          <FieldError message={errors.price} />
        </label>
        <label className="field">
          <span>설명</span>
          <textarea name="content" rows={8} maxLength={5000} value={values.content} onChange={set('content')}
            placeholder="물건 상태, 거래 장소 등을 적어 주세요." aria-invalid={!!errors.content} />
          <FieldError message={errors.content} />
        </label>
        <div className="field-row">
          <label className="field">
            <span>주소(시/도)</span>
            <input name="address1" maxLength={30} value={values.address1} onChange={set('address1')} aria-invalid={!!errors.address1} />
            <FieldError message={errors.address1} />
          </label>
          <label className="field">
            <span>주소(구/군)</span>
            <input name="address2" maxLength={30} value={values.address2} onChange={set('address2')} aria-invalid={!!errors.address2} />
            <FieldError message={errors.address2} />
          </label>
        </div>
        <ErrorBox
          error={error}
          overrides={{
            403: '게시글 작성자만 글을 수정할 수 있습니다.',
            409: '거래가 진행 중이거나 완료된 상품이라 지금은 수정할 수 없습니다.',
          }}
        />
        {busy && <ProgressBar value={progress} label={progress !== null && progress < 1 ? `사진 올리는 중… ${Math.round(progress * 100)}%` : '저장하는 중…'} />}
        <button type="submit" className="btn primary wide" disabled={busy}>
          {busy ? '저장하는 중…' : edit ? '수정 완료' : '등록하기'}
        </button>
      </form>
    </div>
  );
}
