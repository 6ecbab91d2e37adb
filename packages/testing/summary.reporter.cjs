// mocha's spec reporter, closed by the one summary line CI reads: "tests: N passed, N failed".
const { Spec } = require('mocha').reporters;

class SummaryReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const { passes = 0, failures = 0 } = this.stats;
      process.stdout.write(`\ntests: ${passes} passed, ${failures} failed\n`);
    });
  }
}

module.exports = SummaryReporter;
