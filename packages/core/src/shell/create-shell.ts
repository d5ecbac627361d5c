import type { Adapter } from '@rexec/adapters';
import { Command } from '../command/command.js';
import {
  resolveCwd,
  validateCwd,
  validateEnv,
  validateTimeout,
  type CommandSettings,
} from '../command/command-options.js';
import { maskSecrets } from './mask-secrets.js';
import { adapterSource, normalizeShellOptions, validateSecrets, type ResolvedShellOptions } from './shell-options.js';
import type { Shell, ShellOptions } from './shell-types.js';
import { renderTemplate, type TemplateMode } from './template.js';

export type { CommandDefaults, Shell, ShellOptions } from './shell-types.js';

function buildShell(state: ResolvedShellOptions): Shell {
  const tag =
    (mode: TemplateMode) =>
    (pieces: TemplateStringsArray, ...values: unknown[]): Command => {
      const command = renderTemplate(pieces, values, mode);
      return new Command({
        command,
        display: state.secrets.length === 0 ? command : maskSecrets(command, state.secrets),
        adapter: state.adapter,
        settings: state.settings,
      });
    };
  const withSettings = (change: Partial<CommandSettings>): Shell =>
    buildShell({ ...state, settings: Object.freeze({ ...state.settings, ...change }) });
  const { settings } = state;

  return Object.assign(tag('quote'), {
    raw: tag('raw'),
    cd: (dir: string) => withSettings({ cwd: resolveCwd(settings.cwd, validateCwd(dir)) }),
    env: (vars: Record<string, string>) => withSettings({ env: Object.freeze({ ...settings.env, ...validateEnv(vars) }) }),
    timeout: (ms: number) => withSettings({ timeout: validateTimeout(ms) }),
    nothrow: () => withSettings({ nothrow: true }),
    quiet: () => withSettings({ quiet: true }),
    verbose: () => withSettings({ verbose: true, quiet: false }),
    with: (adapter: Adapter) => buildShell({ ...state, adapter: adapterSource(adapter) }),
    mask: (...secrets: string[]) => buildShell({ ...state, secrets: [...state.secrets, ...validateSecrets(secrets)] }),
    defaults: settings,
  });
}

/**
 * Creates a command tag over `adapter` (or a factory, called once when the first command starts).
 * Everything target-specific comes from the adapter: where and how commands run, and `target` in results.
 */
export function createShell(options: ShellOptions): Shell {
  return buildShell(normalizeShellOptions(options));
}
