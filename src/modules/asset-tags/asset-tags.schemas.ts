import { z } from 'zod';

export const ReserveTagsBody = z.strictObject({ count: z.number().int().min(1).max(1000) });
export const ReserveTagsResponse = z.object({ tags: z.array(z.string()) });
