import { expect } from 'chai';
import { hasMoreRecords, totalText } from '../../../ui/list/total-text.js';

describe('ui/list/total-text', () => {
  describe('totalText()', () => {
    it('shows a counted total as is, an estimate rounded with "about", a lower bound as "more than" the cap', () => {
      expect(totalText(143, 'exact')).to.equal('143');
      expect(totalText(12_345, 'exact')).to.equal('12,345');
      expect(totalText(198_734, 'estimate')).to.equal('about 200,000');
      expect(totalText(10_412, 'estimate')).to.equal('about 10,000');
      expect(totalText(1_234_567, 'estimate')).to.equal('about 1,200,000');
      expect(totalText(10_001, 'atLeast')).to.equal('more than 10,000');
    });

    it('shows nothing without a total, and a total of an older server (no kind) as counted', () => {
      expect(totalText(null, null)).to.equal(null);
      expect(totalText(5, null)).to.equal('5');
    });
  });

  describe('hasMoreRecords()', () => {
    it('trusts an exact total, and otherwise only a full page', () => {
      expect(hasMoreRecords(45, 'exact', 20, 20, 20)).to.equal(true);
      expect(hasMoreRecords(40, 'exact', 20, 20, 20)).to.equal(false);
      // An estimate may be below the rows that really match: a full page says there may be more.
      expect(hasMoreRecords(10_500, 'estimate', 10_500, 20, 20)).to.equal(true);
      expect(hasMoreRecords(10_001, 'atLeast', 10_000, 20, 7)).to.equal(false);
      expect(hasMoreRecords(null, null, 0, 20, 20)).to.equal(true);
    });
  });
});
