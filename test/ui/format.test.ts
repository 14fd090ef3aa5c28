/** Relative date-times in lists: words for recent and near times, the date and time beyond a few weeks. */
import { expect } from 'chai';
import { formatDateTime, formatRatingAverage, formatRelative } from '../../ui/format.js';

describe('ui/format: relative date-times', () => {
  const now = Date.parse('2026-12-07T12:00:00.000Z');
  const ago = (ms: number) => new Date(now - ms).toISOString();
  const MIN = 60_000;

  it('says recent and near times in words, either way', () => {
    expect(formatRelative(ago(10_000), now)).to.equal('just now');
    expect(formatRelative(ago(5 * MIN), now)).to.equal('5 minutes ago');
    expect(formatRelative(ago(3 * 60 * MIN), now)).to.equal('3 hours ago');
    expect(formatRelative(ago(24 * 60 * MIN), now)).to.equal('yesterday');
    expect(formatRelative(ago(3 * 24 * 60 * MIN), now)).to.equal('3 days ago');
    expect(formatRelative(ago(14 * 24 * 60 * MIN), now)).to.equal('2 weeks ago');
    expect(formatRelative(ago(-2 * 60 * MIN), now)).to.equal('in 2 hours');
  });

  it('gives the date and time further away, and leaves text that is not a time as it is', () => {
    const old = ago(60 * 24 * 60 * MIN);
    expect(formatRelative(old, now)).to.equal(formatDateTime(old));
    expect(formatRelative('soon', now)).to.equal('soon');
  });
});

describe('ui/format: average ratings in lists', () => {
  it('shows a useful-scale average as a percentage and stars out of 5, nothing before the first rating', () => {
    expect(formatRatingAverage('useful', 0.6667)).to.equal('67%');
    expect(formatRatingAverage('useful', 1)).to.equal('100%');
    expect(formatRatingAverage('stars', 4.1667)).to.equal('4.2 out of 5');
    expect(formatRatingAverage('stars', 3)).to.equal('3 out of 5');
    expect(formatRatingAverage('stars', null)).to.equal('');
  });
});
