/**
 * A refusal (problem+json) laid out for a form: the message for each field it
 * names, and what is left to say above the form. Field paths arrive as the
 * error handler writes them (`body.password`, `query.limit`); forms know
 * their fields by the body's own names.
 */
import type { Problem } from './api.js';

export interface FormProblem {
  /** Field name (without `body.`) → the server's words. */
  fields: Record<string, string>;
  /** Said above the form: the detail when no field is named, or what no field of the form shows. */
  general: string | null;
}

export function formProblem(problem: Problem, formFields: readonly string[]): FormProblem {
  const fields: Record<string, string> = {};
  const unplaced: string[] = [];
  for (const e of problem.errors ?? []) {
    const name = e.field.replace(/^body\.?/, '').split('.')[0] ?? '';
    if (formFields.includes(name)) fields[name] = fields[name] ? `${fields[name]}; ${e.message}` : e.message;
    else unplaced.push(e.field ? `${e.field}: ${e.message}` : e.message);
  }
  const placed = Object.keys(fields).length > 0;
  const general = unplaced.length > 0 ? unplaced.join('; ') : placed ? null : problem.detail;
  return { fields, general };
}
