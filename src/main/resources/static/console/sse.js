// Server-Sent Events read with fetch(): EventSource cannot send an Authorization header, so the
// console opens GET /api/v1/events itself, parses the text/event-stream body as the HTML standard
// describes (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation)
// and reconnects on its own, sending the last event id in a Last-Event-ID header so that the service
// replays what was missed.

/** Parses a text/event-stream body fed to it in arbitrary chunks of text. */
export class SseParser {

  /**
   * @param {(event: {type: string, data: string, id: string}) => void} onEvent a dispatched event
   * @param {(comment: string) => void} [onComment] a comment line (": stream open", ": keep-alive")
   * @param {(id: string) => void} [onPosition] the last event ID after a message without data
   */
  constructor(onEvent, onComment = () => {}, onPosition = () => {}) {
    this.onEvent = onEvent;
    this.onComment = onComment;
    this.onPosition = onPosition;
    this.pending = '';     // an incomplete line
    this.skipLf = false;   // the last chunk ended with CR: a LF starting the next one belongs to it
    this.data = [];
    this.type = '';
    this.lastEventId = ''; // persists across events, as the standard's "last event ID buffer"
    this.retry = null;     // milliseconds the server asked to wait before reconnecting
  }

  /** Feeds the next chunk of decoded text. */
  push(chunk) {
    let text = this.pending + chunk;
    let start = 0;
    if (this.skipLf && text.startsWith('\n')) {
      start = 1;
    }
    this.skipLf = false;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (c === '\n' || c === '\r') {
        this.line(text.slice(start, i));
        if (c === '\r') {
          if (i + 1 === text.length) {
            this.skipLf = true;
          } else if (text[i + 1] === '\n') {
            i++;
          }
        }
        start = i + 1;
      }
    }
    this.pending = text.slice(start);
  }

  line(line) {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) {
      this.onComment(line.slice(1).replace(/^ /, ''));
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    switch (field) {
      case 'event':
        this.type = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\u0000')) {
          this.lastEventId = value;
        }
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) {
          this.retry = Number(value);
        }
        break;
      default:
        // unknown fields are ignored
    }
  }

  dispatch() {
    if (this.data.length === 0) {
      // no event, but the last event ID stands (the stream's opening message says where it starts)
      this.type = '';
      this.onPosition(this.lastEventId);
      return;
    }
    const event = { type: this.type || 'message', data: this.data.join('\n'), id: this.lastEventId };
    this.data = [];
    this.type = '';
    this.onEvent(event);
  }

}

/** An error answer of the stream's request; 401 and 403 end the stream instead of retrying. */
export class StreamRefused extends Error {
  constructor(status, problem) {
    super(problem && problem.detail ? problem.detail : `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/**
 * Follows an event stream: connects, parses, and reconnects after an end or an error with a growing
 * delay (1 s, doubling up to 15 s, reset by a successful connection), resuming after the last event
 * it saw. A stream silent for longer than three keep-alive intervals is taken for dead.
 */
export class EventStream {

  /**
   * @param {object} options
   * @param {string} options.url the stream's URL
   * @param {() => string} options.token the bearer credential to send
   * @param {(event: {type: string, data: string, id: string}) => void} options.onEvent
   * @param {(state: object) => void} options.onState connection changes: {state, reconnects, lastEventId, error}
   * @param {() => void} options.onOpen the service opened the stream (": stream open")
   * @param {number} [options.silenceMs] how long without a byte means the connection is dead
   */
  constructor({ url, token, onEvent, onState, onOpen, silenceMs = 50000 }) {
    Object.assign(this, { url, token, onEvent, onState, onOpen, silenceMs });
    this.lastEventId = null;
    this.reconnects = 0;
    this.base = 1000;   // the reconnection time: 1 s unless the service sends "retry:"
    this.delay = this.base;
    this.stopped = true;
    this.controller = null;
    this.timer = null;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.controller) {
      this.controller.abort();
    }
  }

  state(state, error) {
    this.onState({ state, reconnects: this.reconnects, lastEventId: this.lastEventId, delay: this.delay, error });
  }

  async connect() {
    const controller = new AbortController();
    this.controller = controller;
    let watchdog = null;
    const alive = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => controller.abort(), this.silenceMs);
    };
    const headers = { Accept: 'text/event-stream', Authorization: `Bearer ${this.token()}` };
    if (this.lastEventId !== null) {
      headers['Last-Event-ID'] = this.lastEventId;
    }
    this.state(this.reconnects === 0 && this.lastEventId === null ? 'connecting' : 'reconnecting');
    try {
      alive();
      const response = await fetch(this.url, {
        headers, signal: controller.signal, cache: 'no-store', credentials: 'omit',
      });
      if (!response.ok) {
        let problem = null;
        try {
          problem = await response.json();
        } catch (ignored) {
          // not a problem detail
        }
        throw new StreamRefused(response.status, problem);
      }
      const parser = new SseParser(event => {
        if (event.id !== '') {
          this.lastEventId = event.id;
        }
        this.onEvent(event);
      }, comment => {
        if (comment === 'stream open') {
          this.delay = this.base;
          this.state('live');
          this.onOpen();
        }
      }, id => {
        // where a stream opened without a Last-Event-ID starts: a reconnect resumes from there
        if (id !== '') {
          this.lastEventId = id;
          this.state('live');
        }
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        alive();
        parser.push(value);
        if (parser.retry !== null) {
          this.base = parser.retry;
        }
      }
      this.state('ended');
    } catch (error) {
      if (error instanceof StreamRefused && (error.status === 401 || error.status === 403)) {
        this.stopped = true;
        this.state('refused', error);
        return;
      }
      if (!this.stopped) {
        this.state('interrupted', error);
      }
    } finally {
      clearTimeout(watchdog);
    }
    if (!this.stopped) {
      this.reconnects++;
      const wait = this.delay;
      this.delay = Math.min(this.delay * 2, 15000);
      this.timer = setTimeout(() => this.connect(), wait);
    }
  }

}
