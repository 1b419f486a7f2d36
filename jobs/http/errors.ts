import type { FailureType } from '../../db/schema/observations.ts';

export type { FailureType };

/** Every way a fetch can fail, typed so that observations and run summaries can count them. */
export class FetchError extends Error {
  override name = 'FetchError';
  constructor(
    readonly type: FailureType,
    message: string,
    readonly details: { url?: string; status?: number; phase?: 'connect'; code?: string } = {},
  ) {
    super(message);
  }
}

/** A connection that dropped under way: the next one may well hold. */
const DROPPED = /^(ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED)$/;

/**
 * Failures worth another try: the next attempt may well succeed — a connection reset or closed
 * under way, a connection that could not be opened in time, 429/502/503/504. DNS and TLS never
 * are, nor a refused connection, an unreachable host or an answer that is not HTTP; nor a request
 * that already used its whole deadline (a site that drips would cost it twice).
 */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof FetchError)) return false;
  if (err.type === 'network') return DROPPED.test(err.details.code ?? '');
  if (err.type === 'timeout') return err.details.phase === 'connect';
  return err.type === 'http' && [429, 502, 503, 504].includes(err.details.status ?? 0);
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_OSSL_)/;

/**
 * A thrown message as one plain line: Playwright appends a multi-line "Call log" with terminal
 * colour codes, which must not reach an observation's evidence.
 */
export function plainMessage(message: string): string {
  // eslint-disable-next-line no-control-regex
  return (message.split('\n')[0] ?? '').replace(/\u001b\[[0-9;]*m/g, '').trim();
}

/** Maps whatever undici, node, Playwright or an abort threw to a typed FetchError. */
export function classifyError(err: unknown, url: string): FetchError {
  if (err instanceof FetchError) return err;
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, name } = e as { code?: string; name?: string };
    const raw = (e as { message?: unknown }).message;
    const message = typeof raw === 'string' ? plainMessage(raw) : undefined;
    if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
      return new FetchError('timeout', `connection timed out (${code})`, { url, phase: 'connect' });
    }
    if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return new FetchError('timeout', `timed out (${message ?? code ?? name})`, { url });
    }
    if (code === 'EBLOCKED') return new FetchError('blocked', message ?? 'blocked address', { url });
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA' || code === 'EAI_NONAME') {
      return new FetchError('dns', `DNS lookup failed (${code})`, { url });
    }
    if (code && TLS_CODES.test(code)) return new FetchError('tls', `TLS failure (${code})`, { url });
    if (code && /^(ECONNREFUSED|ECONNRESET|EPIPE|EHOSTUNREACH|ENETUNREACH|UND_ERR_SOCKET|UND_ERR_CLOSED|ERR_HTTP_PARSER|HPE_)/.test(code)) {
      return new FetchError('network', `connection failed (${code})`, { url, code: code.startsWith('HPE_') ? 'ERR_HTTP_PARSER' : code });
    }
  }
  return new FetchError('network', plainMessage(err instanceof Error ? err.message : String(err)), { url });
}
