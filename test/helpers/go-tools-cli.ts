// `node bin/run-ts.js test/helpers/go-tools-cli.ts`: builds (or finds in the cache) every Go tool the tests use
// (go-tool.ts: actionlint, sops, helm, registry) and prints their paths; .ci/run calls it after the control plane's build.
import { ensureGoTool, GO_TOOLS } from './go-tool.ts';

for (const tool of GO_TOOLS) console.log(await ensureGoTool(tool));
