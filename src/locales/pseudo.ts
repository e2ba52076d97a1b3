/**
 * The pseudo-locale `en-XA`: every English message with its letters accented,
 * about 40 % longer and in brackets, `[Ðéví¢é šţàţúš ·····]`. A page shown
 * in it makes hard-coded English (no brackets, plain letters) and text cut
 * short by a narrow box (a missing `]`) easy to see, before any translator
 * is asked. Made at run time from en.json; nothing is stored. Only the
 * literal text of a message changes: placeholders, plural and select
 * keywords, `#` and tags stay as they are, so every message formats with the
 * same arguments as English. Pure: no DOM, no Node.
 */
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { printAST } from '@formatjs/icu-messageformat-parser/printer.js';

export const PSEUDO_LOCALE = 'en-XA';

const PLAIN = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ACCENTED = [...'áƀçďéƒĝĥíĵķļɱñóþǫŕšţúṽŵẋýžÁƁÇĎÉƑĜĤÍĴĶĻṀÑÓÞǪŔŠŢÚṼŴẊÝŽ'];
const ACCENT = new Map([...PLAIN].map((c, i) => [c, ACCENTED[i] as string]));

/** `text` with each ASCII letter accented; everything else as it is. */
export function accent(text: string): string {
  let out = '';
  for (const c of text) out += ACCENT.get(c) ?? c;
  return out;
}

/** Literal characters in the longest way the message can read (the longest branch of each plural or select). */
function literalLength(elements: MessageFormatElement[]): number {
  let n = 0;
  for (const el of elements) {
    if (el.type === TYPE.literal) n += el.value.length;
    else if (el.type === TYPE.tag) n += literalLength(el.children);
    else if (el.type === TYPE.plural || el.type === TYPE.select) {
      n += Math.max(0, ...Object.values(el.options).map((o) => literalLength(o.value)));
    }
  }
  return n;
}

function accentElements(elements: MessageFormatElement[]): MessageFormatElement[] {
  return elements.map((el): MessageFormatElement => {
    if (el.type === TYPE.literal) return { type: TYPE.literal, value: accent(el.value) };
    if (el.type === TYPE.tag) return { ...el, children: accentElements(el.children) };
    if (el.type === TYPE.plural || el.type === TYPE.select) {
      const options = Object.fromEntries(Object.entries(el.options).map(([k, o]) => [k, { ...o, value: accentElements(o.value) }]));
      return { ...el, options };
    }
    return el;
  });
}

/**
 * The `en-XA` form of one English ICU message: `[` + the message, letters
 * accented + a padding of `·` about 40 % of its text's length + `]`.
 */
export function pseudoMessage(english: string): string {
  const ast = parse(english);
  const padding = '·'.repeat(Math.ceil(literalLength(ast) * 0.4));
  const body: MessageFormatElement[] = [
    { type: TYPE.literal, value: '[' },
    ...accentElements(ast),
    { type: TYPE.literal, value: `${padding ? ` ${padding}` : ''}]` },
  ];
  return printAST(body);
}

/** The whole `en-XA` table from the English one, made on first use of each key. */
export function pseudoTable(english: Readonly<Record<string, unknown>>): (key: string) => string | undefined {
  const made = new Map<string, string>();
  return (key) => {
    let text = made.get(key);
    if (text === undefined) {
      const source = english[key];
      if (typeof source !== 'string') return undefined;
      text = pseudoMessage(source);
      made.set(key, text);
    }
    return text;
  };
}
