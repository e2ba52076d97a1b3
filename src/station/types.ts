/**
 * The shapes the station reads, taken from the service's own schemas (type
 * imports only: nothing of the server reaches the bundle). A change in the
 * contract breaks the station's type check, not the workbench.
 */
export type { Device } from '../modules/devices/devices.schemas.js';
import type { z } from 'zod';
import type { HistoryEvent as HistoryEventSchema } from '../modules/devices/devices.schemas.js';
import type { ScanResponse as ScanResponseSchema } from '../modules/scans/scans.schemas.js';
import type { IssueResponse as IssueResponseSchema } from '../modules/issuance/issuance.schemas.js';
import type { LoginResponse as LoginResponseSchema } from '../modules/users/users.schemas.js';

export type HistoryEvent = z.infer<typeof HistoryEventSchema>;
export type ScanResponse = z.infer<typeof ScanResponseSchema>;
export type IssueResponse = z.infer<typeof IssueResponseSchema>;
export type LoginResponse = z.infer<typeof LoginResponseSchema>;
export type User = LoginResponse['user'];

export interface StationConfig {
  /** The server's own (first) site: named on the sign-in screen, and for its users while the site list is not read. */
  siteName: string;
  siteCode: string;
  organizationName: string;
  assetTagPrefix: string;
}
