/**
 * What every parser reads out of a report: the machine and its drives, in the
 * units the tools print (bytes), with the warnings a person should see. The
 * draft the route answers is built from it (sizes converted, drives merged).
 */
import type { DeviceCategory } from '../devices/category-weights.js';
import { unreadable } from './report-text.js';

export type DriveKind = 'hdd' | 'ssd' | 'nvme' | 'emmc' | 'other';

export interface ReadDrive {
  serialNumber?: string | undefined;
  kind?: DriveKind | undefined;
  capacityBytes?: number | undefined;
  model?: string | undefined;
  /** Where the drive was read: smartctl's names are the full ones, lshw cuts them. */
  source: 'lshw' | 'smartctl' | 'workbench';
}

export interface ReadMachine {
  category?: DeviceCategory | undefined;
  chassis?: string | undefined;
  make?: string | undefined;
  model?: string | undefined;
  serialNumber?: string | undefined;
  cpu?: string | undefined;
  ramBytes?: number | undefined;
}

export interface ReadReport {
  format: ReportFormat;
  machine: ReadMachine;
  drives: ReadDrive[];
  warnings: string[];
}

export const REPORT_FORMATS = ['lshw', 'smartctl', 'workbench', 'workbench-11', 'dmidecode'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Values firmware vendors leave in place of a real one. */
const PLACEHOLDERS = new Set(
  [
    'to be filled by o.e.m.',
    'to be filled by oem',
    'system serial number',
    'system product name',
    'system manufacturer',
    'system version',
    'default string',
    'not specified',
    'not applicable',
    'not available',
    'none',
    'n/a',
    'na',
    'unknown',
    'oem',
    'o.e.m.',
    '0123456789',
    '123456789',
    '00000000',
    '0000000000000000',
    'chassis serial number',
    'base board serial number',
    'invalid',
    'empty',
  ].map((s) => s.toLowerCase()),
);

/** A text field of a report, trimmed; undefined when missing, not text, or a firmware placeholder. */
export function text(value: unknown, max = 200): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Control characters (C0 and DEL) become spaces.
  // eslint-disable-next-line no-control-regex
  const s = value.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
  if (s === '' || PLACEHOLDERS.has(s.toLowerCase()) || /^0+$/.test(s) || /^[x\-_.\s]+$/i.test(s)) return undefined;
  return s.length > max ? s.slice(0, max) : s;
}

/** 16 EB: past any real memory or drive; a larger figure is a broken or hostile report. */
const MAX_BYTES = 2 ** 64;

/** A byte count from a report: a finite, non-negative number below 2⁶⁴, or a 400. */
export function bytes(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number') return undefined;
  if (!Number.isFinite(n) || n < 0 || n > MAX_BYTES) throw unreadable(`${field} is not a plausible size (${String(n).slice(0, 40)}).`);
  return n;
}

/** Chassis names as lshw, dmidecode (SMBIOS type 3) and Workbench print them, to the service's categories. */
const CHASSIS: Record<string, DeviceCategory> = {
  notebook: 'laptop',
  laptop: 'laptop',
  portable: 'laptop',
  subnotebook: 'laptop',
  netbook: 'laptop',
  convertible: 'laptop',
  detachable: 'laptop',
  handheld: 'laptop',
  desktop: 'desktop',
  tower: 'desktop',
  minitower: 'desktop',
  microtower: 'desktop',
  lowprofile: 'desktop',
  lowprofiledesktop: 'desktop',
  spacesaving: 'desktop',
  lunchbox: 'desktop',
  pizzabox: 'desktop',
  mini: 'desktop',
  minipc: 'desktop',
  stickpc: 'desktop',
  sff: 'desktop',
  computer: 'desktop',
  allinone: 'all_in_one',
  tablet: 'tablet',
  rackmount: 'server',
  rackmountchassis: 'server',
  server: 'server',
  mainserverchassis: 'server',
  blade: 'server',
  bladeenclosure: 'server',
  multisystem: 'server',
  multisystemchassis: 'server',
};

export function categoryOfChassis(chassis: string | undefined): DeviceCategory | undefined {
  if (chassis === undefined) return undefined;
  return CHASSIS[chassis.toLowerCase().replace(/[^a-z]/g, '')];
}

/** The same serial however a tool spaced or cased it. */
export const serialMatch = (s: string): string => s.replace(/\s+/g, '').toUpperCase();

/** A report field as text for matching: itself when a string, else empty (an object is never stringified). */
export const str = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
