// Mocha's spec reporter plus one plain closing line that CI's log reader understands:
// "N passed, N failed, N skipped". With FORMWORK_FILE_TIMES=<path>, it also writes how long each test file took
// (its top-level suites, hooks included), slowest first — to see where the suite's minutes go.
const Mocha = require('mocha');
const { EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END } = Mocha.Runner.constants;

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const times = new Map();
    const started = new Map();
    runner.on(EVENT_SUITE_BEGIN, (suite) => { if (suite.file && suite.parent?.root) started.set(suite, Date.now()); });
    runner.on(EVENT_SUITE_END, (suite) => {
      const t0 = started.get(suite);
      if (t0 !== undefined) times.set(suite.file, (times.get(suite.file) || 0) + Date.now() - t0);
    });
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || {};
      const label = process.env.DB ? ` [DB=${process.env.DB}]` : '';
      const fs = require('node:fs');
      if (process.env.FORMWORK_STATS_FILE) {
        const counts = { passes: s.passes || 0, failures: s.failures || 0, pending: s.pending || 0 };
        fs.writeFileSync(process.env.FORMWORK_STATS_FILE, JSON.stringify(counts));
      }
      if (process.env.FORMWORK_FILE_TIMES) {
        const rows = [...times].sort((a, b) => b[1] - a[1]).map(([file, ms]) => `${(ms / 1000).toFixed(1).padStart(7)} s  ${file}`);
        fs.writeFileSync(process.env.FORMWORK_FILE_TIMES, rows.join('\n') + '\n');
      }
      process.stdout.write(`${s.passes || 0} passed, ${s.failures || 0} failed, ${s.pending || 0} skipped${label}\n`);
    });
  }
}
module.exports = CountReporter;
