/**
 * The library surface: what a config file, a third-party adapter package or
 * a program embedding the engine imports from "integrations".
 */
export { defineConfig, env } from './config/define.js';
export type * from './config/define.js';
export { defineAdapter, defineOperation, KIND_OPERATIONS } from './core/adapter.js';
export type * from './core/adapter.js';
export { secret, pathField } from './core/fields.js';
export { IntegrationError, ERROR_CATEGORIES } from './core/errors.js';
export type { ErrorCategory, ProviderDetail } from './core/errors.js';
export { SimulatorServer, postCallback, deliverCallback, LostAnswers } from './core/simulator.js';
export type { RecordedRequest, Fault, SimReply, SimHandler } from './core/simulator.js';
export { ProviderSimulator } from './core/provider-simulator.js';
export { httpError, parseRetryAfter, categoryForStatus } from './http/status-errors.js';
export { createExecutor } from './core/executor.js';
export { notify, type NotifyEngine, type NotifyRequest, type NotifyResult, type NotifyAttempt } from './core/notify.js';
export { AdapterRegistry } from './core/registry.js';
export { loadConfig } from './config/load.js';
export { openStore } from './store/open-store.js';
