/** The device an issue or a return is about: typed or scanned by asset tag, looked up, and said in words (what it is, its status). */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { z } from 'zod';
import { t, tOr } from '../client/i18n.js';
import { hashFor } from '../client/office-pages.js';
import type { Device as DeviceSchema } from '../modules/devices/devices.schemas.js';
import { get } from './state.js';
import { reasonOf } from './ui.js';

export type Device = z.infer<typeof DeviceSchema>;

export interface DeviceLookup {
  tag: string;
  setTag(tag: string): void;
  device: Device | null;
  /** Why there is no device (not found, refused), in the service's words. */
  error: string | null;
  lookUp(): Promise<Device | null>;
  /** Forgets the device read (after an issue or return changed it). */
  reset(device: Device | null): void;
}

/** Looks up the preset tag at once; another tag when asked. */
export function useDeviceLookup(preset: string): DeviceLookup {
  const [tag, setTagState] = useState(preset);
  const [device, setDevice] = useState<Device | null>(null);
  const [error, setError] = useState<string | null>(null);
  const lookUp = async (wanted = tag): Promise<Device | null> => {
    const clean = wanted.trim();
    setDevice(null);
    if (!clean) {
      setError(t('office.loans.device.needTag'));
      return null;
    }
    setError(null);
    try {
      const { device: found } = await get<{ device: Device }>(`/devices/${encodeURIComponent(clean)}`);
      setDevice(found);
      setTagState(found.assetTag);
      return found;
    } catch (err) {
      setError(reasonOf(err));
      return null;
    }
  };
  useEffect(() => {
    if (preset.trim()) void lookUp(preset);
  }, []);
  return {
    tag,
    setTag: (v) => {
      setTagState(v);
      setDevice(null);
      setError(null);
    },
    device,
    error,
    lookUp: () => lookUp(),
    reset: (d) => setDevice(d),
  };
}

/** The tag field with its Look up button; the refusal (unknown tag, a device that does not fit) sits beside it. */
export function DeviceField(p: { form: string; lookup: DeviceLookup; problem: string | null | undefined }) {
  const id = `${p.form}-tag`;
  const error = p.lookup.error ?? p.problem ?? null;
  const onKey = (e: KeyboardEvent) => {
    // A USB scanner types the tag and presses Enter: that looks it up, it does not submit the form.
    if (e.key === 'Enter') {
      e.preventDefault();
      void p.lookup.lookUp();
    }
  };
  return h(
    'div',
    { class: error ? 'field invalid' : 'field', 'data-field': 'tag' },
    h('label', { for: id }, t('office.loans.device.tag')),
    h(
      'div',
      { class: 'inline nowrap' },
      h('input', {
        id,
        name: 'tag',
        value: p.lookup.tag,
        autocomplete: 'off',
        spellcheck: false,
        'aria-invalid': error ? 'true' : undefined,
        'aria-describedby': `${id}-what ${id}-error`,
        onInput: (e: Event) => p.lookup.setTag((e.currentTarget as HTMLInputElement).value),
        onKeyDown: onKey,
      }),
      h('button', { type: 'button', class: 'secondary', 'data-action': 'look-up', onClick: () => void p.lookup.lookUp() }, t('office.loans.device.find')),
    ),
    h('span', { id: `${id}-what`, class: 'device-what', 'data-testid': 'device-what' }, p.lookup.device ? deviceText(p.lookup.device) : ''),
    h('span', { id: `${id}-error`, class: 'field-error', role: error ? 'alert' : undefined }, error ?? ''),
  );
}

/** "Lenovo ThinkPad T480 (Laptop), grade A: Ready" with a link to the device's page. */
function deviceText(d: Device) {
  const what = t('office.loans.device.what', { make: d.make, model: d.model, category: tOr(`category.${d.category}`, d.category) });
  const state = d.grade ? t('office.loans.device.gradeStatus', { grade: d.grade, status: statusName(d.status) }) : statusName(d.status);
  return h('span', null, h('a', { href: hashFor('devices', d.assetTag) }, d.assetTag), ` · ${what} · ${state}`);
}

export function statusName(status: string): string {
  return tOr(`station.status.${status}`, status);
}

/** A status inside a sentence ("IQ-000003-V is received: …"): the station's label, in lower case. */
export function statusInText(status: string): string {
  return statusName(status).toLocaleLowerCase(document.documentElement.lang || undefined);
}
