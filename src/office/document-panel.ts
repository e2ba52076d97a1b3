/** A panel offering one document the service renders (a donation's certificate, a shipment's manifest): a button that saves it, and what became of it. */
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { saveApiFile } from './download.js';
import { Message, reasonOf } from './ui.js';

export interface DocumentPanelProps {
  /** The heading's id, and the `data-download` of the button. */
  id: string;
  title: string;
  hint: string;
  button: string;
  /** Under /api/v1. */
  path: string;
  fallbackName: string;
  saved: (name: string) => string;
}

export function DocumentPanel(p: DocumentPanelProps) {
  const [said, setSaid] = useState<{ kind: 'success' | 'refused'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const save = () => {
    setBusy(true);
    setSaid(null);
    saveApiFile(p.path, p.fallbackName)
      .then(
        (name) => setSaid({ kind: 'success', text: p.saved(name) }),
        (err: unknown) => setSaid({ kind: 'refused', text: reasonOf(err) }),
      )
      .finally(() => setBusy(false));
  };
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': `${p.id}-title` },
    h('h2', { id: `${p.id}-title` }, p.title),
    h('p', { class: 'hint' }, p.hint),
    h('button', { type: 'button', class: 'secondary', 'data-download': p.id, disabled: busy, onClick: save }, p.button),
    said ? h(Message, { kind: said.kind, text: said.text }) : null,
  );
}
