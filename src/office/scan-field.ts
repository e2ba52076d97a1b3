/**
 * A scan field at a desk (a shipment's devices, a box received): a USB
 * scanner types a code and presses Enter. Codes are sent one after the other
 * in the order scanned (a fast scanner may type the next before the last
 * answer), the field clears at once and keeps the focus, and each result is
 * said in a live region (the parent's, so that its other actions say theirs
 * there too) and kept in the list under it.
 */
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { scannedCode } from '../client/recycling.js';

export type Said = { kind: 'success' | 'refused'; text: string } | null;

export interface ScanFieldProps {
  /** Ids are `<id>-title`, `<id>-code`, `<id>-hint`, `<id>-said`; the form's test id is `<id>`. */
  id: string;
  title: string;
  label: string;
  submit: string;
  hint: string;
  logLabel: string;
  said: Said;
  onSaid: (said: Said) => void;
  /** Sends one code; resolves to what to say of it. */
  send: (code: string) => Promise<{ ok: boolean; text: string }>;
}

export function ScanField(p: ScanFieldProps) {
  const [code, setCode] = useState('');
  const [log, setLog] = useState<Array<{ n: number; ok: boolean; text: string }>>([]);
  const input = useRef<HTMLInputElement>(null);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const counter = useRef(0);
  // The field takes the focus when it appears (a browser's autofocus is ignored once the page has moved the focus elsewhere).
  useEffect(() => input.current?.focus(), []);
  const submit = (e: Event) => {
    e.preventDefault();
    const scanned = scannedCode(code);
    setCode('');
    input.current?.focus();
    if (!scanned) return;
    queue.current = queue.current.then(async () => {
      const { ok, text } = await p.send(scanned);
      p.onSaid({ kind: ok ? 'success' : 'refused', text });
      setLog((l) => [{ n: ++counter.current, ok, text }, ...l].slice(0, 20));
      input.current?.focus();
    });
  };
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': `${p.id}-title` },
    h('h2', { id: `${p.id}-title` }, p.title),
    h(
      'form',
      { class: 'scan-form', 'data-testid': p.id, onSubmit: submit },
      h('label', { for: `${p.id}-code` }, p.label),
      h(
        'div',
        { class: 'scan-row' },
        h('input', {
          id: `${p.id}-code`,
          ref: input,
          name: 'code',
          value: code,
          autocomplete: 'off',
          spellcheck: false,
          'aria-describedby': `${p.id}-hint`,
          onInput: (e: Event) => setCode((e.currentTarget as HTMLInputElement).value),
        }),
        h('button', { type: 'submit', class: 'primary' }, p.submit),
      ),
      h('span', { id: `${p.id}-hint`, class: 'hint' }, p.hint),
    ),
    // Always in the page, so that screen readers announce each change of its text.
    h('p', { id: `${p.id}-said`, role: 'status', 'aria-live': 'polite', class: p.said ? `message message-${p.said.kind}` : 'message-empty', 'data-testid': `${p.id}-said` }, p.said?.text ?? ''),
    log.length > 1
      ? h(
          'ul',
          { class: 'scan-log', 'aria-label': p.logLabel },
          log.slice(1).map((l) => h('li', { key: l.n, class: l.ok ? 'ok' : 'refused' }, l.text)),
        )
      : null,
  );
}
