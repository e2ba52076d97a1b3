import { z } from 'zod';
import { readyCheck, storageWritable, type Db } from '../../core/db.js';
import type { Api } from '../../core/http/api.js';

export function healthRoutes(app: Api, db: Db): void {
  app.get('/healthz', {
    schema: { tags: ['operations'], summary: 'The process is alive', response: { 200: z.object({ status: z.literal('ok') }) } },
    handler: async () => ({ status: 'ok' as const }),
  });

  app.get('/readyz', {
    schema: {
      tags: ['operations'],
      summary: 'The database is open and migrated',
      response: {
        200: z.object({ status: z.literal('ready'), migrations: z.number() }).describe('Ready: the database is open and every migration applied'),
        503: z.object({ status: z.literal('not_ready') }).describe('Not ready: the database is closed, not migrated, or refused a write'),
      },
    },
    handler: async (request, reply) => {
      try {
        const check = await readyCheck(db);
        // After a write the disk refused, not ready until a probe write commits again.
        const storage = storageWritable(db);
        if (storage.ok && storage.recoveredFrom !== undefined) request.log.warn({ failingSince: storage.recoveredFrom }, 'writes commit again');
        if (check.ok && storage.ok) return { status: 'ready' as const, migrations: check.migrations };
      } catch {
        // fall through: a closed or broken database is simply not ready
      }
      return reply.code(503).send({ status: 'not_ready' as const });
    },
  });
}
