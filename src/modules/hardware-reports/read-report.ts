/** Which tool wrote an upload, and its reading. */
import { readDmidecode, looksLikeDmidecode } from './dmidecode.js';
import type { ReadReport } from './draft.js';
import { looksLikeLshw, readLshw } from './lshw.js';
import { parseReportJson, reportText, unreadable } from './report-text.js';
import { looksLikeSmartctl, readSmartctl } from './smartctl.js';
import { looksLikeWorkbench11, looksLikeWorkbenchData, readWorkbench11, readWorkbenchData } from './workbench.js';

export function readReport(body: Buffer | string): ReadReport {
  const source = reportText(body);
  const first = source.trimStart()[0];
  if (first === '{' || first === '[') {
    const value = parseReportJson(source);
    if (looksLikeWorkbenchData(value)) return readWorkbenchData(value);
    if (looksLikeWorkbench11(value)) return readWorkbench11(value);
    if (looksLikeSmartctl(value)) return readSmartctl(value);
    if (looksLikeLshw(value)) return readLshw(value);
    throw unreadable('The JSON is not an lshw, smartctl or Workbench report.');
  }
  if (looksLikeDmidecode(source)) return readDmidecode(source);
  throw unreadable('The file is neither JSON from lshw, smartctl or Workbench, nor dmidecode text.');
}
