// Loaded with `node --import` by the benchmark's memory run: on SIGUSR2 it collects garbage and
// writes the process's memory use to stderr, so the run can tell retained memory from heap slack.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  process.stderr.write(`MEMORY ${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external })}\n`);
});
