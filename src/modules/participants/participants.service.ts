import type { Clock } from '../../core/clock.js';
import { isUniqueViolation, writeTransaction, type Db, type Executor } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { decodeCursor, pageOf } from '../../core/pagination.js';
import type { IdempotencyResources } from '../idempotency/idempotent-resources.js';
import { appendAuditEvent } from '../audit-log/audit.repository.js';
import { can } from '../auth/permissions.js';
import type { Actor } from '../users/users.service.js';
import {
  accessLogOf,
  erasePersonalData,
  findCommunity,
  findParticipantByCode,
  insertCommunity,
  insertParticipant,
  insertParticipantNote,
  listCommunities,
  listParticipants,
  logAccess,
  notesOf,
  readPersonalData,
  upsertPersonalData,
  type CommunityRow,
  type ParticipantRow,
} from './participants.repository.js';
import type { CreateParticipantBody, Participant, ParticipantExport } from './participants.schemas.js';

type PersonalView = NonNullable<Participant['personalData']>;

function toParticipant(row: ParticipantRow, personal?: PersonalView | null): Participant {
  return {
    code: row.code,
    community: { name: row.communityName, syllabics: row.communitySyllabics },
    program: row.program,
    cohort: row.cohort,
    consent: { given: row.consentGiven, language: row.consentLanguage, date: row.consentDate },
    personalDataErased: row.personalDataErasedAt !== null,
    ...(personal === undefined ? {} : { personalData: personal }),
    createdAt: row.createdAt,
  };
}

/** Name, contact and notes together, or null when none is held. */
async function personalView(db: Executor, participantId: number): Promise<PersonalView | null> {
  const data = await readPersonalData(db, participantId);
  const notes = await notesOf(db, participantId);
  if (!data && notes.length === 0) return null;
  return { displayName: data?.displayName ?? null, contact: data?.contact ?? null, notes };
}

/**
 * What this module needs of a participant's issuances. The issuance module
 * provides it (issuance.service.ts) and the composition root wires it in:
 * issuance depends on participants, so participants never imports issuance.
 */
export interface ParticipantIssuances {
  /** Every issuance of the participant, for the export. */
  ofParticipant(tx: Executor, participantId: number): Promise<readonly ParticipantExport['issuances'][number][]>;
  /** Erasure: drops the free text typed about the participant when a device came back. */
  eraseReturnNotesOf(tx: Executor, participantId: number): Promise<void>;
}

export function createParticipantsService(deps: { db: Db; clock: Clock; issuances: ParticipantIssuances; idempotency: IdempotencyResources; afterErasure?: () => void }) {
  const { db, clock } = deps;

  async function mustFind(code: string): Promise<ParticipantRow> {
    const row = await findParticipantByCode(db, code);
    if (!row) throw new AppError('participants.not_found', `No participant ${code}.`);
    return row;
  }

  async function communityOrThrow(name: string): Promise<CommunityRow> {
    const c = await findCommunity(db, name);
    if (!c) {
      const names = (await listCommunities(db)).map((x) => x.name);
      throw new AppError('participants.unknown_community', `"${name}" is not in the community list (${names.join(', ')}); an admin can add it.`, {
        errors: [{ field: 'community', message: 'not in the community list' }],
      });
    }
    return c;
  }

  return {
    communities: (): Promise<CommunityRow[]> => listCommunities(db),

    /** A community by its name, other name or syllabics, ignoring case. */
    community: (name: string): Promise<CommunityRow | undefined> => findCommunity(db, name),

    /**
     * Inside another module's write transaction (an issuance): the participant
     * by code, without personal data, so that consent and erasure are checked
     * in the transaction that relies on them.
     */
    byCode: (tx: Executor, code: string): Promise<ParticipantRow | undefined> => findParticipantByCode(tx, code),

    /** Inside the issuance's transaction: a note about the participant (erased with their personal data). */
    async addNote(tx: Executor, note: { participantId: number; issuanceId: number | null; note: string; createdBy: number; createdAt: string }): Promise<void> {
      await insertParticipantNote(tx, note);
    },

    async addCommunity(actor: Actor, body: { name: string; syllabics?: string | undefined; altName?: string | undefined }): Promise<CommunityRow> {
      const at = clock.now().toISOString();
      // Lookups ignore case and match other names and syllabics, so a near-duplicate would be ambiguous.
      for (const name of [body.name, body.altName, body.syllabics]) {
        const existing = name === undefined ? undefined : await findCommunity(db, name);
        if (existing) throw new AppError('communities.name_taken', `${name} is already in the list as ${existing.name}.`);
      }
      try {
        return await writeTransaction(db, async (tx) => {
          const row = await insertCommunity(tx, { name: body.name, syllabics: body.syllabics ?? null, altName: body.altName ?? null });
          await appendAuditEvent(tx, { entityType: 'community', entityId: String(row.id), action: 'community.added', actorUserId: actor.id, at, details: { ...body } });
          return row;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('communities.name_taken', `${body.name} is already in the list.`);
        throw err;
      }
    },

    async create(actor: Actor, body: CreateParticipantBody): Promise<Participant> {
      const at = clock.now().toISOString();
      const community = await communityOrThrow(body.community);
      return writeTransaction(db, async (tx) => {
        const id = await insertParticipant(tx, {
          communityId: community.id,
          program: body.program ?? null,
          cohort: body.cohort ?? null,
          consentGiven: true,
          consentLanguage: body.consent.language,
          consentDate: body.consent.date ?? at.slice(0, 10),
          consentRecordedBy: actor.id,
          createdAt: at,
        });
        const hasPersonal = body.displayName !== undefined || body.contact !== undefined;
        if (hasPersonal) {
          await upsertPersonalData(tx, id, { displayName: body.displayName ?? null, contact: body.contact ?? null }, at);
          await logAccess(tx, { participantId: id, userId: actor.id, at, action: 'created', purpose: 'registration' });
        }
        await deps.idempotency.about(tx, 'participant', id);
        const row = (await findParticipantByCode(tx, `P-${String(id).padStart(6, '0')}`))!;
        // The history names the code and community only, never personal data.
        await appendAuditEvent(tx, {
          entityType: 'participant',
          entityId: row.code,
          action: 'participant.registered',
          actorUserId: actor.id,
          at,
          details: { community: row.communityName, program: row.program, consentLanguage: row.consentLanguage, personalDataHeld: hasPersonal },
        });
        return toParticipant(row, hasPersonal ? await personalView(tx, id) : null);
      });
    },

    /** Coordinators and admins get the personal data, and the read is logged; staff get the code and community. */
    async get(actor: Actor, code: string, purpose: string | undefined): Promise<Participant> {
      const row = await mustFind(code);
      if (!can(actor.role, 'participants:read-personal')) return toParticipant(row);
      const at = clock.now().toISOString();
      return writeTransaction(db, async (tx) => {
        const personal = await personalView(tx, row.id);
        if (personal) await logAccess(tx, { participantId: row.id, userId: actor.id, at, action: 'read', purpose: purpose ?? 'participant record viewed' });
        return toParticipant(row, personal);
      });
    },

    async list(filter: { community?: string | undefined; codePrefix?: string | undefined }, limit: number, cursor: string | undefined) {
      const communityId = filter.community === undefined ? undefined : ((await findCommunity(db, filter.community))?.id ?? -1);
      const after = cursor === undefined ? 0 : decodeCursor(cursor);
      const { page, nextCursor } = pageOf(await listParticipants(db, { communityId, codePrefix: filter.codePrefix }, after, limit + 1), limit, (r) => r.id);
      return { items: page.map((r) => toParticipant(r)), nextCursor };
    },

    /** Everything held about the participant, including who read it; the export itself is logged first. */
    async export(actor: Actor, code: string, purpose: string | undefined) {
      const row = await mustFind(code);
      const at = clock.now().toISOString();
      return writeTransaction(db, async (tx) => {
        await logAccess(tx, { participantId: row.id, userId: actor.id, at, action: 'exported', purpose: purpose ?? 'participant export' });
        return {
          exportedAt: at,
          participant: toParticipant(row, await personalView(tx, row.id)),
          issuances: (await deps.issuances.ofParticipant(tx, row.id)).map((i) => ({
            id: i.id,
            assetTag: i.assetTag,
            kind: i.kind,
            dueDate: i.dueDate,
            accessories: i.accessories,
            agreementLanguage: i.agreementLanguage,
            issuedAt: i.issuedAt,
            returnedAt: i.returnedAt,
            returnCondition: i.returnCondition,
          })),
          accessLog: await accessLogOf(tx, row.id),
        };
      });
    },

    /** Erases name and contact; the code, community and custody history stay whole. */
    async erase(actor: Actor, code: string): Promise<void> {
      const row = await mustFind(code);
      const at = clock.now().toISOString();
      await writeTransaction(db, async (tx) => {
        await erasePersonalData(tx, row.id, at);
        await deps.issuances.eraseReturnNotesOf(tx, row.id);
        // The registration's kept answer (for an Idempotency-Key replay) holds the name too: forget it.
        await deps.idempotency.forgetResource(tx, 'participant', row.id);
        await logAccess(tx, { participantId: row.id, userId: actor.id, at, action: 'erased', purpose: 'erasure requested' });
        await appendAuditEvent(tx, { entityType: 'participant', entityId: row.code, action: 'participant.personal_data_erased', actorUserId: actor.id, at, details: {} });
      });
      // Deleted rows must not linger in the WAL either (secure_delete zeroes them in the database pages).
      deps.afterErasure?.();
    },
  };
}

export type ParticipantsService = ReturnType<typeof createParticipantsService>;
