/** A participant's page: the record (code, community, consent), their loans, and for coordinators and admins the personal data, export and erasure. */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { formatDate, t, tOr } from '../client/i18n.js';
import { communityText, findParticipant, languageName, loansOf, type Loan, type ParticipantSummary } from '../client/participants.js';
import { can } from '../modules/auth/permissions.js';
import { ParticipantPersonal } from './participant-personal.js';
import { get, session } from './state.js';
import { Message, reasonOf } from './ui.js';

export function ParticipantView(p: { code: string }) {
  const [participant, setParticipant] = useState<ParticipantSummary | null | undefined>(undefined);
  const [loans, setLoans] = useState<{ loans: Loan[]; more: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const role = session.value?.user.role;
  useEffect(() => {
    let live = true;
    findParticipant(get, p.code).then(
      (found) => live && setParticipant(found),
      (err: unknown) => live && setError(reasonOf(err)),
    );
    // Which devices a participant held is for those who may see holders (domain.md §3), though the issuance list answers staff too.
    if (role && can(role, 'issuances:read') && can(role, 'devices:read-holders')) {
      loansOf(get, p.code).then(
        (l) => live && setLoans(l),
        (err: unknown) => live && setError(reasonOf(err)),
      );
    }
    return () => {
      live = false;
    };
  }, [p.code]);

  const head = h(
    'div',
    { class: 'page-head' },
    h('h1', { id: 'participant-title' }, t('office.participants.one', { code: p.code })),
    h('a', { href: '#/participants' }, t('office.participants.back')),
  );
  if (participant === undefined) {
    return h('section', { 'aria-labelledby': 'participant-title', 'aria-busy': error ? 'false' : 'true' }, head, h(Message, { kind: 'refused', text: error }), error ? null : h('p', { class: 'hint' }, t('office.loading')));
  }
  if (participant === null) return h('section', { 'aria-labelledby': 'participant-title' }, head, h(Message, { kind: 'refused', text: t('office.participants.notFound', { code: p.code }) }));

  return h(
    'section',
    { class: 'participant', 'aria-labelledby': 'participant-title', 'data-code': participant.code },
    head,
    h(Message, { kind: 'refused', text: error }),
    h(
      'div',
      { class: 'columns even' },
      h(
        'div',
        { class: 'stack' },
        h(Record, { participant }),
        loans ? h(Loans, loans) : null,
      ),
      role && can(role, 'participants:read-personal')
        ? h(ParticipantPersonal, { participant, onErased: () => setParticipant({ ...participant, personalDataErased: true }) })
        : null,
    ),
  );
}

function Record(p: { participant: ParticipantSummary }) {
  const x = p.participant;
  const row = (label: string, value: string, name: string) => [h('dt', { key: `${name}-t` }, label), h('dd', { key: `${name}-d`, 'data-item': name }, value)];
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'record-title' },
    h('h2', { id: 'record-title' }, t('office.participants.record')),
    h(
      'dl',
      { class: 'facts' },
      row(t('office.participants.code'), x.code, 'code'),
      row(t('office.participants.community'), communityText(x.community), 'community'),
      row(t('office.participants.program'), x.program ?? '—', 'program'),
      row(t('office.participants.cohort'), x.cohort ?? '—', 'cohort'),
      row(t('office.participants.consentLanguage'), languageName(x.consent.language), 'language'),
      row(t('office.participants.consent'), x.consent.given ? t('office.participants.consentOn', { date: formatDate(x.consent.date) }) : t('office.participants.noConsent'), 'consent'),
      row(t('office.participants.registered'), formatDate(x.createdAt), 'registered'),
      row(t('office.participants.personalData'), x.personalDataErased ? t('office.participants.erased') : t('office.participants.held'), 'personal'),
    ),
    h('p', { class: 'hint' }, t('office.participants.staffSees')),
  );
}

function Loans(p: { loans: Loan[]; more: boolean }) {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'loans-title' },
    h('h2', { id: 'loans-title' }, t('office.participants.loans')),
    p.loans.length === 0
      ? h('p', { class: 'hint', 'data-testid': 'no-loans' }, t('office.participants.noLoans'))
      : h(
          'table',
          { class: 'table loans', 'data-testid': 'loans' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, t('office.participants.loanTag')),
              h('th', { scope: 'col' }, t('office.participants.loanKind')),
              h('th', { scope: 'col' }, t('office.participants.loanIssued')),
              h('th', { scope: 'col' }, t('office.participants.loanDue')),
              h('th', { scope: 'col' }, t('office.participants.loanReturned')),
            ),
          ),
          h(
            'tbody',
            null,
            p.loans.map((l) =>
              h(
                'tr',
                { key: l.id },
                h('th', { scope: 'row' }, h('a', { href: `#/devices/${encodeURIComponent(l.assetTag)}` }, l.assetTag)),
                h('td', null, tOr(`office.participants.kind.${l.kind}`, l.kind)),
                h('td', null, formatDate(l.issuedAt)),
                h('td', null, l.dueDate ? formatDate(l.dueDate) : '—'),
                h('td', null, l.returnedAt ? formatDate(l.returnedAt) : l.kind === 'gift' ? '—' : l.daysOverdue > 0 ? t('office.participants.overdue', { days: l.daysOverdue }) : t('office.participants.out')),
              ),
            ),
          ),
        ),
    p.more ? h('p', { class: 'hint' }, t('office.participants.loansMore')) : null,
  );
}
