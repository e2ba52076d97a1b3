/**
 * Which sanitization techniques are valid for which kind of drive at which
 * method class (docs/domain.md §3): one data table, each row with its source, read by
 * the service (to refuse a record) and by the scan station (to offer only
 * these). Pure data and functions, no I/O, so the station bundles it.
 *
 * Sources: NIST SP 800-88 Rev. 1 Appendix A, "Minimum Sanitization
 * Recommendations" (table A-7 ATA hard disk drives, A-8 ATA solid state
 * drives, A-9 SCSI/SAS and A-10 NVMe solid state drives, A-11 removable and
 * embedded flash including eMMC), and IEEE 2883-2022 (Standard for
 * Sanitizing Storage), which NIST SP 800-88 Rev. 2 points to for techniques.
 * IEEE 2883 says "destruct" where NIST says "destroy".
 */

export type MediaKind = 'hdd' | 'ssd' | 'nvme' | 'emmc' | 'other';
export type MethodClass = 'clear' | 'purge' | 'destroy';
export type Technique =
  | 'overwrite'
  | 'block_erase'
  | 'crypto_erase'
  | 'sanitize_command'
  | 'secure_erase'
  | 'shred'
  | 'crush'
  | 'drill'
  | 'degauss'
  | 'other';

export interface MediaRule {
  kind: MediaKind;
  method: MethodClass;
  techniques: readonly Technique[];
  /** The technique a station preselects for this kind and method. */
  usual: Technique;
  source: string;
}

const LOGICAL: readonly Technique[] = ['overwrite', 'block_erase', 'crypto_erase', 'sanitize_command', 'secure_erase', 'degauss', 'other'];
const PHYSICAL: readonly Technique[] = ['shred', 'crush', 'drill', 'other'];

export const MEDIA_TECHNIQUES: readonly MediaRule[] = [
  {
    kind: 'hdd',
    method: 'clear',
    techniques: ['overwrite'],
    usual: 'overwrite',
    source: 'NIST SP 800-88 Rev. 1 table A-7 (ATA hard disk drives), Clear: overwrite with at least one pass of a fixed pattern, then verify; IEEE 2883-2022 §6 (magnetic media), Clear',
  },
  {
    kind: 'hdd',
    method: 'purge',
    techniques: ['secure_erase', 'sanitize_command', 'crypto_erase', 'degauss'],
    usual: 'sanitize_command',
    source:
      'NIST SP 800-88 Rev. 1 table A-7, Purge: ATA SECURITY ERASE UNIT, ATA SANITIZE (overwrite or crypto scramble), cryptographic erase on self-encrypting drives, or degauss with a degausser rated for the media’s coercivity; IEEE 2883-2022 §6, Purge',
  },
  {
    kind: 'hdd',
    method: 'destroy',
    techniques: ['shred', 'crush', 'drill'],
    usual: 'shred',
    source: 'NIST SP 800-88 Rev. 1 table A-7, Destroy: shred, disintegrate, pulverize or incinerate; IEEE 2883-2022 §6, Destruct (including bending, drilling or crushing the platters)',
  },
  {
    kind: 'ssd',
    method: 'clear',
    techniques: ['overwrite', 'secure_erase'],
    usual: 'overwrite',
    source: 'NIST SP 800-88 Rev. 1 table A-8 (ATA solid state drives), Clear: overwrite, or ATA SECURITY ERASE UNIT (normal); a host overwrite of flash is never a purge (the controller remaps blocks)',
  },
  {
    kind: 'ssd',
    method: 'purge',
    techniques: ['block_erase', 'crypto_erase', 'sanitize_command', 'secure_erase'],
    usual: 'sanitize_command',
    source:
      'NIST SP 800-88 Rev. 1 table A-8, Purge: ATA SANITIZE (block erase or crypto scramble), cryptographic erase, or ATA SECURITY ERASE UNIT (enhanced) where the vendor documents it as a purge; IEEE 2883-2022 §7 (flash media), Purge',
  },
  {
    kind: 'ssd',
    method: 'destroy',
    techniques: ['shred'],
    usual: 'shred',
    source: 'NIST SP 800-88 Rev. 1 table A-8, Destroy: shred, disintegrate, pulverize or incinerate (a drill hole or a crush leaves flash chips whole); IEEE 2883-2022 §7, Destruct',
  },
  {
    kind: 'nvme',
    method: 'clear',
    techniques: ['overwrite'],
    usual: 'overwrite',
    source: 'NIST SP 800-88 Rev. 1 table A-10 (NVMe solid state drives), Clear: overwrite with at least one pass, then verify; IEEE 2883-2022 §7, Clear',
  },
  {
    kind: 'nvme',
    method: 'purge',
    techniques: ['sanitize_command', 'crypto_erase', 'block_erase'],
    usual: 'sanitize_command',
    source:
      'NIST SP 800-88 Rev. 1 table A-10, Purge: NVMe Sanitize (block erase, crypto erase or overwrite action), or NVMe Format with Secure Erase Settings 1 (user data erase) or 2 (cryptographic erase); IEEE 2883-2022 §7, Purge',
  },
  {
    kind: 'nvme',
    method: 'destroy',
    techniques: ['shred'],
    usual: 'shred',
    source: 'NIST SP 800-88 Rev. 1 table A-10, Destroy: shred, disintegrate, pulverize or incinerate; IEEE 2883-2022 §7, Destruct',
  },
  {
    kind: 'emmc',
    method: 'clear',
    techniques: ['overwrite'],
    usual: 'overwrite',
    source: 'NIST SP 800-88 Rev. 1 table A-11 (removable and embedded flash, eMMC), Clear: overwrite; IEEE 2883-2022 §7, Clear',
  },
  {
    kind: 'emmc',
    method: 'purge',
    techniques: ['block_erase', 'sanitize_command'],
    usual: 'sanitize_command',
    source: 'NIST SP 800-88 Rev. 1 table A-11, Purge: the eMMC SANITIZE or SECURE ERASE command (block erase of unmapped and mapped blocks); IEEE 2883-2022 §7, Purge',
  },
  {
    kind: 'emmc',
    method: 'destroy',
    techniques: ['shred'],
    usual: 'shred',
    source: 'NIST SP 800-88 Rev. 1 table A-11, Destroy: shred, disintegrate, pulverize or incinerate; IEEE 2883-2022 §7, Destruct',
  },
  {
    kind: 'other',
    method: 'clear',
    techniques: LOGICAL,
    usual: 'overwrite',
    source: 'No per-media row for this kind: any logical technique, with notes saying what the media is and what was done',
  },
  {
    kind: 'other',
    method: 'purge',
    techniques: LOGICAL,
    usual: 'other',
    source: 'No per-media row for this kind: any logical technique, with notes saying what the media is and what was done',
  },
  {
    kind: 'other',
    method: 'destroy',
    techniques: PHYSICAL,
    usual: 'shred',
    source: 'No per-media row for this kind: any physical technique, with notes saying what the media is and what was done',
  },
];

export function mediaRule(kind: MediaKind, method: MethodClass): MediaRule {
  const rule = MEDIA_TECHNIQUES.find((r) => r.kind === kind && r.method === method);
  if (!rule) throw new Error(`no media rule for ${kind} ${method}`);
  return rule;
}

/** The techniques valid for this kind of drive at this method class. */
export const allowedTechniques = (kind: MediaKind, method: MethodClass): readonly Technique[] => mediaRule(kind, method).techniques;

/** What a record of this kind, method and technique must also carry: notes where the table cannot speak for it. */
export const needsNotes = (kind: MediaKind, technique: Technique): boolean => kind === 'other' || technique === 'other';

/** The method and technique a station preselects for a drive: a software clear for disks, the drive's own purge command for flash. */
export function usualChoice(kind: MediaKind): { method: MethodClass; technique: Technique } {
  const method: MethodClass = kind === 'hdd' || kind === 'other' ? 'clear' : 'purge';
  return { method, technique: mediaRule(kind, method).usual };
}

/** IEEE 2883's word for a NIST method class where it differs (certificates print both). */
export const IEEE_2883_TERM: Readonly<Record<MethodClass, string>> = { clear: 'Clear', purge: 'Purge', destroy: 'Destruct' };
