/**
 * The studio over HTTP: /api/studio/…. Thin: parse, call the studio service, respond. Every path needs the
 * `platform.studio` capability (403 `forbidden` otherwise, before anything is parsed).
 *
 *   GET    /studio/definitions?kind&pack&q              → {data: DefinitionListEntry[]}
 *   GET    /studio/schema                               → {data: the assembled definition schema} (definitions.schema.json:
 *                                                         its descriptions are the editors' help texts), ETag
 *   GET    /studio/uses?kind&name&field                 → {data: UsesView}: every definition referring to the definition
 *                                                         (or to the field of the table), with pointer and words;
 *                                                         404 not_found / table_not_found, 400 invalid_query
 *   GET    /studio/changesets                           → {data: ChangeSetView[]} (each with authorName: the person's name)
 *   POST   /studio/changesets {name, comment?}          → 201 {data: ChangeSetView}, Location
 *   GET    /studio/changesets/:cs                       → {data: ChangeSetView with its definitions}
 *   GET    /studio/changesets/:cs/definitions/:kind/:name → {data: ChangeSetItemView}, ETag "<revision>"
 *   PUT    …/definitions/:kind/:name  (body: the definition; If-Match "<revision>" once edited)
 *                                                       → {data: ChangeSetItemView with this definition's errors}, ETag;
 *                                                         412 precondition_failed on a stale If-Match, 409 conflict
 *                                                         when the edit exists and no If-Match was sent
 *   DELETE …/definitions/:kind/:name  (If-Match as PUT) → {data: ChangeSetItemView} (a deletion), or 204 when the
 *                                                         draft's own new definition was dropped
 *   POST   /studio/changesets/:cs/validate              → {data: ValidationView}
 *   POST   /studio/changesets/:cs/publish {comment?}    → {data: VersionView}; 422 definition_invalid (every error
 *                                                         in `definitionErrors`), 409 schema_change_refused, conflict
 *   GET    /studio/versions                             → {data: VersionView[]}, newest first, each with authorName
 *   GET    /studio/versions/:v/diff?to=                 → {data: DiffView} (to: default the latest version)
 *   POST   /studio/versions/:v/rollback {comment?}      → {data: VersionView}
 *   POST   /studio/changesets/:cs/discard {comment?}    → {data: ChangeSetView} (discarded); 409 invalid_state unless a draft
 *   GET    /studio/export?since=V                       → {data: ExportBundle} (the layer, or its changes since V)
 *   POST   /studio/import?plan=true  (body: ExportBundle {files, comment?})
 *                                                       → {data: ImportPlanView}; nothing written
 *   POST   /studio/import?force=true|false  (same body) → {data: ImportResultView}; 409 conflict (in `conflicts`)
 *                                                         unless force, 422 definition_invalid, 409 schema_change_refused
 *   GET    /studio/changesets/:cs/preview/forms/:form?role=&role=
 *                                                       → {data: FormMeta} as GET /api/meta/forms gives it from the change
 *                                                         set's candidate registry to a person holding just those roles
 *                                                         (none: the configurator); 422 definition_invalid, 422
 *                                                         validation_failed naming `role` (unknown, or no read access);
 *                                                         beside `data`, `person`: the user facts its UI policies see
 *   GET    /studio/changesets/:cs/preview/tables/:table?role=   → {data: TableMeta with defaultForm, workflow}, likewise
 *   GET    /studio/changesets/:cs/preview/catalog-items/:item?role= → {data: the catalogue item page, orderable}
 *   POST   /studio/changesets/:cs/preview/try {table, record, previous?, operation, role?, form?}
 *                                                       → {data: TryView}: each rule's outcome and actions in words, the
 *                                                         record after the before rules, the form's policies; writes nothing
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { personName } from '../access/identity/index.js';
import { hasCapability } from '../access/policy.js';
import type { Formwork } from '../context.js';
import { fail } from '../errors.js';
import { definitionSchema } from '../kinds.js';
import { compileBody, compileQuery, NO_QUERY, param, readBody, readQuery } from '../http/input.js';
import { methodNotAllowed } from '../http/middleware/method-not-allowed.js';
import type { TryInput } from './preview-types.js';
import type { StudioService } from './types.js';
import { findUses } from './uses.js';

/** The capability of configurators: edit, publish and roll back definitions. */
export const STUDIO_CAPABILITY = 'platform.studio';

const LIST_QUERY = compileQuery<{ kind?: string; pack?: string; q?: string }>({
  kind: param.nonEmpty, pack: param.nonEmpty, q: param.text,
});
const USES_QUERY = compileQuery<{ kind?: string; name?: string; field?: string }>({
  kind: param.nonEmpty, name: param.nonEmpty, field: param.nonEmpty,
});
const DIFF_QUERY = compileQuery<{ to?: number }>({ to: param.wholeNumber });
const CREATE_BODY = compileBody<{ name: string; comment?: string }>({
  type: 'object', required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200, expected: 'a name of 1 to 200 characters' },
    comment: { type: 'string', maxLength: 2000, expected: 'text of at most 2,000 characters' },
  },
});
const ROLE_QUERY = compileQuery<{ role?: string | string[] }>({
  role: { type: ['string', 'array'], expected: 'the name of a role (repeat role= for more)' },
});
const ROLE_LIST = { type: ['string', 'array'], expected: 'the name of a role, or a list of them' };
const TRY_BODY = compileBody<TryInput>({
  type: 'object', required: ['table', 'record', 'operation'],
  properties: {
    table: { type: 'string', minLength: 1, expected: 'the name of a table' },
    record: { type: 'object', expected: 'an object of field values' },
    previous: { type: ['object', 'null'], expected: 'an object of field values (the stored record), or null' },
    operation: { type: 'string', enum: ['create', 'update'], expected: 'create or update' },
    role: ROLE_LIST,
    form: { type: 'string', minLength: 1, expected: 'the name of a form of the table' },
  },
}, { required: true, textCheckedBy: 'service' });

/** The roles a preview is for, from `role` given once, repeated, or as a list; each must be a non-empty name. */
function rolesOf(role: string | string[] | undefined): string[] {
  const roles = [role ?? []].flat();
  if (roles.some((r) => typeof r !== 'string' || r.trim() === '')) {
    fail('validation_failed', 'Each role must be the name of a role.', {
      fieldErrors: [{ field: 'role', code: 'type', message: 'Each role must be the name of a role.' }],
    });
  }
  return roles;
}

const EXPORT_QUERY = compileQuery<{ since?: number }>({ since: param.wholeNumber });
const IMPORT_QUERY = compileQuery<{ plan?: boolean; force?: boolean }>({ plan: param.boolean, force: param.boolean });
const COMMENT_BODY = compileBody<{ comment?: string }>({
  type: 'object', properties: { comment: { type: 'string', maxLength: 2000, expected: 'text of at most 2,000 characters' } },
});

/** The revision an If-Match header names (`"3"`, `W/"3"` or `3`); undefined without the header. */
function ifMatchRevision(req: Request): number | undefined {
  const header = req.get('if-match');
  if (header === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m) fail('precondition_failed', `If-Match must name one revision, such as "3"; got ${header}.`);
  return Number(m[1]);
}

/** A version number from the path. */
function versionParam(value: string): number {
  if (!/^\d{1,9}$/.test(value)) {
    fail('invalid_query', `Version must be a whole number of 0 or more; got "${value}".`, {
      fieldErrors: [{ field: 'version', code: 'type', message: `Version must be a whole number of 0 or more; got "${value}".` }],
    });
  }
  return Number(value);
}

/** Each row with `authorName`: its author's name as people read it (a username no account holds stays as it is). */
async function withAuthorNames<T extends { author: string }>(fw: Formwork, rows: T[]): Promise<(T & { authorName: string })[]> {
  const usernames = [...new Set(rows.map((r) => r.author))];
  const people: { username: string; display_name: string | null }[] = usernames.length
    ? await fw.db.knex('sys_user').whereIn('username', usernames).select('username', 'display_name') : [];
  const names = new Map(people.map((p) => [p.username, personName(p)]));
  return rows.map((r) => ({ ...r, authorName: names.get(r.author) ?? r.author }));
}

/** The studio API; `service` is read per request. */
export function studioRouter(fw: Formwork, service: () => StudioService): Router {
  const router = Router();
  const actor = (res: Response) => res.locals.actor;

  router.use('/studio', function requireStudioCapability(_req: Request, res: Response, next: NextFunction) {
    if (!hasCapability(fw.registry.current, actor(res), STUDIO_CAPABILITY)) fail('forbidden', 'Only configurators may use the studio.');
    next();
  });

  router.route('/studio/definitions')
    .get((req, res) => {
      res.json({ data: service().listDefinitions(readQuery(req, LIST_QUERY)) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/studio/schema')
    .get((req, res) => {
      readQuery(req, NO_QUERY);
      res.set('Cache-Control', 'private, max-age=300').json({ data: definitionSchema() });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/studio/uses')
    .get((req, res) => {
      const { kind, name, field } = readQuery(req, USES_QUERY);
      if (!kind || !name) {
        const missing = !kind ? 'kind' : 'name';
        fail('invalid_query', `Say which definition: ${missing} is required.`, {
          fieldErrors: [{ field: missing, code: 'required', message: `${missing === 'kind' ? 'Kind' : 'Name'} is required.` }],
        });
      }
      res.json({ data: findUses(fw.registry.current, kind, name, field) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/studio/changesets')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await withAuthorNames(fw, await service().listChangeSets()) });
    })
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const cs = await service().createChangeSet(actor(res), readBody(req, CREATE_BODY));
      res.status(201).location(`${req.baseUrl}/studio/changesets/${encodeURIComponent(cs.id)}`).json({ data: cs });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router.route('/studio/changesets/:cs')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: (await withAuthorNames(fw, [await service().getChangeSet(req.params.cs)]))[0] });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/studio/changesets/:cs/discard')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const { comment } = readBody(req, COMMENT_BODY);
      res.json({ data: await service().discardChangeSet(actor(res), req.params.cs, comment) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/studio/export')
    .get(async (req, res) => {
      const { since } = readQuery(req, EXPORT_QUERY);
      res.json({ data: await service().exportLayer(since) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/studio/import')
    .post(async (req, res) => {
      const { plan, force } = readQuery(req, IMPORT_QUERY);
      const body = req.body as { comment?: unknown } | undefined;
      const comment = body && typeof body === 'object' ? body.comment : undefined;
      if (comment !== undefined && (typeof comment !== 'string' || comment.length > 2000)) {
        fail('invalid_payload', 'Comment must be text of at most 2,000 characters.', {
          fieldErrors: [{ field: 'comment', code: 'type', message: 'Comment must be text of at most 2,000 characters.' }],
        });
      }
      if (plan) res.json({ data: await service().planImport(req.body) });
      else res.json({ data: await service().applyImport(actor(res), req.body, { force, comment: comment as string | undefined }) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/studio/changesets/:cs/definitions/:kind/:name')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      const item = await service().getDefinition(req.params.cs, req.params.kind, req.params.name);
      res.set('ETag', `"${item.revision}"`).json({ data: item });
    })
    .put(async (req, res) => {
      readQuery(req, NO_QUERY);
      const { cs, kind, name } = req.params;
      const item = await service().saveDefinition(actor(res), cs, kind, name, req.body, ifMatchRevision(req));
      res.set('ETag', `"${item.revision}"`).json({ data: item });
    })
    .delete(async (req, res) => {
      readQuery(req, NO_QUERY);
      const { cs, kind, name } = req.params;
      const item = await service().deleteDefinition(actor(res), cs, kind, name, ifMatchRevision(req));
      if (item) res.set('ETag', `"${item.revision}"`).json({ data: item });
      else res.status(204).end();
    })
    .all(methodNotAllowed(['GET', 'PUT', 'DELETE']));

  router.route('/studio/changesets/:cs/validate')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await service().validate(req.params.cs) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/studio/changesets/:cs/publish')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const { comment } = readBody(req, COMMENT_BODY);
      res.json({ data: await service().publish(actor(res), req.params.cs, comment) });
    })
    .all(methodNotAllowed(['POST']));

  router.route('/studio/versions')
    .get(async (req, res) => {
      readQuery(req, NO_QUERY);
      res.json({ data: await withAuthorNames(fw, await service().listVersions()) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/studio/versions/:v/diff')
    .get(async (req, res) => {
      const from = versionParam(req.params.v);
      const { to } = readQuery(req, DIFF_QUERY);
      const latest = (await service().listVersions())[0]?.number ?? 0;
      res.json({ data: await service().diff(from, to ?? latest) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/studio/versions/:v/rollback')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const version = versionParam(req.params.v);
      const { comment } = readBody(req, COMMENT_BODY);
      res.json({ data: await service().rollback(actor(res), version, comment) });
    })
    .all(methodNotAllowed(['POST']));

  // Previews (platform/studio/preview.ts): read-only views of the change set's candidate registry.
  router.route('/studio/changesets/:cs/preview/forms/:form')
    .get(async (req, res) => {
      const roles = rolesOf(readQuery(req, ROLE_QUERY).role);
      const person = await service().preview.person(actor(res), req.params.cs, roles);
      res.json({ data: await service().preview.form(actor(res), req.params.cs, req.params.form, roles), person });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/studio/changesets/:cs/preview/tables/:table')
    .get(async (req, res) => {
      const roles = rolesOf(readQuery(req, ROLE_QUERY).role);
      const person = await service().preview.person(actor(res), req.params.cs, roles);
      res.json({ data: await service().preview.table(actor(res), req.params.cs, req.params.table, roles), person });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/studio/changesets/:cs/preview/catalog-items/:item')
    .get(async (req, res) => {
      const roles = rolesOf(readQuery(req, ROLE_QUERY).role);
      const person = await service().preview.person(actor(res), req.params.cs, roles);
      res.json({ data: await service().preview.catalogItem(actor(res), req.params.cs, req.params.item, roles), person });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/studio/changesets/:cs/preview/try')
    .post(async (req, res) => {
      readQuery(req, NO_QUERY);
      const body = readBody(req, TRY_BODY);
      rolesOf(body.role);
      res.json({ data: await service().preview.tryRecord(actor(res), req.params.cs, body) });
    })
    .all(methodNotAllowed(['POST']));

  return router;
}
