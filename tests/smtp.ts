// A real SMTP server for tests (house rule 13: mock only what crosses the network — and here
// not even that). It listens on 127.0.0.1 on a free port, parses every accepted message with
// mailparser, and can refuse messages on purpose to exercise the outbox's retries.
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtpOptions {
  /** Refuse the first n messages at DATA with a temporary 451. */
  failFirst?: number;
  /** Refuse every message at DATA with a temporary 451. */
  failAll?: boolean;
  /** Refuse every recipient with a permanent 550. */
  rejectRecipients?: boolean;
}

export interface TestSmtp {
  url: string;
  messages: ParsedMail[];
  /** Messages refused so far (DATA or RCPT). */
  refused: number;
  /** Resolves when at least n messages have been accepted. */
  waitFor(n: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

const smtpError = (message: string, responseCode: number) => Object.assign(new Error(message), { responseCode });

export async function startTestSmtp(options: TestSmtpOptions = {}): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  const waiters: (() => void)[] = [];
  const state = { refused: 0, seen: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipients) {
        state.refused++;
        return callback(smtpError(`5.1.1 <${address.address}>: mailbox unavailable`, 550));
      }
      callback();
    },
    onData(stream, _session, callback) {
      const n = ++state.seen;
      if (options.failAll || n <= (options.failFirst ?? 0)) {
        stream.resume();
        stream.on('end', () => { state.refused++; callback(smtpError('4.3.0 try again later', 451)); });
        return;
      }
      simpleParser(stream).then((mail) => {
        messages.push(mail);
        waiters.splice(0).forEach((w) => w());
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get refused() { return state.refused; },
    async waitFor(n, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${n} message(s), got ${messages.length}`);
        await new Promise<void>((resolve) => { waiters.push(resolve); setTimeout(resolve, Math.min(left, 100)); });
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
