/**
 * `dmidecode` text: blocks ("Handle 0x0001, DMI type 1, 27 bytes", a title,
 * then tab-indented "Key: Value" lines). Read by DMI type: 1 system, 3
 * chassis, 4 processor, 17 memory device.
 */
import { bytes, categoryOfChassis, text, type ReadMachine, type ReadReport } from './draft.js';
import { reportLines, unreadable } from './report-text.js';

interface Block {
  type: number;
  fields: Map<string, string>;
}

export function looksLikeDmidecode(textValue: string): boolean {
  return /^Handle 0x[0-9A-Fa-f]+, DMI type \d+/m.test(textValue);
}

function blocks(source: string): Block[] {
  const out: Block[] = [];
  let current: Block | undefined;
  for (const line of reportLines(source, 'The dmidecode text')) {
    const handle = /^Handle 0x[0-9A-Fa-f]+, DMI type (\d+)/.exec(line);
    if (handle) {
      current = { type: Number(handle[1]), fields: new Map() };
      out.push(current);
      if (out.length > 10_000) throw unreadable('The dmidecode text has more than 10000 blocks.');
      continue;
    }
    const field = /^\t([^\t:][^:]*):\s?(.*)$/.exec(line);
    if (current && field && !current.fields.has(field[1]!.trim())) current.fields.set(field[1]!.trim(), field[2]!);
  }
  return out;
}

const UNITS: Record<string, number> = { B: 1, BYTES: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40 };

/** "4096 MB", "8 GB", "No Module Installed": memory as dmidecode prints it (binary units). */
function memorySize(value: string | undefined, field: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(bytes|[KMGT]?B)$/i.exec(value?.trim() ?? '');
  if (!m) return undefined;
  return bytes(Number(m[1]) * UNITS[m[2]!.toUpperCase()]!, field);
}

export function readDmidecodeMachine(source: string, warnings: string[]): ReadMachine {
  const all = blocks(source);
  if (all.length === 0) throw unreadable('The dmidecode text has no DMI blocks.');
  const machine: ReadMachine = {};
  const system = all.find((b) => b.type === 1);
  if (system) {
    machine.make = text(system.fields.get('Manufacturer'), 100);
    machine.model = text(system.fields.get('Product Name'), 100);
    machine.serialNumber = text(system.fields.get('Serial Number'), 100);
    // Lenovo puts the marketing name in Version ("ThinkPad X1 Carbon 5th") and the machine type in Product Name.
    const version = text(system.fields.get('Version'), 100);
    if (machine.make && /lenovo/i.test(machine.make) && version && /think|idea|yoga|legion/i.test(version)) machine.model = version;
  } else warnings.push('The dmidecode text has no System Information (type 1) block.');
  const chassis = all.find((b) => b.type === 3);
  machine.chassis = text(chassis?.fields.get('Type'));
  machine.category = categoryOfChassis(machine.chassis);
  const cpu = all.find((b) => b.type === 4 && text(b.fields.get('Version')) !== undefined && !/unpopulated/i.test(b.fields.get('Status') ?? ''));
  machine.cpu = text(cpu?.fields.get('Version'));
  const modules = all.filter((b) => b.type === 17).map((b, i) => memorySize(b.fields.get('Size'), `Memory device ${i + 1}`));
  const installed = modules.filter((s): s is number => s !== undefined);
  if (installed.length > 0) machine.ramBytes = bytes(installed.reduce((a, b) => a + b, 0), 'The memory size');
  return machine;
}

export function readDmidecode(source: string): ReadReport {
  const warnings: string[] = [];
  const machine = readDmidecodeMachine(source, warnings);
  warnings.push('dmidecode does not list drives: add them by hand or drop a smartctl report.');
  return { format: 'dmidecode', machine, drives: [], warnings };
}
