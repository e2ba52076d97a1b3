/**
 * Translations (`#/translations`, admin and translator): the texts of the
 * station, the office and the documents in French or Inuktitut, key by key
 * with the English, the note saying where it appears, the current text and
 * whether it is reviewed; a text is edited and saved here (PUT
 * /translations/{lang}/{key}). Beside the list, a preview: the station's
 * device card in the language, and a sample handover form to download.
 */
import { h } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { t, type MessageKey } from '../client/i18n.js';
import { queryOf } from '../client/office-pages.js';
import { saveApiFile } from './download.js';
import { call, route } from './state.js';
import { CheckboxField, Message, reasonOf, SelectField, TextField } from './ui.js';

type Lang = 'fr' | 'iu';
const LANGS: readonly Lang[] = ['iu', 'fr'];
type Status = '' | 'missing' | 'unreviewed';

interface Item {
  key: string;
  source: string;
  text: string | null;
  reviewed: boolean;
  note: string;
  shown: string | null;
  englishChanged: boolean;
}
interface List {
  lang: Lang;
  items: Item[];
  handoverMissing: string[];
}

const PAGE = 40;

/** The texts of the station's device card, in the order the card shows them. */
const CARD_KEYS: readonly MessageKey[] = [
  'station.device.assetTag',
  'station.device.category',
  'station.device.makeModel',
  'station.device.serial',
  'station.card.drives',
  'station.card.noDrives',
  'station.card.wipe',
  'station.card.actions',
  'station.card.noActions',
  'station.card.events',
  'station.card.noEvents',
];

function setQuery(lang: Lang, status: Status): void {
  const params = new URLSearchParams();
  params.set('lang', lang);
  if (status) params.set('status', status);
  location.hash = `#/translations?${params.toString()}`;
}

function Row(p: { item: Item; lang: Lang; onSaved: (item: Item) => void }) {
  const { item, lang } = p;
  const [text, setText] = useState(item.text ?? '');
  const [reviewed, setReviewed] = useState(item.reviewed);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // After a save, the server's answer is the form's state; not on the first drawing (what was typed meanwhile stays).
  const held = useRef({ text: item.text, reviewed: item.reviewed });
  useEffect(() => {
    if (held.current.text === item.text && held.current.reviewed === item.reviewed) return;
    held.current = { text: item.text, reviewed: item.reviewed };
    setText(item.text ?? '');
    setReviewed(item.reviewed);
  }, [item.text, item.reviewed]);
  const form = `tr-${item.key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const save = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    call<{ translation: Item }>('PUT', `/translations/${lang}/${encodeURIComponent(item.key)}`, { body: { text, reviewed } }).then(
      (res) => p.onSaved(res.translation),
      (err: unknown) => setError(reasonOf(err)),
    ).finally(() => setBusy(false));
  };
  return h(
    'li',
    { class: 'translation', 'data-key': item.key },
    h(
      'form',
      { onSubmit: save, 'aria-labelledby': `${form}-key` },
      h('h3', { id: `${form}-key`, class: 'key' }, h('code', null, item.key)),
      h('p', { class: 'english' }, h('span', { class: 'hint' }, `${t('office.translations.english')}: `), h('span', { lang: 'en' }, item.source)),
      item.note ? h('p', { class: 'hint note' }, `${t('office.translations.note')}: ${item.note}`) : null,
      h(
        'div',
        { class: error ? 'field invalid' : 'field', 'data-field': 'text' },
        h('label', { for: `${form}-text` }, t('office.translations.text', { language: t(`language.${lang}`) })),
        h('textarea', {
          id: `${form}-text`,
          name: 'text',
          lang,
          rows: Math.min(6, Math.max(2, Math.ceil(item.source.length / 70))),
          value: text,
          'aria-invalid': error ? 'true' : undefined,
          'aria-describedby': error ? `${form}-error` : undefined,
          onInput: (e: Event) => setText((e.currentTarget as HTMLTextAreaElement).value),
        }),
        h('span', { id: `${form}-error`, class: 'field-error', role: error ? 'alert' : undefined }, error ?? ''),
      ),
      item.englishChanged ? h('p', { class: 'message message-info' }, t('office.translations.englishChanged')) : null,
      item.text !== null && !item.reviewed ? h('p', { class: 'hint' }, t('office.translations.draft')) : null,
      h(
        'div',
        { class: 'actions' },
        h(CheckboxField, { form, name: 'reviewed', label: t('office.translations.reviewed'), checked: reviewed, onChange: setReviewed }),
        h('button', { type: 'submit', disabled: busy || text.trim() === '' }, t('office.translations.save')),
      ),
    ),
  );
}

function Preview(p: { lang: Lang; items: Item[]; handoverMissing: string[] }) {
  const [said, setSaid] = useState<{ kind: 'success' | 'refused'; text: string } | null>(null);
  const byKey = useMemo(() => new Map(p.items.map((i) => [i.key, i])), [p.items]);
  const text = (key: MessageKey) => {
    const item = byKey.get(key);
    return item?.text ? h('span', { lang: p.lang }, item.text) : h('span', { lang: 'en', class: 'fallback' }, item?.source ?? key);
  };
  const download = (path: string, name: string) => {
    setSaid(null);
    saveApiFile(path, name).then(
      (saved) => setSaid({ kind: 'success', text: saved }),
      (err: unknown) => setSaid({ kind: 'refused', text: reasonOf(err) }),
    );
  };
  return h(
    'section',
    { class: 'panel preview', 'aria-labelledby': 'translations-preview-title' },
    h('h2', { id: 'translations-preview-title' }, t('office.translations.preview.title')),
    h('h3', null, t('office.translations.preview.card')),
    h(
      'dl',
      { class: 'card-preview', 'data-testid': 'card-preview' },
      CARD_KEYS.map((key) => [h('dt', { key: `${key}-k` }, h('code', null, key)), h('dd', { key: `${key}-v`, 'data-key': key }, text(key))]),
    ),
    h(
      'p',
      { class: 'hint', 'data-testid': 'handover-state' },
      p.handoverMissing.length === 0 ? t('office.translations.preview.bilingual') : t('office.translations.preview.englishOnly', { count: p.handoverMissing.length }),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', 'data-download': 'handover', onClick: () => download(`/translations/${p.lang}/preview/handover.pdf`, `handover-sample-${p.lang}.pdf`) }, t('office.translations.preview.handover')),
      h('button', { type: 'button', class: 'secondary', 'data-download': 'xliff', onClick: () => download(`/translations/${p.lang}/xliff`, `${p.lang}.xlf`) }, t('office.translations.export')),
    ),
    h(Message, { kind: said?.kind ?? 'success', text: said?.text ?? null }),
  );
}

export function TranslationsPage() {
  const query = queryOf(route.value);
  const lang: Lang = query.get('lang') === 'fr' ? 'fr' : 'iu';
  const status: Status = query.get('status') === 'missing' ? 'missing' : query.get('status') === 'unreviewed' ? 'unreviewed' : '';
  const [list, setList] = useState<List | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [limit, setLimit] = useState(PAGE);
  useEffect(() => {
    let live = true;
    setList(null);
    setError(null);
    call<List>('GET', `/translations?lang=${lang}`).then(
      (answer) => live && setList(answer),
      (err: unknown) => live && setError(reasonOf(err)),
    );
    return () => {
      live = false;
    };
  }, [lang]);
  const matching = useMemo(() => {
    if (!list) return [];
    const needle = search.trim().toLowerCase();
    return list.items.filter(
      (i) =>
        (status === '' || (status === 'missing' ? i.text === null : i.text !== null && !i.reviewed)) &&
        (needle === '' || i.key.toLowerCase().includes(needle) || i.source.toLowerCase().includes(needle)),
    );
  }, [list, status, search]);
  const shown = matching.slice(0, limit);
  const saved = (item: Item) => {
    setSaid(t('office.translations.saved', { key: item.key }));
    // The form's state after a save comes from the server; handoverMissing is read again.
    setList((l) => (l ? { ...l, items: l.items.map((i) => (i.key === item.key ? item : i)) } : l));
    call<List>('GET', `/translations?lang=${lang}`).then(
      (answer) => setList((l) => (l ? { ...l, handoverMissing: answer.handoverMissing } : l)),
      () => {},
    );
  };
  return h(
    'section',
    { class: 'translations', 'aria-labelledby': 'translations-title' },
    h('div', { class: 'page-head' }, h('h1', { id: 'translations-title' }, t('office.page.translations'))),
    h('p', { class: 'hint' }, t('office.translations.intro')),
    h(
      'div',
      { class: 'filters', role: 'search' },
      h(SelectField, {
        form: 'translations',
        name: 'lang',
        label: t('office.translations.language'),
        value: lang,
        options: LANGS.map((l) => ({ value: l, label: t(`language.${l}`) })),
        onChange: (v) => setQuery(v === 'fr' ? 'fr' : 'iu', status),
      }),
      h(SelectField, {
        form: 'translations',
        name: 'status',
        label: t('office.translations.show'),
        value: status,
        options: [
          { value: '', label: t('office.translations.show.all') },
          { value: 'missing', label: t('office.translations.show.missing') },
          { value: 'unreviewed', label: t('office.translations.show.unreviewed') },
        ],
        onChange: (v) => setQuery(lang, v === 'missing' || v === 'unreviewed' ? v : ''),
      }),
      h(TextField, {
        form: 'translations',
        name: 'search',
        type: 'search',
        label: t('office.translations.search'),
        value: search,
        onInput: (v) => {
          setSearch(v);
          setLimit(PAGE);
        },
      }),
    ),
    h(Message, { kind: 'refused', text: error }),
    h(Message, { kind: 'success', text: said }),
    list
      ? h(
          'div',
          { class: 'columns' },
          h(
            'section',
            { class: 'panel', 'aria-labelledby': 'translations-list-title' },
            h('h2', { id: 'translations-list-title', 'data-testid': 'translations-count' }, t('office.translations.count', { shown: shown.length, total: matching.length })),
            h('ul', { class: 'translation-list', 'data-testid': 'translations' }, shown.map((item) => h(Row, { key: `${lang}-${item.key}`, item, lang, onSaved: saved }))),
            matching.length > shown.length ? h('button', { type: 'button', class: 'secondary', onClick: () => setLimit((n) => n + PAGE) }, t('office.translations.more')) : null,
          ),
          h(Preview, { lang, items: list.items, handoverMissing: list.handoverMissing }),
        )
      : error
        ? null
        : h('p', { class: 'hint' }, t('office.loading')),
  );
}
