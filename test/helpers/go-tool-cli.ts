// `npm run tools:build`: builds the Go tools the tests run (actionlint) into the cache and prints their paths.
import { actionlint, ensureGoTool } from './go-tool.js';

console.log(await ensureGoTool(actionlint));
