/**
 * `smartctl --json` (one drive) or a list of them, as Workbench collects.
 * The device type says NVMe; the rotation rate says SSD (0) or HDD.
 */
import { bytes, str, text, type ReadDrive, type ReadReport } from './draft.js';
import { unreadable } from './report-text.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function looksLikeSmartctl(value: unknown): boolean {
  const first: unknown = Array.isArray(value) ? (value[0] as unknown) : value;
  return isObj(first) && (isObj(first.smartctl) || 'json_format_version' in first);
}

/** One smartctl answer: a drive, or the reason it has none (smartctl could not open the device). */
export function readSmartctlDrive(s: Obj, index: number, warnings: string[]): ReadDrive | undefined {
  const device = isObj(s.device) ? s.device : {};
  const name = text(device.name) ?? `#${index + 1}`;
  const serialNumber = text(s.serial_number, 100);
  if (serialNumber === undefined) {
    const messages = isObj(s.smartctl) && Array.isArray(s.smartctl.messages) ? s.smartctl.messages.filter(isObj).map((m) => text(m.string)).filter(Boolean) : [];
    warnings.push(`smartctl read no drive at ${name}${messages.length > 0 ? `: ${messages.slice(0, 2).join('; ')}` : ''}.`);
    return undefined;
  }
  const capacity = isObj(s.user_capacity) ? s.user_capacity.bytes : s.user_capacity;
  const capacityBytes = bytes(capacity, `The capacity of drive ${name}`) ?? bytes(s.nvme_total_capacity, `The capacity of drive ${name}`);
  const protocol = `${str(device.type)} ${str(device.protocol)}`;
  const rotation = s.rotation_rate;
  let kind: ReadDrive['kind'];
  if (/nvme/i.test(protocol)) kind = 'nvme';
  else if (rotation === 0) kind = 'ssd';
  else if (typeof rotation === 'number' && rotation > 0) kind = 'hdd';
  else if (/solid state|ssd/i.test(`${str(s.form_factor)} ${str(s.model_name)}`)) kind = 'ssd';
  else {
    kind = 'hdd';
    warnings.push(`smartctl gives no rotation rate for ${serialNumber}: taken as a hard disk; check it.`);
  }
  return { serialNumber, capacityBytes, model: text(s.model_name, 200) ?? text(s.model_family, 200), kind, source: 'smartctl' };
}

export function readSmartctlList(value: unknown, warnings: string[]): ReadDrive[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length > 64) throw unreadable('The report lists more than 64 drives.');
  return list.flatMap((s, i) => {
    if (!isObj(s)) {
      warnings.push(`smartctl entry ${i + 1} is not an object.`);
      return [];
    }
    const d = readSmartctlDrive(s, i, warnings);
    return d ? [d] : [];
  });
}

export function readSmartctl(value: unknown): ReadReport {
  const warnings: string[] = [];
  const drives = readSmartctlList(value, warnings);
  warnings.push('A smartctl report names drives only: the machine itself (make, model, serial number) is not in it.');
  return { format: 'smartctl', machine: {}, drives, warnings };
}
