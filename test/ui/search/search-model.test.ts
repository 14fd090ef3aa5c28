import { expect } from 'chai';
import type { Suggestion } from '../../../ui/api/search.js';
import {
  foundIn, groupSuggestions, isSearchShortcut, readSearchView, searchUrl, shortQuery, showingLine, tableFacets, tagFacets, toggled,
  totalLine,
} from '../../../ui/search/search-model.js';

const key = (k: string, mods: { ctrl?: boolean; meta?: boolean; alt?: boolean } = {}) =>
  ({ key: k, ctrlKey: mods.ctrl ?? false, metaKey: mods.meta ?? false, altKey: mods.alt ?? false });

describe('ui/search/search-model', () => {
  describe('readSearchView() and searchUrl()', () => {
    it('reads the query, distinct lists and a whole offset, and writes them back leaving empty parts out', () => {
      const v = readSearchView(new URLSearchParams('q=%20router%20reset%20&tables=kb,faq,kb,&tags=Wi-Fi, VPN&offset=20'));
      expect(v).to.deep.equal({ q: 'router reset', tables: ['kb', 'faq'], tags: ['Wi-Fi', 'VPN'], offset: 20 });
      expect(searchUrl(v)).to.equal('/search?q=router+reset&tables=kb%2Cfaq&tags=Wi-Fi%2CVPN&offset=20');
      expect(searchUrl({ q: 'a&b' })).to.equal('/search?q=a%26b');
    });

    it('reads a missing, negative or fractional offset as the first page', () => {
      for (const o of ['', '-20', '2.5', 'x']) expect(readSearchView(new URLSearchParams(`q=x&offset=${o}`)).offset).to.equal(0);
      expect(readSearchView(new URLSearchParams('')).q).to.equal('');
    });
  });

  describe('totalLine() and showingLine()', () => {
    it('says the total in words with the query quoted, and the range shown', () => {
      expect(totalLine(12, 'router reset')).to.equal('12 results for “router reset”');
      expect(totalLine(1, 'vpn')).to.equal('1 result for “vpn”');
      expect(totalLine(0, 'vpn')).to.equal('No results for “vpn”');
      expect(totalLine(1234, 'a')).to.equal('1,234 results for “a”');
      expect(showingLine(20, 20, 57)).to.equal('Showing 21–40 of 57');
      expect(showingLine(40, 17, 57)).to.equal('Showing 41–57 of 57');
      expect(showingLine(0, 0, 0)).to.equal('');
      expect(shortQuery('router')).to.equal('router');
      expect(shortQuery('word '.repeat(20), 12)).to.equal('word word w…');
    });
  });

  describe('foundIn()', () => {
    it('names each field matched once, in order, and says nothing without reasons', () => {
      expect(foundIn([{ label: 'Title' }, { label: 'Tags' }, { label: 'Title' }])).to.equal('Found in: Title, Tags');
      expect(foundIn([])).to.equal('');
    });
  });

  describe('tableFacets()', () => {
    const g = (table: string, count: number) => ({ table, label: table.toUpperCase(), pluralLabel: `${table.toUpperCase()}s`, count });

    it('offers the answer\'s tables with counts, then remembered ones, then chosen tables neither names', () => {
      expect(tableFacets([g('kb', 3)], [g('kb', 9), g('faq', 4)], ['kb', 'gone'])).to.deep.equal([
        { table: 'kb', label: 'KBs', count: 3 },
        { table: 'faq', label: 'FAQs', count: 4 },
        { table: 'gone', label: 'gone', count: null },
      ]);
    });
  });

  describe('tagFacets() and toggled()', () => {
    it('lists chosen tags first, then the results\' tags once each regardless of case', () => {
      expect(tagFacets([['VPN', 'wifi'], undefined, ['vpn', 'Router']], ['Router'])).to.deep.equal(['Router', 'VPN', 'wifi']);
    });

    it('adds or removes one value', () => {
      expect(toggled(['a', 'b'], 'c', true)).to.deep.equal(['a', 'b', 'c']);
      expect(toggled(['a', 'b'], 'a', false)).to.deep.equal(['b']);
      expect(toggled(['a'], 'a', true)).to.deep.equal(['a']);
    });
  });

  describe('groupSuggestions()', () => {
    it('groups by table in the order of each table\'s first suggestion', () => {
      const s = (table: string, id: string): Suggestion => ({ table, tableLabel: `${table} label`, id, title: id });
      const groups = groupSuggestions([s('kb', '1'), s('faq', '2'), s('kb', '3')]);
      expect(groups.map((x) => [x.label, x.items.map((i) => i.id)])).to.deep.equal([['kb label', ['1', '3']], ['faq label', ['2']]]);
      expect(groupSuggestions([])).to.deep.equal([]);
    });
  });

  describe('isSearchShortcut()', () => {
    it('opens the box on Ctrl+K and ⌘K anywhere, and on / only when the person is not typing', () => {
      expect(isSearchShortcut(key('k', { ctrl: true }), true)).to.equal(true);
      expect(isSearchShortcut(key('K', { meta: true }), false)).to.equal(true);
      expect(isSearchShortcut(key('/'), false)).to.equal(true);
      expect(isSearchShortcut(key('/'), true)).to.equal(false);
      expect(isSearchShortcut(key('k'), false)).to.equal(false);
      expect(isSearchShortcut(key('k', { ctrl: true, alt: true }), false)).to.equal(false);
      expect(isSearchShortcut(key('/', { ctrl: true }), false)).to.equal(false);
    });
  });
});
