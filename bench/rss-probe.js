// Preloaded (NODE_OPTIONS=--import) into every Node process of a measured command when GNU time is absent:
// at exit, records the process's peak RSS in KB as a file named by its pid in BENCH_RSS_DIR.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.BENCH_RSS_DIR;
if (dir) process.on('exit', () => writeFileSync(join(dir, String(process.pid)), String(process.resourceUsage().maxRSS)));
