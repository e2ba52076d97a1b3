import { z } from 'zod';

export const LangParams = z.strictObject({ lang: z.string().min(1).max(20) });
export const TranslationParams = z.strictObject({ lang: z.string().min(1).max(20), key: z.string().min(1).max(200) });

export const ListTranslationsQuery = z.strictObject({
  lang: z.string().min(1).max(20),
  /** `missing`: no text at all; `unreviewed`: a text no speaker has reviewed yet. */
  status: z.enum(['missing', 'unreviewed']).optional(),
});

export const TranslationItem = z.object({
  key: z.string(),
  source: z.string().describe('The English.'),
  text: z.string().nullable().describe('The current text in the language (database over shipped file), reviewed or not; null when there is none.'),
  reviewed: z.boolean(),
  note: z.string().describe('Where the text appears (notes.json).'),
  shown: z.string().nullable().describe('The reviewed text the front ends and documents show now; null when they show English.'),
  englishChanged: z.boolean().describe('The English changed since the text was written from it.'),
});

export const TranslationList = z.object({
  lang: z.string(),
  items: z.array(TranslationItem),
  handoverMissing: z.array(z.string()).describe('Keys a handover form prints that have no reviewed text: while any is left, the form prints in English only.'),
});

export const SaveTranslationBody = z.strictObject({
  text: z.string().min(1).max(5000),
  reviewed: z.boolean(),
});

export const TranslationEnvelope = z.object({ translation: TranslationItem });

export const LocaleMessagesResponse = z.object({
  lang: z.string(),
  messages: z.record(z.string(), z.string()).describe('Key → reviewed text; a key not here is shown in English.'),
});
