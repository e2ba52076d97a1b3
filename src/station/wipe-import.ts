/**
 * "Import wipe report" on the device card (docs/imports.md): a wipe tool's
 * file picked or dropped, its dry run shown drive by drive, then recorded.
 * Drives the report names that are not registered can be registered on the
 * device at hand first. Online only: the file is the record, it is not kept
 * in the outbox.
 */
import { Refused, Unreachable, type Problem } from '../client/api.js';
import { refreshDevice } from './device-reads.js';
import { h, replaceChildren } from './dom.js';
import { t, tOr } from './i18n.js';
import { nav } from './nav.js';
import { call, state } from './state.js';
import { focusScan, problemText, regions, signal } from './ui.js';

interface DriveAnswer {
  serial: string;
  model: string | null;
  outcome: string;
  assetTag?: string;
  method?: string;
  technique?: string;
  verification?: string;
  result?: string;
  completedAt?: string | null;
}
interface ImportAnswer {
  report: { id: number | null; sha256: string; format: string; tool: string; toolVersion: string | null };
  drives: DriveAnswer[];
  warnings: string[];
}

const DRIVE_KINDS = ['hdd', 'ssd', 'nvme', 'emmc', 'other'] as const;
const COLUMNS = ['serial', 'model', 'outcome', 'device', 'method', 'verification', 'result', 'completed'] as const;

function contentTypeOf(file: File): string {
  const name = file.name.toLowerCase();
  if (name.endsWith('.pdf') || file.type === 'application/pdf') return 'application/pdf';
  if (name.endsWith('.json') || file.type === 'application/json') return 'application/json';
  return 'text/plain';
}

/** Sends the file as it is (the API client sends JSON only). */
async function sendReport(file: File, dryRun: boolean): Promise<{ status: number; answer: ImportAnswer }> {
  const type = contentTypeOf(file);
  const query = new URLSearchParams();
  if (dryRun) query.set('dryRun', 'true');
  if (type === 'application/pdf') query.set('filename', file.name);
  let res: Response;
  try {
    res = await fetch(`/api/v1/wipe-reports?${query.toString()}`, {
      method: 'POST',
      headers: { 'content-type': type, accept: 'application/json, application/problem+json', authorization: `Bearer ${state.session?.token ?? ''}` },
      body: await file.arrayBuffer(),
    });
  } catch {
    throw new Unreachable('POST /api/v1/wipe-reports');
  }
  const body = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const p = (body ?? {}) as Partial<Problem>;
    throw new Refused({ type: p.type ?? '', title: p.title ?? res.statusText, status: res.status, detail: p.detail ?? res.statusText, code: p.code ?? 'request.invalid', ...(p.errors ? { errors: p.errors } : {}) });
  }
  return { status: res.status, answer: body as ImportAnswer };
}

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—');

function driveRow(d: DriveAnswer, tag: string, onRegister: (d: DriveAnswer, kind: string) => void): HTMLElement {
  const outcome = h('td', { attrs: { 'data-testid': 'wipe-outcome' }, text: tOr(`station.wipeImport.outcome.${d.outcome}`, d.outcome) });
  if (d.outcome === 'unmatched') {
    const kind = h('select', { attrs: { 'aria-label': t('station.drive.kind'), 'data-testid': 'wipe-register-kind' } }, DRIVE_KINDS.map((k) => h('option', { attrs: { value: k }, text: tOr(`station.driveKind.${k}`, k) })));
    outcome.append(
      ' ',
      kind,
      h('button', { class: 'secondary', attrs: { type: 'button', 'data-testid': 'wipe-register' }, text: t('station.wipeImport.register', { tag }), on: { click: () => onRegister(d, kind.value) } }),
    );
  }
  return h(
    'tr',
    { attrs: { 'data-serial': d.serial, 'data-outcome': d.outcome } },
    h('td', { text: d.serial }),
    h('td', { text: d.model ?? '—' }),
    outcome,
    h('td', { text: d.assetTag ?? '—' }),
    h('td', { text: d.method ? `${tOr(`station.method.${d.method}`, d.method)} · ${tOr(`station.technique.${d.technique ?? ''}`, d.technique ?? '')}` : '—' }),
    h('td', { text: d.verification ? tOr(`station.verification.${d.verification}`, d.verification) : '—' }),
    h('td', { text: d.result ? tOr(`station.result.${d.result}`, d.result) : '—' }),
    h('td', { text: when(d.completedAt) }),
  );
}

function close(): void {
  state.formOpen = false;
  nav.showMain();
  focusScan();
}

function fail(err: unknown): void {
  if (err instanceof Refused) signal('refused', problemText(err.problem));
  else if (err instanceof Unreachable) signal('refused', t('station.wipeImport.unreachable'));
  else throw err;
}

/** Opens the import panel for the device on the card. */
export function openWipeImport(tag: string): void {
  const main = regions.main;
  if (!main) return;
  state.formOpen = true;
  let file: File | null = null;
  const result = h('div', { class: 'wipe-result', attrs: { 'data-testid': 'wipe-result', 'aria-live': 'polite' } });
  const record = h('button', { class: 'primary', attrs: { type: 'button', disabled: true, 'data-testid': 'wipe-record' }, text: t('station.wipeImport.record') });
  const input = h('input', { attrs: { type: 'file', accept: '.txt,.log,.json,.pdf,text/plain,application/json,application/pdf', 'data-testid': 'wipe-file' } });
  const drop = h('label', { class: 'wipe-drop', attrs: { 'data-testid': 'wipe-drop' } }, h('span', { text: t('station.wipeImport.drop') }), input);

  function show(answer: ImportAnswer, recorded: boolean): void {
    const recordable = answer.drives.some((d) => d.outcome === 'recorded');
    record.disabled = recorded || !recordable;
    replaceChildren(
      result,
      h('p', {
        class: 'wipe-summary',
        text: t(recorded ? 'station.wipeImport.recorded' : 'station.wipeImport.dryRun', {
          tool: [answer.report.tool, answer.report.toolVersion].filter(Boolean).join(' '),
          count: answer.drives.filter((d) => d.outcome === 'recorded' || d.outcome === 'already_recorded').length,
        }),
      }),
      answer.drives.length === 0
        ? h('p', { class: 'hint', text: t('station.wipeImport.noDrives') })
        : h(
            'table',
            { class: 'drives wipe-drives' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                COLUMNS.map((c) => h('th', { text: t(`station.wipeImport.column.${c}`) })),
              ),
            ),
            h('tbody', {}, answer.drives.map((d) => driveRow(d, tag, (drive, kind) => void register(drive, kind)))),
          ),
      answer.warnings.length === 0 ? null : h('ul', { class: 'wipe-warnings', attrs: { 'data-testid': 'wipe-warnings' } }, answer.warnings.map((w) => h('li', { text: w }))),
    );
  }

  async function preview(): Promise<void> {
    if (!file) return;
    record.disabled = true;
    try {
      const { answer } = await sendReport(file, true);
      show(answer, false);
    } catch (err) {
      replaceChildren(result);
      fail(err);
    }
  }

  async function register(d: DriveAnswer, kind: string): Promise<void> {
    try {
      await call('POST', `/api/v1/devices/${encodeURIComponent(tag)}/storage`, { body: { serialNumber: d.serial, kind, ...(d.model ? { model: d.model } : {}) } });
      signal('success', t('station.wipeImport.registered', { serial: d.serial, tag }));
      await preview();
    } catch (err) {
      fail(err);
    }
  }

  function choose(f: File | undefined | null): void {
    if (!f) return;
    file = f;
    void preview();
  }

  input.addEventListener('change', () => choose(input.files?.[0]));
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    choose(event.dataTransfer?.files[0]);
  });
  record.addEventListener('click', () => {
    if (!file) return;
    record.disabled = true;
    void (async () => {
      try {
        const { answer } = await sendReport(file, false);
        show(answer, true);
        signal('success', t('station.wipeImport.done'));
        await refreshDevice(tag);
      } catch (err) {
        record.disabled = false;
        fail(err);
      }
    })();
  });

  const panel = h(
    'section',
    { class: 'action-form form-wipe-import', attrs: { 'data-form': 'wipe-import' } },
    h('h2', { text: t('station.wipeImport.title') }),
    h('p', { class: 'form-device', text: tag }),
    h('p', { class: 'hint', text: t('station.wipeImport.hint') }),
    drop,
    result,
    h('div', { class: 'form-buttons' }, record, h('button', { class: 'secondary', attrs: { type: 'button', 'data-testid': 'cancel' }, text: t('station.wipeImport.close'), on: { click: close } })),
  );
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });
  replaceChildren(main, panel);
  input.focus();
}
