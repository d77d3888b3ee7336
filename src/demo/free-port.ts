import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A port the system just handed out on `host`, released again. The daemon's
 * URL must be written into the config (M-Pesa's callback URL, Africa's
 * Talking's delivery-report URL) before the daemon can start from that
 * config, so the port is asked of the system first. Another process could
 * take it in the few milliseconds between; the daemon then fails to start
 * with "address already in use" rather than anything subtler.
 */
export async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
