/** The office's small building blocks: labelled fields whose refusals sit beside them, and refusals in words. */
import { h, type ComponentChildren } from 'preact';
import { Refused, Unreachable } from '../client/api.js';
import { t } from '../client/i18n.js';
import { problemSummary } from '../client/problems.js';
import { SessionEnded, signOutHere } from './state.js';

/** What to say about a failed request (no side effect: views may call it while drawing). */
export function reasonText(err: unknown): string {
  if (err instanceof SessionEnded) return t('office.sessionEnded');
  if (err instanceof Refused) return problemSummary(err.problem);
  if (err instanceof Unreachable) return t('office.unreachable');
  return String(err);
}

/** What to say about a failed request, from an event handler: a session the server ended sends the page back to sign-in. */
export function reasonOf(err: unknown): string {
  if (err instanceof SessionEnded) signOutHere(t('office.sessionEnded'));
  return reasonText(err);
}

interface FieldBase {
  /** The form's id: field ids are `<form>-<name>`. */
  form: string;
  name: string;
  label: string;
  error?: string | undefined;
  hint?: string;
}

function fieldShell(p: FieldBase, control: (a: Record<string, unknown>) => ComponentChildren) {
  const id = `${p.form}-${p.name}`;
  const described = [p.hint ? `${id}-hint` : '', p.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return h(
    'div',
    { class: p.error ? 'field invalid' : 'field', 'data-field': p.name },
    h('label', { for: id }, p.label),
    control({ id, name: p.name, 'aria-invalid': p.error ? 'true' : undefined, 'aria-describedby': described || undefined }),
    p.hint ? h('span', { id: `${id}-hint`, class: 'hint' }, p.hint) : null,
    h('span', { id: `${id}-error`, class: 'field-error' }, p.error ?? ''),
  );
}

export function TextField(p: FieldBase & { value: string; onInput: (v: string) => void; type?: string; autocomplete?: string; required?: boolean; list?: string }) {
  return fieldShell(p, (a) =>
    h('input', {
      ...a,
      type: p.type ?? 'text',
      value: p.value,
      autocomplete: p.autocomplete,
      required: p.required,
      list: p.list,
      onInput: (e: Event) => p.onInput((e.currentTarget as HTMLInputElement).value),
    }),
  );
}

export function SelectField(p: FieldBase & { value: string; onChange: (v: string) => void; options: ReadonlyArray<{ value: string; label: string }> }) {
  return fieldShell(p, (a) =>
    h(
      'select',
      { ...a, value: p.value, onChange: (e: Event) => p.onChange((e.currentTarget as HTMLSelectElement).value) },
      p.options.map((o) => h('option', { key: o.value, value: o.value }, o.label)),
    ),
  );
}

/** A checkbox with its label beside it; its refusal sits under it like any field's. */
export function CheckboxField(p: FieldBase & { checked: boolean; onChange: (v: boolean) => void }) {
  const id = `${p.form}-${p.name}`;
  return h(
    'div',
    { class: p.error ? 'field check invalid' : 'field check', 'data-field': p.name },
    h(
      'label',
      { for: id },
      h('input', {
        id,
        name: p.name,
        type: 'checkbox',
        checked: p.checked,
        'aria-invalid': p.error ? 'true' : undefined,
        'aria-describedby': p.error ? `${id}-error` : undefined,
        onChange: (e: Event) => p.onChange((e.currentTarget as HTMLInputElement).checked),
      }),
      ' ',
      p.label,
    ),
    h('span', { id: `${id}-error`, class: 'field-error' }, p.error ?? ''),
  );
}

/** A message above a form or a page: `role=alert` for refusals, `status` for confirmations. */
export function Message(p: { kind: 'refused' | 'success' | 'info'; text: string | null }) {
  if (!p.text) return null;
  return h('p', { class: `message message-${p.kind}`, role: p.kind === 'refused' ? 'alert' : 'status' }, p.text);
}
