import type { ReactNode } from 'react';
import { errorMessage } from '../api';
import { ApiError } from '../api/client';

export function Loading({ label = '불러오는 중…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

interface ErrorBoxProps {
  error: unknown;
  overrides?: Partial<Record<number, string>>;
  onRetry?: () => void;
}

/** An API error in plain Korean, with the server's Korean detail when it gave one. */
export function ErrorBox({ error, overrides, onRetry }: ErrorBoxProps) {
  if (!error) return null;
  const message = errorMessage(error, overrides);
  const status = error instanceof ApiError ? error.status : 0;
  return (
    <div className="notice error" role="alert" data-status={status}>
      <span>{message}</span>
      {onRetry && (
        <button type="button" className="btn small ghost" onClick={onRetry}>
          다시 시도
        </button>
      )}
    </div>
  );
}

export function Notice({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'success' | 'error' }) {
  return (
    <div className={`notice ${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function FieldError({ id, message }: { id?: string; message?: string }) {
  if (!message) return null;
  return (
    <p className="field-error" id={id} role="alert">
      {message}
    </p>
  );
}

/** A determinate bar when `value` (0..1) is known, an indeterminate one otherwise. */
export function ProgressBar({ value, label }: { value?: number | null; label?: string }) {
  const known = typeof value === 'number';
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100}
      aria-valuenow={known ? Math.round((value as number) * 100) : undefined}>
      <div className={`progress-bar${known ? '' : ' indeterminate'}`} style={known ? { width: `${Math.round((value as number) * 100)}%` } : undefined} />
      {label && <span className="progress-label">{label}</span>}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
