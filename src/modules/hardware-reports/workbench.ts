/**
 * eReuse Workbench snapshots. Workbench 2022 and workbench-script put the
 * tools' own output under `data`: `lshw` (object or string), `smart` (a list)
 * or `smartctl` (a string holding the list), `dmidecode` (text). Workbench
 * 11 and 12 send what they parsed themselves: `device` and `components`.
 */
import { bytes, categoryOfChassis, serialMatch, str, text, type ReadDrive, type ReadMachine, type ReadReport } from './draft.js';
import { looksLikeDmidecode, readDmidecodeMachine } from './dmidecode.js';
import { readLshw } from './lshw.js';
import { parseReportJson, unreadable } from './report-text.js';
import { readSmartctlList } from './smartctl.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function looksLikeWorkbenchData(value: unknown): value is { data: Obj } {
  return isObj(value) && isObj(value.data) && ('lshw' in value.data || 'smart' in value.data || 'smartctl' in value.data || 'dmidecode' in value.data);
}

export function looksLikeWorkbench11(value: unknown): value is { device: Obj; components: unknown[] } {
  return isObj(value) && isObj(value.device) && Array.isArray(value.components);
}

/** A field that Workbench stores either as the tool's JSON text or already parsed. */
function embedded(value: unknown, what: string): unknown {
  return typeof value === 'string' ? parseReportJson(value, what) : value;
}

export function readWorkbenchData(snapshot: { data: Obj }): ReadReport {
  const warnings: string[] = [];
  const data = snapshot.data;
  let machine: ReadMachine = {};
  let drives: ReadDrive[] = [];
  if (data.lshw !== undefined && data.lshw !== '' && data.lshw !== '{}') {
    const lshw = readLshw(embedded(data.lshw, 'The snapshot\'s lshw'));
    machine = lshw.machine;
    drives = lshw.drives;
    warnings.push(...lshw.warnings);
  }
  if (typeof data.dmidecode === 'string' && looksLikeDmidecode(data.dmidecode)) {
    const dmi = readDmidecodeMachine(data.dmidecode, []);
    // lshw first (it is what Workbench itself reads); dmidecode fills what lshw left empty.
    for (const key of Object.keys(dmi) as Array<keyof ReadMachine>) if (machine[key] === undefined) (machine as Record<string, unknown>)[key] = dmi[key];
  }
  const smart = data.smart ?? data.smartctl;
  if (smart !== undefined) {
    const read = readSmartctlList(embedded(smart, 'The snapshot\'s smartctl'), warnings);
    // smartctl names drives in full where lshw cuts the model ("WDC WD1600BEVT-2"): smartctl wins, lshw keeps what smartctl missed.
    const bySerial = new Set(read.map((d) => serialMatch(d.serialNumber ?? '')));
    drives = [...read, ...drives.filter((d) => d.serialNumber === undefined || !bySerial.has(serialMatch(d.serialNumber)))];
  }
  if (data.lshw === undefined && data.dmidecode === undefined) warnings.push('The snapshot holds neither lshw nor dmidecode: the machine itself is not described.');
  return { format: 'workbench', machine, drives, warnings };
}

/** "160042.0 MB", "1024.0 mebibyte", 4096.0 (MB): Workbench 11 sizes. */
function wbSize(value: unknown, decimal: boolean, field: string): number | undefined {
  if (typeof value === 'number') return bytes(value * (decimal ? 1e6 : 2 ** 20), field);
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)/.exec(value.trim());
  if (!m) return undefined;
  const unit = m[2]!.toLowerCase();
  const factor = ({ b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, kibibyte: 2 ** 10, mib: 2 ** 20, mebibyte: 2 ** 20, gib: 2 ** 30, gibibyte: 2 ** 30, tib: 2 ** 40 } as Record<string, number>)[unit];
  return factor === undefined ? undefined : bytes(Number(m[1]) * factor, field);
}

export function readWorkbench11(snapshot: { device: Obj; components: unknown[] }): ReadReport {
  const warnings: string[] = [];
  if (snapshot.components.length > 1000) throw unreadable('The snapshot lists more than 1000 components.');
  const d = snapshot.device;
  const chassis = text(d.chassis);
  const machine: ReadMachine = {
    chassis,
    category: categoryOfChassis(chassis) ?? categoryOfChassis(text(d.type)),
    make: text(d.manufacturer, 100),
    model: text(d.model, 100),
    serialNumber: text(d.serialNumber, 100),
  };
  const components = snapshot.components.filter(isObj);
  machine.cpu = text(components.find((c) => c.type === 'Processor')?.model);
  const ram = components.filter((c) => c.type === 'RamModule').map((c, i) => wbSize(c.size, false, `RAM module ${i + 1}`));
  if (ram.some((s) => s !== undefined)) machine.ramBytes = ram.reduce<number>((a, b) => a + (b ?? 0), 0);
  const drives: ReadDrive[] = components
    .filter((c) => c.type === 'HardDrive' || c.type === 'SolidStateDrive' || c.type === 'DataStorage')
    .map((c, i) => ({
      serialNumber: text(c.serialNumber, 100),
      capacityBytes: wbSize(c.size, true, `Drive ${i + 1}`),
      model: text(c.model, 200),
      kind: /nvme/i.test(str(c.interface)) ? ('nvme' as const) : c.type === 'SolidStateDrive' ? ('ssd' as const) : ('hdd' as const),
      source: 'workbench' as const,
    }));
  return { format: 'workbench-11', machine, drives, warnings };
}
