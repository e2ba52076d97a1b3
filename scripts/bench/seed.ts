/**
 * The devices the lookup benchmarks and the profile read: the first admin,
 * then one intake per device with one drive, through the service's own code.
 */
import type { Services } from '../../src/container.js';

export async function seedLaptops(services: Services, password: string, count: number): Promise<string[]> {
  await services.users.bootstrapAdmin(password);
  const admin = { id: 1, username: 'admin', displayName: 'Administrator', role: 'admin' as const, siteId: 1 };
  const tags: string[] = [];
  for (let i = 0; i < count; i++) {
    const device = await services.devices.intake(admin, {
      category: 'laptop',
      make: 'Lenovo',
      model: 'ThinkPad T480',
      serialNumber: `BENCH-${i}`,
      storage: [{ serialNumber: `DRIVE-${i}`, kind: 'ssd', capacityGb: 256 }],
    });
    tags.push(device.assetTag);
  }
  return tags;
}
