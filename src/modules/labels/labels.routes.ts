import { RENDER_ERRORS } from '../../core/http/contract.js';
import { z } from 'zod';
import { actorOf } from '../users/authentication.js';
import { sendDocument } from '../../core/send-document.js';
import type { Api } from '../../core/http/api.js';
import { DEVICE_LOOKUP_ERRORS, DeviceParams } from '../devices/devices.schemas.js';
import { DOCUMENT_LOCALES } from '../../core/i18n.js';
import { LabelTemplate } from './label-templates.js';
import { MAX_LABELS, type LabelsService } from './labels.service.js';

const Format = z.enum(['pdf', 'zpl', 'png']);
/** What a label answers as, by format: ZPL is sent as the stream a Zebra printer takes. */
const LABEL_MEDIA_TYPES = ['application/pdf', 'application/zpl', 'image/png'];
const Kind = z.enum(['asset', 'spec']);

/** The language of the label's words (category, memory, grade); `en-XA` checks them (docs/translation.md). */
const Lang = z.enum(DOCUMENT_LOCALES).default('en');

const LabelQuery = z.strictObject({ template: z.string().min(1).max(40), format: Format.default('pdf'), kind: Kind.default('asset'), lang: Lang });

const BatchBody = z
  .strictObject({
    template: z.string().min(1).max(40),
    format: Format.default('pdf'),
    kind: Kind.default('asset'),
    lang: Lang,
    assetTags: z.array(z.string().trim().min(1).max(20)).min(1).max(MAX_LABELS).optional(),
    reserve: z.number().int().min(1).max(MAX_LABELS).optional(),
    /** On a partly used sheet, the first free position (1 = top left). */
    startAt: z.number().int().min(1).max(100).optional(),
  })
  .refine((b) => (b.assetTags === undefined) !== (b.reserve === undefined), { message: 'give either assetTags or reserve', path: ['assetTags'] });

export function labelRoutes(api: Api, labels: LabelsService): void {
  api.get('/label-templates', {
    config: { access: { permission: 'label-templates:read' } },
    schema: { tags: ['labels'], summary: 'Label stock the service can print on', response: { 200: z.object({ templates: z.array(LabelTemplate) }) } },
    handler: async () => ({ templates: labels.templates() }),
  });

  api.get('/devices/:tag/label', {
    config: { access: { permission: 'labels:print' }, contract: { documents: LABEL_MEDIA_TYPES, errors: [...RENDER_ERRORS, ...DEVICE_LOOKUP_ERRORS, 'labels.unknown_template', 'labels.invalid_payload', 'devices.invalid_transition'] } },
    schema: { tags: ['labels'], summary: 'One label: asset (tag, category, make/model, site) or spec (ready laptops)', params: DeviceParams, querystring: LabelQuery },
    handler: async (request, reply) => {
      const { template, format, kind, lang } = request.query;
      return sendDocument(reply, await labels.deviceLabel(actorOf(request), request.params.tag, template, format, kind, lang));
    },
  });

  api.post('/labels', {
    config: { access: { permission: 'labels:print' }, contract: { status: 201, documents: LABEL_MEDIA_TYPES, headers: { 'X-Asset-Tags': 'The asset tags printed, comma-separated, in label order.' }, errors: [...RENDER_ERRORS, ...DEVICE_LOOKUP_ERRORS, 'labels.unknown_template', 'labels.invalid_payload', 'labels.too_many', 'devices.invalid_transition'] } },
    schema: { tags: ['labels'], summary: 'Labels for several tags, or reserve new tags and print them; PDF sheet or ZPL stream', body: BatchBody },
    handler: async (request, reply) => {
      const out = await labels.batch(actorOf(request), request.body);
      reply.header('x-asset-tags', out.tags.join(','));
      return sendDocument(reply.code(201), out);
    },
  });
}
