// Mocha's spec reporter plus one plain closing line that CI's log reader understands:
// "N passed, N failed, N skipped".
const Mocha = require('mocha');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || {};
      const label = process.env.DB ? ` [DB=${process.env.DB}]` : '';
      if (process.env.FORMWORK_STATS_FILE) {
        require('node:fs').writeFileSync(process.env.FORMWORK_STATS_FILE, JSON.stringify({ passes: s.passes || 0, failures: s.failures || 0, pending: s.pending || 0 }));
      }
      process.stdout.write(`${s.passes || 0} passed, ${s.failures || 0} failed, ${s.pending || 0} skipped${label}\n`);
    });
  }
}
module.exports = CountReporter;
