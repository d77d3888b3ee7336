import type { AdapterDefinition } from '../../src/core/adapter.js';

declare const adapter: AdapterDefinition;
export default adapter;
