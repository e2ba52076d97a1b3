/** Every table, for drizzle-kit (beside the composition root: core knows no module). Modules own their tables. */
export * from './modules/sites/sites.table.js';
export * from './modules/users/users.table.js';
export * from './modules/audit-log/audit.table.js';
export * from './modules/asset-tags/asset-tags.table.js';
export * from './modules/donations/donations.table.js';
export * from './modules/donations/asset-list.table.js';
export * from './modules/devices/devices.table.js';
export * from './modules/idempotency/idempotency.table.js';
export * from './modules/sanitization/sanitization.table.js';
export * from './modules/repairs/repairs.table.js';
export * from './modules/grading/grading.table.js';
export * from './modules/scans/scans.table.js';
export * from './modules/participants/participants.table.js';
export * from './modules/issuance/issuance.table.js';
export * from './modules/recycling/recycling.table.js';
export * from './modules/translations/translations.table.js';
export * from './modules/wipe-reports/wipe-reports.table.js';
