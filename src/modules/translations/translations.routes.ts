import { pdfDocument } from '../../core/http/contract.js';
import type { Api } from '../../core/http/api.js';
import { sendDocument } from '../../core/send-document.js';
import { actorOf } from '../users/authentication.js';
import type { TranslationsService } from './translations.service.js';
import { LangParams, ListTranslationsQuery, LocaleMessagesResponse, SaveTranslationBody, TranslationEnvelope, TranslationList, TranslationParams } from './translations.schemas.js';

/** Translating in the app (docs/translation.md): admins and translators; the reviewed text itself is public. */
export function translationRoutes(api: Api, translations: TranslationsService): void {
  api.get('/translations', {
    config: { access: { permission: 'translations:read' }, contract: { errors: ['translations.unknown_language'] } },
    schema: { tags: ['translations'], summary: 'Every English key with its text in a language, reviewed or not, and its note', querystring: ListTranslationsQuery, response: { 200: TranslationList } },
    handler: async (request) => translations.list(request.query.lang, request.query.status),
  });

  api.put('/translations/:lang/:key', {
    config: { access: { permission: 'translations:write' }, contract: { errors: ['translations.unknown_language', 'translations.unknown_key', 'documents.undrawable_text'] } },
    schema: { tags: ['translations'], summary: 'Save the text of one key in a language, reviewed or not', params: TranslationParams, body: SaveTranslationBody, response: { 200: TranslationEnvelope } },
    handler: async (request) => ({ translation: await translations.save(actorOf(request), request.params.lang, request.params.key, request.body) }),
  });

  api.get('/translations/:lang/xliff', {
    config: { access: { permission: 'translations:read' }, contract: { documents: ['application/xliff+xml'], errors: ['translations.unknown_language'] } },
    schema: { tags: ['translations'], summary: 'The language as XLIFF 2.0 (database over shipped files), for npm run i18n:import', params: LangParams },
    handler: async (request, reply) => {
      const xml = await translations.xliff(request.params.lang);
      return sendDocument(reply, { body: xml, contentType: 'application/xliff+xml; charset=utf-8', filename: `${request.params.lang}.xlf`, disposition: 'attachment' });
    },
  });

  api.get('/translations/:lang/preview/handover.pdf', {
    config: { access: { permission: 'translations:read' }, contract: pdfDocument(['translations.unknown_language']) },
    schema: { tags: ['translations'], summary: 'A handover form of made-up data, printed as the next one in the language would be', params: LangParams },
    handler: async (request, reply) =>
      sendDocument(reply, { body: await translations.previewHandover(request.params.lang), contentType: 'application/pdf', filename: `handover-sample-${request.params.lang}.pdf` }),
  });

  api.get('/locales/:lang', {
    config: { access: { public: true }, contract: { etag: true, errors: ['translations.unknown_language'] } },
    schema: { tags: ['translations'], summary: 'The reviewed text of a language, for the front ends (public: the sign-in screens need it)', params: LangParams, response: { 200: LocaleMessagesResponse } },
    handler: async (request, reply) => {
      const { messages, etag } = await translations.effective(request.params.lang);
      void reply.header('etag', etag).header('cache-control', 'no-cache');
      return { lang: request.params.lang, messages };
    },
  });
}
