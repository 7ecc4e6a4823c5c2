// Labelled form controls whose error is tied to them (aria-invalid, aria-describedby).
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldProps {
  label: string;
  error?: string;
  hint?: string;
}

function describedBy(ids: (string | false | undefined)[]): string | undefined {
  const list = ids.filter(Boolean).join(' ');
  return list || undefined;
}

/** `aria-describedby` given by the caller (a hint outside the field) is kept beside the field's own hint and error. */
export function TextField({ label, error, hint, 'aria-describedby': outside, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {input.required && <span aria-hidden="true"> *</span>}
      </label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy([outside, hint && `${id}-hint`, error && `${id}-error`])} {...input} />
      {hint && <p className="hint" id={`${id}-hint`}>{hint}</p>}
      {error && <p className="error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

export function SelectField({ label, error, hint, children, ...select }: FieldProps & SelectHTMLAttributes<HTMLSelectElement> & { children: ReactNode }) {
  const id = useId();
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {select.required && <span aria-hidden="true"> *</span>}
      </label>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy([hint && `${id}-hint`, error && `${id}-error`])} {...select}>
        {children}
      </select>
      {hint && <p className="hint" id={`${id}-hint`}>{hint}</p>}
      {error && <p className="error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

export function TextAreaField({ label, error, hint, ...area }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {area.required && <span aria-hidden="true"> *</span>}
      </label>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy([hint && `${id}-hint`, error && `${id}-error`])} {...area} />
      {hint && <p className="hint" id={`${id}-hint`}>{hint}</p>}
      {error && <p className="error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

/** A group of fields with a legend; an error for the whole group (e.g. "street or PO box") shows under the legend. */
export function Fieldset({ legend, error, children }: { legend: string; error?: string; children: ReactNode }) {
  const id = useId();
  return (
    <fieldset className={error ? 'field-invalid' : undefined} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {error && <p className="error" id={`${id}-error`}>{error}</p>}
      <div className="field-grid">{children}</div>
    </fieldset>
  );
}

/** Errors that belong to no single field; announced at once. */
export function ErrorSummary({ errors }: { errors: string[] }) {
  if (!errors.length) return null;
  return (
    <div className="alert alert-error" role="alert">
      {errors.length === 1 ? <p>{errors[0]}</p> : <ul>{errors.map((e, i) => <li key={i}>{e}</li>)}</ul>}
    </div>
  );
}
