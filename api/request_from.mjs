// An HTTP request from a chosen local address. Node's fetch cannot pick the local address of
// its connections (that needs undici's Agent), node:http can; the contract and JWKS tests each
// leave from their own loopback address so they have a rate-limit budget of their own.
import http from 'node:http';
import { isIP } from 'node:net';

/**
 * Returns `send(url, {method, headers, body})` resolving to `{status, headers, body}` (a
 * Headers object and the whole body as a Buffer), every connection opened from `source`.
 */
export function requesterFrom(source, timeoutMs = 10_000) {
  if (!isIP(source)) throw new Error(`${source} is not an IP address`);
  const agent = new http.Agent({ keepAlive: true, localAddress: source });
  return function send(url, { method = 'GET', headers = {}, body } = {}) {
    return new Promise((resolve, reject) => {
      const req = http.request(new URL(url), { method, headers, agent, timeout: timeoutMs }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const h = new Headers();
          for (let i = 0; i < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
          resolve({ status: res.statusCode, headers: h, body: Buffer.concat(chunks) });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  };
}
