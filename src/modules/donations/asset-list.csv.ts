/**
 * A donor's asset list as CSV: a header row, then one device per row. UTF-8
 * with or without a byte-order mark, comma or semicolon (as spreadsheets in
 * French or European locales save it), header names matched forgivingly.
 */
import { parse, CsvError } from 'csv-parse/sync';

export const ASSET_LIST_BODY_LIMIT = 4 * 1024 * 1024;
export const MAX_ASSET_LIST_ROWS = 10_000;

export interface ListedDevice {
  line: number;
  serialNumber: string;
  category: string | null;
  make: string | null;
  model: string | null;
  donorAssetTag: string | null;
}

export interface RowError {
  line: number;
  message: string;
}

type Column = 'serialNumber' | 'make' | 'model' | 'category' | 'donorAssetTag';

/** Header names, lower case with everything but letters and digits removed ("S/N" → "sn", "Serial No." → "serialno"). */
const HEADERS: Record<Column, string[]> = {
  serialNumber: ['serial', 'serialnumber', 'serialno', 'serialnum', 'sn', 'servicetag', 'manufacturerserial', 'manufacturerserialnumber', 'numerodeserie', 'nodeserie'],
  make: ['make', 'manufacturer', 'brand', 'vendor', 'marque', 'fabricant'],
  model: ['model', 'modelname', 'modelnumber', 'product', 'productname', 'modele'],
  category: ['category', 'type', 'devicetype', 'kind', 'assettype', 'equipmenttype', 'categorie'],
  donorAssetTag: ['assettag', 'tag', 'donorassettag', 'assetnumber', 'assetno', 'asset', 'assetid', 'inventorynumber', 'inventorytag', 'propertytag', 'propertynumber'],
};

const headerKey = (h: string) =>
  h
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/** Category words a spreadsheet may use, to the service's categories. */
const CATEGORY_WORDS: Record<string, string> = {
  notebook: 'laptop',
  laptops: 'laptop',
  portable: 'laptop',
  ordinateurportable: 'laptop',
  pc: 'desktop',
  computer: 'desktop',
  desktops: 'desktop',
  tower: 'desktop',
  workstation: 'desktop',
  cpu: 'desktop',
  allinone: 'all_in_one',
  aio: 'all_in_one',
  smartphone: 'phone',
  mobile: 'phone',
  cellphone: 'phone',
  screen: 'monitor',
  display: 'monitor',
  lcd: 'monitor',
  crt: 'crt_monitor',
  crtmonitor: 'crt_monitor',
  switch: 'network',
  router: 'network',
  keyboard: 'peripheral',
  mouse: 'peripheral',
};

export function categoryOf(value: string, categories: readonly string[]): string | undefined {
  const key = headerKey(value);
  const direct = categories.find((c) => headerKey(c) === key);
  return direct ?? CATEGORY_WORDS[key];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class AssetListFileError extends Error {}

/** The rows of the file, and the rows that cannot be recorded with their line numbers. Throws AssetListFileError when the file as a whole is unreadable. */
export function parseAssetList(body: Buffer, categories: readonly string[]): { rows: ListedDevice[]; errors: RowError[] } {
  let source: string;
  try {
    source = utf8.decode(body);
  } catch {
    throw new AssetListFileError('The file is not UTF-8 text. Save the spreadsheet as "CSV UTF-8".');
  }
  if (source.includes('\u0000')) throw new AssetListFileError('The file holds NUL bytes: a binary file (a .xlsx?), not CSV.');
  source = source.replace(/^\ufeff/, '');
  const firstLine = source.slice(0, source.search(/\r?\n|$/));
  if (firstLine.trim() === '') throw new AssetListFileError('The first line must be the header row.');
  if (firstLine.length > 10_000) throw new AssetListFileError('The header row is longer than 10000 characters.');
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';

  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(source, { delimiter, info: true, relax_column_count: true, skip_empty_lines: true, trim: true, max_record_size: 100_000, to: MAX_ASSET_LIST_ROWS + 2 }) as unknown as typeof records;
  } catch (err) {
    if (err instanceof CsvError) throw new AssetListFileError(`The CSV is malformed near line ${(err as CsvError & { lines?: number }).lines ?? '?'}: ${err.code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quote is never closed' : err.code === 'CSV_MAX_RECORD_SIZE' ? 'a row is longer than 100000 characters' : 'a field is malformed'}.`);
    throw err;
  }
  if (records.length > MAX_ASSET_LIST_ROWS + 1) throw new AssetListFileError(`The list has more than ${MAX_ASSET_LIST_ROWS} rows: split it.`);
  const [header, ...body_] = records;
  if (!header) throw new AssetListFileError('The file is empty.');
  const columns = new Map<Column, number>();
  header.record.forEach((name, i) => {
    const key = headerKey(name);
    for (const [column, names] of Object.entries(HEADERS) as Array<[Column, string[]]>) if (!columns.has(column) && names.includes(key)) columns.set(column, i);
  });
  if (!columns.has('serialNumber')) throw new AssetListFileError(`No serial number column in the header (${header.record.slice(0, 10).join(', ')}): name one "Serial Number", "Serial" or "S/N".`);

  const rows: ListedDevice[] = [];
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of body_) {
    const line = info.lines;
    const cell = (c: Column) => {
      const i = columns.get(c);
      const v = i === undefined ? '' : (record[i] ?? '').trim();
      return v === '' ? null : v;
    };
    if (record.every((v) => v.trim() === '')) continue;
    const serialNumber = cell('serialNumber');
    const problems: string[] = [];
    if (serialNumber === null) problems.push('no serial number');
    else if (serialNumber.length > 100) problems.push('the serial number is longer than 100 characters');
    for (const c of ['make', 'model', 'donorAssetTag'] as const) if ((cell(c)?.length ?? 0) > 100) problems.push(`${c} is longer than 100 characters`);
    const categoryText = cell('category');
    const category = categoryText === null ? null : (categoryOf(categoryText, categories) ?? null);
    if (categoryText !== null && category === null) problems.push(`unknown category "${categoryText.slice(0, 40)}" (one of ${categories.join(', ')})`);
    if (serialNumber !== null) {
      const key = serialNumber.replace(/\s+/g, '').toUpperCase();
      const before = seen.get(key);
      if (before !== undefined) problems.push(`serial number ${serialNumber} is already on line ${before}`);
      else seen.set(key, line);
    }
    if (problems.length > 0) errors.push({ line, message: problems.join('; ') });
    else rows.push({ line, serialNumber: serialNumber!, category, make: cell('make'), model: cell('model'), donorAssetTag: cell('donorAssetTag') });
  }
  return { rows, errors };
}
