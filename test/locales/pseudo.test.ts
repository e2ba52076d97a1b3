/**
 * The pseudo-locale `en-XA` (src/locales/pseudo.ts): every English message,
 * letters accented, about 40 % longer, in brackets; placeholders, plurals and
 * selects untouched, so each message formats with English's arguments. The
 * front ends accept it only when asked for by name.
 */
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import en from '../../src/locales/en.json' with { type: 'json' };
import { currentLocale, formatNumber, isLocale, LOCALES, setCurrentLocale, t } from '../../src/client/i18n.js';
import { localeFromQuery, readLocale } from '../../src/client/locale-choice.js';
import { argumentNames, formatMessage } from '../../src/locales/messages.js';
import { accent, pseudoMessage, pseudoTable } from '../../src/locales/pseudo.js';

const messages = Object.entries(en).filter((e): e is [string, string] => typeof e[1] === 'string');

/** The message's shape without its literal text: argument names and types, plural and select keys, `#`. */
function shape(elements: MessageFormatElement[]): unknown[] {
  return elements
    .filter((el) => el.type !== TYPE.literal)
    .map((el) => {
      if (el.type === TYPE.pound) return '#';
      if (el.type === TYPE.tag) return { tag: el.value, children: shape(el.children) };
      if (el.type === TYPE.plural || el.type === TYPE.select) {
        return { arg: el.value, type: el.type, options: Object.fromEntries(Object.entries(el.options).map(([k, o]) => [k, shape(o.value)])) };
      }
      return { arg: el.value, type: el.type };
    });
}

function varsFor(text: string): Record<string, string | number> {
  const vars: Record<string, string | number> = {};
  const walk = (els: MessageFormatElement[]) => {
    for (const el of els) {
      if (el.type === TYPE.plural) vars[el.value] = 3;
      else if (el.type === TYPE.argument || el.type === TYPE.select) vars[el.value] ??= 'x';
      if (el.type === TYPE.plural || el.type === TYPE.select) for (const o of Object.values(el.options)) walk(o.value);
    }
  };
  walk(parse(text));
  return vars;
}

describe('the pseudo-locale en-XA', () => {
  it('accents letters only', () => {
    expect(accent('Device status: 3 kg')).toBe('Ďéṽíçé šţáţúš: 3 ķĝ');
    expect(accent('Device')).not.toMatch(/[A-Za-z]/);
  });

  it('keeps placeholders, which still format', () => {
    const text = pseudoMessage('Due on {date} for {name}');
    expect(text).toMatch(/^\[Ďúé óñ \{date\} ƒóŕ \{name\} ·+\]$/);
    expect(formatMessage('en-XA', 'k1', text, { date: '2026-12-01', name: 'Tara' })).toMatch(/^\[Ďúé óñ 2026-12-01 ƒóŕ Tara ·+\]$/);
  });

  it('keeps plurals and #, choosing the form by English rules', () => {
    const text = pseudoMessage('{days, plural, one {# day overdue} other {# days overdue}}');
    expect(formatMessage('en-XA', 'k2', text, { days: 1 })).toMatch(/^\[1 ďáý óṽéŕďúé ·+\]$/);
    expect(formatMessage('en-XA', 'k2', text, { days: 1200 })).toMatch(/^\[1,200 ďáýš óṽéŕďúé ·+\]$/);
  });

  it('quotes ICU syntax in the text and keeps apostrophes as they read', () => {
    const en1 = "The device's tag '{'x'}' is set";
    const out = formatMessage('en-XA', 'k3', pseudoMessage(en1));
    expect(out).toMatch(/^\[Ţĥé ďéṽíçé'š ţáĝ \{ẋ\} íš šéţ ·+\]$/);
  });

  it('every English message: same shape, brackets, no plain letters in its text, at least 1.3× as long from 10 characters', () => {
    expect(messages.length).toBeGreaterThan(700);
    const table = pseudoTable(en);
    for (const [key, english] of messages) {
      const pseudo = table(key)!;
      expect(shape(parse(pseudo)), key).toEqual(shape(parse(english)));
      expect([...argumentNames(parse(pseudo))], key).toEqual([...argumentNames(parse(english))]);
      const vars = varsFor(english);
      const a = formatMessage('en', key, english, vars);
      const b = formatMessage('en-XA', key, pseudo, vars);
      expect(b.startsWith('[') && b.endsWith(']'), `${key}: ${b}`).toBe(true);
      // Plain letters only from the arguments given ('x').
      expect(b.replace(/x/g, ''), key).not.toMatch(/[A-Za-wyzA-Z]/);
      if (a.length >= 10) expect(b.length, `${key}: ${a} -> ${b}`).toBeGreaterThanOrEqual(Math.ceil(a.length * 1.3));
    }
    // Made again from its own output, the shape still holds.
    const twice = pseudoMessage(pseudoMessage('{n, plural, one {# unit} other {# units}} for {who}'));
    expect(shape(parse(twice))).toEqual(shape(parse('{n, plural, one {# unit} other {# units}} for {who}')));
  });

  it('is accepted by name, never offered in the list; formats numbers as English', () => {
    expect(LOCALES).not.toContain('en-XA');
    expect(isLocale('en-XA')).toBe(true);
    expect(isLocale('xx')).toBe(false);
    expect(localeFromQuery('?lang=en-XA')).toBe('en-XA');
    expect(localeFromQuery('?lang=de')).toBeNull();
    expect(localeFromQuery('')).toBeNull();
    expect(readLocale({ getItem: () => JSON.stringify({ locale: 'en-XA' }) })).toBe('en-XA');
    const before = currentLocale();
    try {
      setCurrentLocale('en-XA');
      expect(t('office.signOut')).toMatch(/^\[[^A-Za-z]+\]$/);
      expect(formatNumber(12345.5)).toBe('12,345.5');
    } finally {
      setCurrentLocale(before);
    }
  });
});
