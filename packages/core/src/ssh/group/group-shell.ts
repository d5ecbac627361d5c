/**
 * The group's tags: `` group`cmd` `` (a `Command` on one host: the dispatcher picks it, and the result's
 * `target` names it, through `ExecResult.target`), `group.all` and `group.each` (one command per host), and
 * the derived tags (`.cd`, `.env`, `.timeout`, …) that keep the group. The command defaults and secret
 * masking are the ordinary shell's (`createShell`).
 */
import type { Adapter, ExecResult, ExecSpec } from '@rexec/adapters';
import type { Command } from '../../command/command.js';
import { createShell } from '../../shell/create-shell.js';
import type { Shell } from '../../shell/shell-types.js';
import { renderTemplate, type TemplateMode } from '../../shell/template.js';
import type { GroupRunOptions, GroupRunTag, GroupShell, HostResult } from './group-types.js';
import { normalizeRunOptions, type ResolvedRunOptions } from './normalize-group-options.js';

/** What the tags need of the group. */
export interface GroupShellContext {
  /** How messages name the group (a command's `target` until a host takes it). */
  readonly label: string;
  /** Runs one command on a host the strategy picks; the result's `target` names that host. */
  dispatch(spec: ExecSpec): Promise<ExecResult>;
  /** `group.all`: `commandOn(adapter)` builds the command on one host's adapter (the group's defaults applied). */
  all(commandOn: (adapter: Adapter) => Command, options: ResolvedRunOptions): Promise<HostResult[]>;
  each(commandOn: (adapter: Adapter) => Command, options: ResolvedRunOptions): AsyncIterable<HostResult>;
  readonly runDefaults: ResolvedRunOptions;
}

/** A template made of one already rendered string (rendered once, then run as is on every host). */
function asTemplate(text: string): TemplateStringsArray {
  return Object.assign([text], { raw: [text] });
}

/** The adapter of the group's commands: each command goes to the host the dispatcher picks for it. */
function dispatchAdapter(context: GroupShellContext): Adapter {
  return Object.freeze({ target: context.label, exec: (spec: ExecSpec) => context.dispatch(spec), dispose: () => Promise.resolve() });
}

function runTag<R>(
  base: Shell,
  context: GroupShellContext,
  start: (commandOn: (adapter: Adapter) => Command, options: ResolvedRunOptions) => R,
  options: ResolvedRunOptions,
): GroupRunTag<R> {
  const tag =
    (mode: TemplateMode) =>
    (pieces: TemplateStringsArray, ...values: unknown[]): R => {
      // Rendered (and checked) now, once: a bad value throws here, not once per host.
      const rendered = asTemplate(renderTemplate(pieces, values, mode));
      return start((adapter) => base.with(adapter).raw(rendered), options);
    };
  return Object.assign(tag('quote'), {
    raw: tag('raw'),
    with: (more: GroupRunOptions) => runTag(base, context, start, normalizeRunOptions(more, options)),
  });
}

/** The group's tag over `base` (a shell whose adapter is the group's dispatcher, with its defaults and secrets). */
/** A shell over the group's dispatcher, with these secrets masked: the root of the group's tags. */
export function dispatchShell(context: GroupShellContext, secrets: readonly string[]): Shell {
  return createShell({ adapter: dispatchAdapter(context), secrets });
}

export function buildGroupShell(base: Shell, context: GroupShellContext): GroupShell {
  const derive = (shell: Shell): GroupShell => buildGroupShell(shell, context);
  const tag = (pieces: TemplateStringsArray, ...values: unknown[]): Command => base(pieces, ...values);
  return Object.assign(tag, {
    raw: (pieces: TemplateStringsArray, ...values: unknown[]): Command => base.raw(pieces, ...values),
    cd: (...args: Parameters<Shell['cd']>) => derive(base.cd(...args)),
    env: (...args: Parameters<Shell['env']>) => derive(base.env(...args)),
    timeout: (...args: Parameters<Shell['timeout']>) => derive(base.timeout(...args)),
    nothrow: () => derive(base.nothrow()),
    quiet: () => derive(base.quiet()),
    verbose: () => derive(base.verbose()),
    shell: (...args: Parameters<Shell['shell']>) => derive(base.shell(...args)),
    pipefail: (...args: Parameters<Shell['pipefail']>) => derive(base.pipefail(...args)),
    log: (...args: Parameters<Shell['log']>) => derive(base.log(...args)),
    mask: (...secrets: string[]) => derive(base.mask(...secrets)),
    defaults: base.defaults,
    all: runTag(base, context, (commandOn, options) => context.all(commandOn, options), context.runDefaults),
    each: runTag(base, context, (commandOn, options) => context.each(commandOn, options), context.runDefaults),
  });
}
