/**
 * Readers of wipe tools' own reports: nwipe logs (0.2x–0.4x, as ShredOS saves
 * them), eReuse Workbench snapshots (Workbench 11/12 and workbench-script),
 * and nwipe PDF certificates (matched by their file name). Pure functions of
 * the bytes: no I/O, so each is tested on the tools' real output
 * (test/fixtures/wipe-reports/README.md). A file that is not what it claims
 * to be is refused with a reason (WipeReportRefused), never half-read.
 */
import type { MethodClass, Technique } from '../sanitization/media-techniques.js';
import type { WipeReportFormat } from './wipe-reports.table.js';

export type Verification = 'full' | 'sample' | 'none';

/** One drive as the tool reports it. */
export interface ReportedDrive {
  serial: string;
  model: string | null;
  /** nwipe keeps at most 20 characters of a serial: a serial this long may have been cut. */
  serialMayBeCut: boolean;
  result: 'passed' | 'failed';
  /** The tool's own name of what it did ("PRNG Stream", "EraseSectors"). */
  toolMethod: string;
  method: MethodClass;
  technique: Technique;
  verification: Verification;
  startedAt: string | null;
  completedAt: string | null;
}

export interface ParsedReport {
  format: WipeReportFormat;
  tool: string;
  toolVersion: string | null;
  drives: ReportedDrive[];
  warnings: string[];
}

/** The file is refused: `reason` says why (it becomes the 400's detail). */
export class WipeReportRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'WipeReportRefused';
  }
}

/** More drives than any workstation holds: a report listing more is refused, not guessed at. */
export const MAX_DRIVES = 128;
const MAX_LINE = 16_384;
const MAX_JSON_DEPTH = 64;
/** nwipe's NWIPE_SERIALNUMBER_LENGTH (src/context.h): serials are cut to this everywhere in its log. */
export const NWIPE_SERIAL_LENGTH = 20;

// ---------------------------------------------------------------- time zones

function offsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(utcMs / 1000) * 1000;
}

/** A wall-clock time in an IANA zone (nwipe logs local time with no zone) as UTC ISO-8601. */
export function zonedToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number, timeZone: string): string {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  let utc = wall - offsetMs(wall, timeZone);
  utc = wall - offsetMs(utc, timeZone);
  return new Date(utc).toISOString();
}

/** Whether the name is a time zone this runtime knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- text

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(bytes: Buffer, what: string): string {
  if (bytes.length === 0) throw new WipeReportRefused(`The ${what} is empty.`);
  if (bytes.includes(0)) throw new WipeReportRefused(`The ${what} holds NUL bytes: it is a binary file, not text.`);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new WipeReportRefused(`The ${what} is not valid UTF-8 text.`);
  }
}

// ---------------------------------------------------------------- nwipe log

/** nwipe's overwrite methods (src/method.c labels) are NIST clear by overwrite; its drive commands are purges. */
export function mapNwipeMethod(label: string): { method: MethodClass; technique: Technique } | null {
  const l = label.toLowerCase();
  if (/verify (zeros|ones)/.test(l)) return null;
  if (/sanitize|secure erase|crypto|block erase|format/.test(l)) {
    if (/crypto/.test(l)) return { method: 'purge', technique: 'crypto_erase' };
    if (/block/.test(l)) return { method: 'purge', technique: 'block_erase' };
    if (/secure erase/.test(l) && !/nvme/.test(l)) return { method: 'purge', technique: 'secure_erase' };
    return { method: 'purge', technique: 'sanitize_command' };
  }
  return { method: 'clear', technique: 'overwrite' };
}

const STAMP = /^\[(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})\]\s*(?:nwipe:\s*)?(?:([a-z]+):)?\s?(.*)$/;
const ROW = /^([ !])\s*(\S+) \|(.{8})\|\s*(.*?)\s*\| (\d+):(\d{2}):(\d{2}) \| (.*)$/;
const TOTAL = /Total Throughput [^,]*, (.+), (\d+)R\+(N?B)\+(NV|VL|VA)\s*$/;

interface NwipeDevice {
  model?: string;
  serial?: string;
  method?: string;
  startedAt?: string;
  lastSeenAt?: string;
  verified?: boolean;
}

const devKey = (name: string) => name.replace(/^'|'$/g, '').replace(/^\/dev\//, '');

/** An nwipe log (nwipe_log_*.txt): drives from its Drive Status table, method and times from its lines. */
export function parseNwipeLog(bytes: Buffer, timeZone: string): ParsedReport {
  const text = decodeText(bytes, 'log');
  const lines = text.split(/\r?\n/);
  if (lines.some((l) => l.length > MAX_LINE)) throw new WipeReportRefused(`A line of the log is longer than ${MAX_LINE} characters: not an nwipe log.`);
  if (!lines.some((l) => STAMP.test(l))) throw new WipeReportRefused('No line of the file starts with an nwipe time stamp ([YYYY/MM/DD hh:mm:ss]): not an nwipe log.');

  const warnings: string[] = [];
  const devices = new Map<string, NwipeDevice>();
  const dev = (name: string) => {
    const k = devKey(name);
    let d = devices.get(k);
    if (!d) devices.set(k, (d = {}));
    return d;
  };
  let version: string | null = null;
  let shredos: string | null = null;
  let lastStamp: string | null = null;
  let total: { method: string; verify: string; at: string | null } | null = null;
  const rows: Array<{ device: string; status: string; hh: number; mm: number; ss: number; modelSerial: string }> = [];
  let inTable = false;

  for (const line of lines) {
    const m = STAMP.exec(line);
    if (m) {
      const at = zonedToUtc(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, timeZone);
      lastStamp = at;
      const msg = m[8] ?? '';
      const t = TOTAL.exec(line);
      if (t) {
        total = { method: t[1]!.trim(), verify: t[4]!, at };
        inTable = false;
        continue;
      }
      let x: RegExpExecArray | null;
      if ((x = /^nwipe (\d+\.\d+(?:\.\d+)*)\s*$/.exec(msg))) version = x[1]!;
      else if ((x = /^ShredOS (v\S+)/.exec(msg))) shredos = x[1]!;
      else if ((x = /^Found (\/dev\/[^,\s]+),\s*[^,]*,\s*(.*?),\s*[^,]*,\s*S\/N=(.*)$/.exec(msg))) {
        const d = dev(x[1]!);
        d.model = x[2]!.trim();
        d.serial = x[3]!.trim();
      } else if ((x = /^(?:Device )?'?(\/dev\/\S+?)'? has serial number (.*)$/.exec(msg))) dev(x[1]!).serial = x[2]!.trim();
      else if ((x = /^Invoking method '(.+)' on (?:device )?'?(\/dev\/[^'\s.]+)'?/.exec(msg))) {
        const d = dev(x[2]!);
        d.method = x[1]!;
        d.startedAt ??= at;
      }
      const mentioned = /(\/dev\/[A-Za-z0-9_-]+)/.exec(msg);
      if (mentioned) {
        const d = dev(mentioned[1]!);
        d.lastSeenAt = at;
        if (/^Verif(y|ied|ying)/.test(msg)) d.verified = true;
      }
      continue;
    }
    if (/\*+ Drive Status \*+/.test(line)) {
      inTable = true;
      continue;
    }
    if (inTable) {
      const r = ROW.exec(line);
      if (r) rows.push({ device: r[2]!, status: r[3]!.trim(), hh: +r[5]!, mm: +r[6]!, ss: +r[7]!, modelSerial: r[8]!.trim() });
    }
  }

  if (rows.length === 0) throw new WipeReportRefused('The log has no Drive Status table with a drive in it: nwipe did not finish (or the file is cut short).');
  if (rows.length > MAX_DRIVES) throw new WipeReportRefused(`The log lists ${rows.length} drives; at most ${MAX_DRIVES} are read from one report.`);

  const drives: ReportedDrive[] = [];
  for (const row of rows) {
    const d = devices.get(devKey(row.device)) ?? {};
    const slash = row.modelSerial.lastIndexOf('/');
    const tableModel = slash < 0 ? row.modelSerial : row.modelSerial.slice(0, slash);
    const tableSerial = slash < 0 ? '' : row.modelSerial.slice(slash + 1);
    const serial = (d.serial ?? tableSerial).trim();
    const model = (d.model ?? tableModel).trim() || null;
    if (!serial || /^[?X]+$/.test(serial)) {
      warnings.push(`${row.device}: the log gives no serial number${serial ? ' (anonymised)' : ''}; it cannot be matched to a drive.`);
      continue;
    }
    const label = d.method ?? total?.method ?? null;
    if (!label) {
      warnings.push(`${row.device} (${serial}): the log does not say which method was used; not read.`);
      continue;
    }
    const mapped = mapNwipeMethod(label);
    if (!mapped) {
      warnings.push(`${row.device} (${serial}): "${label}" only reads the drive; it is not a sanitization.`);
      continue;
    }
    let verification: Verification = 'none';
    if (total) verification = total.verify === 'NV' ? 'none' : 'full';
    else if (d.verified) verification = 'full';
    else warnings.push(`${row.device} (${serial}): the log does not say whether the wipe was verified; recorded as not verified.`);
    const completedAt = d.lastSeenAt ?? total?.at ?? lastStamp;
    const durationMs = ((row.hh * 60 + row.mm) * 60 + row.ss) * 1000;
    const startedAt = d.startedAt ?? (completedAt ? new Date(new Date(completedAt).getTime() - durationMs).toISOString() : null);
    drives.push({
      serial,
      model,
      serialMayBeCut: serial.length >= NWIPE_SERIAL_LENGTH,
      result: row.status === 'Erased' ? 'passed' : 'failed',
      toolMethod: label,
      ...mapped,
      verification,
      startedAt,
      completedAt,
    });
  }
  const toolVersion = version ?? (shredos ? /_(\d+\.\d+)(?:[-_]|$)/.exec(shredos)?.[1] ?? null : null);
  if (!toolVersion) warnings.push('The log does not name the nwipe version.');
  return { format: 'nwipe_log', tool: shredos ? `nwipe (ShredOS ${shredos})` : 'nwipe', toolVersion, drives, warnings };
}

// ---------------------------------------------------------------- JSON

/** Refuses JSON nested deeper than MAX_JSON_DEPTH before parsing it (a parser's recursion is no place to find out). */
function assertShallow(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) throw new WipeReportRefused(`The JSON is nested more than ${MAX_JSON_DEPTH} levels deep: not a Workbench snapshot.`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const DATA_STORAGE = new Set(['HardDrive', 'SolidStateDrive', 'DataStorage']);

function isoOrNull(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  // Workbench writes ISO-8601 with an offset ("+00:00" or "Z"); a time without one is not guessed at.
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(s)) return null;
  const t = new Date(s);
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
}

/** Workbench erase actions (ereuse devicehub-teal `ereuse_devicehub/resources/action/models.py`) to NIST classes. */
function mapWorkbenchAction(action: Json): { method: MethodClass; technique: Technique; verification: Verification } | null {
  switch (action['type']) {
    case 'EraseBasic':
      return { method: 'clear', technique: 'overwrite', verification: 'none' };
    case 'EraseSectors':
      // Workbench checks every sector after the erase (its "leading zeros" check): a full verification.
      return { method: 'clear', technique: 'overwrite', verification: 'full' };
    case 'EraseCrypto':
      return { method: 'purge', technique: 'crypto_erase', verification: 'none' };
    case 'ErasePhysical': {
      const how = (str(action['method']) ?? '').toLowerCase();
      return { method: 'destroy', technique: how === 'shred' ? 'shred' : how === 'crush' ? 'crush' : how === 'drill' ? 'drill' : 'other', verification: 'none' };
    }
    default:
      return null;
  }
}

function parseWorkbench11(doc: Json): ParsedReport {
  const warnings: string[] = [];
  const components = Array.isArray(doc['components']) ? doc['components'] : [];
  const drives: ReportedDrive[] = [];
  const seen = new Set<string>();
  for (const c of components) {
    if (!isObject(c) || !DATA_STORAGE.has(String(c['type']))) continue;
    const serial = str(c['serialNumber']);
    const model = str(c['model']);
    const actions = (Array.isArray(c['actions']) ? c['actions'] : []).filter(isObject);
    const erasures = actions.filter((a) => mapWorkbenchAction(a) !== null);
    if (erasures.length === 0) continue;
    if (!serial) {
      warnings.push(`A ${String(c['type'])} ${model ?? ''} has no serial number in the snapshot; it cannot be matched to a drive.`.replace('  ', ' '));
      continue;
    }
    for (const a of erasures) {
      const key = `${serial}|${String(a['type'])}|${String(a['endTime'])}`;
      if (seen.has(key)) {
        warnings.push(`${serial}: the snapshot lists the same ${String(a['type'])} twice; read once.`);
        continue;
      }
      seen.add(key);
      const mapped = mapWorkbenchAction(a)!;
      const severity = str(a['severity']) ?? 'Info';
      drives.push({
        serial,
        model,
        serialMayBeCut: false,
        result: severity === 'Error' ? 'failed' : 'passed',
        toolMethod: String(a['type']),
        ...mapped,
        startedAt: isoOrNull(a['startTime']),
        completedAt: isoOrNull(a['endTime']),
      });
    }
  }
  if (drives.length > MAX_DRIVES) throw new WipeReportRefused(`The snapshot lists ${drives.length} erasures; at most ${MAX_DRIVES} are read from one report.`);
  if (drives.length === 0 && warnings.length === 0) warnings.push('The snapshot records no erasure of any data storage.');
  return { format: 'workbench_snapshot', tool: 'Workbench', toolVersion: str(doc['version']), drives, warnings };
}

/** workbench-script snapshots (eReuse/workbench-script): `erase` holds the erase commands' output, which names no drive serial. */
function parseWorkbenchScript(doc: Json): ParsedReport {
  const erase = Array.isArray(doc['erase']) ? doc['erase'] : [];
  const warnings =
    erase.length === 0
      ? ['The snapshot records no erasure (its "erase" list is empty): nothing to record.']
      : ['workbench-script keeps only the erase commands\u2019 output, which names no drive serial: nothing can be recorded from it. Import the wipe tool\u2019s own report instead.'];
  return { format: 'workbench_script', tool: 'workbench-script', toolVersion: str(doc['version']), drives: [], warnings };
}

/** A Workbench snapshot: the Workbench 11/12 form (components[].actions[]) or the workbench-script form, bare or in a DeviceSnapshotV1 envelope. */
export function parseWorkbenchJson(bytes: Buffer): ParsedReport {
  const text = decodeText(bytes, 'JSON');
  assertShallow(text);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new WipeReportRefused('The body is not valid JSON (is the file cut short?).');
  }
  if (isObject(doc) && doc['type'] === 'DeviceSnapshotV1' && isObject(doc['data'])) doc = doc['data'];
  if (!isObject(doc) || doc['type'] !== 'Snapshot') {
    throw new WipeReportRefused('The JSON is not a Workbench snapshot (no "type": "Snapshot"). nwipe writes no JSON report; import its log or PDF.');
  }
  const software = str(doc['software']);
  if (software === 'workbench-script') return parseWorkbenchScript(doc);
  if (software === 'Workbench' || software === 'WorkbenchLite' || Array.isArray(doc['components'])) return parseWorkbench11(doc);
  throw new WipeReportRefused(`The snapshot comes from "${software ?? 'unknown software'}", which is not read.`);
}

// ---------------------------------------------------------------- nwipe PDF

const PDF_NAME = /^nwipe_report_([0-9-]+)_Model_(.+?)_Serial_(.+?)(?:_device_([A-Za-z0-9]+))?\.pdf$/;

/**
 * An nwipe PDF certificate: the drive is named by the file name nwipe gives it
 * (src/create_pdf.c: nwipe_report_<time>_Model_<model>_Serial_<serial>[_device_<dev>].pdf,
 * spaces as underscores). Its content is kept as evidence, not read.
 */
export function parseNwipePdf(bytes: Buffer, filename: string | undefined): ParsedReport & { pdf: { serial: string; model: string; at: string } } {
  if (!filename) throw new WipeReportRefused('A PDF certificate needs ?filename= (the name nwipe gave it): the drive is matched by the model and serial in it.');
  const base = filename.replace(/^.*[\\/]/, '');
  const m = PDF_NAME.exec(base);
  if (!m) throw new WipeReportRefused(`"${base}" is not the name of an nwipe certificate (nwipe_report_<time>_Model_<model>_Serial_<serial>[_device_<dev>].pdf).`);
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') throw new WipeReportRefused('The body is not a PDF (it does not start with %PDF-).');
  if (!bytes.subarray(Math.max(0, bytes.length - 1024)).toString('latin1').includes('%%EOF')) throw new WipeReportRefused('The PDF has no end-of-file marker: it is cut short.');
  const serial = m[3]!.replace(/_/g, ' ').trim();
  const model = m[2]!.replace(/_/g, ' ').trim();
  return {
    format: 'nwipe_pdf',
    tool: 'nwipe',
    toolVersion: null,
    drives: [],
    warnings: ['The PDF certificate is kept as evidence of the drive named in its file name; it records no wipe by itself (import the nwipe log of the same wipe to record it).'],
    pdf: { serial, model, at: m[1]! },
  };
}
