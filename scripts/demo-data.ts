/**
 * A realistic year of workshop activity, made through the services (so every
 * rule and history event applies): donations, intakes, wipes with some
 * failures, repairs, grades, issuances in several communities, returns, and
 * two sealift shipments (one confirmed, one pending).
 */
import type { Config } from '../src/config.js';
import { fixedClock } from '../src/core/clock.js';
import type { Db } from '../src/core/db.js';
import { createServices } from '../src/container.js';
import type { DeviceCategory } from '../src/modules/devices/category-weights.js';
import type { Actor } from '../src/modules/users/users.service.js';
import { usualChoice, type MediaKind } from '../src/modules/sanitization/media-techniques.js';

/** A passing (or failed) wipe of one drive, with the technique a station would preselect for its kind. */
const wipeOf = (serial: string, kind: MediaKind, result: 'passed' | 'failed' = 'passed') => ({
  storageSerial: serial,
  ...usualChoice(kind),
  tool: kind === 'hdd' ? 'nwipe' : 'nvme-cli',
  toolVersion: kind === 'hdd' ? '0.37' : '2.8',
  verification: 'full' as const,
  result,
});

export interface DemoOptions {
  devices: number;
  seed: number;
  year: number;
  adminPassword: string;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATEGORIES: Array<[DeviceCategory, number, string[]]> = [
  ['laptop', 55, ['Lenovo ThinkPad T480', 'Dell Latitude 5490', 'HP EliteBook 840 G5', 'Lenovo ThinkPad X270']],
  ['desktop', 14, ['Dell OptiPlex 7050', 'HP ProDesk 600 G3']],
  ['monitor', 10, ['Dell P2217', 'LG 22MK430']],
  ['tablet', 6, ['Apple iPad 6th gen', 'Samsung Galaxy Tab A']],
  ['phone', 4, ['Samsung Galaxy A10']],
  ['crt_monitor', 3, ['Sony Trinitron']],
  ['printer', 4, ['HP LaserJet P2055']],
  ['network', 2, ['Cisco SG200']],
  ['peripheral', 2, ['Logitech K120']],
];
const DONORS: Array<[string, 'business' | 'government' | 'school' | 'individual' | 'other']> = [
  ['Government of Nunavut, Department of Finance', 'government'],
  ['ᐃᖃᓗᐃᑦ Housing Office', 'government'],
  ['Arctic Co-operatives Ltd.', 'business'],
  ['Inuksuk High School', 'school'],
  ['Northern Bank branch', 'business'],
  ['A resident of Apex', 'individual'],
  ['City of Iqaluit', 'government'],
];
const COMMUNITIES = ['Iqaluit', 'Arviat', 'Kugaaruk', 'Kimmirut', 'Kugluktuk', 'Gjoa Haven', 'Chesterfield Inlet'];

export async function fillDemo(db: Db, config: Config, o: DemoOptions): Promise<{ devices: number; issued: number; shipments: number }> {
  const random = rng(o.seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  const clock = fixedClock(`${o.year}-01-05T14:00:00.000Z`);
  const s = createServices({ db, clock, config, random });
  await s.users.bootstrapAdmin(o.adminPassword);
  const admin: Actor = { id: 1, username: 'admin', displayName: 'Administrator', role: 'admin', siteId: 1 };
  const mk = async (username: string, displayName: string, role: Actor['role']): Promise<Actor> => {
    const u = await s.users.create(admin, { username, displayName, role, password: `${username}-demo-password` });
    return { id: u.id, username, displayName, role, siteId: 1 };
  };
  const trainees = [await mk('annie', 'Annie Q.', 'trainee'), await mk('joseph', 'Joseph K.', 'trainee'), await mk('ooleepeeka', 'Ooleepeeka A.', 'trainee')];
  const coordinator = await mk('maina', 'Maina T.', 'coordinator');
  await mk('office', 'Office staff', 'staff');

  const recycler = await s.recycling.createRecycler(coordinator, { name: 'Southern E-Cycle Inc.', certification: 'R2', certificateExpiry: `${o.year + 1}-06-30`, address: 'Montréal, QC' });
  const participants: string[] = [];
  const participantCount = Math.max(8, Math.round(o.devices / 3));
  for (let i = 0; i < participantCount; i++) {
    participants.push((await s.participants.create(coordinator, { community: pick(COMMUNITIES), program: 'Digital literacy', cohort: `${o.year}-${i % 2 ? 'fall' : 'winter'}`, consent: { given: true, language: pick(['iu', 'en', 'iu', 'ikt']) } })).code);
  }

  const start = Date.parse(`${o.year}-01-05T14:00:00.000Z`);
  const span = Date.parse(`${o.year}-11-30T14:00:00.000Z`) - start;
  const totalWeight = CATEGORIES.reduce((n, c) => n + c[1], 0);
  let donation = 0;
  let issued = 0;
  const toShip: string[] = [];
  const holders = new Map<string, string>();
  const free = [...participants];

  for (let i = 0; i < o.devices; i++) {
    const t = start + (span * i) / o.devices;
    clock.set(new Date(t));
    if (i % 20 === 0) donation = (await s.donations.create(pick(trainees), { donorName: pick(DONORS)[0], donorType: pick(DONORS)[1], receivedAt: new Date(t).toISOString().slice(0, 10) })).id;
    let r = random() * totalWeight;
    const cat = CATEGORIES.find((c) => (r -= c[1]) < 0) ?? CATEGORIES[0]!;
    const [make, ...model] = pick(cat[2]).split(' ');
    const hasDrive = ['laptop', 'desktop', 'tablet', 'phone', 'printer'].includes(cat[0]);
    const trainee = pick(trainees);
    const driveKind: MediaKind = cat[0] === 'laptop' ? pick(['ssd', 'nvme', 'hdd'] as const) : cat[0] === 'desktop' ? 'hdd' : 'emmc';
    const device = await s.devices.intake(trainee, {
      category: cat[0],
      make: make!,
      model: model.join(' '),
      serialNumber: `DEMO${o.seed}-${i}`,
      donationId: donation,
      ...(random() < 0.4 ? { weightGrams: Math.round(800 + random() * 20000) } : {}),
      storage: hasDrive ? [{ serialNumber: `DRV${o.seed}-${i}`, kind: driveKind, capacityGb: pick([128, 256, 500]) }] : [],
    });
    const tag = device.assetTag;
    clock.set(new Date(t + 3600_000));
    if (hasDrive) {
      const serial = `DRV${o.seed}-${i}`;
      if (random() < 0.05) await s.sanitization.record(trainee, tag, wipeOf(serial, driveKind, 'failed'));
      const destroy = ['printer'].includes(cat[0]);
      await s.sanitization.record(trainee, tag, destroy ? { storageSerial: serial, method: 'destroy', technique: 'shred', tool: 'shredder', verification: 'full', result: 'passed' } : wipeOf(serial, driveKind));
    } else {
      await s.sanitization.record(trainee, tag, { noStorage: true });
    }
    clock.set(new Date(t + 2 * 3600_000));
    const reusable = ['laptop', 'tablet', 'desktop', 'phone'].includes(cat[0]);
    if (!reusable) {
      await s.deviceActions.recycle(coordinator, tag, 'not reused by the program');
      toShip.push(tag);
      continue;
    }
    if (random() < 0.2) {
      const rep = await s.repairs.open(trainee, tag, { description: pick(['Replace keyboard', 'Replace battery', 'Reseat RAM', 'Replace hinge']), minutes: 20 });
      await s.repairs.complete(trainee, tag, rep.repair.id, { outcome: random() < 0.85 ? 'fixed' : 'not_fixed', minutes: Math.round(10 + random() * 60) });
    }
    const g = random();
    const grade = g < 0.25 ? 'A' : g < 0.6 ? 'B' : g < 0.8 ? 'C' : 'D';
    // Battery health as graders find it; an A needs at least 80 % (docs/domain.md §3).
    const battery = grade === 'A' ? Math.round(80 + random() * 20) : Math.round(50 + random() * 50);
    await s.grading.grade(trainee, tag, { grade, checklist: { powersOn: grade !== 'D' || random() < 0.5, batteryHealthPercent: battery }, specs: { cpu: 'Intel Core i5', ramGb: pick([8, 16]), storageGb: 256, os: 'Linux Mint 22' } });
    if (grade === 'D') {
      toShip.push(tag);
      continue;
    }
    if (random() < 0.8) {
      clock.set(new Date(t + 3 * 86400_000));
      if (free.length === 0) continue;
      // Take a participant who holds nothing yet (swap-remove keeps this O(1) for large demos).
      const at = Math.floor(random() * free.length);
      const code = free[at]!;
      free[at] = free[free.length - 1]!;
      free.pop();
      const loan = random() < 0.3;
      await s.issuance.issue(coordinator, tag, { participantCode: code, kind: loan ? 'loan' : 'gift', ...(loan ? { dueDate: new Date(t + 120 * 86400_000).toISOString().slice(0, 10) } : {}), accessories: ['charger'], agreementAccepted: true, agreementLanguage: 'iu' });
      holders.set(code, tag);
      issued += 1;
    }
  }

  // A few loans come back, are wiped again and issued to someone else: counted once as reused.
  let returned = 0;
  for (const tag of holders.values()) {
    if (returned >= Math.max(1, Math.round(issued * 0.05))) break;
    const d = await s.devices.get(tag, admin);
    if (d.status !== 'issued') continue;
    clock.set(new Date(Date.parse(d.statusChangedAt) + 30 * 86400_000));
    await s.issuance.return(coordinator, tag, { condition: 'good', personalDataRemoved: true });
    for (const drive of (await s.devices.get(tag, admin)).storage) {
      await s.sanitization.record(pick(trainees), tag, wipeOf(drive.serialNumber, drive.kind));
    }
    await s.grading.grade(pick(trainees), tag, { grade: 'B' });
    const next = free.pop();
    if (next) {
      await s.issuance.issue(coordinator, tag, { participantCode: next, kind: 'gift', accessories: ['charger'], agreementAccepted: true });
      holders.set(next, tag);
    }
    returned += 1;
  }

  // Second-person checks of the drawn sample, by someone other than the technician.
  for (const v of (await s.sanitization.listVerifications(admin, 'pending', 500, undefined)).items) {
    const verifier = trainees.find((x) => x.id !== v.record.technician.id)!;
    const passed = random() < 0.97;
    // Checked a day after the device's latest change: the demo clock moves back and forth between devices.
    clock.set(new Date(Date.parse((await s.devices.get(v.record.assetTag, admin)).updatedAt) + 86400_000));
    await s.sanitization.verify(verifier, v.id, passed ? 'passed' : 'failed', undefined);
    if (passed) continue;
    // A failed check undoes the wipe (docs/domain.md §2): the drive is wiped again by someone else, and a device
    // that was ready is graded again. One that is out with a participant stays flagged for recall.
    const d = await s.devices.get(v.record.assetTag, admin);
    if (!['received', 'in_repair', 'awaiting_recycling'].includes(d.status)) continue;
    clock.set(new Date(Date.parse(d.updatedAt) + 3600_000));
    for (const drive of d.storage.filter((x) => x.sanitizationState !== 'passed')) {
      await s.sanitization.record(verifier, d.assetTag, d.status === 'awaiting_recycling' ? { storageSerial: drive.serialNumber, method: 'destroy', technique: 'shred', tool: 'shredder', verification: 'full', result: 'passed' } : wipeOf(drive.serialNumber, drive.kind));
    }
    if ((await s.devices.get(d.assetTag, admin)).status === 'sanitized') await s.grading.grade(verifier, d.assetTag, { grade: 'B' });
  }

  // Two sealift sailings: August (confirmed by the recycler) and October (still pending),
  // in containers of at most 500 devices.
  const half = Math.floor(toShip.length / 2);
  const batches: Array<[string[], string, boolean]> = [];
  for (const [tags, when, confirmed] of [
    [toShip.slice(0, half), `${o.year}-08-20T18:00:00.000Z`, true],
    [toShip.slice(half), `${o.year}-10-05T18:00:00.000Z`, false],
  ] as Array<[string[], string, boolean]>) {
    for (let i = 0; i < Math.max(1, tags.length); i += 500) batches.push([tags.slice(i, i + 500), when, confirmed]);
  }
  let shipments = 0;
  for (const [tags, when, confirm] of batches) {
    clock.set(when);
    const sh = await s.recycling.create(coordinator, { recyclerId: recycler.id, mode: 'sealift', carrier: 'NEAS', containerNumber: `MSKU${1000000 + shipments}`, billOfLading: `BOL-${o.year}-${shipments + 1}` });
    for (const tag of tags) {
      const d = await s.devices.get(tag, admin);
      if (d.status === 'awaiting_recycling') await s.recycling.addDevice(coordinator, sh.id, tag);
    }
    await s.recycling.addBulkLine(coordinator, sh.id, { category: 'cables and chargers', weightGrams: Math.round(20000 + random() * 30000), units: Math.round(50 + random() * 100) });
    await s.recycling.addBulkLine(coordinator, sh.id, { category: 'keyboards and mice', weightGrams: Math.round(5000 + random() * 10000) });
    await s.recycling.ship(coordinator, sh.id, undefined);
    if (confirm) {
      clock.set(new Date(Date.parse(when) + 40 * 86400_000));
      await s.recycling.confirm(coordinator, sh.id, { certificateNumber: `R2-${o.year}-${shipments + 101}`, receivedAt: new Date(Date.parse(when) + 40 * 86400_000).toISOString().slice(0, 10) });
    }
    shipments += 1;
  }
  return { devices: o.devices, issued, shipments };
}
