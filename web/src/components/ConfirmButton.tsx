import { useState, type ReactNode } from 'react';

interface ConfirmButtonProps {
  children: ReactNode;
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
  className?: string;
  confirmLabel?: string;
}

/** A button that asks once inline (no window.confirm: it works the same on phones and in tests). */
export function ConfirmButton({ children, question, onConfirm, disabled, className = 'btn', confirmLabel = '예' }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className={className} disabled={disabled} onClick={() => setAsking(true)}>
        {children}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm-question">{question}</span>
      <button type="button" className="btn small danger" onClick={() => { setAsking(false); onConfirm(); }}>
        {confirmLabel}
      </button>
      <button type="button" className="btn small ghost" onClick={() => setAsking(false)}>
        아니오
      </button>
    </span>
  );
}
