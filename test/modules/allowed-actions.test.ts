import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../src/modules/auth/permissions.js';
import { allowedActions, DEVICE_ACTIONS, DEVICE_STATUSES, refusal, roleMayDo, type LifecycleFacts } from '../../src/modules/devices/device-lifecycle.js';

/** allowedActions is worked out once per case and remembered: whatever came before, it answers what the rules say now. */
describe('allowedActions', () => {
  const direct = (role: (typeof ROLES)[number], facts: LifecycleFacts) => DEVICE_ACTIONS.filter((a) => roleMayDo(role, a) && refusal(a, facts) === null);

  it('answers the rules for any sequence of roles and facts, and a copy the caller may change (property)', () => {
    const facts = fc.record({ status: fc.constantFrom(...DEVICE_STATUSES), sanitized: fc.boolean(), driveCount: fc.nat({ max: 3 }), failedCheck: fc.boolean() });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...ROLES), facts), { minLength: 1, maxLength: 40 }), (cases) => {
        for (const [role, f] of cases) {
          const actions = allowedActions(role, f);
          expect(actions).toEqual(direct(role, f));
          actions.push('issue');
          expect(allowedActions(role, f)).toEqual(direct(role, f));
        }
      }),
      { numRuns: 200 },
    );
  });
});
