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
function personalView(db: Executor, participantId: number): PersonalView | null {
  const data = readPersonalData(db, participantId);
  const notes = notesOf(db, participantId);
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
  ofParticipant(tx: Executor, participantId: number): readonly ParticipantExport['issuances'][number][];
  /** Erasure: drops the free text typed about the participant when a device came back. */
  eraseReturnNotesOf(tx: Executor, participantId: number): void;
}

export function createParticipantsService(deps: { db: Db; clock: Clock; issuances: ParticipantIssuances; idempotency: IdempotencyResources; afterErasure?: () => void }) {
  const { db, clock } = deps;

  function mustFind(code: string): ParticipantRow {
    const row = findParticipantByCode(db, code);
    if (!row) throw new AppError('participants.not_found', `No participant ${code}.`);
    return row;
  }

  function communityOrThrow(name: string): CommunityRow {
    const c = findCommunity(db, name);
    if (!c) {
      const names = listCommunities(db).map((x) => x.name);
      throw new AppError('participants.unknown_community', `"${name}" is not in the community list (${names.join(', ')}); an admin can add it.`, {
        errors: [{ field: 'community', message: 'not in the community list' }],
      });
    }
    return c;
  }

  return {
    communities: (): CommunityRow[] => listCommunities(db),

    /** A community by its name, other name or syllabics, ignoring case. */
    community: (name: string): CommunityRow | undefined => findCommunity(db, name),

    /**
     * Inside another module's write transaction (an issuance): the participant
     * by code, without personal data, so that consent and erasure are checked
     * in the transaction that relies on them.
     */
    byCode: (tx: Executor, code: string): ParticipantRow | undefined => findParticipantByCode(tx, code),

    /** Inside the issuance's transaction: a note about the participant (erased with their personal data). */
    addNote(tx: Executor, note: { participantId: number; issuanceId: number | null; note: string; createdBy: number; createdAt: string }): void {
      insertParticipantNote(tx, note);
    },

    addCommunity(actor: Actor, body: { name: string; syllabics?: string | undefined; altName?: string | undefined }): CommunityRow {
      const at = clock.now().toISOString();
      // Lookups ignore case and match other names and syllabics, so a near-duplicate would be ambiguous.
      for (const name of [body.name, body.altName, body.syllabics]) {
        const existing = name === undefined ? undefined : findCommunity(db, name);
        if (existing) throw new AppError('communities.name_taken', `${name} is already in the list as ${existing.name}.`);
      }
      try {
        return writeTransaction(db, (tx) => {
          const row = insertCommunity(tx, { name: body.name, syllabics: body.syllabics ?? null, altName: body.altName ?? null });
          appendAuditEvent(tx, { entityType: 'community', entityId: String(row.id), action: 'community.added', actorUserId: actor.id, at, details: { ...body } });
          return row;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('communities.name_taken', `${body.name} is already in the list.`);
        throw err;
      }
    },

    create(actor: Actor, body: CreateParticipantBody): Participant {
      const at = clock.now().toISOString();
      const community = communityOrThrow(body.community);
      return writeTransaction(db, (tx) => {
        const id = insertParticipant(tx, {
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
          upsertPersonalData(tx, id, { displayName: body.displayName ?? null, contact: body.contact ?? null }, at);
          logAccess(tx, { participantId: id, userId: actor.id, at, action: 'created', purpose: 'registration' });
        }
        deps.idempotency.about(tx, 'participant', id);
        const row = findParticipantByCode(tx, `P-${String(id).padStart(6, '0')}`)!;
        // The history names the code and community only, never personal data.
        appendAuditEvent(tx, {
          entityType: 'participant',
          entityId: row.code,
          action: 'participant.registered',
          actorUserId: actor.id,
          at,
          details: { community: row.communityName, program: row.program, consentLanguage: row.consentLanguage, personalDataHeld: hasPersonal },
        });
        return toParticipant(row, hasPersonal ? personalView(tx, id) : null);
      });
    },

    /** Coordinators and admins get the personal data, and the read is logged; staff get the code and community. */
    get(actor: Actor, code: string, purpose: string | undefined): Participant {
      const row = mustFind(code);
      if (!can(actor.role, 'participants:read-personal')) return toParticipant(row);
      const at = clock.now().toISOString();
      return writeTransaction(db, (tx) => {
        const personal = personalView(tx, row.id);
        if (personal) logAccess(tx, { participantId: row.id, userId: actor.id, at, action: 'read', purpose: purpose ?? 'participant record viewed' });
        return toParticipant(row, personal);
      });
    },

    list(filter: { community?: string | undefined; codePrefix?: string | undefined }, limit: number, cursor: string | undefined) {
      const communityId = filter.community === undefined ? undefined : (findCommunity(db, filter.community)?.id ?? -1);
      const after = cursor === undefined ? 0 : decodeCursor(cursor);
      const { page, nextCursor } = pageOf(listParticipants(db, { communityId, codePrefix: filter.codePrefix }, after, limit + 1), limit, (r) => r.id);
      return { items: page.map((r) => toParticipant(r)), nextCursor };
    },

    /** Everything held about the participant, including who read it; the export itself is logged first. */
    export(actor: Actor, code: string, purpose: string | undefined) {
      const row = mustFind(code);
      const at = clock.now().toISOString();
      return writeTransaction(db, (tx) => {
        logAccess(tx, { participantId: row.id, userId: actor.id, at, action: 'exported', purpose: purpose ?? 'participant export' });
        return {
          exportedAt: at,
          participant: toParticipant(row, personalView(tx, row.id)),
          issuances: deps.issuances.ofParticipant(tx, row.id).map((i) => ({
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
          accessLog: accessLogOf(tx, row.id),
        };
      });
    },

    /** Erases name and contact; the code, community and custody history stay whole. */
    erase(actor: Actor, code: string): void {
      const row = mustFind(code);
      const at = clock.now().toISOString();
      writeTransaction(db, (tx) => {
        erasePersonalData(tx, row.id, at);
        deps.issuances.eraseReturnNotesOf(tx, row.id);
        // The registration's kept answer (for an Idempotency-Key replay) holds the name too: forget it.
        deps.idempotency.forgetResource(tx, 'participant', row.id);
        logAccess(tx, { participantId: row.id, userId: actor.id, at, action: 'erased', purpose: 'erasure requested' });
        appendAuditEvent(tx, { entityType: 'participant', entityId: row.code, action: 'participant.personal_data_erased', actorUserId: actor.id, at, details: {} });
      });
      // Deleted rows must not linger in the WAL either (secure_delete zeroes them in the database pages).
      deps.afterErasure?.();
    },
  };
}

export type ParticipantsService = ReturnType<typeof createParticipantsService>;
