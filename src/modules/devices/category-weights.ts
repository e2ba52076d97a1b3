/** Device categories (docs/domain.md §3) and typical weights in grams for devices that were not weighed (docs/domain.md §3 "Devices, drives and weights"). */
export const DEVICE_CATEGORIES = [
  'laptop',
  'desktop',
  'all_in_one',
  'tablet',
  'phone',
  'monitor',
  'crt_monitor',
  'printer',
  'server',
  'network',
  'peripheral',
  'other',
] as const;
export type DeviceCategory = (typeof DEVICE_CATEGORIES)[number];

export const DEFAULT_WEIGHT_GRAMS: Readonly<Record<DeviceCategory, number>> = {
  laptop: 2300,
  desktop: 9000,
  all_in_one: 8000,
  tablet: 550,
  phone: 180,
  monitor: 5000,
  crt_monitor: 15000,
  printer: 9000,
  server: 20000,
  network: 1500,
  peripheral: 500,
  other: 1000,
};
