/**
 * A refusal (problem+json) in the reader's words. The server's `detail` is
 * English and stays so (it is for logs and API clients); the front ends say
 * the reason from the locale files by the problem's stable `code`
 * (`problem.<code>`), or a general sentence with the code when a code has no
 * text. A field's own reason is a short locale message when the server's
 * words are of a kind recognised here (missing, too long, not a choice…),
 * else the server's words. Field paths arrive as the error handler writes
 * them (`body.password`, `query.limit`); forms know their fields by the
 * body's own names.
 */
import type { FieldProblem, Problem } from './api.js';
import { t, tOr } from './i18n.js';

export interface FormProblem {
  /** Field name (without `body.`) → the reason, in the reader's language. */
  fields: Record<string, string>;
  /** Said above the form: the reason when no field of the form shows it, with the fields the form does not hold. */
  general: string | null;
}

/**
 * The reason for a refusal's code, in the reader's language; with the
 * device's status now when the problem names it (`currentStatus`: a device
 * that moved on meanwhile, which the English detail would have said).
 */
export function problemReason(problem: Pick<Problem, 'code'> & { currentStatus?: unknown }): string {
  const code = typeof problem.code === 'string' ? problem.code : '';
  const reason = tOr(`problem.${code}`, t('problem.unknown', { code: code || '?' }));
  const status = problem.currentStatus;
  return typeof status === 'string' ? `${reason} ${t('problem.currentStatus', { status: tOr(`station.status.${status}`, status) })}` : reason;
}

/**
 * A field's reason from the server's words (zod's messages, the handler's
 * `unknown property`): a locale message for a kind recognised, else the
 * words as they are.
 */
export function fieldReason(message: string): string {
  let m: RegExpExecArray | null;
  if (message === 'unknown property') return t('problem.field.unknown');
  if (/received undefined$/.test(message) || /^Too small: expected string to have >=1 characters?$/.test(message)) return t('problem.field.required');
  if ((m = /^Too big: expected string to have <=(\d+) characters?/.exec(message))) return t('problem.field.tooLong', { max: Number(m[1]) });
  if ((m = /^Too small: expected string to have >=(\d+) characters?/.exec(message))) return t('problem.field.tooShort', { min: Number(m[1]) });
  if ((m = /^Too big: expected (?:number|bigint|int) to be <=?\s*(-?[\d.]+)/.exec(message))) return t('problem.field.tooBig', { max: m[1]! });
  if ((m = /^Too small: expected (?:number|bigint|int) to be >=?\s*(-?[\d.]+)/.exec(message))) return t('problem.field.tooSmall', { min: m[1]! });
  if ((m = /^Too big: expected (?:array|set) to have <=(\d+) items?/.exec(message))) return t('problem.field.tooMany', { max: m[1]! });
  if (/^Invalid option/.test(message)) return t('problem.field.notInList');
  if (/^Invalid input: expected \w+, received \w+$/.test(message)) return t('problem.field.wrongType');
  if (/^Invalid (string|email|url|uuid|ISO)/.test(message)) return t('problem.field.badFormat');
  return message;
}

/** `body.storage.0.serialNumber` → `storage.0.serialNumber`: the name the request body gives it. */
function fieldPath(field: string): string {
  return field.replace(/^body\.?/, '');
}

function fieldLine(e: FieldProblem): string {
  const reason = fieldReason(e.message);
  return e.field ? t('problem.field.line', { field: fieldPath(e.field), reason }) : reason;
}

export function formProblem(problem: Problem, formFields: readonly string[]): FormProblem {
  const fields: Record<string, string> = {};
  const unplaced: string[] = [];
  for (const e of problem.errors ?? []) {
    const name = fieldPath(e.field).split('.')[0] ?? '';
    const reason = fieldReason(e.message);
    if (formFields.includes(name)) fields[name] = fields[name] ? `${fields[name]}; ${reason}` : reason;
    else unplaced.push(fieldLine(e));
  }
  const placed = Object.keys(fields).length > 0;
  const general = unplaced.length > 0 ? [problemReason(problem), ...unplaced].join(' · ') : placed ? null : problemReason(problem);
  return { fields, general };
}

/** A refusal said in one line where no form holds its fields: the reason, then each field named with its reason. */
export function problemSummary(problem: Problem): string {
  return [problemReason(problem), ...(problem.errors ?? []).map(fieldLine)].join(' · ');
}
