/** The URLs people can use to reach a server: localhost, plus this machine's network addresses when it listens on all interfaces. */
import { networkInterfaces } from 'node:os';

const ALL_INTERFACES = new Set(['0.0.0.0', '::', '']);

export function listensEverywhere(host: string): boolean {
  return ALL_INTERFACES.has(host);
}

/** Non-internal IPv4 addresses of this machine (what another machine on the network dials). */
export function networkAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .filter((address) => address.family === 'IPv4' && !address.internal)
    .map((address) => address.address);
}

/** `http://HOST:PORT` for every address a client may use, the local one first. */
export function listenUrls(host: string, port: number): string[] {
  if (!listensEverywhere(host)) return [`http://${host.includes(':') ? `[${host}]` : host}:${port}`];
  return [`http://localhost:${port}`, ...networkAddresses().map((address) => `http://${address}:${port}`)];
}
