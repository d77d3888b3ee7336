import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from '../core/adapter.js';
import { IntegrationError } from '../core/errors.js';
import { systemClock, type Clock } from '../core/clock.js';
import { silentLogger } from '../core/logger.js';
import type { AdapterRegistry } from '../core/registry.js';
import type { LoadedConfig } from '../config/types.js';
import type { Store } from '../store/types.js';
import { Dispatcher, type EventListener } from '../webhooks/dispatch/dispatcher.js';
import { WebhookEndpoints, acknowledgementBody, type WebhookEndpoint } from '../webhooks/ingest/endpoints.js';
import { GroupCommit } from '../webhooks/ingest/group-commit.js';
import { Ingest, UNKNOWN_INTEGRATION } from '../webhooks/ingest/ingest.js';
import { ThreadedWebhookWriter, withWriter } from '../webhooks/ingest/store-writer.js';
import { compileTrustedProxies } from '../webhooks/verify/allow-ips.js';
import { EXPOSURE_WARNING, loopbackOnly } from './exposure.js';
import { metaHandshake } from './handshake.js';
import { DaemonMetrics } from './metrics.js';
import { readBody } from './read-body.js';
import { flatHeaders, route, splitUrl } from './request.js';

export interface DaemonOptions {
  config: LoadedConfig;
  registry: AdapterRegistry;
  /** Opened by the caller, who also closes it after close(). */
  store: Store;
  /** Override config.daemon.host / port (CLI flags). Port 0 picks a free one. */
  host?: string;
  port?: number;
  clock?: Clock;
  log?: Logger;
  /** Every normalized event once stored (outbound delivery plugs in here). */
  onEvent?: EventListener;
  /** Slow clients: whole header block within this (default 10 s)... */
  headersTimeoutMs?: number;
  /** ...and the whole request, body included, within this (default 30 s). */
  requestTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  /** Largest header block (default 16 KiB); over it the answer is 431. */
  maxHeaderBytes?: number;
  /** How long close() lets in-flight requests finish before cutting connections (default 10 s). */
  drainTimeoutMs?: number;
  /**
   * Webhook writes on their own thread and SQLite connection (default: on
   * for a SQLite file), so group commits never block request handling.
   */
  writerThread?: boolean;
}

export interface RunningDaemon {
  url: string;
  host: string;
  port: number;
  metrics: DaemonMetrics;
  dispatcher: Dispatcher;
  /** Resolves once everything received so far is written (rejections included) and processed. */
  settled(): Promise<void>;
  /**
   * Graceful stop: refuse new connections, finish in-flight requests, commit
   * what was verified, finish processing. Does not close the store.
   */
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json';

function send(res: ServerResponse, status: number, body: string, contentType = JSON_TYPE, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}): void {
  send(res, status, `{"error":${JSON.stringify(error)}}`, JSON_TYPE, headers);
}

/** Starts the webhook daemon on its own node:http server. Rejects with CONFIG_INVALID for bad webhook settings. */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const { config, store } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLogger;
  const settings = config.daemon;
  const maxBodyBytes = settings.maxBodyBytes;
  const endpoints = await WebhookEndpoints.load(config, options.registry, { verify: true });
  const threaded = (options.writerThread ?? true) && store.backend === 'sqlite' && store.location !== ':memory:';
  const writer = threaded ? await ThreadedWebhookWriter.start(store.location, config.store.busyTimeoutMs, config.store.files) : undefined;
  const webhooks = writer ? withWriter(store.webhooks, writer) : store.webhooks;

  let dispatcher: Dispatcher | undefined;
  const metrics = new DaemonMetrics({ backlog: () => dispatcher?.backlog ?? 0 });
  dispatcher = new Dispatcher({
    store: { webhooks },
    endpoints,
    clock,
    log,
    onEvent: options.onEvent,
    onOutcome: (integration, outcome, seconds) => metrics.processed(integration, outcome, seconds),
    // Modest settles: a group commit that arrives at the writer during one waits for it to end.
    batchSize: 64,
  });
  const commit = new GroupCommit({
    store: { webhooks },
    onCommit: ({ deliveries, ms }) => metrics.committed(deliveries, ms / 1000),
    onRejectionsDropped: (count, error) => {
      metrics.dropped(count);
      if (error) log.error('could not record rejected webhooks', { count, error: (error as Error).message });
    },
  });
  const live = dispatcher;
  const ingest = new Ingest({
    commit,
    clock,
    publicUrl: settings.publicUrl,
    trustedProxies: compileTrustedProxies(settings.trustProxy),
    observer: metrics,
    onStored: (id, endpoint, request) => live.enqueue({ id, integration: endpoint.name, request }),
  });

  let draining = false;
  let inFlight = 0;
  let drainWaiters: (() => void)[] = [];
  const requestDone = () => {
    inFlight--;
    if (inFlight === 0) for (const wake of drainWaiters.splice(0)) wake();
  };

  const rejectRequest = (req: IncomingMessage, integration: string, reason: string, status: number, path: string, endpoint?: WebhookEndpoint) => {
    const bodySize = Number(req.headers['content-length'] ?? 0);
    ingest.reject(
      {
        integration,
        reason,
        status,
        method: req.method ?? '',
        path,
        headers: flatHeaders(req),
        sourceIp: req.socket.remoteAddress,
        bodySize: Number.isFinite(bodySize) ? bodySize : 0,
      },
      endpoint?.masker,
    );
  };

  async function receiveWebhook(req: IncomingMessage, res: ServerResponse, endpoint: WebhookEndpoint, path: string, query: Record<string, string>) {
    const body = await readBody(req, maxBodyBytes);
    if (!body.ok) {
      if (body.reason === 'too-large') {
        rejectRequest(req, endpoint.name, 'body-too-large', 413, path, endpoint);
        // Connection: close makes Node drop the socket once the 413 is out, so the rest of the body is never read.
        sendError(res, 413, `body over ${maxBodyBytes} bytes`, { connection: 'close' });
      } else {
        log.debug('webhook request aborted by the client', { integration: endpoint.name, received: body.received });
      }
      return;
    }
    const started = performance.now();
    const request = {
      method: req.method === 'GET' ? 'GET' : 'POST',
      path,
      query,
      headers: flatHeaders(req),
      rawBody: body.body,
      sourceIp: req.socket.remoteAddress,
      receivedAt: clock.now(),
    };
    const result = await ingest.receive(endpoint, request);
    switch (result.kind) {
      case 'accepted':
        send(res, endpoint.ack.status, acknowledgementBody(endpoint.ack, request), endpoint.ack.contentType);
        metrics.acknowledged(endpoint.name, (performance.now() - started) / 1000);
        log.debug('webhook stored', { integration: endpoint.name, webhookId: result.id, eventId: result.eventId, duplicate: result.duplicate });
        return;
      case 'rejected':
        sendError(res, result.status, result.reason);
        log.info('webhook rejected', { integration: endpoint.name, reason: result.reason, status: result.status, sourceIp: req.socket.remoteAddress });
        return;
      case 'unavailable':
        sendError(res, 503, 'store unavailable', { 'retry-after': '5' });
        log.error('could not store webhook', { integration: endpoint.name, error: (result.error as Error)?.message ?? String(result.error) });
        return;
    }
  }

  function handshake(req: IncomingMessage, res: ServerResponse, endpoint: WebhookEndpoint, path: string, query: Record<string, string>) {
    if (!endpoint.verifyToken) {
      sendError(res, 405, 'this integration takes POST only (no webhook.verifyToken for a GET handshake)', { allow: 'POST' });
      return;
    }
    const result = metaHandshake(query, endpoint.verifyToken);
    if (result.ok) {
      send(res, 200, result.challenge, 'text/plain; charset=utf-8', { 'x-content-type-options': 'nosniff' });
      log.info('subscription handshake answered', { integration: endpoint.name });
      return;
    }
    rejectRequest(req, endpoint.name, result.reason, result.status, `${path}?${new URLSearchParams(endpoint.masker.query(query))}`, endpoint);
    sendError(res, result.status, result.reason);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const { path, query } = splitUrl(req.url);
    const target = route(path);
    if (draining) res.setHeader('connection', 'close');
    if (target.kind !== 'webhook') {
      req.resume();
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, target.kind === 'not-found' ? 404 : 405, target.kind === 'not-found' ? 'not found' : 'method not allowed', target.kind === 'not-found' ? {} : { allow: 'GET' });
      switch (target.kind) {
        case 'healthz':
          return send(res, 200, '{"status":"ok"}');
        case 'readyz':
          if (draining) return sendError(res, 503, 'shutting down');
          // Probes may be public: the answer names no path; the daemon's own log has the detail.
          if (writer?.failure) {
            log.debug('not ready', { error: writer.failure.message });
            return sendError(res, 503, 'store unavailable');
          }
          try {
            await store.ping();
            return send(res, 200, '{"status":"ready"}');
          } catch (error) {
            log.debug('not ready', { error: (error as Error).message });
            return sendError(res, 503, 'store not writable');
          }
        case 'metrics':
          return send(res, 200, await metrics.text(), metrics.contentType);
        default:
          return sendError(res, 404, 'not found');
      }
    }
    const endpoint = endpoints.get(target.integration);
    if (!endpoint && endpoints.waitingOn(target.integration)) {
      req.resume();
      // Its secrets are not known, so nothing can be verified: refused, never taken unverified.
      // 503 like a disabled one, so the provider retries once the variable is set and the daemon restarted.
      rejectRequest(req, target.integration, 'integration-unresolved', 503, path);
      return sendError(res, 503, 'integration unavailable', { 'retry-after': '300' });
    }
    if (!endpoint) {
      req.resume();
      rejectRequest(req, UNKNOWN_INTEGRATION, 'unknown-integration', 404, path);
      return sendError(res, 404, 'unknown integration');
    }
    // A GET is a delivery for providers that notify by GET (fields in the query), else Meta's subscription handshake.
    const getDelivery = req.method === 'GET' && endpoint.section.acceptsGet === true && !('hub.mode' in query);
    if ((req.method === 'GET' || req.method === 'HEAD') && !getDelivery) {
      req.resume();
      return handshake(req, res, endpoint, path, query);
    }
    if (req.method !== 'POST' && !getDelivery) {
      req.resume();
      return sendError(res, 405, 'method not allowed', { allow: endpoint.verifyToken || endpoint.section.acceptsGet ? 'GET, POST' : 'POST' });
    }
    if (!endpoint.integration.enabled) {
      req.resume();
      rejectRequest(req, endpoint.name, 'integration-disabled', 503, path, endpoint);
      // 503 so the provider keeps retrying: nothing is lost while it is disabled.
      return sendError(res, 503, 'integration disabled', { 'retry-after': '300' });
    }
    if (draining) {
      req.resume();
      return sendError(res, 503, 'shutting down', { 'retry-after': '5' });
    }
    await receiveWebhook(req, res, endpoint, path, query);
  }

  const server: Server = createServer(
    {
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
      maxHeaderSize: options.maxHeaderBytes ?? 16 * 1024,
      // How often Node checks the two timeouts above; its default (30 s) would let a slow client linger far past them.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor((options.headersTimeoutMs ?? 10_000) / 4))),
    },
    (req, res) => {
      inFlight++;
      res.once('close', requestDone);
      handle(req, res).catch((error: unknown) => {
        log.error('request handler failed', { path: splitUrl(req.url).path, error: (error as Error)?.message ?? String(error) });
        sendError(res, 500, 'internal error');
      });
    },
  );

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const code = error.code ?? 'unknown';
    metrics.clientError(code);
    if (code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = `{"error":"${STATUS_CODES[status]}"}`;
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-type: ${JSON_TYPE}\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
    log.debug('malformed or slow request refused', { code, status, sourceIp: socket.remoteAddress });
  });

  const host = options.host ?? settings.host;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? settings.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await writer?.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new IntegrationError('CONFIG_INVALID', `cannot listen on ${host}:${options.port ?? settings.port}: ${code === 'EADDRINUSE' ? 'address already in use (another daemon running?)' : (error as Error).message}`, { cause: error });
    }
    throw error;
  }
  server.on('error', (error) => log.error('server error', { error: error.message }));
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  for (const skipped of endpoints.skipped) log.warn('integration not receiving webhooks', { integration: skipped.name, reason: skipped.reason });
  for (const waiting of endpoints.allWaiting()) log.warn('integration not receiving webhooks', { integration: waiting.name, reason: waiting.reason });
  if (!loopbackOnly(host)) log.warn(EXPOSURE_WARNING, { host });
  log.info('daemon listening', { url, host, port, integrations: endpoints.names(), maxBodyBytes });

  const recovery = dispatcher.recover().catch((error: unknown) => {
    log.error('could not recover unprocessed webhooks', { error: (error as Error)?.message ?? String(error) });
    return 0;
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      draining = true;
      log.info('daemon draining', { inFlight });
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const drainTimeout = options.drainTimeoutMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      const requestsDone = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => drainWaiters.push(resolve));
      const timedOut = await Promise.race([
        requestsDone.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), drainTimeout);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) log.warn('drain timeout: closing connections with requests still open', { inFlight });
      server.closeAllConnections();
      await closed;
      await commit.flushed();
      live.stop();
      await recovery;
      await live.idle();
      await writer?.close();
      drainWaiters = [];
      log.info('daemon stopped');
    })();
    return closing;
  };

  const settled = async () => {
    await commit.flushed();
    await live.idle();
  };
  return { url, host, port, metrics, dispatcher: live, settled, close };
}
