import { expect } from 'chai';
import { type DefinitionError } from '../../../platform/definitions/index.js';
import { buildRegistry, validateDefinitions } from '../../../platform/kinds.js';
import { checkNotificationTemplate, compileNotificationTemplate, notificationIndex, templatePaths } from '../../../platform/notify/index.js';
import { NOTIFY_ROOTS } from './notify-support.js';

type Doc = Record<string, any>;

const table = (): Doc => ({
  kind: 'table', name: 'ticket', numberPrefix: 'TCK',
  fields: {
    title: { type: 'string' },
    state: { type: 'choice', choices: [{ value: 'new', label: 'New' }, { value: 'done', label: 'Done' }] },
    owner: { type: 'string' },
    contact: { type: 'email' },
    site: { type: 'reference', reference: 'site' },
    notes: { type: 'journal' },
  },
});
const site = (): Doc => ({ kind: 'table', name: 'site', fields: { name: { type: 'string' }, manager_email: { type: 'email' } } });
const role = (): Doc => ({ kind: 'role', name: 'desk', tables: [{ table: 'ticket', operations: ['read'] }] });
const notification = (over: Doc = {}): Doc => ({
  kind: 'notification', name: 'ticket_new', table: 'ticket', trigger: { type: 'create' },
  recipients: [{ field: 'owner' }, { role: 'desk' }, { field: 'site.manager_email' }, { orgAdmins: true }],
  channels: ['inApp', 'email'], subject: '{{record.number}}: {{title}}', body: '{{#if previous.state}}{{previous.state}}{{/if}} {{url}} {{user.username}}',
  html: '<p>{{title}}</p>{{#each record.notes}}{{body}}{{/each}}', ...over,
});

function errorsOf(...defs: Doc[]): string[] {
  const result = buildRegistry(defs.map((value) => ({ file: `${String(value.kind)}-${String(value.name)}.json`, pointer: '', value })));
  return result.errors.map((e: DefinitionError) => `${e.pointer}: ${e.message}`);
}

describe('notifications: definitions', () => {
  it('accepts the test pack and the core examples', async () => {
    expect(await validateDefinitions(NOTIFY_ROOTS)).to.deep.equal([]);
  });

  it('accepts a notification whose templates read fields, previous values and the context', () => {
    expect(errorsOf(table(), site(), role(), notification())).to.deep.equal([]);
  });

  it('reports template paths that are not fields of the table', () => {
    expect(errorsOf(table(), site(), role(), notification({ subject: '{{record.titel}}', body: 'Was {{previous.stat}}; {{owner}} {{colour}}' }))).to.deep.equal([
      '/subject: The template reads "record.titel", but "titel" is not a field of table "ticket" (nor one of record, previous, user, recipient, event, url, now).',
      '/body: The template reads "previous.stat", but "stat" is not a field of table "ticket" (nor one of record, previous, user, recipient, event, url, now).',
      '/body: The template reads "colour", but "colour" is not a field of table "ticket" (nor one of record, previous, user, recipient, event, url, now).',
    ]);
  });

  it('refuses raw HTML in the HTML body and helpers beyond the logic ones', () => {
    const errors = errorsOf(table(), site(), role(), notification({ html: '<p>{{{title}}}</p>', subject: '{{uppercase title}}' }));
    expect(errors).to.have.length(2);
    expect(errors[0]).to.match(/^\/subject: The template does not compile: "uppercase" is not an available helper/);
    expect(errors[1]).to.equal('/html: The template does not compile: {{{title}}} would insert raw HTML: use {{title}}, which is escaped');
  });

  it('checks recipients: roles, fields that can name a person, dot-walks and event members', () => {
    const errors = errorsOf(table(), site(), role(), notification({
      recipients: [{ role: 'clerk' }, { field: 'state' }, { field: 'title.name' }, { field: 'site.nmae' }, { field: 'ownr' }, { event: 'approver' }],
    }));
    expect(errors).to.deep.equal([
      '/recipients/0/role: Role "clerk" is not declared.',
      '/recipients/1/field: Field "state" of table "ticket" is choice: a recipient field holds a user id, username or e-mail address (a string or email field, or created_by / updated_by).',
      '/recipients/2/field: Field "title" of table "ticket" is not a reference, so "title.name" cannot follow it.',
      '/recipients/3/field: Field "nmae" is not a field of table "site".',
      '/recipients/4/field: Field "ownr" is not a field of table "ticket".',
      '/recipients/5/event: A "create" notification comes from a change of the record, which has no event payload to name people.',
    ]);
  });

  it('checks the trigger: a journal is no field change; a transition the table\'s workflow lacks', () => {
    expect(errorsOf(table(), site(), role(), notification({ trigger: { type: 'fieldChange', field: 'notes' } }))).to.deep.equal([
      '/trigger/field: Field "notes" is a journal: adding an entry does not change it. Use an "update" trigger with a condition instead.',
    ]);
    const workflow = {
      kind: 'workflow', name: 'ticket_flow', table: 'ticket', stateField: 'state', initialState: 'new',
      states: { new: { label: 'New', category: 'open' }, done: { label: 'Done', category: 'closed' } },
      transitions: [{ name: 'finish', from: 'new', to: 'done', label: 'Finish' }],
    };
    expect(errorsOf(table(), site(), role(), workflow, notification({ trigger: { type: 'transition', transition: 'close' } }))).to.deep.equal([
      '/trigger/transition: No workflow of table "ticket" has a transition "close".',
    ]);
    expect(errorsOf(table(), site(), role(), workflow, notification({ trigger: { type: 'transition', transition: 'finish' } }))).to.deep.equal([]);
  });

  it('needs a table for organisation administrators', () => {
    const { table: _t, ...rest } = notification({ trigger: { type: 'event', event: 'ticket.escalated' }, recipients: [{ orgAdmins: true }], subject: 'x', body: 'y', html: 'z' });
    expect(errorsOf(table(), site(), role(), rest)).to.deep.equal(['/recipients/0/orgAdmins: Organisation administrators are those of the record\'s organisation: name the notification\'s table.']);
  });

  it('indexes active notifications by trigger, compiled once per registry', () => {
    const result = buildRegistry([table(), site(), role(),
      notification(), notification({ name: 'off', active: false }), notification({ name: 'ev', trigger: { type: 'event', event: 'ticket.x' } }),
      notification({ name: 'tr', trigger: { type: 'transition', transition: 'close' } }),
    ].map((value, i) => ({ file: `${i}.json`, pointer: '', value })));
    const index = notificationIndex(result.registry!);
    expect(index).to.equal(notificationIndex(result.registry!));
    expect(index.created.map((n) => n.def.name)).to.deep.equal(['ticket_new']);
    expect([...index.byName.keys()]).to.have.members(['ticket_new', 'ev', 'tr']);
    expect([...index.byEvent.keys()]).to.have.members(['ticket.x', 'workflow.transition']);
    expect(index.auditTables).to.deep.equal(['ticket']);
  });
});

describe('notifications: templates', () => {
  const context = { title: 'A & <b>B</b> "q"', record: { title: 'A & <b>B</b> "q"' } };

  it('renders text unescaped and HTML escaped', () => {
    expect(compileNotificationTemplate('{{title}} / {{record.title}}', 'text')(context)).to.equal('A & <b>B</b> "q" / A & <b>B</b> "q"');
    expect(compileNotificationTemplate('<p>{{title}}</p>', 'html')(context)).to.equal('<p>A &amp; &lt;b&gt;B&lt;/b&gt; &quot;q&quot;</p>');
  });

  it('refuses raw insertion in HTML only', () => {
    expect(checkNotificationTemplate('{{{title}}}', 'text')).to.equal(null);
    expect(checkNotificationTemplate('{{& title}}', 'html')).to.match(/would insert raw HTML/);
    expect(checkNotificationTemplate('{{> partial}}', 'text')).to.match(/partials/);
    expect(() => compileNotificationTemplate('{{{x}}}', 'html')).to.throw(/raw HTML/);
  });

  it('lists the paths a template reads outside each / with blocks', () => {
    expect(templatePaths('{{a}} {{record.b}} {{#if previous.c}}{{d}}{{else}}{{e}}{{/if}} {{#each record.f}}{{g}}{{/each}} {{#with x}}{{h}}{{/with}} {{lookup record "i"}} {{@index}}'))
      .to.deep.equal([['a'], ['record', 'b'], ['previous', 'c'], ['d'], ['e'], ['record', 'f'], ['x'], ['record']]);
  });
});
