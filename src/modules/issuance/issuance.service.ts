import { sees, siteLimit, type SiteViewer } from '../sites/site-scope.js';
import type { Clock } from '../../core/clock.js';
import { isUniqueViolation, type Db } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { decodeCursor, pageOf } from '../../core/pagination.js';
import { applyDeviceChange } from '../devices/device-change.js';
import type { DeviceUseCase } from '../devices/device-use-case.js';
import type { Actor } from '../users/users.service.js';
import type { ParticipantIssuances, ParticipantsService } from '../participants/participants.service.js';
import {
  eraseReturnNotesOf,
  findIssuanceView,
  issuancesOfParticipant,
  insertIssuance,
  listIssuances,
  markReturned,
  openIssuanceOfDevice,
  openIssuancesOfParticipant,
  type IssuanceFilter,
  type IssuanceView,
} from './issuance.repository.js';
import type { Issuance, IssueBody, ReturnBody } from './issuance.schemas.js';
import type { HandoverData } from './handover.pdf.js';
import { localeOf, type Locale, type LocaleMessages } from '../../core/i18n.js';
import { issuanceRecords } from './issuance.records.js';

const DAY = 86_400_000;

/** A participant's issuances, for the participants module (wired by the composition root). */
export const participantIssuances: ParticipantIssuances = { ofParticipant: issuancesOfParticipant, eraseReturnNotesOf };

/** The renderer this module draws its hand-over form with: the documents module's client, wired by the composition root. */
export interface HandoverDocuments {
  render(task: { kind: 'handover'; data: HandoverData }): Promise<Buffer>;
}

export function createIssuanceService(deps: { db: Db; clock: Clock; deviceUseCase: DeviceUseCase; participants: ParticipantsService; documents: HandoverDocuments; organizationName: string; messagesFor?: ((locale: string) => Promise<LocaleMessages | undefined>) | undefined }) {
  const { db, clock } = deps;
  const { resolve, loadState, withDeviceAction, driveStates } = deps.deviceUseCase;

  function toIssuance(v: IssuanceView): Issuance {
    const today = clock.now().toISOString().slice(0, 10);
    const overdue = v.kind === 'loan' && v.returnedAt === null && v.dueDate !== null && v.dueDate < today;
    return {
      id: v.id,
      assetTag: v.assetTag,
      make: v.make,
      model: v.model,
      participantCode: v.participantCode,
      community: { name: v.communityName, syllabics: v.communitySyllabics },
      kind: v.kind,
      dueDate: v.dueDate,
      accessories: v.accessories,
      agreementAccepted: v.agreementAccepted,
      agreementLanguage: v.agreementLanguage,
      overrideReason: v.overrideReason,
      issuedBy: v.issuedBy,
      issuedAt: v.issuedAt,
      returnedAt: v.returnedAt,
      returnCondition: v.returnCondition,
      personalDataRemoved: v.personalDataRemoved,
      daysOverdue: overdue ? Math.round((Date.parse(today) - Date.parse(v.dueDate!)) / DAY) : 0,
    };
  }

  return {
    /**
     * Hands a ready, sanitized device to a participant (docs/domain.md §2 invariant 1: every
     * drive passed in this custody cycle). The history names the participant
     * by code only.
     */
    async issue(actor: Actor, ref: string, body: IssueBody, expectedVersion?: number) {
      try {
        return await withDeviceAction(actor, ref, 'issue', expectedVersion, async ({ tx, device, at, view }) => {
          const participant = await deps.participants.byCode(tx, body.participantCode);
          if (!participant) {
            throw new AppError('participants.not_found', `No participant ${body.participantCode}.`, { errors: [{ field: 'participantCode', message: 'no such participant' }] });
          }
          if (!participant.consentGiven) throw new AppError('participants.no_consent', `${participant.code} has not given consent.`);
          if (participant.personalDataErasedAt !== null) {
            throw new AppError('participants.personal_data_erased', `${participant.code} asked for their data to be erased; register them again to issue a device.`);
          }
          if (body.dueDate !== undefined && body.dueDate < at.slice(0, 10)) {
            throw new AppError('request.invalid', 'The due date is in the past.', { errors: [{ field: 'dueDate', message: 'in the past' }] });
          }
          const held = await openIssuancesOfParticipant(tx, participant.id);
          if (held.length > 0 && body.overrideReason === undefined) {
            throw new AppError('issuance.participant_has_device', `${participant.code} already holds a device; give overrideReason to issue another.`, {
              extra: { heldIssuances: held.map((h) => h.id) },
              errors: [{ field: 'overrideReason', message: 'required: the participant already holds a device' }],
            });
          }
          const issuance = await insertIssuance(tx, {
            deviceId: device.id,
            participantId: participant.id,
            custodyCycle: device.custodyCycle,
            kind: body.kind,
            dueDate: body.dueDate ?? null,
            accessories: body.accessories ?? [],
            agreementAccepted: true,
            agreementLanguage: body.agreementLanguage ?? 'en',
            overrideReason: held.length > 0 ? (body.overrideReason ?? null) : null,
            issuedBy: actor.id,
            issuedAt: at,
          });
          if (held.length > 0 && body.overrideNote !== undefined) {
            await deps.participants.addNote(tx, { participantId: participant.id, issuanceId: issuance.id, note: body.overrideNote, createdBy: actor.id, createdAt: at });
          }
          const row = await applyDeviceChange(tx, {
            device,
            actor,
            event: 'device.issued',
            toStatus: 'issued',
            details: {
              issuanceId: issuance.id,
              participantCode: participant.code,
              community: participant.communityName,
              kind: issuance.kind,
              dueDate: issuance.dueDate,
              accessories: issuance.accessories,
              overrideReason: issuance.overrideReason,
            },
            records: [{ source: issuanceRecords, id: issuance.id }],
            at,
          });
          return { issuance: toIssuance((await findIssuanceView(tx, issuance.id))!), device: await view(row) };
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('devices.invalid_transition', 'The device was issued meanwhile.');
        throw err;
      }
    },

    /** Back from a participant: a new custody cycle begins, and every drive must be sanitized again. */
    return(actor: Actor, ref: string, body: ReturnBody, expectedVersion?: number) {
      return withDeviceAction(actor, ref, 'return', expectedVersion, async ({ tx, device, at, view }) => {
        const open = await openIssuanceOfDevice(tx, device.id);
        if (!open) throw new AppError('issuance.not_found', `${device.assetTag} has no open issuance.`);
        await markReturned(tx, open.id, {
          returnedAt: at,
          returnedBy: actor.id,
          returnCondition: body.condition ?? null,
          personalDataRemoved: body.personalDataRemoved ?? null,
          returnNotes: body.notes ?? null,
        });
        const returned = (await findIssuanceView(tx, open.id))!;
        const row = await applyDeviceChange(tx, {
          device,
          actor,
          event: 'device.returned',
          toStatus: 'received',
          // A returned device's condition is unknown until it is graded again.
          patch: { custodyCycle: device.custodyCycle + 1, cycleStartedAt: at, noStorageConfirmed: false, grade: null, gradedAt: null },
          details: {
            issuanceId: open.id,
            participantCode: returned.participantCode,
            condition: body.condition ?? null,
            personalDataRemoved: body.personalDataRemoved ?? null,
            // The notes stay on the issuance: free text typed at a return may be about the participant.
            notesRecorded: body.notes !== undefined,
          },
          records: [{ source: issuanceRecords, id: open.id }],
          at,
        });
        return { device: await view(row) };
      });
    },

    /** The handover form; the data is read first, the PDF drawn outside any transaction. */
    async handover(viewer: SiteViewer, id: number, locale?: Locale): Promise<Buffer> {
      const v = await findIssuanceView(db, id);
      // Another site's issuance is no issuance to this viewer (docs/domain.md §8): the site that made it, as for GET.
      if (!v || !sees(viewer, v.siteId)) throw new AppError('issuance.not_found', `No issuance ${id}.`);
      // The issuance is the viewer's site's; its device is read wherever it is now (returned and moved since, perhaps).
      const device = await resolve(v.assetTag, { role: 'admin', siteId: viewer.siteId });
      // docs/domain.md §2 invariant 7: the form states erasure only while invariant 1 holds for the custody cycle it was issued in.
      const drives = (await loadState(device)).drives;
      const states = await driveStates(device.id, v.custodyCycle);
      const erased = drives.every((d) => states.get(d.id)?.state === 'passed');
      return deps.documents.render({
        kind: 'handover',
        data: {
          erased,
          organizationName: deps.organizationName,
          issuanceId: v.id,
          participantCode: v.participantCode,
          community: { name: v.communityName, syllabics: v.communitySyllabics },
          device: { assetTag: device.assetTag, category: device.category, make: device.make, model: device.model, serialNumber: device.serialNumber, specs: device.specs },
          kind: v.kind,
          dueDate: v.dueDate,
          issuedAt: v.issuedAt,
          accessories: v.accessories,
          agreementLanguage: v.agreementLanguage,
          locale,
          printedAt: clock.now(),
          messages: await deps.messagesFor?.(locale ?? localeOf(v.agreementLanguage)),
        },
      });
    },

    /** Another site's issuance is none (docs/domain.md §8). */
    async get(viewer: SiteViewer, id: number): Promise<Issuance> {
      const v = await findIssuanceView(db, id);
      if (!v || !sees(viewer, v.siteId)) throw new AppError('issuance.not_found', `No issuance ${id}.`);
      return toIssuance(v);
    },

    /** The issuances of the devices the viewer's site holds; every site's for admins and program officers. */
    async list(viewer: SiteViewer, filter: IssuanceFilter, participantCode: string | undefined, limit: number, cursor: string | undefined) {
      const after = cursor === undefined ? 0 : decodeCursor(cursor);
      const { page, nextCursor } = pageOf(await listIssuances(db, filter, participantCode, clock.now().toISOString().slice(0, 10), after, limit + 1, siteLimit(viewer)), limit, (r) => r.id);
      return { items: page.map(toIssuance), nextCursor };
    },
  };
}

export type IssuanceService = ReturnType<typeof createIssuanceService>;
