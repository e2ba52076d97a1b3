/**
 * The documents the service draws, as tasks for the render pool: plain data
 * in (structured-cloneable, no database handle), bytes out. The worker calls
 * renderDocument; services call the typed client made by createDocuments.
 */
import type { Locale, LocaleMessages } from '../../core/i18n.js';
import type { RenderPool } from '../../core/render-pool.js';
import { renderHandover, type HandoverData } from '../issuance/handover.pdf.js';
import { renderCertificate, type CertificateData } from '../certificates/certificate.pdf.js';
import type { LabelContent } from '../labels/label-layout.js';
import type { LabelTemplate } from '../labels/label-templates.js';
import { renderLabelPng, renderLabelsPdf, renderLabelsZpl, type PdfOptions } from '../labels/label.render.js';
import { renderManifest } from '../recycling/manifest.pdf.js';
import type { Shipment } from '../recycling/recycling.schemas.js';
import { renderPackingList } from '../transfers/packing-list.pdf.js';
import type { Transfer } from '../transfers/transfers.schemas.js';

export type DocumentTask =
  | { kind: 'labels-pdf'; template: LabelTemplate; contents: LabelContent[]; options: PdfOptions }
  | { kind: 'labels-zpl'; template: LabelTemplate; contents: LabelContent[] }
  | { kind: 'label-png'; template: LabelTemplate; content: LabelContent }
  | { kind: 'certificate'; data: CertificateData; sha256: string; printedAt: Date; locale?: Locale | undefined; messages?: LocaleMessages | undefined }
  | { kind: 'manifest'; shipment: Shipment; org: { organizationName: string; siteName: string }; printedAt: Date; locale?: Locale | undefined; messages?: LocaleMessages | undefined }
  | { kind: 'handover'; data: HandoverData }
  | { kind: 'packing-list'; transfer: Transfer; sites: { from: string; to: string }; organizationName: string; printedAt: Date; locale?: Locale | undefined; messages?: LocaleMessages | undefined };

/** ZPL is text; everything else is bytes. */
export type DocumentBytes<T extends DocumentTask> = T extends { kind: 'labels-zpl' } ? string : Buffer;

/** Runs in the worker (and anywhere else a document is wanted in-thread, e.g. to compare bytes in tests). */
export async function renderDocument(task: DocumentTask): Promise<Buffer | string> {
  switch (task.kind) {
    case 'labels-pdf':
      return renderLabelsPdf(task.template, task.contents, task.options);
    case 'labels-zpl':
      return renderLabelsZpl(task.template, task.contents);
    case 'label-png':
      return renderLabelPng(task.template, task.content);
    case 'certificate':
      return renderCertificate(task.data, task.sha256, task.printedAt, task.locale, task.messages);
    case 'manifest':
      return renderManifest(task.shipment, task.org, task.printedAt, task.locale, task.messages);
    case 'handover':
      return renderHandover(task.data);
    case 'packing-list':
      return renderPackingList(task.transfer, task.sites, task.organizationName, task.printedAt, task.locale, task.messages);
  }
}

/** The worker module for the pool (a .mjs shim that loads the TypeScript worker under tsx). */
export const DOCUMENT_WORKER = new URL('./render-worker.mjs', import.meta.url);

export type RenderDocument = <T extends DocumentTask>(task: T) => Promise<DocumentBytes<T>>;

export function createDocuments(pool: RenderPool) {
  return {
    /** Draws one document on the pool (429/503 when over the caps, 503 past the request deadline). */
    render: (<T extends DocumentTask>(task: T) => pool.admitted((run) => run(task))) as RenderDocument,
    /** Takes the render slot first, so that work done before drawing (reserving tags) is not wasted on a refused render. */
    admitted: <R>(fn: (render: RenderDocument) => Promise<R>): Promise<R> => pool.admitted((run) => fn(run as RenderDocument)),
  };
}

export type Documents = ReturnType<typeof createDocuments>;
