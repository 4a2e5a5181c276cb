// Preloaded (NODE_OPTIONS=--require; CommonJS, so the entry point keeps its own loader) into every Node process
// of a measured command when GNU time is absent: at exit, records the process's CPU time (µs) and peak RSS (KB)
// in a file named by its pid in BENCH_RSS_DIR.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_RSS_DIR;
if (dir) {
  process.on('exit', () => {
    const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage();
    writeFileSync(join(dir, String(process.pid)), `${userCPUTime + systemCPUTime} ${maxRSS}`);
  });
}
