// Live updates: reads the project's server-sent-event stream with fetch (EventSource
// cannot send the Authorization header), reconnects with backoff, and resumes after the
// last event seen.

const MAX_BACKOFF_MS = 15000;

export class LiveStream {
  /**
   * @param {string} project
   * @param {number} after  last event id already reflected in the page
   * @param {string} token
   * @param {{onEvent: (e: object) => void, onStatus: (s: string) => void, onDenied: (status: number) => void}} handlers
   */
  constructor(project, after, token, handlers) {
    this.project = project;
    this.last = after;
    this.token = token;
    this.handlers = handlers;
    this.abort = null;
    this.stopped = false;
    this.backoff = 1000;
    this.run();
  }

  stop() {
    this.stopped = true;
    if (this.abort) this.abort.abort();
    clearTimeout(this.retry);
  }

  async run() {
    while (!this.stopped) {
      this.handlers.onStatus('connecting');
      this.abort = new AbortController();
      try {
        const url = `/api/projects/${encodeURIComponent(this.project)}/stream?after=${this.last}`;
        const response = await fetch(url, {
          headers: { Authorization: `Bearer ${this.token}`, Accept: 'text/event-stream' },
          signal: this.abort.signal,
          cache: 'no-store',
          credentials: 'omit',
        });
        if (response.status === 401 || response.status === 403 || response.status === 404) {
          this.handlers.onStatus('off');
          this.handlers.onDenied(response.status);
          return;
        }
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        this.handlers.onStatus('live');
        this.backoff = 1000;
        await this.read(response.body.getReader());
      } catch (err) {
        if (this.stopped) return;
      }
      if (this.stopped) return;
      this.handlers.onStatus('reconnecting');
      await new Promise((resolve) => {
        this.retry = setTimeout(resolve, this.backoff);
      });
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    }
  }

  async read(reader) {
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        this.dispatch(block);
      }
    }
  }

  /** Parses one SSE block (`event:`, `id:`, `data:` lines; `:` comments are keep-alives). */
  dispatch(block) {
    let event = 'message';
    let id = null;
    const data = [];
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'id') id = value;
      else if (field === 'data') data.push(value);
    }
    if (id !== null && /^\d+$/.test(id)) this.last = Math.max(this.last, Number(id));
    if (event !== 'change' || !data.length) return;
    try {
      this.handlers.onEvent(JSON.parse(data.join('\n')));
    } catch {
      // A malformed event is skipped; the next one still refreshes the page.
    }
  }
}
