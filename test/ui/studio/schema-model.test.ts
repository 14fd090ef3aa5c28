/** The schema-generated editor's model, against the real definition schema: shapes, words, checks, new values, edits. */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  checkValue, choiceIndex, idOf, itemWords, moveAt, newValue, pointerOf, renameKeyAt, resolve, setAt, shapeOf, valueAt, words,
  type Schema, type SchemaRoot,
} from '../../../ui/studio/editors/schema-model.js';

const root = JSON.parse(readFileSync(new URL('../../../definitions.schema.json', import.meta.url), 'utf8')) as SchemaRoot;
const prop = (kind: string, key: string) => (root.$defs[kind]!.properties as Record<string, Schema>)[key]!;

describe('ui/studio/editors/schema-model', () => {
  describe('shapeOf()', () => {
    it('makes a kind a group of its properties, required ones marked', () => {
      const shape = shapeOf(root, root.$defs.role!);
      expect(shape.type).to.equal('object');
      if (shape.type !== 'object') return;
      const byKey = Object.fromEntries(shape.properties.map((p) => [p.key, p.required]));
      expect(byKey).to.include({ kind: true, name: true, label: false, tables: false });
    });

    it('follows $refs to single values, keeping the nearer description', () => {
      expect(shapeOf(root, prop('role', 'label'))).to.deep.equal({ type: 'string' });
      const label = resolve(root, prop('role', 'label'));
      expect(label.description).to.equal(prop('role', 'label').description);
      expect(label.maxLength).to.equal(200);
    });

    it('gives lists, fixed values, constants, maps and alternatives their own shapes', () => {
      expect(shapeOf(root, prop('role', 'tables'))).to.include({ type: 'array' });
      expect(shapeOf(root, prop('notification', 'trigger'))).to.include({ type: 'object' });
      const channels = shapeOf(root, prop('notification', 'channels'));
      expect(channels.type === 'array' && shapeOf(root, channels.items).type).to.equal('enum');
      expect(shapeOf(root, prop('role', 'kind'))).to.deep.equal({ type: 'const', value: 'role' });
      const fields = shapeOf(root, prop('table', 'fields'));
      expect(fields.type === 'object' && fields.entries !== null).to.equal(true);
      const grantTable = (root.$defs.tableGrant!.properties as Record<string, Schema>).table!;
      const choice = shapeOf(root, grantTable);
      expect(choice.type).to.equal('choice');
      if (choice.type !== 'choice') return;
      expect(choice.options.map((o) => o.label)).to.deep.equal(['Name', 'Exactly "*"']);
      expect(choiceIndex(root, choice.options, '*')).to.equal(1);
      expect(choiceIndex(root, choice.options, 'customer')).to.equal(0);
    });

    it('leaves conditions to a JSON text area', () => {
      expect(shapeOf(root, prop('notification', 'condition'))).to.deep.equal({ type: 'json' });
    });
  });

  describe('words()', () => {
    it('turns camelCase and snake_case names into a sentence-case phrase', () => {
      expect(words('defaultForm')).to.equal('Default form');
      expect(words('default_form')).to.equal('Default form');
      expect(words('pluralLabel')).to.equal('Plural label');
      expect(words('tableGrant')).to.equal('Table grant');
      expect(words('HTMLBody')).to.equal('Html body');
    });

    it('names list items by their group shape, else by the list', () => {
      expect(itemWords(root, (prop('role', 'tables').items) as Schema, 'tables')).to.equal('Table grant');
      expect(itemWords(root, (prop('role', 'includes').items) as Schema, 'includes')).to.equal('Includes');
    });
  });

  describe('checkValue()', () => {
    const name = { $ref: '#/$defs/name' };
    it('checks lengths, patterns and fixed values as typed, in words', () => {
      expect(checkValue(root, name, 'customer')).to.equal('');
      expect(checkValue(root, name, '')).to.equal('Enter a value.');
      expect(checkValue(root, name, 'Bad Name')).to.match(/^This is not in the expected form, e\.g\. "customer"/);
      expect(checkValue(root, prop('role', 'label'), 'x'.repeat(201))).to.equal('Enter at most 200 characters.');
      expect(checkValue(root, { enum: ['a', 'b'] }, 'c')).to.equal('Choose one of: a, b.');
    });

    it('checks numbers and lists', () => {
      const digits = prop('table', 'numberDigits');
      expect(checkValue(root, digits, 2)).to.equal('Enter 3 or more.');
      expect(checkValue(root, digits, 4.5)).to.equal('Enter a whole number.');
      expect(checkValue(root, digits, 7)).to.equal('');
      expect(checkValue(root, prop('notification', 'channels'), [])).to.equal('Add at least one.');
      expect(checkValue(root, prop('notification', 'channels'), ['email', 'email'])).to.equal('Each value may be given only once.');
    });
  });

  describe('newValue()', () => {
    it('fills in required parts of a new group', () => {
      expect(newValue(root, (prop('role', 'tables').items) as Schema)).to.deep.equal({ table: '', operations: [] });
      expect(newValue(root, prop('notification', 'trigger'))).to.deep.equal({ type: 'create' });
      expect(newValue(root, prop('table', 'numberDigits'))).to.equal(7);
      expect(newValue(root, prop('notification', 'condition'))).to.deep.equal({ all: [] });
    });
  });

  describe('edits at a path', () => {
    const doc = { kind: 'role', name: 'clerk', tables: [{ table: 'a' }, { table: 'b' }], map: { x: 1, y: 2 } };

    it('sets, removes and moves without changing the original', () => {
      expect(valueAt(setAt(doc, ['tables', 1, 'table'], 'c'), ['tables', 1, 'table'])).to.equal('c');
      expect(setAt(doc, ['tables', 0], undefined).tables).to.deep.equal([{ table: 'b' }]);
      expect(setAt(doc, ['name'], undefined)).to.not.have.property('name');
      expect(moveAt(doc, ['tables'], 0, 1).tables).to.deep.equal([{ table: 'b' }, { table: 'a' }]);
      expect(moveAt(doc, ['tables'], 0, -1)).to.equal(doc);
      expect(Object.keys(renameKeyAt(doc, ['map'], 'x', 'z').map)).to.deep.equal(['z', 'y']);
      expect(doc.tables).to.deep.equal([{ table: 'a' }, { table: 'b' }]);
    });

    it('writes JSON pointers and ids that stay unique', () => {
      expect(pointerOf(['a/b', 'c~d', 0])).to.equal('/a~1b/c~0d/0');
      expect(idOf('se', ['a_b'])).to.not.equal(idOf('se', ['a-b']));
      expect(idOf('se', ['tables', 0, 'table'])).to.match(/^[A-Za-z0-9_]+$/);
    });
  });
});
