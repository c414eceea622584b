import { request } from "node:http";
import type { ProbeResponse } from "../cloud/index.js";

/** Where a local process listens. */
export interface Address {
  host: string;
  port: number;
}

/**
 * One GET on a fresh connection with a deadline covering connect and body. A fresh connection
 * per probe (no keep-alive agent) means a check never rides a socket the app is closing, so a
 * failed check always says something about the app, not about connection reuse.
 */
export function httpGet(address: Address, path: string, timeoutMs: number): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address.host, port: address.port, path, method: "GET", agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
      });
      res.on("error", reject);
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`GET ${path} on ${address.host}:${address.port} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}
