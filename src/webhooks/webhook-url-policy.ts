import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { AppError } from '../common/errors/app-error.js';

export const WEBHOOK_URL_NOT_ALLOWED = 'WEBHOOK_URL_NOT_ALLOWED';
const MAX_URL_LENGTH = 2048;

/** Loopback, private, link-local (cloud metadata lives there), shared, reserved and documentation ranges. */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
// IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) are matched against the IPv4 rules by BlockList itself.
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** How a host looks both in a URL and in WEBHOOK_ALLOWED_HOSTS: lower case, no IPv6 brackets, no trailing dot. */
export function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/**
 * Where deliveries may go. With WEBHOOK_ALLOWED_HOSTS set, only to hosts on
 * that list (`*.example.com` covers its subdomains, a lone `*` anything), which
 * may then be internal ones on purpose. Without it, to any public host: never
 * to a loopback, private or link-local address, checked on the URL when the
 * webhook is registered and on every address a name resolves to when a
 * delivery connects, so DNS can not be used to turn a public name inward.
 */
export class WebhookUrlPolicy {
  private readonly allowed: readonly string[];

  constructor(allowedHosts: readonly string[]) {
    this.allowed = allowedHosts.map(normalizeHost).filter((host) => host !== '');
  }

  /** Only public addresses are reachable, whatever names resolve to. */
  get publicOnly(): boolean {
    return this.allowed.length === 0;
  }

  /** The parsed URL when deliveries may go there, else a 400 that says why. */
  check(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw AppError.validation(['url must be an absolute http or https URL']);
    }
    if (raw.length > MAX_URL_LENGTH) throw AppError.validation([`url must be at most ${MAX_URL_LENGTH} characters`]);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw notAllowed(`Webhook URLs must use http or https, not ${url.protocol.replace(/:$/, '')}`);
    }
    if (url.username || url.password) throw AppError.validation(['url must not contain a user name or password']);
    const host = normalizeHost(url.hostname);
    if (!this.publicOnly) {
      if (!this.allowed.some((pattern) => hostMatches(pattern, host))) {
        throw notAllowed(`Deliveries to ${host} are not allowed: the host is not in WEBHOOK_ALLOWED_HOSTS`);
      }
      return url;
    }
    if (isIP(host) !== 0) {
      if (!isPublicAddress(host)) throw notAllowed(`Deliveries to ${host} are not allowed: it is not a public address`);
    } else if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) {
      throw notAllowed(`Deliveries to ${host} are not allowed: it is not a public host name`);
    }
    return url;
  }

  /** Resolves a host name once up front, so a name that points inward is refused when registered, not only on delivery. */
  async checkResolves(url: URL): Promise<void> {
    const host = normalizeHost(url.hostname);
    if (!this.publicOnly || isIP(host) !== 0) return;
    const addresses = await new Promise<LookupAddress[]>((resolve) =>
      dnsLookup(host, { all: true }, (error, found) => resolve(error ? [] : found)),
    );
    // A name that does not resolve yet is accepted: its deliveries fail, visibly, until it does.
    const inward = addresses.find(({ address }) => !isPublicAddress(address));
    if (inward) throw notAllowed(`Deliveries to ${host} are not allowed: it resolves to ${inward.address}, which is not a public address`);
  }

  /** The DNS lookup deliveries connect through: without an allow-list, a name that resolves to any non-public address fails. */
  get lookup(): LookupFunction | undefined {
    return this.publicOnly ? publicOnlyLookup : undefined;
  }
}

export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return pattern === host;
}

function notAllowed(message: string): AppError {
  return new AppError(WEBHOOK_URL_NOT_ALLOWED, message);
}

const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) {
      callback(error, '', undefined);
      return;
    }
    const inward = addresses.find(({ address }) => !isPublicAddress(address));
    if (inward || addresses.length === 0) {
      const refused = Object.assign(new Error(`${hostname} resolves to ${inward?.address ?? 'nothing'}, which is not a public address`), {
        code: 'EADDRNOTPUBLIC',
      });
      callback(refused, '', undefined);
      return;
    }
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0].address, addresses[0].family);
  });
};
