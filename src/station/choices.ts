/** The choices the station's forms offer. Plain data, no DOM: a Node test compares them with the service's enums. */
export const CATEGORIES = ['laptop', 'desktop', 'all_in_one', 'tablet', 'phone', 'monitor', 'crt_monitor', 'printer', 'server', 'network', 'peripheral', 'other'] as const;
export const DRIVE_KINDS = ['ssd', 'hdd', 'nvme', 'emmc', 'other'] as const;
export const METHODS = ['clear', 'purge', 'destroy'] as const;
export const TECHNIQUES = ['overwrite', 'block_erase', 'crypto_erase', 'sanitize_command', 'secure_erase', 'shred', 'crush', 'drill', 'degauss', 'other'] as const;
export const VERIFICATIONS = ['full', 'sample', 'none'] as const;
export const CHECKLIST = ['powersOn', 'screen', 'keyboard', 'charger', 'wifi', 'webcam', 'ports'] as const;
export const ACCESSORIES = ['charger', 'bag', 'mouse'] as const;
export const LANGUAGES = ['iu', 'ikt', 'en', 'fr'] as const;

/**
 * The choices the forms offer, with the locale prefix of their names. They
 * mirror the service's enums (a test compares them): the bundle cannot import
 * the server's table files.
 */
export const CHOICES = {
  category: CATEGORIES,
  'station.driveKind': DRIVE_KINDS,
  'station.method': METHODS,
  'station.technique': TECHNIQUES,
  'station.verification': VERIFICATIONS,
  'station.result': ['passed', 'failed'],
  'station.outcome': ['fixed', 'not_fixed', 'parts_harvested'],
  'station.issueKind': ['gift', 'loan'],
  'station.overrideReason': ['second_device_household', 'replacement', 'other'],
  'station.condition': ['good', 'fair', 'poor', 'damaged'],
  'station.grade': ['A', 'B', 'C', 'D'],
  'station.state': ['pending', 'passed', 'failed', 'failed_check'],
  'station.check.state': ['pending', 'passed', 'failed'],
  language: LANGUAGES,
} as const;
