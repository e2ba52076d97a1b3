import { actorOf } from './authentication.js';
import type { Api } from '../../core/http/api.js';
import type { UsersService } from './users.service.js';
import { ChangeOwnPasswordBody, CreateUserBody, ListUsersQuery, SetPasswordBody, UpdateUserBody, UserEnvelope, UserIdParams, UserList } from './users.schemas.js';

export function userRoutes(api: Api, users: UsersService): void {
  api.post('/users', {
    config: { access: { permission: 'users:manage' }, contract: { errors: ['users.username_taken'] } },
    schema: { tags: ['users'], summary: 'Create a user', body: CreateUserBody, response: { 201: UserEnvelope } },
    handler: async (request, reply) => reply.code(201).send({ user: await users.create(actorOf(request), request.body) }),
  });

  api.get('/users', {
    config: { access: { permission: 'users:manage' } },
    schema: { tags: ['users'], summary: 'List users', querystring: ListUsersQuery, response: { 200: UserList } },
    handler: async (request) => users.list(request.query.limit, request.query.cursor),
  });

  api.get('/users/:id', {
    config: { access: { permission: 'users:manage' }, contract: { errors: ['users.not_found'] } },
    schema: { tags: ['users'], summary: 'One user', params: UserIdParams, response: { 200: UserEnvelope } },
    handler: async (request) => ({ user: await users.get(request.params.id) }),
  });

  api.patch('/users/:id', {
    config: { access: { permission: 'users:manage' }, contract: { errors: ['users.not_found', 'users.cannot_disable_self'] } },
    schema: {
      tags: ['users'],
      summary: 'Change display name or role, disable or enable; disabling ends every session',
      params: UserIdParams,
      body: UpdateUserBody,
      response: { 200: UserEnvelope },
    },
    handler: async (request) => ({ user: await users.update(actorOf(request), request.params.id, request.body) }),
  });

  api.post('/users/:id/password', {
    config: { access: { permission: 'users:manage' }, contract: { errors: ['users.not_found'] } },
    schema: { tags: ['users'], summary: "Set a user's password; ends their sessions", params: UserIdParams, body: SetPasswordBody, response: { 200: UserEnvelope } },
    handler: async (request) => ({ user: await users.setPassword(actorOf(request), request.params.id, request.body.password) }),
  });

  api.post('/me/password', {
    config: { access: { permission: 'account:change-password' }, contract: { errors: ['auth.wrong_password', 'auth.too_many_attempts'] } },
    schema: { tags: ['auth'], summary: 'Change your own password; ends your sessions', body: ChangeOwnPasswordBody, response: { 200: UserEnvelope } },
    handler: async (request) => {
      const { currentPassword, newPassword } = request.body;
      return { user: await users.changeOwnPassword(actorOf(request), currentPassword, newPassword) };
    },
  });
}
