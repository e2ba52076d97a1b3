/**
 * What other modules may read of sanitization records directly: a device's
 * records and failed checks as a certificate shows them. The state each
 * drive is in comes from drive-state.ts; the rest of
 * sanitization.repository.ts is this module's own.
 */
export type { CertificateRecord } from './sanitization.repository.js';

/** Every record of a device in one custody cycle, oldest first, with who did and who checked it. */
export { certificateRecords } from './sanitization.repository.js';

/** The failed second-person checks of a device's records, in any custody cycle, with what each voids. */
export { failedChecksOf } from './sanitization.repository.js';
