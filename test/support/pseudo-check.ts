/**
 * Checks of text shown in the pseudo-locale en-XA (docs/translation.md),
 * shared by the office and station browser tests and the documents' tests.
 * Every message reads `[Šíĝñ óúţ ····]`, so a word of plain English outside
 * brackets is text the locale files do not hold (hard-coded), and a message
 * without its closing `]` was cut short.
 */
import type { Page } from 'playwright-core';

/** Words that are data, not text: the people's names, the laptops' make, model and system, the donor, recycler and carrier, the site, units and month names Intl writes in English for en-XA. */
export const DATA_WORDS: ReadonlySet<string> = new Set(['admin', 'Administrator', 'cora', 'coordinator', 'Lenovo', 'ThinkPad', 'Nunavut', 'Arctic', 'College', 'Southern', 'E-Cycle', 'Inc', 'NEAS', 'Linux', 'Mint', 'Iqaluit', 'kg', 't', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Sept', 'Oct', 'Nov', 'Dec', 'AM', 'PM', 'a.m.', 'p.m.']);

/** The words of one line left outside brackets once data is taken away. */
/** `dataTexts`: whole texts that are data (a name of several words), taken away before the words are looked at. */
export function plainWords(line: string, dataWords: ReadonlySet<string> = DATA_WORDS, dataTexts: readonly string[] = []): string[] {
  // Messages nest (a label inside a sentence): take away the innermost brackets until none is left.
  let rest = line;
  for (const data of dataTexts) rest = rest.split(data).join(' ');
  for (let previous = ''; previous !== rest; ) {
    previous = rest;
    rest = rest.replace(/\[[^[\]]*\]/g, ' ');
  }
  return (
    rest
      .split(/[\s,;:()/·|"“”]+/)
      .filter((w) => /[A-Za-z]{2,}/.test(w))
      // Asset tags, serial numbers, codes (letters with digits), e-mail-like data.
      .filter((w) => !/\d/.test(w) && !w.includes('@'))
      .filter((w) => !dataWords.has(w.replace(/[.!?]+$/, '')))
  );
}

/** The lines of a text with a plain English word outside brackets. */
export function hardCodedLines(text: string, dataWords: ReadonlySet<string> = DATA_WORDS, dataTexts: readonly string[] = []): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && plainWords(l, dataWords, dataTexts).length > 0);
}

/** Lines of the page's text with a plain English word outside brackets. */
export async function hardCoded(page: Page, dataWords: ReadonlySet<string> = DATA_WORDS): Promise<string[]> {
  return hardCodedLines(await page.evaluate<string>('document.body.innerText'), dataWords);
}

/** The office's boxes: main panels, sections, tables, forms, the navigation and header, buttons, selects and links. */
export const OFFICE_BOXES = 'main, main section, main table, main form, main .page-head, nav, header, button, select, main a';

/** Elements matching `selector` whose content is wider than their box (boxes that scroll on purpose excepted), and the page itself. */
export async function overflowing(page: Page, selector: string = OFFICE_BOXES): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const out = [];
    for (const el of document.querySelectorAll(${JSON.stringify(selector)})) {
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'auto' && getComputedStyle(el).overflowX !== 'scroll') {
        out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') + ' ' + el.scrollWidth + '>' + el.clientWidth + ' ' + (el.innerText || '').slice(0, 40).replace(/\\n/g, ' '));
      }
    }
    if (document.documentElement.scrollWidth > document.documentElement.clientWidth + 1) out.push('page ' + document.documentElement.scrollWidth + '>' + document.documentElement.clientWidth);
    return out;
  })()`);
}

/** Waits until the page's text stops changing (its data has arrived). */
export async function settled(page: Page, timeoutMs = 5000): Promise<void> {
  let before = await page.evaluate<string>('document.body.innerText');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const now = await page.evaluate<string>('document.body.innerText');
    if (now === before || Date.now() > deadline) return;
    before = now;
  }
}
