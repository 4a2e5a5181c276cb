// `node bin/run-ts.js test/helpers/sops-build-cli.ts`: builds the real sops for the interop tests and prints its path.
import { ensureSops } from './sops-binary.js';

console.log(await ensureSops());
