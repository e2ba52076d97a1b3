import { z } from 'zod';
import { actorOf } from './authentication.js';
import type { Api } from '../../core/http/api.js';
import { LoginBody, LoginResponse, UpdateMeBody, UserEnvelope } from './users.schemas.js';
import type { UsersService } from './users.service.js';

export function authRoutes(api: Api, users: UsersService): void {
  api.post('/auth/login', {
    config: { access: { public: true }, contract: { errors: ['auth.invalid_credentials', 'auth.too_many_attempts'] } },
    schema: { tags: ['auth'], summary: 'Log in; returns a bearer token', body: LoginBody, response: { 200: LoginResponse } },
    handler: async (request) => users.login(request.body.username, request.body.password, request.ip),
  });

  api.post('/auth/logout', {
    config: { access: { permission: 'account:sign-out' } },
    schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null() } },
    handler: async (request, reply) => {
      await users.logout(request.bearerToken ?? '');
      return reply.code(204).send(null);
    },
  });

  api.get('/me', {
    config: { access: { permission: 'account:read' } },
    schema: { tags: ['auth'], summary: 'Who you are', response: { 200: UserEnvelope } },
    handler: async (request) => ({ user: await users.get(actorOf(request).id) }),
  });

  api.patch('/me', {
    config: { access: { permission: 'account:update' } },
    schema: {
      tags: ['auth'],
      summary: 'Change your own settings: the language the front ends use after sign-in (null: none chosen)',
      body: UpdateMeBody,
      response: { 200: UserEnvelope },
    },
    handler: async (request) => ({ user: await users.updateOwn(actorOf(request), request.body) }),
  });
}
