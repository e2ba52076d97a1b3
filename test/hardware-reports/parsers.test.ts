import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toDraft } from '../../src/modules/hardware-reports/hardware-reports.service.js';
import { readReport } from '../../src/modules/hardware-reports/read-report.js';

const DIR = path.resolve(import.meta.dirname, '../fixtures/hardware-reports');
const fixture = (name: string) => fs.readFileSync(path.join(DIR, name));
const json = (name: string) => JSON.parse(fixture(name).toString('utf8')) as Record<string, unknown>;
const draftOf = (body: Buffer | string) => toDraft(readReport(body));

describe('hardware report parsers on real tool output (test/fixtures/hardware-reports/README.md)', () => {
  it('lshw of a ThinkPad X1 Carbon 5th: notebook chassis → laptop, Lenovo marketing name, RAM in GiB, the NVMe controller as the drive', () => {
    const lshw = json('lshw-thinkpad-x1-carbon-5.json');
    // What the fixture says, read straight from it.
    expect(lshw.class).toBe('system');
    expect((lshw.configuration as Record<string, string>).chassis).toBe('notebook');
    const { format, draft, warnings } = draftOf(fixture('lshw-thinkpad-x1-carbon-5.json'));
    expect(format).toBe('lshw');
    expect(draft).toEqual({
      category: 'laptop',
      make: 'LENOVO',
      model: 'ThinkPad X1 Carbon 5th',
      serialNumber: 'PF0QMY5N',
      // "System Memory" is 17045651456 bytes: 15.87 GiB, to one decimal.
      specs: { cpu: 'Intel(R) Core(TM) i7-7500U CPU @ 2.70GHz', ramGb: 15.9, storageGb: 1024 },
      // The namespace under the controller gives 1024209543168 bytes: 1024 GB as printed on drives.
      storage: [{ serialNumber: 'S35ANX0J401001', kind: 'nvme', capacityGb: 1024, model: 'SAMSUNG MZVLW1T0HMLH-000L7' }],
    });
    // The SD card reader on USB has no card (no size): not a drive, not a warning.
    expect(warnings).toEqual([]);
  });

  it('lshw of an HP Compaq 8100 Elite SFF: low-profile chassis → desktop; a SATA disk lshw does not type is "other" with a warning; the USB boot stick left out', () => {
    const lshw = json('lshw-hp-compaq-8100-elite-sff.json');
    expect((lshw.configuration as Record<string, string>).chassis).toBe('low-profile');
    const { draft, warnings } = draftOf(fixture('lshw-hp-compaq-8100-elite-sff.json'));
    expect(draft).toEqual({
      category: 'desktop',
      make: 'Hewlett-Packard',
      model: 'HP Compaq 8100 Elite SFF PC',
      serialNumber: 'CZC0408YPV',
      specs: { cpu: 'Intel(R) Core(TM) i3 CPU 530 @ 2.93GHz', ramGb: 8, storageGb: 120 },
      // lshw cuts the model; without smartctl it is all there is.
      storage: [{ serialNumber: '173586804248', kind: 'other', capacityGb: 120, model: 'WDC WDS120G1G0A-' }],
    });
    expect(warnings).toEqual([expect.stringMatching(/Flash Disk on USB \(CB7A8994\)/), expect.stringMatching(/173586804248 is a hard disk or an SSD/)]);
  });

  it('lshw printed inside an array (some builds) reads the same', () => {
    const text = `[${fixture('lshw-thinkpad-x1-carbon-5.json').toString('utf8')}]`;
    expect(draftOf(text).draft).toEqual(draftOf(fixture('lshw-thinkpad-x1-carbon-5.json')).draft);
  });

  it('smartctl of an NVMe drive: NVMe transport → nvme, capacity in decimal GB', () => {
    const s = json('smartctl-nvme-samsung-mzvlw1t0.json');
    expect((s.device as Record<string, string>).type).toBe('nvme');
    expect((s.user_capacity as Record<string, number>).bytes).toBe(1024209543168);
    const { format, draft } = draftOf(fixture('smartctl-nvme-samsung-mzvlw1t0.json'));
    expect(format).toBe('smartctl');
    expect(draft.serialNumber).toBeNull();
    expect(draft.storage).toEqual([{ serialNumber: 'S35ANX0J401001', kind: 'nvme', capacityGb: 1024, model: 'SAMSUNG MZVLW1T0HMLH-000L7' }]);
  });

  it('smartctl of a SATA SSD: rotation rate 0 → ssd; the device smartctl could not open is a warning', () => {
    const list = json('smartctl-sata-ssd-wdc-wds120g1g0a.json') as unknown as Array<Record<string, unknown>>;
    expect(list[0]!.rotation_rate).toBe(0);
    const { draft, warnings } = draftOf(fixture('smartctl-sata-ssd-wdc-wds120g1g0a.json'));
    expect(draft.storage).toEqual([{ serialNumber: '173586804248', kind: 'ssd', capacityGb: 120, model: 'WDC WDS120G1G0A-00SS50' }]);
    expect(draft.specs).toEqual({ storageGb: 120 });
    expect(warnings.join(' ')).toMatch(/Unknown USB bridge/);
  });

  it('smartctl of a hard disk: rotation rate 5400 → hdd, 160041885696 bytes → 160 GB', () => {
    const list = json('smartctl-hdd-wdc-wd1600bevt.json') as unknown as Array<Record<string, unknown>>;
    expect(list[0]!.rotation_rate).toBe(5400);
    expect(draftOf(fixture('smartctl-hdd-wdc-wd1600bevt.json')).draft.storage).toEqual([{ serialNumber: 'WD-WX11A80W7430', kind: 'hdd', capacityGb: 160, model: 'WDC WD1600BEVT-22A23T0' }]);
  });

  it('one smartctl object (not a list) is one drive', () => {
    const one = JSON.stringify(json('smartctl-nvme-samsung-mzvlw1t0.json'));
    const list = JSON.stringify([json('smartctl-nvme-samsung-mzvlw1t0.json')]);
    expect(draftOf(one).draft.storage).toEqual(draftOf(list).draft.storage);
  });

  it('Workbench 2022 snapshot: lshw for the machine, smartctl for the full drive model (lshw cuts it), the USB boot stick left out', () => {
    const snapshot = json('workbench-2022-acer-aohappy.json');
    expect(snapshot.software).toBe('Workbench');
    const { format, draft, warnings } = draftOf(fixture('workbench-2022-acer-aohappy.json'));
    expect(format).toBe('workbench');
    expect(draft).toEqual({
      category: 'laptop',
      make: 'Acer',
      // lshw prints "AOHAPPY (NetTopSku)": the SKU in parentheses is not the model.
      model: 'AOHAPPY',
      serialNumber: 'LUSEA0D010038879A01601',
      specs: { cpu: 'Intel(R) Atom(TM) CPU N450 @ 1.66GHz', ramGb: 1, storageGb: 160 },
      // lshw says "WDC WD1600BEVT-2"; smartctl the whole name.
      storage: [{ serialNumber: 'WD-WX11A80W7430', kind: 'hdd', capacityGb: 160, model: 'WDC WD1600BEVT-22A23T0' }],
    });
    expect(warnings.some((w) => /Flash Disk on USB \(CB7A8994\)/.test(w))).toBe(true);
  });

  it('the same snapshot with data.lshw and data.smart as JSON strings reads the same', () => {
    const snapshot = json('workbench-2022-acer-aohappy.json') as { data: Record<string, unknown> };
    const stringly = { ...snapshot, data: { ...snapshot.data, lshw: JSON.stringify(snapshot.data.lshw), smart: JSON.stringify(snapshot.data.smart) } };
    expect(draftOf(JSON.stringify(stringly)).draft).toEqual(draftOf(fixture('workbench-2022-acer-aohappy.json')).draft);
  });

  it('Workbench 11 snapshot: device and components as Workbench parsed them', () => {
    const { format, draft } = draftOf(fixture('workbench-11-acer-aohappy.json'));
    expect(format).toBe('workbench-11');
    expect(draft).toEqual({
      category: 'laptop',
      make: 'Acer',
      model: 'AOHAPPY',
      serialNumber: 'LUSEA0D010038879A01601',
      // RamModule "1024.0 mebibyte"; HardDrive "160042.0 MB".
      specs: { cpu: 'Intel Atom CPU N450 @ 1.66GHz', ramGb: 1, storageGb: 160 },
      storage: [{ serialNumber: 'WD-WX11A80W7430', kind: 'hdd', capacityGb: 160, model: 'WDC WD1600BEVT-2' }],
    });
  });

  it('workbench-script snapshot (no lshw): dmidecode for the machine, data.smartctl (a JSON string) for two mSATA SSDs', () => {
    const snapshot = json('workbench-script-dell-latitude-e7240.json') as { software: string; data: Record<string, unknown> };
    expect(snapshot.software).toBe('workbench-script');
    expect(snapshot.data.lshw).toBeUndefined();
    const { draft, warnings } = draftOf(fixture('workbench-script-dell-latitude-e7240.json'));
    expect(draft).toEqual({
      category: 'laptop',
      make: 'Dell Inc.',
      model: 'Latitude E7240',
      serialNumber: '5CQ6VY1',
      specs: { cpu: 'Intel(R) Core(TM) i7-4600U CPU @ 2.10GHz', ramGb: 16, storageGb: 756 },
      storage: [
        { serialNumber: 'TW0XXM305508539G1361', kind: 'ssd', capacityGb: 256, model: 'LITEONIT LMT-256M6M mSATA 256GB' },
        { serialNumber: 'S33HNX0J203755R', kind: 'ssd', capacityGb: 500, model: 'Samsung SSD 850 EVO mSATA 500GB' },
      ],
    });
    expect(warnings.join(' ')).toMatch(/zd0/);
  });

  it('dmidecode text: system, chassis "Laptop", processor, two 8 GB modules', () => {
    const text = fixture('dmidecode-dell-latitude-e7240.txt').toString('utf8');
    expect(text).toMatch(/Product Name: Latitude E7240/);
    expect(text.match(/\tSize: 8 GB/g)).toHaveLength(2);
    const { format, draft, warnings } = draftOf(text);
    expect(format).toBe('dmidecode');
    expect(draft).toEqual({
      category: 'laptop',
      make: 'Dell Inc.',
      model: 'Latitude E7240',
      serialNumber: '5CQ6VY1',
      specs: { cpu: 'Intel(R) Core(TM) i7-4600U CPU @ 2.10GHz', ramGb: 16 },
      storage: [],
    });
    expect(warnings.join(' ')).toMatch(/does not list drives/);
  });

  it('chassis types to categories: desktop, tower, rack mount; an unknown one leaves the category to choose', () => {
    const dmi = (chassis: string) => `Handle 0x0001, DMI type 1, 27 bytes\nSystem Information\n\tManufacturer: HP\n\tProduct Name: X\n\tSerial Number: ABC123\n\nHandle 0x0003, DMI type 3, 22 bytes\nChassis Information\n\tType: ${chassis}\n`;
    expect(draftOf(dmi('Desktop')).draft.category).toBe('desktop');
    expect(draftOf(dmi('Mini Tower')).draft.category).toBe('desktop');
    expect(draftOf(dmi('Rack Mount Chassis')).draft.category).toBe('server');
    expect(draftOf(dmi('All in One')).draft.category).toBe('all_in_one');
    const other = draftOf(dmi('Bus Expansion Chassis'));
    expect(other.draft.category).toBeNull();
    expect(other.warnings.join(' ')).toMatch(/Bus Expansion Chassis/);
  });

  it('firmware placeholders are not values: "To Be Filled By O.E.M." and "System Serial Number" leave the field empty with a warning', () => {
    const dmi = 'Handle 0x0001, DMI type 1, 27 bytes\nSystem Information\n\tManufacturer: To Be Filled By O.E.M.\n\tProduct Name: To Be Filled By O.E.M.\n\tSerial Number: System Serial Number\n';
    const { draft, warnings } = draftOf(dmi);
    expect([draft.make, draft.model, draft.serialNumber]).toEqual([null, null, null]);
    expect(warnings.join(' ')).toMatch(/no serial number/);
  });
});
