/**
 * The report period: a kind (calendar or fiscal year, quarter, month, or
 * custom dates) and one of its periods, newest first. Custom dates are
 * checked by the server's rules (src/client/periods.ts) before anything is
 * sent, and a refusal sits beside its field.
 */
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { currentLocale, t, type MessageKey } from '../client/i18n.js';
import { customPeriod, PERIOD_KINDS, periodsFor, previousPeriod, type Period, type PeriodKind } from '../client/periods.js';
import { labelParams } from '../client/reports.js';
import { SelectField, TextField } from './ui.js';

/** How many periods of each kind the list offers. */
const COUNT: Record<PeriodKind, number> = { calendarYear: 6, fiscalYear: 6, calendarQuarter: 8, fiscalQuarter: 8, month: 12 };
const KINDS = [...PERIOD_KINDS, 'custom'] as const;
type Kind = (typeof KINDS)[number];

export const periodLabel = (p: Period) => t(p.key as MessageKey, labelParams(p, currentLocale()));
const valueOf = (p: Period) => `${p.from}_${p.to}`;

export function PeriodPicker(p: { today: string; period: Period; onChange: (period: Period) => void }) {
  const [kind, setKind] = useState<Kind>(p.period.kind);
  const [from, setFrom] = useState(p.period.from);
  const [to, setTo] = useState(p.period.to);
  const [errors, setErrors] = useState<Partial<Record<'from' | 'to', string>>>({});
  const choices = kind === 'custom' ? [] : periodsFor(kind, p.today, COUNT[kind]);

  const chooseKind = (next: string) => {
    const k = next as Kind;
    setKind(k);
    setErrors({});
    // A funder's report covers a finished period: a new kind opens on its last complete one.
    if (k !== 'custom') p.onChange(previousPeriod(k, p.today));
  };
  const submitCustom = (e: Event) => {
    e.preventDefault();
    const result = customPeriod(from, to);
    if (!result.ok) {
      setErrors(Object.fromEntries(result.errors.map((x) => [x.field, t(`period.error.${x.code}`)])));
      return;
    }
    setErrors({});
    p.onChange(result.period);
  };

  return h(
    'form',
    { class: 'period-picker', 'data-testid': 'period-picker', 'aria-label': t('office.reports.period'), onSubmit: submitCustom, noValidate: true },
    h(SelectField, {
      form: 'period',
      name: 'kind',
      label: t('office.reports.kind'),
      value: kind,
      onChange: chooseKind,
      options: KINDS.map((k) => ({ value: k, label: t(`office.reports.kind.${k}`) })),
    }),
    kind === 'custom'
      ? [
          h(TextField, { key: 'from', form: 'period', name: 'from', type: 'date', label: t('office.reports.from'), value: from, onInput: setFrom, error: errors.from }),
          h(TextField, { key: 'to', form: 'period', name: 'to', type: 'date', label: t('office.reports.to'), value: to, onInput: setTo, error: errors.to }),
          h('div', { key: 'go', class: 'field-action' }, h('button', { type: 'submit', class: 'primary' }, t('office.reports.show'))),
        ]
      : h(SelectField, {
          form: 'period',
          name: 'period',
          label: t('office.reports.period'),
          value: valueOf(p.period),
          onChange: (v: string) => {
            const chosen = choices.find((c) => valueOf(c) === v);
            if (chosen) p.onChange(chosen);
          },
          options: choices.map((c) => ({ value: valueOf(c), label: periodLabel(c) })),
        }),
  );
}
