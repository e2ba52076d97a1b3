/**
 * Reading a device and its history from the server into the state: the card
 * views, the forms and the queue all refresh a device through here.
 */
import { call, state } from './state.js';
import type { Device, HistoryEvent } from './types.js';

export async function history(tag: string): Promise<HistoryEvent[]> {
  try {
    return (await call<{ events: HistoryEvent[] }>('GET', `/api/v1/devices/${encodeURIComponent(tag)}/history`)).events;
  } catch {
    return [];
  }
}

export async function showDevice(device: Device): Promise<void> {
  const events = await history(device.assetTag);
  state.shown = { device, events, offlineSince: null };
  void state.store?.rememberDevice(device, events);
}

export async function refreshDevice(tag: string): Promise<void> {
  try {
    const res = await call<{ device: Device }>('GET', `/api/v1/devices/${encodeURIComponent(tag)}`);
    await showDevice(res.device);
  } catch {
    // Keep what is shown.
  }
}
