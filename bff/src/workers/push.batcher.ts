// Gathers the push messages of the jobs a worker has in hand into Expo requests of up to 100 messages
// (Expo's limit per request), so a thousand pushes cost ten requests rather than a thousand. A request
// goes out when 100 messages are waiting or `waitMs` after the first of them, whichever comes first.
import type { Expo, ExpoPushMessage, ExpoPushTicket } from 'expo-server-sdk';

/** Expo accepts at most this many messages in one send request. */
export const EXPO_MESSAGES_PER_REQUEST = 100;

/** A message Expo accepted, with the ticket id its receipt is read by later. */
export interface SentPush {
  ticketId: string;
  token: string;
}

export interface PushBatcherOptions {
  /** How long the first waiting message may wait for others to share its request. */
  waitMs: number;
  /** Told after each request which messages Expo accepted (their receipts are read later); must not throw. */
  onSent?: ((sent: SentPush[]) => void) | undefined;
}

interface Waiting {
  message: ExpoPushMessage & { to: string };
  resolve(ticket: ExpoPushTicket): void;
  reject(err: unknown): void;
}

export class PushBatcher {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly expo: Expo,
    private readonly options: PushBatcherOptions,
  ) {}

  /**
   * Sends one message (one device) in the next request and resolves with its ticket; rejects with
   * the request's error when the whole request failed (the caller decides whether to retry).
   */
  send(message: ExpoPushMessage & { to: string }): Promise<ExpoPushTicket> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ message, resolve, reject });
      if (this.waiting.length >= EXPO_MESSAGES_PER_REQUEST) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.waitMs);
    });
  }

  /** Sends what is waiting now and resolves when every request made so far has answered. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.all([...this.inFlight]);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, EXPO_MESSAGES_PER_REQUEST);
      const request = this.request(batch).finally(() => this.inFlight.delete(request));
      this.inFlight.add(request);
    }
  }

  private async request(batch: Waiting[]): Promise<void> {
    let tickets: ExpoPushTicket[];
    try {
      tickets = await this.expo.sendPushNotificationsAsync(batch.map((w) => w.message));
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    const sent: SentPush[] = [];
    batch.forEach((w, i) => {
      const ticket = tickets[i]!;
      if (ticket.status === 'ok') sent.push({ ticketId: ticket.id, token: w.message.to });
      w.resolve(ticket);
    });
    if (sent.length > 0) this.options.onSent?.(sent);
  }
}
