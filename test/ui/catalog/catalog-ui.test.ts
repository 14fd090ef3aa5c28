import { expect } from 'chai';
import { ApiError } from '../../../ui/api/client.js';
import { cellKey, parseCellKey, serverProblems } from '../../../ui/catalog/cells.js';
import { bytesText, costText, deliveryText, fileTypeText, joinOr, rowsText } from '../../../ui/catalog/words.js';
import { matchRoute } from '../../../ui/router.js';

describe('ui/catalog', () => {
  describe('words', () => {
    it('says prices, recurring prices and delivery times in words', () => {
      expect(costText({ amount: 150 }, { amount: 5, period: 'month' })).to.equal('£150.00, then £5.00 a month');
      expect(costText({ amount: 0 })).to.equal('Free');
      expect(costText(null, { amount: 12.5, currency: 'EUR', period: 'year' })).to.equal('€12.50 a year');
      expect(costText(null, null)).to.equal(null);
      expect(deliveryText({ amount: 1, unit: 'weeks' })).to.equal('Delivered within 1 week');
      expect(deliveryText({ amount: 3, unit: 'days' })).to.equal('Delivered within 3 days');
    });

    it('says sizes, row counts and alternatives in words', () => {
      expect(bytesText(100_000)).to.equal('97.7 KB');
      expect(bytesText(10 * 1024 * 1024)).to.equal('10 MB');
      expect(rowsText(1)).to.equal('1 row');
      expect(rowsText(2)).to.equal('2 rows');
      expect(joinOr(['PDF', 'PNG', 'JPEG'])).to.equal('PDF, PNG or JPEG');
      expect(fileTypeText('image/png')).to.equal('PNG image');
      expect(fileTypeText('.pages')).to.equal('.pages');
    });
  });

  describe('cells', () => {
    it('names a multi-row cell and reads the name back, from the form or as a JSON pointer', () => {
      expect(cellKey('devices', 2, 'serial')).to.equal('devices[2].serial');
      expect(parseCellKey('devices[2].serial')).to.deep.equal({ set: 'devices', row: 2, field: 'serial' });
      expect(parseCellKey('/devices/0/serial')).to.deep.equal({ set: 'devices', row: 0, field: 'serial' });
      expect(parseCellKey('colour')).to.equal(null);
    });

    it('rewrites the cells an API refusal names into the form’s keys, leaving other problems as they are', () => {
      const err = new ApiError(422, 'validation_failed', 'Not valid', [
        { field: '/devices/1/serial', code: 'required', message: 'Serial is required.' },
        { field: 'colour', code: 'required', message: 'Colour is required.' },
      ]);
      const out = serverProblems(err) as ApiError;
      expect(out.code).to.equal('validation_failed');
      expect(out.errors.map((e) => e.field)).to.deep.equal(['devices[1].serial', 'colour']);
      const other = new Error('boom');
      expect(serverProblems(other)).to.equal(other);
    });
  });

  describe('routes', () => {
    it('matches the catalogue’s pages', () => {
      expect(matchRoute('/catalog', '?q=screen')).to.deep.include({ name: 'catalog' });
      expect(matchRoute('/catalog/categories/ui_equipment')).to.deep.equal({ name: 'catalog-category', category: 'ui_equipment' });
      expect(matchRoute('/catalog/items/ui_monitor')).to.deep.equal({ name: 'catalog-item', item: 'ui_monitor', params: new URLSearchParams() });
      expect(matchRoute('/catalog/guides/ui_new_desk')).to.deep.equal({ name: 'catalog-guide', guide: 'ui_new_desk' });
      expect(matchRoute('/catalog/cart')).to.deep.equal({ name: 'catalog-cart' });
      expect(matchRoute('/catalog/requests', '?scope=org')).to.deep.include({ name: 'catalog-requests' });
      expect(matchRoute('/catalog/requests/abc')).to.deep.equal({ name: 'catalog-request', id: 'abc' });
      expect(matchRoute('/catalog/confirmation', '?request=abc')).to.deep.include({ name: 'catalog-confirmation' });
      expect(matchRoute('/catalog/nothing').name).to.equal('not-found');
      expect(matchRoute('/catalog/items/a/b').name).to.equal('not-found');
    });
  });
});
