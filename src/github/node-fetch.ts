import http from "node:http";
import https from "node:https";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";

/**
 * The slice of `fetch` Octokit uses, over node:http with keep-alive agents. Node's built-in
 * fetch (undici) clones every request and wraps every body in web streams; under load those
 * were the largest single cost of an evaluation after rolegate's own work was made small
 * (docs/performance.md). Octokit accepts any fetch through `request.fetch`.
 *
 * What it does, as fetch does for Octokit: sends the method, headers and string body; follows
 * redirects (at most 5; 303, and 301/302 after a POST, continue as GET without a body; the
 * authorization header is dropped when the origin changes); honours `signal`, rejecting with
 * its reason; rejects with a TypeError whose `cause` is the network error.
 */
export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | null;
  signal?: AbortSignal | null;
  redirect?: string;
}

/** Response headers with the two things Octokit uses: iteration and `get`. */
export class ResponseHeaders implements Iterable<[string, string]> {
  constructor(private readonly raw: http.IncomingHttpHeaders) {}

  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  }

  *[Symbol.iterator](): Iterator<[string, string]> {
    for (const [k, v] of Object.entries(this.raw)) if (v !== undefined) yield [k, Array.isArray(v) ? v.join(", ") : v];
  }
}

/** A response whose whole body is already read: `body` is that Buffer (see native-json.ts). */
export class BufferedResponse {
  readonly ok: boolean;
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly url: string,
    readonly headers: ResponseHeaders,
    readonly body: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  async text(): Promise<string> {
    return this.body.toString("utf8");
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.body.toString("utf8")) as unknown;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return new Uint8Array(this.body).buffer;
  }
}

const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 256 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

const MAX_REDIRECTS = 5;

export async function nodeFetch(input: string | URL, init: FetchInit = {}): Promise<BufferedResponse> {
  let url = new URL(String(input));
  let method = (init.method ?? "GET").toUpperCase();
  let body = init.body ?? undefined;
  const headers = { ...(init.headers ?? {}) };
  for (let redirects = 0; ; redirects++) {
    const res = await send(url, method, headers, body, init.signal ?? undefined);
    const location = res.headers.get("location");
    if (![301, 302, 303, 307, 308].includes(res.status) || !location || init.redirect === "manual") return res;
    if (init.redirect === "error" || redirects >= MAX_REDIRECTS)
      throw new TypeError("fetch failed", { cause: new Error(`redirect to ${location} not followed`) });
    const next = new URL(location, url);
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
      method = "GET";
      body = undefined;
      for (const k of Object.keys(headers)) if (/^content-(type|length)$/i.test(k)) delete headers[k];
    }
    if (next.origin !== url.origin) for (const k of Object.keys(headers)) if (k.toLowerCase() === "authorization") delete headers[k];
    url = next;
  }
}

/** Bodies are asked for uncompressed; a server that compresses anyway is still understood. */
function decoded(body: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return gunzipSync(body);
    case "deflate":
      return inflateSync(body);
    case "br":
      return brotliDecompressSync(body);
    default:
      return body;
  }
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
  signal: AbortSignal | undefined,
): Promise<BufferedResponse> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const lib = url.protocol === "https:" ? https : url.protocol === "http:" ? http : undefined;
    if (!lib) return reject(new TypeError("fetch failed", { cause: new Error(`unsupported protocol ${url.protocol}`) }));
    const payload = body === undefined ? undefined : typeof body === "string" ? Buffer.from(body) : body;
    const req = lib.request(url, {
      method,
      headers: payload ? { ...headers, "content-length": String(payload.byteLength) } : headers,
      agent: agents[url.protocol as "http:" | "https:"],
    });
    const onAbort = () => req.destroy(signal!.reason as Error);
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => signal?.removeEventListener("abort", onAbort);
    req.on("error", (e) => {
      done();
      reject(signal?.aborted ? signal.reason : new TypeError("fetch failed", { cause: e }));
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", (e) => {
        done();
        reject(signal?.aborted ? signal.reason : new TypeError("fetch failed", { cause: e }));
      });
      res.on("end", () => {
        done();
        try {
          resolve(
            new BufferedResponse(
              res.statusCode ?? 0,
              res.statusMessage ?? "",
              url.href,
              new ResponseHeaders(res.headers),
              decoded(Buffer.concat(chunks), res.headers["content-encoding"]),
            ),
          );
        } catch (e) {
          reject(new TypeError("fetch failed", { cause: e }));
        }
      });
    });
    req.end(payload);
  });
}
