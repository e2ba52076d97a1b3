/** Per-station settings, kept in this browser (localStorage): each bench remembers its own. */
import { SETTINGS_KEY } from '../client/locale-choice.js';
import type { Locale } from './i18n.js';

export interface SanitizeDefaults {
  method?: string;
  technique?: string;
  tool?: string;
  toolVersion?: string;
  verification?: string;
  standard?: string;
}

export interface Settings {
  station: string;
  /** The language picked at this station; none picked (or only `en` saved unmarked) follows the user (src/client/locale-choice.ts). */
  locale?: Locale;
  /** Set when `locale` was picked, so a picked English is told from a saved default. */
  localeChosen?: boolean;
  labelTemplate: string;
  sound: boolean;
  category: string;
  sanitize: SanitizeDefaults;
}

const KEY = SETTINGS_KEY;

const DEFAULTS: Settings = { station: 'bench-1', labelTemplate: '', sound: true, category: 'laptop', sanitize: {} };

export function loadSettings(): Settings {
  try {
    const raw = localStorage.getItem(KEY);
    if (raw) return { ...DEFAULTS, ...(JSON.parse(raw) as Partial<Settings>) };
  } catch {
    // unreadable settings: start from the defaults
  }
  return { ...DEFAULTS };
}

export function saveSettings(settings: Settings): void {
  localStorage.setItem(KEY, JSON.stringify(settings));
}
