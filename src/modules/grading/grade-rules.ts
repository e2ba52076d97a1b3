/**
 * What a grade promises about the checklist (docs/domain.md §3 "Grades"),
 * as pure rules: a device that does not power on is salvage (D); A and B need
 * a working screen and keyboard where the category has them built in; A
 * needs battery health of at least 80 % where it has a battery. An item left
 * out of the checklist was not checked and contradicts nothing.
 */
import type { DeviceCategory } from '../devices/category-weights.js';
import type { GradeChecklist } from './grading.table.js';

type Grade = 'A' | 'B' | 'C' | 'D';

const WITH_SCREEN: ReadonlySet<DeviceCategory> = new Set(['laptop', 'all_in_one', 'tablet', 'phone', 'monitor', 'crt_monitor']);
const WITH_KEYBOARD: ReadonlySet<DeviceCategory> = new Set(['laptop']);
const WITH_BATTERY: ReadonlySet<DeviceCategory> = new Set(['laptop', 'tablet', 'phone']);

export const MIN_BATTERY_FOR_A = 80;

export interface ChecklistContradiction {
  item: keyof GradeChecklist;
  message: string;
}

/** The checklist items that contradict the grade, in a stable order; empty when the grade holds. */
export function checklistContradictions(category: DeviceCategory, grade: Grade, c: GradeChecklist): ChecklistContradiction[] {
  const out: ChecklistContradiction[] = [];
  if (c.powersOn === false && grade !== 'D') out.push({ item: 'powersOn', message: `a device that does not power on is grade D, not ${grade}` });
  if (grade === 'A' || grade === 'B') {
    if (c.screen === false && WITH_SCREEN.has(category)) out.push({ item: 'screen', message: `grade ${grade} needs a working screen` });
    if (c.keyboard === false && WITH_KEYBOARD.has(category)) out.push({ item: 'keyboard', message: `grade ${grade} needs a working keyboard` });
  }
  if (grade === 'A' && c.batteryHealthPercent !== undefined && c.batteryHealthPercent < MIN_BATTERY_FOR_A && WITH_BATTERY.has(category)) {
    out.push({ item: 'batteryHealthPercent', message: `grade A needs battery health of at least ${MIN_BATTERY_FOR_A} %` });
  }
  return out;
}
