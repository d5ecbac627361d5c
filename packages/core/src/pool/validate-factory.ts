/** Checks a factory up front: `create` and `destroy` functions, `validate` a function if given. */
import { ConfigError } from '@rexec/adapters';
import { badFactoryMessage } from './pool-messages.js';

export function validateFactory(factory: unknown): void {
  if (typeof factory !== 'object' || factory === null) {
    throw new ConfigError('createPool(factory): factory must be an object with create() and destroy() (and optionally validate()).', 'factory');
  }
  const record = factory as Record<string, unknown>;
  for (const name of ['create', 'destroy']) {
    if (typeof record[name] !== 'function') throw new ConfigError(badFactoryMessage(name, record[name]), `factory.${name}`);
  }
  if (record['validate'] !== undefined && typeof record['validate'] !== 'function') {
    throw new ConfigError(badFactoryMessage('validate', record['validate']), 'factory.validate');
  }
}
