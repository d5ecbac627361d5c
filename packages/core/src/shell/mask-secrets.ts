import { quote } from '@rexec/adapters';

/** Every form a secret can take in rendered shell source: as typed, quoted, and escaped inside quotes. */
function formsOf(secret: string): string[] {
  const forms = new Set([quote(secret), secret.replaceAll("'", `'\\''`), secret]);
  return [...forms];
}

/**
 * Replaces each secret in `text` with `***`, whether it appears as typed or as `quote()` rendered it.
 * Longer secrets are masked first, so one secret containing another is hidden whole.
 * Empty strings and strings with a NUL byte (which cannot be in a command) are ignored.
 */
export function maskSecrets(text: string, secrets: Iterable<string>): string {
  const usable = [...new Set(secrets)].filter((secret) => secret !== '' && !secret.includes('\0'));
  usable.sort((a, b) => b.length - a.length);
  let masked = text;
  for (const secret of usable) {
    for (const form of formsOf(secret)) masked = masked.replaceAll(form, '***');
  }
  return masked;
}
