/**
 * The one error type of the service. Services throw AppError with a dotted
 * code and the names their own input gives its fields; the HTTP layer
 * (http-errors.ts) maps the code to a status through ERROR_CODES, the only
 * place where that mapping lives, and writes the problem document.
 */

export const ERROR_CODES = {
  'request.invalid': { status: 400, title: 'The request is invalid' },
  'request.malformed_json': { status: 400, title: 'The request body is not valid JSON' },
  'request.body_too_large': { status: 413, title: 'The request body is too large' },
  'request.unsupported_media_type': { status: 415, title: 'Unsupported content type' },
  'request.timeout': { status: 408, title: 'The request took too long' },
  'request.not_found': { status: 404, title: 'No such route' },
  'request.uri_too_long': { status: 414, title: 'A path segment is too long' },
  'request.header_too_large': { status: 431, title: 'The request headers are too large' },
  'request.method_not_allowed': { status: 405, title: 'Method not allowed' },
  'rate_limited': { status: 429, title: 'Too many requests' },
  'service.unavailable': { status: 503, title: 'The service is shutting down' },
  'storage.full': { status: 507, title: "The server's disk is full" },
  'storage.io_error': { status: 503, title: 'The server could not read or write its disk' },
  'internal': { status: 500, title: 'Internal server error' },

  'auth.unauthenticated': { status: 401, title: 'Authentication required' },
  'auth.invalid_credentials': { status: 401, title: 'Invalid username or password' },
  'auth.too_many_attempts': { status: 429, title: 'Too many failed logins' },
  'auth.forbidden': { status: 403, title: 'Your role does not allow this' },
  'auth.wrong_password': { status: 403, title: 'The current password is wrong' },

  'idempotency.key_reused': { status: 422, title: 'Idempotency-Key reused with a different request' },
  'idempotency.in_progress': { status: 409, title: 'A request with this Idempotency-Key is in progress' },
  'idempotency.outcome_unknown': { status: 409, title: 'The request with this Idempotency-Key was applied' },
  'idempotency.invalid_key': { status: 400, title: 'The Idempotency-Key header is invalid' },

  'users.not_found': { status: 404, title: 'No such user' },
  'users.username_taken': { status: 409, title: 'The username is taken' },
  'users.cannot_disable_self': { status: 409, title: 'You cannot disable or demote your own account' },

  'sites.code_taken': { status: 409, title: 'Another site has this code' },
  'sites.prefix_taken': { status: 409, title: 'Another site makes tags with this prefix' },

  'scans.other_site': { status: 404, title: 'The device is held by another site' },
  'asset_tags.not_reserved': { status: 409, title: 'The asset tag was never reserved' },
  'donations.not_found': { status: 404, title: 'No such donation' },

  'devices.invalid_asset_tag': { status: 400, title: 'The asset tag is not valid' },
  'devices.not_found': { status: 404, title: 'No such device' },
  'devices.ambiguous_serial': { status: 409, title: 'Several devices carry this serial number' },
  'devices.duplicate_asset_tag': { status: 409, title: 'The asset tag is already in use' },
  'devices.duplicate_serial': { status: 409, title: 'A device with this serial number is already registered' },
  'devices.invalid_transition': { status: 409, title: 'The device cannot do that in its current status' },
  'devices.not_sanitized': { status: 409, title: 'The device is not sanitized' },
  'devices.version_mismatch': { status: 412, title: 'The device changed since you read it' },
  'devices.if_match_required': { status: 428, title: 'PATCH needs an If-Match header' },

  'sanitizations.unknown_drive': { status: 409, title: 'The drive is not registered on this device' },
  'sanitizations.technique_not_valid_for_media': { status: 409, title: 'The technique is not a valid sanitization of this kind of drive at that method' },
  'certificates.not_sanitized': { status: 409, title: 'A drive of the device lacks a valid passing sanitization record' },
  'sanitizations.before_custody_cycle': { status: 409, title: 'The record predates the current custody cycle' },
  'wipe_reports.unreadable': { status: 400, title: 'The file is not a wipe report that can be read' },
  'wipe_reports.not_found': { status: 404, title: 'No such wipe report' },
  'verifications.not_found': { status: 404, title: 'No such verification' },
  'verifications.already_done': { status: 409, title: 'The verification was already completed' },
  'verifications.same_person': { status: 409, title: 'A wipe cannot be verified by its own technician' },
  'devices.duplicate_drive': { status: 409, title: 'The drive is already registered on this device' },
  'repairs.not_found': { status: 404, title: 'No such repair on this device' },
  'repairs.already_completed': { status: 409, title: 'The repair was already completed' },
  'repairs.unknown_source_device': { status: 409, title: 'A part names a source device that does not exist' },
  'repairs.source_not_in_custody': { status: 409, title: 'A part names a source device that is no longer in custody' },
  'repairs.source_is_repaired_device': { status: 409, title: 'A part cannot come from the device being repaired' },
  'scans.unknown_code': { status: 404, title: 'No device matches the scanned code' },
  'documents.undrawable_text': { status: 400, title: 'The text has characters the embedded fonts cannot draw' },
  'documents.too_many_renders': { status: 429, title: 'Too many documents being drawn for you at once' },
  'documents.busy': { status: 503, title: 'Too many documents are being drawn; try again shortly' },
  'documents.render_timeout': { status: 503, title: 'The document was not drawn within the request deadline' },
  'participants.not_found': { status: 404, title: 'No such participant' },
  'participants.unknown_community': { status: 400, title: 'The community is not in the list' },
  'participants.personal_data_erased': { status: 409, title: "The participant's personal data was erased" },
  'participants.no_consent': { status: 409, title: 'The participant has not given consent' },
  'issuance.participant_has_device': { status: 409, title: 'The participant already holds an issued device' },
  'issuance.not_found': { status: 404, title: 'No such issuance' },
  'communities.name_taken': { status: 409, title: 'The community is already in the list' },
  'labels.invalid_payload': { status: 400, title: 'The barcode payload is not printable ASCII' },
  'labels.unknown_template': { status: 400, title: 'No such label template' },
  'labels.too_many': { status: 400, title: 'Too many labels in one request' },
  'recyclers.not_found': { status: 404, title: 'No such recycler' },
  'hardware_reports.unreadable': { status: 400, title: 'The hardware report could not be read' },
  'devices.incomplete_intake': { status: 400, title: 'The intake lacks a category, make, model or serial number' },
  'donations.asset_list_invalid': { status: 400, title: 'The asset list has rows that cannot be recorded' },
  'recyclers.name_taken': { status: 409, title: 'A recycler with this name exists' },
  'shipments.not_found': { status: 404, title: 'No such shipment' },
  'shipments.frozen': { status: 409, title: 'The shipment has left: it cannot change' },
  'shipments.device_not_sanitized': { status: 409, title: 'The device is not sanitized and holds storage' },
  'shipments.device_already_added': { status: 409, title: 'The device is already on a shipment' },
  'transfers.not_found': { status: 404, title: 'No such transfer' },
  'transfers.not_destination': { status: 409, title: 'The transfer goes to another site' },
  'transfers.not_sender': { status: 409, title: 'The transfer was sent by another site' },
  'transfers.not_on_transfer': { status: 409, title: 'The device is not on this transfer' },
  'transfers.mixed_sites': { status: 409, title: 'The devices are held by different sites' },
  'transfers.closed': { status: 409, title: 'Nothing of the transfer is still in transit' },
  'shipments.other_site': { status: 409, title: 'The device is held by another site than the shipment' },
  'shipments.line_not_found': { status: 404, title: 'No such line on the shipment' },
  'shipments.empty': { status: 409, title: 'The shipment has no lines' },
  'shipments.not_shipped': { status: 409, title: 'The shipment has not been shipped' },
  'shipments.not_confirmed': { status: 409, title: 'Only a confirmed shipment is corrected by amendment' },
  'translations.unknown_language': { status: 404, title: 'No such language to translate into' },
  'translations.unknown_key': { status: 404, title: 'No such text key' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Where the fields an error names are. `body` (the default): in the input the
 * use case was given, named from its root (`storage.0.serialNumber`); `query`:
 * in what selects a read (a cursor, a filter). The HTTP layer names them from
 * the request (`body.storage.0.serialNumber`, `querystring.cursor`). `null`:
 * the names are complete as they are (a label template's slot, a configured
 * name, a path the HTTP layer already built).
 */
export type FieldLocation = 'body' | 'query';

export interface AppErrorOptions {
  errors?: FieldProblem[] | undefined;
  location?: FieldLocation | null | undefined;
  extra?: Record<string, unknown> | undefined;
  /** How long to wait before trying again, in whole seconds (a limiter, a busy pool). */
  retryAfterSeconds?: number | undefined;
  /**
   * The version the resource is at now, for a client that must name the one it
   * read (an edit): the answer states it with its entity tag, to send again.
   */
  currentVersion?: number | undefined;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  readonly errors: FieldProblem[] | undefined;
  readonly location: FieldLocation | null;
  /** Extra members added to the problem document, e.g. the device's current status. */
  readonly extra: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly currentVersion: number | undefined;

  constructor(code: ErrorCode, detail?: string, options: AppErrorOptions = {}) {
    super(detail ?? ERROR_CODES[code].title);
    this.name = 'AppError';
    this.code = code;
    this.detail = detail;
    this.errors = options.errors;
    this.location = options.location === undefined ? 'body' : options.location;
    this.extra = options.extra;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.currentVersion = options.currentVersion;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}
