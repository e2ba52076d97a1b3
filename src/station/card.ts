/** The device card: what a scanned device is, where it stands, and what can be done with it now. */
import { h } from './dom.js';
import { t, tOr } from './i18n.js';
import { STATION_ACTIONS, type StationAction } from './form-spec.js';
import type { Device, HistoryEvent } from './types.js';

export interface CardHandlers {
  onAction(action: StationAction): void;
  onPrint(kind: 'asset' | 'spec' | 'certificate'): void;
  /** Import a wipe tool's report for this device (docs/imports.md). */
  onImportWipe(): void;
}

const time = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function eventText(e: HistoryEvent): string {
  const name = tOr(`station.event.${e.action}`, e.action.replace(/^device\./, '').replace(/_/g, ' '));
  const d = e.details;
  const extra: string[] = [];
  if (typeof d['storageSerial'] === 'string') extra.push(d['storageSerial']);
  if (typeof d['result'] === 'string') extra.push(tOr(`station.result.${d['result']}`, d['result']));
  if (typeof d['grade'] === 'string') extra.push(t('station.grade.short', { grade: d['grade'] }));
  if (typeof d['outcome'] === 'string') extra.push(tOr(`station.outcome.${d['outcome']}`, d['outcome']));
  // Parts lineage (docs/domain.md §3): where a part went, and where a repair's parts came from.
  if (typeof d['receivingAssetTag'] === 'string') extra.push(t('station.event.partTo', { part: typeof d['part'] === 'string' ? d['part'] : '', tag: d['receivingAssetTag'] }));
  const sources = Array.isArray(d['partsUsed']) ? [...new Set((d['partsUsed'] as Array<{ sourceAssetTag?: unknown }>).map((p) => p.sourceAssetTag).filter((x): x is string => typeof x === 'string'))] : [];
  if (sources.length > 0) extra.push(t('station.event.partsFrom', { tags: sources.join(', ') }));
  return extra.length > 0 ? `${name} (${extra.join(', ')})` : name;
}

export function renderCard(device: Device, events: HistoryEvent[], handlers: CardHandlers, offlineSince: string | null): HTMLElement {
  const actions = STATION_ACTIONS.filter((a) => device.allowedActions.includes(a));
  const specs = [
    device.specs.cpu,
    device.specs.ramGb !== undefined ? t('label.ram', { ram: device.specs.ramGb }) : undefined,
    device.specs.storageGb !== undefined ? t('unit.gb', { gb: device.specs.storageGb }) : undefined,
    device.specs.os,
  ].filter(Boolean);
  return h(
    'article',
    { class: 'card', attrs: { 'data-asset-tag': device.assetTag, 'data-status': device.status } },
    offlineSince ? h('p', { class: 'stale', attrs: { role: 'note' }, text: t('station.card.offline', { at: time(offlineSince) }) }) : null,
    device.flags.includes('recall') ? h('p', { class: 'recall', attrs: { role: 'alert', 'data-flag': 'recall' }, text: t('station.card.recall') }) : null,
    h(
      'header',
      {},
      h('h2', { class: 'tag', text: device.assetTag }),
      h('div', { class: `status status-${device.status}`, attrs: { 'data-testid': 'device-status' }, text: tOr(`station.status.${device.status}`, device.status) }),
    ),
    h(
      'div',
      { class: 'col' },
      h(
        'dl',
        { class: 'facts' },
        h('dt', { text: t('station.device.category') }),
        h('dd', { text: tOr(`category.${device.category}`, device.category) }),
        h('dt', { text: t('station.device.makeModel') }),
        h('dd', { text: `${device.make} ${device.model}` }),
        h('dt', { text: t('station.device.serial') }),
        h('dd', { text: device.serialNumber }),
        specs.length > 0 ? [h('dt', { text: t('station.device.specs') }), h('dd', { text: specs.join(' · ') })] : null,
        device.grade ? [h('dt', { text: t('station.grade.grade') }), h('dd', { attrs: { 'data-testid': 'device-grade' }, text: t(`station.grade.${device.grade}`) })] : null,
        device.location ? [h('dt', { text: t('station.device.location') }), h('dd', { text: device.location })] : null,
      ),
      h('h3', { text: t('station.card.drives') }),
      device.storage.length === 0
        ? h('p', { class: 'drives-none', text: device.noStorageConfirmed ? t('station.card.noStorageConfirmed') : t('station.card.noDrives') })
        : h(
            'table',
            { class: 'drives' },
            h(
              'thead',
              {},
              h('tr', {}, h('th', { text: t('station.drive.serial') }), h('th', { text: t('station.drive.kind') }), h('th', { text: t('station.drive.capacity') }), h('th', { text: t('station.card.wipe') })),
            ),
            h(
              'tbody',
              {},
              device.storage.map((s) =>
                h(
                  'tr',
                  { attrs: { 'data-drive': s.serialNumber, 'data-state': s.sanitizationState } },
                  h('td', { text: s.serialNumber }),
                  h('td', { text: tOr(`station.driveKind.${s.kind}`, s.kind) }),
                  h('td', { text: s.capacityGb === null ? '—' : t('unit.gb', { gb: s.capacityGb }) }),
                  h(
                    'td',
                    {},
                    h('span', { class: `wipe wipe-${s.sanitizationState}`, text: tOr(`station.state.${s.sanitizationState}`, s.sanitizationState) }),
                    s.verification
                      ? h('span', { class: `verification verification-${s.verification}`, text: ` · ${t('station.card.verification')}: ${tOr(`station.check.state.${s.verification}`, s.verification)}` })
                      : null,
                  ),
                ),
              ),
            ),
          ),
      h('h3', { text: t('station.card.events') }),
      events.length === 0
        ? h('p', { class: 'hint', text: t('station.card.noEvents') })
        : h(
            'ol',
            { class: 'events' },
            events
              .slice(-6)
              .reverse()
              .map((e) => h('li', {}, h('time', { attrs: { datetime: e.at }, text: time(e.at) }), h('span', { text: ` ${eventText(e)}` }), e.actor ? h('span', { class: 'who', text: ` · ${e.actor.username}` }) : null)),
          ),
    ),
    h(
      'div',
      { class: 'col col-actions' },
      h('h3', { text: t('station.card.actions') }),
      actions.length === 0
        ? h('p', { class: 'hint', text: t('station.card.noActions') })
        : h(
            'div',
            { class: 'actions' },
            actions.map((a) =>
              h('button', { class: `action action-${a}`, attrs: { type: 'button', 'data-action': a }, text: t(`station.action.${a}`), on: { click: () => handlers.onAction(a) } }),
            ),
          ),
      // A wipe report records sanitizations: offered where a wipe record may be made now.
      device.allowedActions.includes('sanitize')
        ? h('button', { class: 'secondary import-wipe', attrs: { type: 'button', 'data-testid': 'import-wipe-report' }, text: t('station.wipeImport.action'), on: { click: () => handlers.onImportWipe() } })
        : null,
      h(
        'div',
        { class: 'prints' },
        h('button', { class: 'secondary', attrs: { type: 'button', 'data-print': 'asset' }, text: t('station.print.asset'), on: { click: () => handlers.onPrint('asset') } }),
        device.status === 'ready' || device.status === 'issued'
          ? h('button', { class: 'secondary', attrs: { type: 'button', 'data-print': 'spec' }, text: t('station.print.spec'), on: { click: () => handlers.onPrint('spec') } })
          : null,
        // A certificate is only offered when the service would issue one (docs/domain.md §2 invariant 7).
        device.sanitized
          ? h('button', { class: 'secondary', attrs: { type: 'button', 'data-print': 'certificate' }, text: t('station.print.certificate'), on: { click: () => handlers.onPrint('certificate') } })
          : null,
      ),
    ),
  );
}

/** The repair still open on a device, from its history (the device view does not carry it). */
export function openRepairId(events: HistoryEvent[]): number | null {
  const open = new Set<number>();
  for (const e of events) {
    const id = e.details['repairId'];
    if (typeof id !== 'number') continue;
    if (e.action === 'device.repair_opened') open.add(id);
    if (e.action === 'device.repair_completed') open.delete(id);
  }
  const ids = [...open];
  return ids.length > 0 ? ids[ids.length - 1]! : null;
}
