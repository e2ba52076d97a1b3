/**
 * Label stock as data: one JSON file per template in labels/templates,
 * validated when the service starts. A bad file stops start-up with a message
 * naming the file and the field.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../labels/templates');

const Mm = z.number().positive().max(1000);

export const LabelTemplate = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9-]{2,40}$/),
    name: z.string().min(1).max(200),
    stock: z.enum(['roll', 'sheet']),
    printer: z.enum(['zebra', 'dymo', 'brother', 'laser']),
    dpi: z.number().int().min(150).max(1200),
    label: z.strictObject({ widthMm: Mm, heightMm: Mm }),
    sheet: z
      .strictObject({
        widthMm: Mm,
        heightMm: Mm,
        columns: z.number().int().min(1).max(20),
        rows: z.number().int().min(1).max(40),
        topMarginMm: z.number().min(0).max(100),
        leftMarginMm: z.number().min(0).max(100),
        columnPitchMm: Mm,
        rowPitchMm: Mm,
      })
      .optional(),
    notes: z.string().max(1000).optional(),
  })
  .superRefine((t, ctx) => {
    if (t.stock === 'sheet' && !t.sheet) ctx.addIssue({ code: 'custom', path: ['sheet'], message: 'a sheet template needs its sheet layout' });
    if (t.stock === 'roll' && t.sheet) ctx.addIssue({ code: 'custom', path: ['sheet'], message: 'a roll template has no sheet layout' });
    const s = t.sheet;
    if (s) {
      // The labels must fit on the page: the last column and row end inside it.
      const right = s.leftMarginMm + (s.columns - 1) * s.columnPitchMm + t.label.widthMm;
      const bottom = s.topMarginMm + (s.rows - 1) * s.rowPitchMm + t.label.heightMm;
      if (right > s.widthMm + 0.01) ctx.addIssue({ code: 'custom', path: ['sheet', 'columnPitchMm'], message: `labels end at ${right.toFixed(1)} mm, past the sheet width` });
      if (bottom > s.heightMm + 0.01) ctx.addIssue({ code: 'custom', path: ['sheet', 'rowPitchMm'], message: `labels end at ${bottom.toFixed(1)} mm, past the sheet height` });
      if (s.columnPitchMm < t.label.widthMm) ctx.addIssue({ code: 'custom', path: ['sheet', 'columnPitchMm'], message: 'pitch is smaller than the label width' });
      if (s.rowPitchMm < t.label.heightMm) ctx.addIssue({ code: 'custom', path: ['sheet', 'rowPitchMm'], message: 'pitch is smaller than the label height' });
    }
  });
export type LabelTemplate = z.infer<typeof LabelTemplate>;

export class LabelTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelTemplateError';
  }
}

export function loadLabelTemplates(dir: string = TEMPLATES_DIR): Map<string, LabelTemplate> {
  const out = new Map<string, LabelTemplate>();
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  for (const f of files) {
    const where = path.join(path.basename(dir), f);
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    } catch (err) {
      throw new LabelTemplateError(`Label template ${where} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    const parsed = LabelTemplate.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
      throw new LabelTemplateError(`Label template ${where} is invalid: ${problems}`);
    }
    if (parsed.data.id !== path.basename(f, '.json')) throw new LabelTemplateError(`Label template ${where}: id "${parsed.data.id}" must match the file name`);
    out.set(parsed.data.id, parsed.data);
  }
  if (out.size === 0) throw new LabelTemplateError(`No label templates in ${dir}`);
  return out;
}
