/**
 * The `label` template helper: stored values as people read them, in rule / workflow / SLA templates and in
 * notification templates, and its checks in the lint.
 */
import { expect } from 'chai';
import type { ResolvedField, ResolvedTable } from '../../../platform/definitions/types.js';
import { checkNotificationTemplate, compileNotificationTemplate } from '../../../platform/notify/templates.js';
import { checkTemplate, compileTemplate, type TemplateContext } from '../../../platform/rules/templates.js';

const field = (name: string, def: Partial<ResolvedField>): ResolvedField =>
  ({ name, column: name, declaredBy: 'tl_case', system: false, type: 'string', ...def }) as ResolvedField;

const fields = [
  field('priority', { type: 'choice', choices: [{ value: '1', label: 'Critical' }, { value: '2', label: 'High' }] }),
  field('tags', { type: 'choice', multiple: true, choices: [{ value: 'a', label: 'Alpha' }, { value: 'b', label: 'Beta' }] }),
  field('urgent', { type: 'boolean' }),
  field('due', { type: 'date' }),
  field('closed_at', { type: 'datetime' }),
  field('site', { type: 'reference', reference: 'tl_site' }),
  field('site_name', { type: 'string', fetchFrom: 'site.name' }),
  field('owner', { type: 'reference', reference: 'tl_person' }),
  field('title', { type: 'string' }),
];
const table = { name: 'tl_case', fields: new Map(fields.map((f) => [f.name, f])) } as unknown as ResolvedTable;

const record = {
  priority: '2', tags: ['b', 'a'], urgent: true, due: '2026-03-05', closed_at: '2026-03-05T14:05:00.000Z',
  site: '0190a3b2-0000-7000-8000-000000000001', site_name: 'Docklands', owner: null, title: 'Boiler',
};
const ctx = (over: Partial<TemplateContext> = {}): TemplateContext => ({ record, previous: { ...record, priority: '1', urgent: false }, user: {}, now: '2026-03-06T00:00:00Z', table, ...over });

describe('templates: the label helper', () => {
  it('prints choice labels, Yes/No, dates for people and a reference\'s fetched display value', () => {
    const t = compileTemplate('{{label record "priority"}}|{{label record "tags"}}|{{label record "urgent"}}|{{label previous "urgent"}}|{{label record "due"}}|{{label record "closed_at"}}|{{label record "site"}}|{{label previous "priority"}}');
    expect(t(ctx())).to.equal('High|Beta, Alpha|Yes|No|5 March 2026|5 March 2026, 14:05 UTC|Docklands|Critical');
  });

  it('prints nothing for a missing value and the stored value for an unknown choice', () => {
    const t = compileTemplate('[{{label record "owner"}}][{{label record "title"}}][{{label record "nope"}}][{{label record "priority"}}]');
    expect(t(ctx({ record: { ...record, priority: '9' } }))).to.equal('[][Boiler][][9]');
  });

  it('without the table, still prints Yes/No and dates, and choices as stored', () => {
    const t = compileTemplate('{{label record "urgent"}} {{label record "due"}} {{label record "priority"}}');
    expect(t(ctx({ table: undefined }))).to.equal('Yes 5 March 2026 2');
  });

  it('does not let a template read the table it is given', () => {
    expect(compileTemplate('[{{table.name}}]')(ctx())).to.equal('[]');
  });

  it('works in notification templates, escaped in HTML bodies', () => {
    const text = compileNotificationTemplate('Priority {{label record "priority"}}', 'text', table);
    expect(text({ record })).to.equal('Priority High');
    const html = compileNotificationTemplate('<p>{{label record "title"}}</p>', 'html', table);
    expect(html({ record: { ...record, title: '<b>O\'Brien</b>' } })).to.equal('<p>&lt;b&gt;O&#x27;Brien&lt;/b&gt;</p>');
  });

  describe('lint', () => {
    it('accepts label with a record and a field name', () => {
      expect(checkTemplate('{{label record "priority"}}', table)).to.equal(null);
      expect(checkNotificationTemplate('{{label previous "site"}}', 'text', table)).to.equal(null);
    });

    it('refuses a wrong call, an unknown field and a reference with nothing fetched through it', () => {
      expect(checkTemplate('{{label record}}', table)).to.match(/takes a record and a field name/);
      expect(checkTemplate('{{label record priority}}', table)).to.match(/field name in quotes/);
      expect(checkTemplate('{{label "record" "priority"}}', table)).to.match(/first argument/);
      expect(checkTemplate('{{label record "priorty"}}', table)).to.match(/not a field of table "tl_case" \(closest: priority/);
      expect(checkTemplate('{{label record "owner"}}', table)).to.match(/would print an id: add a field with "fetchFrom": "owner\./);
      expect(checkNotificationTemplate('{{label record "priorty"}}', 'html', table)).to.match(/not a field/);
    });

    it('checks only the call\'s shape without a table, and still refuses other helpers', () => {
      expect(checkTemplate('{{label record "anything"}}')).to.equal(null);
      expect(checkTemplate('{{labels record "priority"}}')).to.match(/not an available helper/);
    });
  });
});
