import { sql } from 'drizzle-orm';
import { selectRows, type Executor } from '../../core/db.js';
import type { DeviceStatus } from '../devices/device-lifecycle.js';
import { serialKey } from '../devices/device-reads.js';

export interface Candidate {
  driveId: number;
  serialNumber: string;
  assetTag: string;
  status: DeviceStatus;
}

/** Registered drives whose serial starts like this one (without case or spaces), with their device. */
export async function candidates(db: Executor, key: string): Promise<Candidate[]> {
  const like = `${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await selectRows<{ driveId: number; serialNumber: string; assetTag: string; status: DeviceStatus }>(db, sql`
    select sd.id as "driveId", sd.serial_number as "serialNumber", d.asset_tag as "assetTag", d.status as status
    from storage_drives sd join devices d on d.id = sd.device_id
    where upper(replace(replace(replace(sd.serial_number, ' ', ''), ${'\t'}, ''), ${'\n'}, '')) like ${like} escape '\\'
    order by sd.id`);
  return rows.filter((r) => serialKey(r.serialNumber).startsWith(key));
}

