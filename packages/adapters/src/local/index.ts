export { LocalAdapter, createLocalAdapter } from './local-adapter.js';
export {
  LOCAL_ADAPTER_DEFAULTS,
  normalizeLocalAdapterOptions,
  type LocalAdapterOptions,
  type ResolvedLocalAdapterOptions,
} from './local-adapter-options.js';
