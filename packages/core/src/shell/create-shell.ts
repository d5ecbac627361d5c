import type { Adapter } from '@rexec/adapters';
import { Command } from '../command/command.js';
import {
  DEFAULT_COMMAND_SETTINGS,
  layerSettings,
  validateCwd,
  validateEnv,
  validateFlag,
  validateLog,
  validateSignalName,
  validateTimeout,
  type SettingsLayer,
} from '../command/command-options.js';
import type { LogHook } from '../command/log.js';
import type { ProcessOutput } from '../command/process-output.js';
import { checkPipefail, validateShellPath } from '../command/shell-choice.js';
import { maskSecrets } from './mask-secrets.js';
import { adapterSource, normalizeShellOptions, validateSecrets, type ResolvedShellOptions } from './shell-options.js';
import type { Shell, ShellOptions } from './shell-types.js';
import { renderTemplate, type TemplateMode } from './template.js';
import { withinDefaults } from './within.js';

export type { CommandDefaults, Shell, ShellDefaults, ShellOptions } from './shell-types.js';

function buildShell(state: ResolvedShellOptions): Shell {
  const tag =
    (mode: TemplateMode) =>
    (pieces: TemplateStringsArray, ...values: unknown[]): Command => {
      const command = renderTemplate(pieces, values, mode);
      const scope = withinDefaults();
      return new Command({
        command,
        display: state.secrets.length === 0 ? command : maskSecrets(command, state.secrets),
        adapter: state.adapter,
        // Inside `within`: its defaults, then this shell's own on top.
        settings: scope === undefined ? state.settings : layerSettings(layerSettings(DEFAULT_COMMAND_SETTINGS, scope), state.own),
      });
    };
  const withSettings = (change: SettingsLayer): Shell => {
    const own = layerSettings(state.own, change);
    return buildShell({ ...state, own, settings: layerSettings(DEFAULT_COMMAND_SETTINGS, own) });
  };
  const { settings } = state;

  return Object.assign(tag('quote'), {
    raw: tag('raw'),
    cd: (dir: string | ProcessOutput) => withSettings({ cwd: validateCwd(dir) }),
    env: (vars: Record<string, string>) => withSettings({ env: validateEnv(vars) }),
    timeout: (ms: number, signal?: NodeJS.Signals) =>
      withSettings({
        timeout: validateTimeout(ms),
        ...(signal === undefined ? {} : { timeoutSignal: validateSignalName(signal, 'timeout', '.timeout(ms, signal)') }),
      }),
    nothrow: () => withSettings({ nothrow: true }),
    quiet: () => withSettings({ quiet: true }),
    verbose: () => withSettings({ verbose: true, quiet: false }),
    shell: (path: string) => {
      const shell = validateShellPath(path);
      checkPipefail(shell, settings.pipefail, 'shell');
      return withSettings({ shell });
    },
    pipefail: (on: boolean = true) => {
      const pipefail = validateFlag('pipefail', on);
      checkPipefail(settings.shell, pipefail, 'pipefail');
      return withSettings({ pipefail });
    },
    log: (hook: LogHook) => withSettings({ log: validateLog(hook) }),
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
