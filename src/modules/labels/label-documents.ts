/**
 * The documents this module has drawn on the render pool, as the port it
 * depends on. The documents module renders them (documents/documents.ts) and
 * the composition root wires its client in, so labels never imports it.
 */
import type { LabelContent } from './label-layout.js';
import type { LabelTemplate } from './label-templates.js';
import type { PdfOptions } from './label.render.js';

export type LabelDocumentTask =
  | { kind: 'labels-pdf'; template: LabelTemplate; contents: LabelContent[]; options: PdfOptions }
  | { kind: 'labels-zpl'; template: LabelTemplate; contents: LabelContent[] }
  | { kind: 'label-png'; template: LabelTemplate; content: LabelContent };

/** ZPL is text; everything else is bytes. */
export type RenderLabelDocument = <T extends LabelDocumentTask>(task: T) => Promise<T extends { kind: 'labels-zpl' } ? string : Buffer>;

export interface LabelDocuments {
  render: RenderLabelDocument;
  admitted<R>(fn: (render: RenderLabelDocument) => Promise<R>): Promise<R>;
}
