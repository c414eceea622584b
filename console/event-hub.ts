import type { ServerResponse } from "node:http";

/** What the hub sends: the list, and the execution a page has open. */
export interface HubContent {
  list(): Promise<unknown>;
  /** Undefined when there is no execution of that name (yet). */
  view(execution: string): Promise<unknown>;
  /** Calls back on a change seen in this process; returns how to stop listening. */
  onChange(listener: () => void): () => void;
}

interface Client {
  response: ServerResponse;
  execution?: string;
  sentList?: string;
  sentView?: string;
}

/**
 * Server-sent events to the open pages. Each page gets the execution list and the execution it
 * shows, and again whenever either changes; a change is noticed at once when it happens in this
 * process, and by polling (every `pollMs`) when another process or AWS made it. Polling and the
 * change listener run only while at least one page is connected: a closed tab leaves no timer,
 * listener or response behind. Hand-written on node:http: the framing is `event:`/`data:` lines
 * and a blank line, which needs no library.
 */
export class EventHub {
  private readonly clients = new Set<Client>();
  private poller?: NodeJS.Timeout;
  private pending?: NodeJS.Timeout;
  private stopListening?: () => void;
  private running?: Promise<void>;
  private again = false;

  constructor(
    private readonly content: HubContent,
    private readonly options: { pollMs: number },
  ) {}

  /** Streams to `response` until the client goes away. */
  subscribe(response: ServerResponse, execution: string | undefined): void {
    response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive" });
    response.write("retry: 2000\n\n");
    const client: Client = { response, ...(execution ? { execution } : {}) };
    this.clients.add(client);
    response.on("close", () => this.unsubscribe(client));
    if (this.clients.size === 1) this.start();
    this.publish();
  }

  /** Pages connected now. */
  subscribers(): number {
    return this.clients.size;
  }

  /** Whether the hub polls or listens (only while pages are connected). */
  active(): boolean {
    return this.poller !== undefined || this.stopListening !== undefined || this.pending !== undefined;
  }

  /** Ends every stream and stops (the server is closing). */
  close(): void {
    for (const client of [...this.clients]) client.response.end();
    this.clients.clear();
    this.stop();
  }

  private unsubscribe(client: Client): void {
    this.clients.delete(client);
    if (this.clients.size === 0) this.stop();
  }

  private start(): void {
    this.poller = setInterval(() => this.publish(), this.options.pollMs);
    this.stopListening = this.content.onChange(() => this.soon());
  }

  private stop(): void {
    clearInterval(this.poller);
    clearTimeout(this.pending);
    this.stopListening?.();
    this.poller = undefined;
    this.pending = undefined;
    this.stopListening = undefined;
  }

  /** Changes come in bursts (a sample per step): send at most one update per 100 ms. */
  private soon(): void {
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.publish();
    }, 100);
  }

  private publish(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.send()
      .catch((error: unknown) => {
        for (const client of this.clients) write(client, "problem", { message: error instanceof Error ? error.message : String(error) });
      })
      .finally(() => {
        this.running = undefined;
        if (this.again && this.clients.size > 0) {
          this.again = false;
          this.publish();
        }
      });
  }

  private async send(): Promise<void> {
    if (this.clients.size === 0) return;
    const list = JSON.stringify(await this.content.list());
    const views = new Map<string, string>();
    for (const client of this.clients) {
      if (list !== client.sentList) client.sentList = write(client, "executions", list);
      if (!client.execution) continue;
      if (!views.has(client.execution)) views.set(client.execution, JSON.stringify((await this.content.view(client.execution)) ?? null));
      const view = views.get(client.execution) as string;
      if (view !== client.sentView) client.sentView = write(client, "execution", view);
    }
  }
}

function write(client: Client, event: string, data: unknown): string {
  const text = typeof data === "string" ? data : JSON.stringify(data);
  client.response.write(`event: ${event}\ndata: ${text}\n\n`);
  return text;
}
