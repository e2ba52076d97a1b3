/** The funders' diversion report: totals, bar charts by category and month (drawn with pdfkit), methodology, factor citation. */
import { createDocument, finish, write, type Doc } from '../../core/pdf/document.js';
import type { DiversionReport } from './reports.schemas.js';

const GREY = '#555555';
const GREEN = '#2e7d32';
const kg = (grams: number) => `${(grams / 1000).toLocaleString('en-CA', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} kg`;

function barChart(doc: Doc, title: string, rows: Array<{ key: string; grams: number | null }>, x: number, width: number): void {
  write(doc, title, { size: 11, bold: true, x, width });
  const data = rows.filter((r): r is { key: string; grams: number } => r.grams !== null);
  if (data.length === 0) {
    write(doc, 'Nothing diverted in the period.', { size: 9, color: GREY, x, width });
    return;
  }
  const max = Math.max(...data.map((r) => r.grams), 1);
  const labelW = 90;
  const valueW = 70;
  const barMax = width - labelW - valueW - 10;
  for (const r of data) {
    if (doc.y > doc.page.height - doc.page.margins.bottom - 20) doc.addPage();
    const y = doc.y + 2;
    write(doc, r.key.replace(/_/g, ' '), { size: 8.5, x, y, width: labelW });
    const w = Math.max(1, (r.grams / max) * barMax);
    doc.rect(x + labelW, y + 1, w, 9).fill(GREEN);
    write(doc, kg(r.grams), { size: 8.5, x: x + labelW + w + 5, y, width: valueW + barMax - w });
    doc.y = y + 13;
  }
  doc.x = doc.page.margins.left;
}

export async function renderDiversionPdf(r: DiversionReport, organizationName: string, printedAt: Date): Promise<Buffer> {
  const doc = createDocument({ title: `Diversion report ${r.period.from} to ${r.period.to}`, createdAt: printedAt });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  write(doc, organizationName, { size: 10, color: GREY });
  write(doc, 'Landfill diversion report', { size: 20, bold: true });
  write(doc, `${r.period.from} to ${r.period.to}`, { size: 11 });
  doc.moveDown(0.8);

  const rows: Array<[string, { units: number; grams: number }, boolean]> = [
    ['Received', r.totals.received, false],
    ['Reused (issued to participants)', r.totals.reused, false],
    ['Recycled, confirmed by the recycler', r.totals.recycledConfirmed, false],
    ['Recycled, awaiting confirmation (not counted)', r.totals.recycledPending, false],
    ['Diverted from landfill', r.totals.diverted, true],
    // The overlap is already inside the line above; printed so the parts can be reconciled with it.
    ['of which reused, then recycled (counted once)', r.totals.reusedThenRecycled, false],
  ];
  for (const [label, b, strong] of rows) {
    const y = doc.y;
    write(doc, label, { size: 10.5, bold: strong, x: left, y, width: width * 0.55 });
    write(doc, `${b.units} units`, { size: 10.5, bold: strong, x: left + width * 0.58, y, width: width * 0.18 });
    write(doc, kg(b.grams), { size: 10.5, bold: strong, x: left + width * 0.78, y, width: width * 0.22 });
    doc.y += 2;
  }
  write(doc, `Measured weights: ${(r.measuredWeightShare * 100).toFixed(1)} % of the diverted weight was weighed; the rest uses typical weights per category.`, {
    size: 8.5,
    color: GREY,
    x: left,
    width,
  });
  doc.moveDown(1);
  barChart(doc, 'Diverted by category', r.byCategory, left, width);
  doc.moveDown(0.8);
  barChart(doc, 'Diverted by month', r.byMonth, left, width);

  doc.moveDown(0.8);
  write(doc, 'Reused devices by participants’ community', { size: 11, bold: true, x: left, width });
  if (r.byCommunity.length === 0) write(doc, 'No devices issued in the period.', { size: 9, color: GREY, x: left, width });
  for (const c of r.byCommunity) write(doc, `${c.key}: ${c.suppressed ? 'fewer than the privacy threshold (not shown)' : `${c.units} devices, ${kg(c.grams ?? 0)}`}`, { size: 9.5, x: left, width });

  if (r.co2e) {
    doc.moveDown(0.8);
    write(doc, 'Greenhouse gas estimate', { size: 11, bold: true, x: left, width });
    write(doc, `${r.co2e.totalKg.toLocaleString('en-CA')} kg CO2e avoided (reuse ${r.co2e.reuseKg}, recycling ${r.co2e.recyclingKg}).`, { size: 9.5, x: left, width });
    write(doc, `Factor set: ${r.co2e.factorSet.name}, version ${r.co2e.factorSet.version}. Source: ${r.co2e.factorSet.source}. ${r.co2e.note}`, { size: 8.5, color: r.co2e.factorSet.verified ? GREY : '#b71c1c', x: left, width });
  }
  doc.moveDown(0.8);
  write(doc, 'Methodology', { size: 11, bold: true, x: left, width });
  write(doc, r.methodology, { size: 8.5, x: left, width, align: 'justify' });
  return finish(doc);
}
