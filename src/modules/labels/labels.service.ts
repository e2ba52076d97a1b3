import { sees, type SiteViewer } from '../sites/site-scope.js';
import type { Clock } from '../../core/clock.js';
import type { Db } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { translate, type Locale, type LocaleMessages, type MessageKey } from '../../core/i18n.js';
import { assertDrawable } from '../../core/pdf/fonts.js';
import { parseTag } from '../asset-tags/asset-tag.js';
import type { AssetTagsService } from '../asset-tags/asset-tags.service.js';
import { prepareDeviceLookups, type DeviceRow } from '../devices/device-reads.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { ParticipantsService } from '../participants/participants.service.js';
import type { SiteRow } from '../sites/sites.service.js';
import type { Actor } from '../users/users.service.js';
import type { LabelDocuments, RenderLabelDocument } from './label-documents.js';
import type { LabelContent } from './label-layout.js';
import type { LabelTemplate } from './label-templates.js';
import { mapInOrder } from '../../core/in-order.js';

export type LabelFormat = 'pdf' | 'zpl' | 'png';
export type LabelKind = 'asset' | 'spec';
export interface Rendered {
  body: Buffer | string;
  contentType: string;
  filename: string;
}

export const MAX_LABELS = 300;

export function createLabelsService(deps: {
  db: Db;
  clock: Clock;
  templates: Map<string, LabelTemplate>;
  assetTags: AssetTagsService;
  devices: DevicesService;
  /** A site's syllabic name from the community list, when the site has none of its own. */
  participants: ParticipantsService;
  /** The program's sites (sites.service.ts rows): a label prints the site of its device, or of its reserved tag. */
  sites: { rows(): Promise<SiteRow[]> };
  /** Barcodes and PDFs are drawn on the render pool, off the event loop. */
  documents: LabelDocuments;
  /** The reviewed text of a language (database over shipped files): documents are drawn with it. */
  messagesFor?: ((locale: Locale) => Promise<LocaleMessages | undefined>) | undefined;
}) {
  const { db, clock } = deps;
  // A sheet reads up to 300 devices on the event loop: prepared, that is a few ms instead of a hundred.
  const lookups = prepareDeviceLookups(db);

  function template(id: string): LabelTemplate {
    const t = deps.templates.get(id);
    if (!t) throw new AppError('labels.unknown_template', `No label template "${id}" (have: ${[...deps.templates.keys()].join(', ')}).`, { errors: [{ field: 'template', message: 'unknown template' }], location: null });
    return t;
  }

  /**
   * ZPL is the language of Zebra printers: a laser printer, a DYMO or a
   * Brother would print it as a page of text. Refused for every other stock,
   * naming the stocks that take it (`location`: where the request carried
   * `format`, the query of a single label or the body of a batch).
   */
  function assertFormat(t: LabelTemplate, format: LabelFormat, location: 'query' | 'body'): void {
    if (format !== 'zpl' || t.printer === 'zebra') return;
    const zpl = [...deps.templates.values()].filter((x) => x.printer === 'zebra').map((x) => x.id);
    throw new AppError('request.invalid', `${t.id} is ${t.stock === 'sheet' ? 'a sheet for a laser or inkjet printer' : `stock for a ${t.printer} printer`}, which does not read ZPL; ZPL is for ${zpl.join(', ')}. Print it as pdf.`, {
      errors: [{ field: 'format', message: `zpl is for ${zpl.join(', ')}` }],
      location,
      extra: { zplTemplates: zpl },
    });
  }

  /** A site's line: its name with its syllabic name, its own or else the community list's: "Iqaluit · ᐃᖃᓗᐃᑦ". */
  async function siteLine(site: SiteRow): Promise<string> {
    if (site.nameSyllabics) return `${site.name} · ${site.nameSyllabics}`;
    const c = await deps.participants.community(site.name);
    return c?.syllabics ? `${c.name} · ${c.syllabics}` : site.name;
  }

  /**
   * The lines of the sites one print names, each site read once (a sheet of 300 devices is a handful of sites):
   * `ofId` a device's site, `ofTag` a reserved tag's (the site whose prefix it carries, else `fallback`'s).
   */
  async function siteLines(fallback: number) {
    const all = await deps.sites.rows();
    const lines = new Map<number, Promise<string>>();
    const ofId = (id: number): Promise<string> => {
      let line = lines.get(id);
      if (!line) {
        const site = all.find((s) => s.id === id);
        if (!site) throw new Error(`No site with id ${id}`);
        line = siteLine(site);
        lines.set(id, line);
      }
      return line;
    };
    const ofTag = (tag: string): Promise<string> => ofId(all.find((s) => tag.startsWith(`${s.assetTagPrefix}-`))?.id ?? fallback);
    return { ofId, ofTag };
  }

  /** `site`: the line of the device's site. */
  async function content(device: DeviceRow, kind: LabelKind, site: string, locale: Locale = 'en'): Promise<LabelContent> {
    const messages = await deps.messagesFor?.(locale);
    const en = (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars, messages);
    if (kind === 'asset') {
      return { tag: device.assetTag, lines: [`${en(`category.${device.category}` as MessageKey)} · ${device.make} ${device.model}`, site] };
    }
    if (device.grade === null || !['ready', 'issued'].includes(device.status)) {
      throw new AppError('devices.invalid_transition', `A spec label is for a graded, ready device; ${device.assetTag} is ${device.status}.`, {
        extra: { currentStatus: device.status, action: 'print_spec_label' },
      });
    }
    const s = device.specs;
    const memory = [s.ramGb !== undefined ? en('label.ram', { ram: s.ramGb }) : null, s.storageGb !== undefined ? en('label.storage', { storage: s.storageGb }) : null]
      .filter(Boolean)
      .join(' · ');
    return { tag: device.assetTag, badge: en('label.grade', { grade: device.grade }), lines: [s.cpu ?? `${device.make} ${device.model}`, memory, s.os ?? ''] };
  }

  async function render(draw: RenderLabelDocument, t: LabelTemplate, contents: LabelContent[], format: LabelFormat, name: string, startAt?: number): Promise<Rendered> {
    if (format === 'zpl') return { body: await draw({ kind: 'labels-zpl', template: t, contents }), contentType: 'application/zpl; charset=utf-8', filename: `${name}.zpl` };
    if (format === 'png') {
      if (contents.length !== 1) throw new AppError('request.invalid', 'PNG previews one label; use pdf or zpl for several.', { errors: [{ field: 'format', message: 'png previews one label' }], location: null });
      return { body: await draw({ kind: 'label-png', template: t, content: contents[0]! }), contentType: 'image/png', filename: `${name}.png` };
    }
    const options = { createdAt: clock.now(), title: name, ...(startAt === undefined ? {} : { startAt }) };
    return { body: await draw({ kind: 'labels-pdf', template: t, contents, options }), contentType: 'application/pdf', filename: `${name}.pdf` };
  }

  return {
    templates: () => [...deps.templates.values()],

    /** Barcodes and PDFs are drawn after the reads, outside any transaction. */
    async deviceLabel(viewer: SiteViewer, ref: string, templateId: string, format: LabelFormat, kind: LabelKind, locale: Locale = 'en'): Promise<Rendered> {
      const t = template(templateId);
      assertFormat(t, format, 'query');
      const device = await deps.devices.resolve(ref, viewer);
      const site = await (await siteLines(device.siteId)).ofId(device.siteId);
      return render(deps.documents.render, t, [await content(device, kind, site, locale)], format, `label-${device.assetTag}`);
    },

    async batch(
      actor: Actor,
      req: { template: string; format: LabelFormat; kind: LabelKind; assetTags?: string[] | undefined; reserve?: number | undefined; startAt?: number | undefined; lang?: Locale | undefined },
    ): Promise<Rendered & { tags: string[] }> {
      const t = template(req.template);
      assertFormat(t, req.format, 'body');
      if (req.startAt !== undefined && req.startAt > 1) {
        const positions = t.sheet ? t.sheet.columns * t.sheet.rows : 1;
        if (req.startAt > positions) {
          throw new AppError('request.invalid', `${t.id} has ${positions} position${positions === 1 ? '' : 's'}; startAt ${req.startAt} is past the last.`, {
            errors: [{ field: 'startAt', message: `at most ${positions}` }],
          });
        }
      }
      // The render slot is taken before tags are reserved: a print refused as too many at once must not use up tags.
      return deps.documents.admitted(async (draw) => {
        let contents: LabelContent[];
        // Each device's own site (an admin's sheet may hold several); a reserved tag's is the site of its prefix.
        const sites = await siteLines(actor.siteId);
        if (req.reserve !== undefined) {
          if (req.kind === 'spec') throw new AppError('request.invalid', 'Reserved tags have no specs yet.', { errors: [{ field: 'kind', message: 'use asset for reserved tags' }] });
          // New tags take the acting user's site's prefix (asset-tags.service.ts), so they print that site.
          const site = await sites.ofId(actor.siteId);
          // Check the text before reserving: a refused print must not use up tags.
          assertDrawable({ SITE_NAME: site }, null);
          contents = (await deps.assetTags.reserve(actor, req.reserve)).map((tag) => ({ tag, lines: [site] }));
        } else {
          contents = await mapInOrder(req.assetTags ?? [], async (raw, i) => {
            const parsed = parseTag(raw);
            if (parsed.kind !== 'valid') {
              throw new AppError('devices.invalid_asset_tag', `${raw} is not a valid asset tag.`, { errors: [{ field: `assetTags.${i}`, message: 'invalid asset tag' }] });
            }
            // Another site's device is none (docs/domain.md §8).
            const device = await lookups.byTag(parsed.tag);
            if (device && sees(actor, device.siteId)) return content(device, req.kind, await sites.ofId(device.siteId), req.lang);
            // A tag reserved but not yet on a device can be printed again (a spoiled sheet).
            if (!device && (await deps.assetTags.known(parsed.tag, actor)) && req.kind === 'asset') return { tag: parsed.tag, lines: [await sites.ofTag(parsed.tag)] };
            throw new AppError('devices.not_found', `No device carries the tag ${parsed.tag}.`, { errors: [{ field: `assetTags.${i}`, message: 'no such device' }] });
          });
        }
        const rendered = await render(draw, t, contents, req.format, `labels-${t.id}`, req.startAt);
        return { ...rendered, tags: contents.map((c) => c.tag) };
      });
    },
  };
}

export type LabelsService = ReturnType<typeof createLabelsService>;
