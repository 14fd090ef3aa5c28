/** The scheduled jobs pages' words for runs (ui/admin/job-parts.ts) and their URLs (ui/router.ts). */
import { expect } from 'chai';
import type { JobRunView } from '../../../platform/jobs/types.js';
import { durationText, progressText, runStatusText, triggerText } from '../../../ui/admin/job-parts.js';
import { matchRoute } from '../../../ui/router.js';

const run = (over: Partial<JobRunView>): JobRunView => ({
  id: 'r1', job: 'tidy', jobLabel: 'Tidy up', fireAt: null, trigger: 'schedule', attempt: 1, status: 'running',
  startedAt: '2026-12-07T10:00:00.000Z', finishedAt: null, durationMs: null, counts: { examined: 0, changed: 0, failed: 0 },
  progress: null, error: null, startedBy: null, ...over,
});

describe('ui/admin/job-parts: runs in words', () => {
  it('says how long a run took in seconds, minutes and hours', () => {
    expect(durationText(850)).to.equal('less than a second');
    expect(durationText(1000)).to.equal('1 second');
    expect(durationText(42_400)).to.equal('42 seconds');
    expect(durationText(60_000)).to.equal('1 minute');
    expect(durationText(65_000)).to.equal('1 minute 5 seconds');
    expect(durationText(3_780_000)).to.equal('1 hour 3 minutes');
    expect(durationText(7_200_000)).to.equal('2 hours');
  });

  it('says how far a run is, with a percentage only when the total is known', () => {
    expect(progressText(run({ progress: { done: 40, total: 100 } }))).to.equal('40 of 100 done (40%)');
    expect(progressText(run({ progress: { done: 1500, total: 2000 } }))).to.equal('1,500 of 2,000 done (75%)');
    expect(progressText(run({ progress: { done: 7, total: null } }))).to.equal('7 done so far');
    expect(progressText(run({ progress: null }))).to.equal('');
  });

  it('says how a run started and how it ended', () => {
    expect(triggerText(run({ trigger: 'schedule' }))).to.equal('On schedule');
    expect(triggerText(run({ trigger: 'manual', startedBy: 'Alice Smith' }))).to.equal('Run now by Alice Smith');
    expect(triggerText(run({ trigger: 'retry', attempt: 2 }))).to.equal('Retry (attempt 2)');
    expect(triggerText(run({ trigger: 'missed' }))).to.equal('Catching up a missed run');
    expect(runStatusText('timed_out')).to.equal('was stopped because it took too long');
    expect(runStatusText('cancelled')).to.equal('was cancelled');
  });
});

describe('ui/router: the scheduled jobs pages', () => {
  it('routes the list and one job (by its name, decoded)', () => {
    expect(matchRoute('/admin/jobs')).to.deep.equal({ name: 'admin-jobs' });
    expect(matchRoute('/admin/jobs/')).to.deep.equal({ name: 'admin-jobs' });
    expect(matchRoute('/admin/jobs/tidy_up')).to.deep.equal({ name: 'admin-job', job: 'tidy_up' });
    expect(matchRoute('/admin/jobs/tidy%20up')).to.deep.equal({ name: 'admin-job', job: 'tidy up' });
    expect(matchRoute('/admin/jobs/tidy_up/runs').name).to.equal('not-found');
  });
});
