import { expect } from 'chai';
import { dispatchNotifications } from '../../../platform/notify/index.js';
import type { Actor } from '../../../platform/records/types.js';
import { createToken, serve, signIn, type RunningServer, type TestClient } from '../../support/auth.js';
import { steppingClock, type TestEngine } from '../../support/engine.js';
import { actorOf, createCast, notifyEngine, type Cast } from './notify-support.js';

describe('notifications: the notification centre API', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let cast: Cast;
  let creator: Actor;
  let agent: TestClient;
  const clock = steppingClock(new Date().toISOString());
  const ids: string[] = [];

  before(async () => {
    fw = await notifyEngine({ clock });
    server = await serve(fw);
    cast = await createCast(fw);
    creator = await actorOf(fw, cast.creator);
    await dispatchNotifications(fw);
    // Three cases, a minute apart: the agent is told of each (created, by role).
    for (const title of ['First', 'Second', 'Third']) {
      const r = await fw.records.createOne('nt_case', { short_description: title }, { actor: creator });
      ids.push(r.id as string);
      await dispatchNotifications(fw);
      clock.advance(60_000);
    }
    agent = await signIn(fw, server.url, cast.agent);
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  it('lists the person\'s own notifications, newest first, paged, with the unread count', async () => {
    const page = await agent.json('GET', '/api/notifications?limit=2', undefined, 200);
    expect(page.meta).to.deep.equal({ total: 3, unread: 3, limit: 2, offset: 0 });
    expect(page.data.map((n: any) => n.recordId)).to.deep.equal([ids[2], ids[1]]);
    expect(page.data[0]).to.include({ notification: 'nt_case_created', table: 'nt_case', url: `/tables/nt_case/${ids[2]}#activity`, readAt: null });
    expect(page.data[0].title).to.match(/^New case NTC\d+: Third$/);
    const next = await agent.json('GET', '/api/notifications?limit=2&offset=2', undefined, 200);
    expect(next.data.map((n: any) => n.recordId)).to.deep.equal([ids[0]]);
    // Someone else's notifications are not theirs.
    const manager = await signIn(fw, server.url, cast.manager);
    expect((await manager.json('GET', '/api/notifications', undefined, 200)).data.every((n: any) => n.id && !page.data.some((m: any) => m.id === n.id))).to.equal(true);
  });

  it('marks one read (only the person\'s own), then all', async () => {
    const { data } = await agent.json('GET', '/api/notifications', undefined, 200);
    clock.advance(1000);
    const read = await agent.json('POST', `/api/notifications/${data[1].id}/read`, {}, 200);
    expect(read.data).to.include({ id: data[1].id, readAt: clock.now().toISOString() });
    // Again: unchanged.
    clock.advance(1000);
    expect((await agent.json('POST', `/api/notifications/${data[1].id}/read`, {}, 200)).data.readAt).to.equal(read.data.readAt);
    expect((await agent.json('GET', '/api/notifications?limit=1', undefined, 200)).meta.unread).to.equal(2);
    expect((await agent.json('GET', '/api/notifications?unread=true', undefined, 200)).data.map((n: any) => n.id)).to.deep.equal([data[0].id, data[2].id]);

    const manager = await signIn(fw, server.url, cast.manager);
    expect((await manager.json('POST', `/api/notifications/${data[0].id}/read`, {}, 404)).code).to.equal('not_found');
    expect((await manager.json('POST', '/api/notifications/not-an-id/read', {}, 404)).code).to.equal('not_found');
    expect((await agent.json('GET', '/api/notifications?limit=1', undefined, 200)).meta.unread).to.equal(2);

    expect((await agent.json('POST', '/api/notifications/read-all', {}, 200)).data).to.deep.equal({ updated: 2 });
    expect((await agent.json('GET', '/api/notifications', undefined, 200)).meta).to.include({ total: 3, unread: 0 });
  });

  it('refuses bad queries, other methods, and requests without a session', async () => {
    expect((await agent.json('GET', '/api/notifications?limit=0', undefined, 400)).code).to.equal('invalid_query');
    expect((await agent.json('GET', '/api/notifications?unread=maybe', undefined, 400)).code).to.equal('invalid_query');
    expect((await agent.json('GET', '/api/notifications?colour=red', undefined, 400)).code).to.equal('invalid_query');
    expect((await agent.json('DELETE', '/api/notifications', undefined, 405)).code).to.equal('method_not_allowed');
    const anonymous = await fetch(`${server.url}/api/notifications`);
    expect(anonymous.status).to.equal(401);
    // A CSRF token is needed with a session cookie, not with an API token.
    const bare = await fetch(`${server.url}/api/notifications/read-all`, { method: 'POST', headers: { cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    expect(bare.status).to.equal(403);
    const token = await createToken(fw, cast.agent.username);
    const withToken = await fetch(`${server.url}/api/notifications`, { headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status).to.equal(200);
    expect(((await withToken.json()) as any).meta.total).to.equal(3);
  });
});
