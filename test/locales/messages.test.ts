/**
 * ICU MessageFormat over the locale files: every English message formats to
 * what the hand-written `{name}` substitution gave before the switch (ICU
 * gives `'` and `{` meaning, so a stray apostrophe would change the text),
 * plurals choose their form, and a missing argument stays visible.
 */
import { describe, expect, it } from 'vitest';
import en from '../../src/locales/en.json' with { type: 'json' };
import fr from '../../src/locales/fr.json' with { type: 'json' };
import iu from '../../src/locales/iu.json' with { type: 'json' };
import { formatMessage } from '../../src/locales/messages.js';

/** The substitution the front ends and documents used before ICU. */
const legacy = (text: string, vars: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));

/** Messages that were rewritten with ICU plurals, and what the old text gave for a count. */
const PLURALS = new Set(['station.queue.sent', 'office.loans.days', 'office.participants.overdue', 'office.loans.dueDateHint', 'report.diversion.units', 'problem.field.tooLong', 'problem.field.tooShort', 'office.translations.count', 'office.translations.preview.englishOnly', 'station.wipeImport.dryRun', 'station.wipeImport.recorded', 'office.assetList.added', 'office.transfers.devicesCaption', 'office.transfers.callBackHint', 'office.transfers.callBackConfirm', 'office.transfers.calledBack']);

const messages = (table: Record<string, unknown>) =>
  Object.entries(table).filter((e): e is [string, string] => typeof e[1] === 'string');

describe('ICU MessageFormat over the locale files', () => {
  it('every English message formats as the plain substitution did, apostrophes included', () => {
    const simple = messages(en).filter(([key]) => !PLURALS.has(key));
    expect(simple.length).toBeGreaterThan(700);
    expect(simple.filter(([, text]) => text.includes("'")).length).toBeGreaterThan(10);
    for (const [key, text] of simple) {
      const vars: Record<string, string> = {};
      for (const m of text.matchAll(/\{(\w+)\}/g)) vars[m[1]!] = `<${m[1]!}>`;
      expect(formatMessage('en', key, text, vars), key).toBe(legacy(text, vars));
      // A number stays as the caller wrote it (callers group numbers themselves with formatNumber).
      const numbers = Object.fromEntries(Object.keys(vars).map((name) => [name, 12345]));
      expect(formatMessage('en', key, text, numbers), key).toBe(legacy(text, numbers));
    }
  });

  it('French and Inuktitut messages parse and format', () => {
    for (const [lang, table] of [['fr', fr], ['iu', iu]] as const) {
      for (const [key, text] of messages(table)) expect(formatMessage(lang, key, text), key).toBe(legacy(text, {}));
    }
  });

  it('counts choose their plural form', () => {
    const days = (n: number) => formatMessage('en', 'office.loans.days', en['office.loans.days'], { days: n });
    expect([days(1), days(3), days(1500)]).toEqual(['1 day', '3 days', '1,500 days']);
    expect(formatMessage('en', 'office.participants.overdue', en['office.participants.overdue'], { days: 1 })).toBe('Overdue by 1 day');
    expect(formatMessage('en', 'office.loans.dueDateHint', en['office.loans.dueDateHint'], { days: 14 })).toBe('Proposed: 14 days from today.');
    expect(formatMessage('en', 'station.queue.sent', en['station.queue.sent'], { count: 1 })).toBe('The server answers again: 1 kept request sent.');
    const dry = (count: number) => formatMessage('en', 'station.wipeImport.dryRun', en['station.wipeImport.dryRun'], { tool: 'nwipe 0.42', count });
    expect([dry(0), dry(1), dry(3)]).toEqual([
      'nwipe 0.42: what would be recorded. No drive would be recorded.',
      'nwipe 0.42: what would be recorded. 1 drive would be recorded.',
      'nwipe 0.42: what would be recorded. 3 drives would be recorded.',
    ]);
    expect(formatMessage('en', 'station.queue.sent', en['station.queue.sent'], { count: 4 })).toBe('The server answers again: 4 kept requests sent.');
    const box = (key: string, count: number) => formatMessage('en', key, en[key as keyof typeof en] as string, { count });
    expect([box('office.transfers.devicesCaption', 1), box('office.transfers.devicesCaption', 1200)]).toEqual(['1 device', '1,200 devices']);
    expect(box('office.transfers.callBackConfirm', 1)).toBe('Call back 1 device? This cannot be undone.');
    expect(box('office.transfers.calledBack', 1)).toBe('1 device called back: the transfer is closed.');
    expect(box('office.transfers.callBackHint', 2)).toBe('2 devices are still on their way. Called back, they return to this site as they left.');
    // The report writes the number for its language and picks the form from the number itself.
    const units = (count: number, units: string) => formatMessage('en', 'report.diversion.units', en['report.diversion.units'], { count, units });
    expect([units(1, '1'), units(0, '0'), units(36712, '36,712')]).toEqual(['1 unit', '0 units', '36,712 units']);
    // Inuktitut has a dual: the rules come from the language, not from English.
    expect(formatMessage('iu', 'test.dual', '{n, plural, one {one} two {two} other {other}}', { n: 2 })).toBe('two');
    expect(formatMessage('fr', 'test.fr', '{n, plural, one {# jour} other {# jours}}', { n: 1500 })).toBe('1\u00a0500 jours');
  });

  it('a key whose text changed (a test, a reload) is compiled again, not served from the cache', () => {
    expect(formatMessage('en', 'test.cache', 'one {x}', { x: 1 })).toBe('one 1');
    expect(formatMessage('en', 'test.cache', 'two {x}', { x: 2 })).toBe('two 2');
    expect(formatMessage('fr', 'test.cache', 'un {x}', { x: 1 })).toBe('un 1');
  });

  it('an argument the caller left out stays visible instead of throwing', () => {
    expect(formatMessage('en', 'test.missing', 'Hello {name}, {count} left', { count: 2 })).toBe('Hello {name}, 2 left');
  });
});
