// argon2id at OWASP's minimum (m=19 MiB, t=2, p=1) with a bound on concurrent hashes: a burst of
// logins queues instead of exhausting memory and CPU, and a queue past its limit answers
// RESOURCE_EXHAUSTED at once.
import argon2 from 'argon2';
import { AppError } from '@family/errors';

const PARAMS = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

export class PasswordHasher {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly maxConcurrency: number,
    private readonly maxQueue: number,
  ) {}

  hash(password: string): Promise<string> {
    return this.bounded(() => argon2.hash(password, PARAMS));
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.bounded(() => argon2.verify(hash, password));
  }

  /** Spends the same work as a real check, so an unknown login takes as long as a wrong password. */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= argon2.hash('not-a-real-password', PARAMS);
    await this.verify(await this.dummyHash, password);
    return false;
  }

  private async bounded<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxConcurrency) {
      if (this.waiting.length >= this.maxQueue) {
        throw AppError.tooMany('BUSY', 'Too many sign-ins at once, try again shortly', 1);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
