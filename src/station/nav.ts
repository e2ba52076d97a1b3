import type { Session } from './state.js';

/**
 * The page's moves between its views. The views module fills this in when it
 * loads; the scan, form and queue modules call through it, so that no module
 * imports the views that import it (no import cycle).
 */
export interface Nav {
  /** Draws the whole page from the state. */
  render(): void;
  /** Shows the main view: the scan field and the device last shown. */
  showMain(): void;
  /** The session ended (logout, expiry, another user): back to the login. */
  sessionEnded(ended?: Session | null, lost?: string | null): void;
}

const unset = (): never => {
  throw new Error('station views not loaded');
};

export const nav: Nav = { render: unset, showMain: unset, sessionEnded: unset };
