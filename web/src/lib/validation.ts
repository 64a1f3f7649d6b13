// Client-side checks mirroring CONTRACT limits. The server checks again; these only save a round trip.

export const EMAIL_RE = /^([0-9a-zA-Z_.+-]+)@([0-9a-zA-Z_-]+)(\.[0-9a-zA-Z_-]+){1,3}$/;

export type Errors = Record<string, string>;

export interface JoinForm {
  email: string;
  password: string;
  passwordConfirm: string;
  nickname: string;
  address1: string;
  address2: string;
}

export function checkEmail(email: string): string | undefined {
  const e = email.trim();
  if (!e) return '이메일을 입력해 주세요.';
  if (e.length > 50 || !EMAIL_RE.test(e)) return '올바른 이메일 형식이 아닙니다.';
  return undefined;
}

export function checkLength(value: string, min: number, max: number, label: string): string | undefined {
  const n = value.trim().length;
  if (n === 0) return `${label}을(를) 입력해 주세요.`;
  if (n < min || n > max) return min === max ? `${label}은(는) ${min}자입니다.` : `${label}은(는) ${min}자 이상 ${max}자 이하로 입력해 주세요.`;
  return undefined;
}

export function validateJoin(f: JoinForm): Errors {
  const errors: Errors = {};
  const email = checkEmail(f.email);
  if (email) errors.email = email;
  if (f.password.length < 8 || f.password.length > 72) errors.password = '비밀번호는 8자 이상 72자 이하로 입력해 주세요.';
  if (f.password !== f.passwordConfirm) errors.passwordConfirm = '비밀번호가 일치하지 않습니다.';
  const nickname = checkLength(f.nickname, 2, 30, '닉네임');
  if (nickname) errors.nickname = nickname;
  const a1 = checkLength(f.address1, 1, 30, '주소(시/도)');
  if (a1) errors.address1 = a1;
  const a2 = checkLength(f.address2, 1, 30, '주소(구/군)');
  if (a2) errors.address2 = a2;
  return errors;
}

export interface ArticleFormValues {
  title: string;
  content: string;
  price: string;
  categoryId: string;
  address1: string;
  address2: string;
  imageCount: number;
}

export const MAX_PRICE = 999_999_999;

export function validateArticle(f: ArticleFormValues): Errors {
  const errors: Errors = {};
  const title = checkLength(f.title, 1, 100, '제목');
  if (title) errors.title = title;
  if (f.content.length > 5000) errors.content = '설명은 5000자 이하로 입력해 주세요.';
  const price = Number(f.price);
  if (f.price.trim() === '' || !Number.isInteger(price) || price < 0) errors.price = '가격을 0원 이상 숫자로 입력해 주세요. (무료나눔은 0원)';
  else if (price > MAX_PRICE) errors.price = '가격은 999,999,999원까지 입력할 수 있습니다.';
  if (!f.categoryId) errors.categoryId = '카테고리를 선택해 주세요.';
  const a1 = checkLength(f.address1, 1, 30, '주소(시/도)');
  if (a1) errors.address1 = a1;
  const a2 = checkLength(f.address2, 1, 30, '주소(구/군)');
  if (a2) errors.address2 = a2;
  if (f.imageCount < 1) errors.files = '사진을 1장 이상 올려 주세요.';
  if (f.imageCount > 12) errors.files = '사진은 최대 12장까지 올릴 수 있습니다.';
  return errors;
}

export function checkKeyword(keyword: string): string | undefined {
  const n = keyword.trim().length;
  if (n < 2 || n > 30) return '검색어는 2자 이상 30자 이하로 입력해 주세요.';
  return undefined;
}
