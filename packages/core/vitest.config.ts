// Shared by the library packages: sources of @rexec/adapters, one harness SSH host per run.
import { packageTestConfig } from '../testing/src/vitest-package-config.js';

export default packageTestConfig;
