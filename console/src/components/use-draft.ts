// The state of a form being edited: a draft, partial updates, and a submit that stays on the page.
import { useState, type FormEvent } from 'react';

export function useDraft<T>(initial: T, onSubmit: (draft: T) => void) {
  const [draft, setDraft] = useState<T>(initial);
  const set = (patch: Partial<T>) => setDraft((x) => ({ ...x, ...patch }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(draft);
  };
  return { d: draft, set, submit };
}
