import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** How long cut() lets a client notice the close before its connections are cut hard. */
const CLOSE_GRACE_MS = 1_000;

/**
 * A loopback TCP hop between an integration and its provider's simulator
 * that can be cut and restored, like unplugging the provider. While cut,
 * connecting is refused (ECONNREFUSED): to the HTTP client a request that
 * provably never left, so even an unsafe operation (an SMS send) may be
 * queued and sent later without risking a duplicate.
 */
export class CuttableLink {
  private server?: Server;
  private readonly clients = new Set<Socket>();
  private port = 0;

  private constructor(
    private readonly host: string,
    private readonly target: { host: string; port: number },
  ) {}

  /** Opens a link on a free port of `host` to the origin of `targetUrl`. */
  static async open(targetUrl: string, host = '127.0.0.1'): Promise<CuttableLink> {
    const target = new URL(targetUrl);
    const link = new CuttableLink(host, { host: target.hostname, port: Number(target.port || 80) });
    await link.listen();
    return link;
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  get isCut(): boolean {
    return this.server === undefined;
  }

  /**
   * Stops listening and closes live connections. Pooled keep-alive
   * connections are ended gracefully and awaited, so the client has dropped
   * them before the next request: that request then meets a refused
   * connection, not a half-closed socket (which would leave its outcome unknown).
   */
  async cut(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.clients) socket.end();
    const timer = setTimeout(() => {
      for (const socket of this.clients) socket.destroy();
    }, CLOSE_GRACE_MS);
    await closed;
    clearTimeout(timer);
  }

  /** Listens again on the same port. */
  async restore(): Promise<void> {
    if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    await this.cut();
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => this.forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  private forward(client: Socket): void {
    this.clients.add(client);
    const upstream = connect(this.target.port, this.target.host);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    // Either side's close ends the pair: a half-open hop would hold requests forever.
    client.on('close', () => {
      this.clients.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
