/**
 * Asset tags (docs/domain.md §3): PREFIX-NNNNNN-C, where C is a Luhn mod 36 check
 * character over the prefix and the digits (alphabet 0-9A-Z). A single
 * mistyped character or a swap of two neighbours is caught.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const N = ALPHABET.length;
export const TAG_PATTERN = /^([A-Z]{2,4})-(\d{6})-([0-9A-Z])$/;
export const MAX_SEQ = 999_999;

export function checkCharacter(payload: string): string {
  let factor = 2;
  let sum = 0;
  for (let i = payload.length - 1; i >= 0; i--) {
    const code = ALPHABET.indexOf(payload[i]!);
    if (code < 0) throw new Error(`Character ${payload[i]} is outside 0-9A-Z`);
    let addend = factor * code;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / N) + (addend % N);
    sum += addend;
  }
  return ALPHABET[(N - (sum % N)) % N]!;
}

export function formatTag(prefix: string, seq: number): string {
  if (!Number.isInteger(seq) || seq < 1 || seq > MAX_SEQ) throw new Error(`Sequence ${seq} out of range`);
  const digits = String(seq).padStart(6, '0');
  return `${prefix}-${digits}-${checkCharacter(prefix + digits)}`;
}

export type TagParse =
  | { kind: 'valid'; tag: string; prefix: string; seq: number }
  | { kind: 'bad_check'; tag: string }
  | { kind: 'not_a_tag' };

/** Reads a tag typed or scanned; case and surrounding spaces are forgiven. */
export function parseTag(input: string): TagParse {
  const tag = input.trim().toUpperCase();
  const m = TAG_PATTERN.exec(tag);
  if (!m) return { kind: 'not_a_tag' };
  const [, prefix, digits, check] = m as unknown as [string, string, string, string];
  if (checkCharacter(prefix + digits) !== check) return { kind: 'bad_check', tag };
  return { kind: 'valid', tag, prefix, seq: Number(digits) };
}
