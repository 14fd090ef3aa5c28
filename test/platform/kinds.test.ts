import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { buildRegistry, definitionSchema, definitionSchemaText, KINDS, SCHEMA_PATH } from '../../platform/kinds.js';

describe('kinds', () => {
  it('gives every kind its own schema shape, a registry map of its own and a summary', () => {
    const $defs = (definitionSchema() as { $defs: Record<string, unknown> }).$defs;
    const maps = new Set<string>();
    for (const k of KINDS) {
      expect($defs[k.kind], `schema shape of ${k.kind}`).to.be.an('object');
      expect(maps.has(k.map), `map ${k.map} used twice`).to.equal(false);
      maps.add(k.map);
      expect(k.summary).to.be.a('string').and.not.equal('');
    }
  });

  it('keeps definitions.schema.json equal to the assembled schema (npm run build:schema)', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8') === definitionSchemaText(), 'definitions.schema.json is out of date: run npm run build:schema').to.equal(true);
  });

  it('puts each kind\'s valid definitions in its typed map, and nothing of an unknown kind anywhere', () => {
    const { registry, errors } = buildRegistry([
      { file: 'r.json', pointer: '', value: { kind: 'role', name: 'clerk', capabilities: ['things.do'] } },
      { file: 'j.json', pointer: '', value: { kind: 'page', name: 'nightly' } },
    ]);
    expect(registry).to.equal(undefined);
    expect(errors.map((e) => [e.file, e.pointer])).to.deep.equal([['j.json', '/kind']]);
    const ok = buildRegistry([{ file: 'r.json', pointer: '', value: { kind: 'role', name: 'clerk', capabilities: ['things.do'] } }]).registry!;
    expect([...ok.roles.keys()]).to.deep.equal(['clerk']);
    expect(ok.get('role', 'clerk').capabilities).to.deep.equal(['things.do']);
    for (const k of KINDS) expect((ok as unknown as Record<string, unknown>)[k.map], k.map).to.be.instanceOf(Map);
  });
});
