/** What an action form is: its fields, the request it makes and how to describe it in words. form-flow.ts sends it (or queues it). */
import type { Child } from './dom.js';
import { t } from './i18n.js';
import type { Device } from './types.js';

export interface FormSpec {
  /** The lifecycle action (or "intake"), also the form's data-action. */
  action: string;
  title: string;
  /** Fields, in order. Input names are the body's field paths, so problem+json errors land on them. */
  fields: Child[];
  submitLabel: string;
  path: string;
  /** The request body from what was entered. */
  body(form: HTMLFormElement): unknown;
  /** In words, for feedback and the queue list. */
  what: string;
  /** The asset tag the request is about (null for intake with an assigned tag). */
  assetTag: string | null;
  /** The device the form is about, shown under the title. */
  subject?: string;
  /** Nothing to send: the form explains why (e.g. the open repair could not be found). */
  blocked?: boolean;
  /** Called after a successful answer, e.g. to remember station defaults. */
  remember?(form: HTMLFormElement): void;
}

/** The actions the station offers as buttons, in the order a device meets them. ("update" and "ship" live elsewhere.) */
export const STATION_ACTIONS = ['register_storage', 'sanitize', 'confirm_no_storage', 'open_repair', 'complete_repair', 'grade', 'issue', 'return', 'recycle', 'write_off'] as const;
export type StationAction = (typeof STATION_ACTIONS)[number];

const base = (device: Device) => `/api/v1/devices/${encodeURIComponent(device.assetTag)}`;
const who = (device: Device) => `${device.assetTag} · ${device.make} ${device.model}`;

/** The parts every form about one device shares: its title from the action, the device named, the path below the device. */
export function deviceForm(
  device: Device,
  action: StationAction,
  spec: Pick<FormSpec, 'fields' | 'body'> & Partial<Pick<FormSpec, 'submitLabel' | 'remember' | 'blocked'>> & { path: string },
): FormSpec {
  const title = t(`station.action.${action}`);
  return {
    ...spec,
    action,
    title,
    submitLabel: spec.submitLabel ?? t('station.form.save'),
    path: `${base(device)}${spec.path}`,
    what: `${who(device)} · ${title}`,
    assetTag: device.assetTag,
    subject: who(device),
  };
}
