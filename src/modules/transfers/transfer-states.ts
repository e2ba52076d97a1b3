/**
 * A transfer's and its devices' states, and the size of a box (docs/domain.md §8). No imports: the office's pages
 * load this file in the browser as it is, as they do the device lifecycle.
 */

/** open while any of its devices is still in transit; closed once each is received or cancelled. */
export const TRANSFER_STATUSES = ['open', 'closed'] as const;
/** Where one device of a transfer is: on its way, received at the destination, called back by the sender, or written off on the way. */
export const TRANSFER_LINE_STATES = ['in_transit', 'received', 'cancelled', 'written_off'] as const;
/** The statuses a device may leave with, and returns to (docs/domain.md §8). */
export const TRANSFERABLE_STATUSES = ['sanitized', 'ready', 'awaiting_recycling'] as const;
/** A box holds what one person carries to a plane: a few hundred devices at most. */
export const MAX_BOX = 500;
