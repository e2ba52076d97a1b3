/**
 * Choosing the participant a device goes to: searched by code (whole or its
 * beginning) or community, chosen from the results, never typed from memory.
 * Read through the list (`GET /participants`), so choosing is not a logged read
 * of personal data.
 */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../client/i18n.js';
import { searchParticipants } from '../client/loans.js';
import { communityText, findParticipant, type ParticipantSummary } from '../client/participants.js';
import { get } from './state.js';
import { reasonOf } from './ui.js';

export function ParticipantPicker(p: { form: string; preset: string; chosen: ParticipantSummary | null; onChoose: (x: ParticipantSummary | null) => void; error: string | undefined }) {
  const [words, setWords] = useState('');
  const [found, setFound] = useState<{ items: ParticipantSummary[]; more: boolean } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (!p.preset) return;
    findParticipant(get, p.preset).then(
      (x) => (x ? p.onChoose(x) : setProblem(t('office.participants.notFound', { code: p.preset }))),
      (err: unknown) => setProblem(reasonOf(err)),
    );
  }, []);
  const search = async () => {
    setProblem(null);
    try {
      setFound(await searchParticipants(get, words));
    } catch (err) {
      setProblem(reasonOf(err));
    }
  };
  const id = `${p.form}-participant`;
  const error = p.error ?? problem ?? null;
  const choose = (x: ParticipantSummary) => {
    p.onChoose(x);
    setFound(null);
    // The list the focus was in is gone: the focus goes on to the next thing to decide.
    setTimeout(() => document.getElementById(`${p.form}-change`)?.focus(), 0);
  };
  return h(
    'fieldset',
    { class: error ? 'picker invalid' : 'picker', 'data-field': 'participantCode', 'aria-describedby': `${id}-error` },
    h('legend', null, t('office.loans.participant.legend')),
    p.chosen
      ? h(
          'p',
          { class: 'chosen', 'data-testid': 'chosen', 'data-code': p.chosen.code },
          t('office.loans.participant.chosen', { code: p.chosen.code, community: communityText(p.chosen.community) }),
          ' ',
          h(
            'button',
            {
              type: 'button',
              id: `${p.form}-change`,
              class: 'link',
              onClick: () => {
                p.onChoose(null);
                setTimeout(() => document.getElementById(id)?.focus(), 0);
              },
            },
            t('office.loans.participant.change'),
          ),
        )
      : [
          h(
            'div',
            { key: 'search', class: 'field' },
            h('label', { for: id }, t('office.loans.participant.search')),
            h(
              'div',
              { class: 'inline nowrap' },
              h('input', {
                id,
                value: words,
                autocomplete: 'off',
                'aria-invalid': error ? 'true' : undefined,
                'aria-describedby': `${id}-hint ${id}-error`,
                onInput: (e: Event) => setWords((e.currentTarget as HTMLInputElement).value),
                onKeyDown: (e: KeyboardEvent) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    void search();
                  }
                },
              }),
              h('button', { type: 'button', class: 'secondary', 'data-action': 'find-participant', onClick: () => void search() }, t('office.loans.participant.find')),
            ),
            h('span', { id: `${id}-hint`, class: 'hint' }, t('office.loans.participant.searchHint')),
          ),
          found ? h(Results, { key: 'results', found, onChoose: choose }) : null,
        ],
    h('span', { id: `${id}-error`, class: 'field-error', role: error ? 'alert' : undefined }, error ?? ''),
  );
}

function Results(p: { found: { items: ParticipantSummary[]; more: boolean }; onChoose: (x: ParticipantSummary) => void }) {
  if (p.found.items.length === 0) return h('p', { class: 'hint', 'data-testid': 'no-match' }, t('office.loans.participant.none'));
  return h(
    'div',
    { class: 'picker-results' },
    h(
      'table',
      { class: 'table', 'data-testid': 'participant-results' },
      h('caption', { class: 'visually-hidden' }, t('office.loans.participant.results')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('office.loans.col.participant')), h('th', { scope: 'col' }, t('office.loans.col.community')), h('th', { scope: 'col' }, t('office.loans.participant.program')), h('td', null))),
      h(
        'tbody',
        null,
        p.found.items.map((x) =>
          h(
            'tr',
            { key: x.code, 'data-code': x.code },
            h('th', { scope: 'row' }, x.code),
            h('td', null, communityText(x.community)),
            h('td', null, [x.program, x.cohort].filter(Boolean).join(' · ')),
            h('td', null, h('button', { type: 'button', class: 'secondary', 'aria-label': t('office.loans.participant.chooseCode', { code: x.code }), onClick: () => p.onChoose(x) }, t('office.loans.participant.choose'))),
          ),
        ),
      ),
    ),
    p.found.more ? h('p', { class: 'hint' }, t('office.loans.participant.more')) : null,
  );
}
